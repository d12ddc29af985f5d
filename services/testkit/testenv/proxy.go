package testenv

import (
	"bytes"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy is a TCP proxy on 127.0.0.1 in front of a server, for tests that
// lose a connection at a chosen moment: Cut arms it to drop the client's
// connection when the client sends a chunk holding a marker (a SQL
// function's name, say) — after passing the chunk on to the server, or
// instead of passing it on.
type Proxy struct {
	ln     net.Listener
	target string

	mu  sync.Mutex
	cut *cut
}

type cut struct {
	marker  []byte
	forward bool
	done    chan struct{}
}

// NewProxy starts a proxy to target (host:port); it stops at tb.Cleanup.
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("testenv.NewProxy: %v", err)
	}
	p := &Proxy{ln: ln, target: target}
	var conns sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Go(func() { p.serve(c) })
		}
	}()
	tb.Cleanup(func() {
		ln.Close()
		conns.Wait()
	})
	return p
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Via is url (a postgres:// URL) changed to connect through the proxy.
func (p *Proxy) Via(tb testing.TB, rawURL string) string {
	tb.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		tb.Fatalf("testenv.Proxy.Via: %v", err)
	}
	u.Host = p.Addr()
	return u.String()
}

// Cut arms the proxy: the next chunk a client sends that holds marker is
// passed on to the server and the server's answer swallowed (forward), or
// dropped (!forward); that client's connection is then closed. With
// forward, the server has done what it was sent (for a statement outside
// a transaction: committed it) before the client loses its connection.
// The returned channel is closed once the cut happened.
func (p *Proxy) Cut(marker string, forward bool) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = &cut{marker: []byte(marker), forward: forward, done: make(chan struct{})}
	return p.cut.done
}

// take returns the armed cut if chunk holds its marker, disarming it.
func (p *Proxy) take(chunk []byte) *cut {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut == nil || !bytes.Contains(chunk, p.cut.marker) {
		return nil
	}
	c := p.cut
	p.cut = nil
	return c
}

// serve relays one client connection. When a cut takes a chunk, the
// client→server side stops there; the server→client side swallows the
// server's answer (with forward) before closing the client.
func (p *Proxy) serve(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	defer server.Close()
	taken := make(chan *cut, 1)
	answered := make(chan struct{})
	go func() { // server → client
		defer close(answered)
		buf := make([]byte, 64<<10)
		var c *cut
		for {
			n, err := server.Read(buf)
			select {
			case c = <-taken:
			default:
			}
			if c != nil { // the answer to the cut chunk: swallowed
				client.Close()
				close(c.done)
				return
			}
			if n > 0 {
				if _, werr := client.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				client.Close()
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			if c := p.take(buf[:n]); c != nil {
				if c.forward {
					taken <- c
					_, _ = server.Write(buf[:n])
					<-answered
				} else {
					client.Close()
					close(c.done)
				}
				return
			}
			if _, werr := server.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

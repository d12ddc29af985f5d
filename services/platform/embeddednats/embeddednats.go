// Package embeddednats runs a NATS server with JetStream inside the ledger's
// process, for the demo and for development when no NATS_URL is given.
//
// A store directory belongs to one server: the first process to Start on
// it runs the server (and holds a lock on the directory while it runs);
// another process that Starts on it meanwhile attaches to that server —
// it gets its URL and runs none of its own — rather than opening the same
// JetStream files twice.
package embeddednats

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Config describes the embedded server.
type Config struct {
	// StoreDir holds JetStream's files; reusing it keeps the stream.
	StoreDir string
	// Host and Port to listen on (default 127.0.0.1 and a random port).
	Host string
	Port int
}

// Server is a running embedded server, or one another process runs on the
// same store directory.
type Server struct {
	ns   *server.Server // nil when attached
	url  string
	lock *os.File
}

// lockName and urlName are files in the store directory: the lock the
// running server's process holds, and the URL it serves on.
const (
	lockName = ".aidledger.lock"
	urlName  = ".aidledger.url"
)

// Start starts the server and waits until it accepts connections, or
// attaches to the one another process runs on cfg.StoreDir. JetStream
// writes are synced to disk before they are acknowledged (sync_interval
// always): a single node must not acknowledge what it could lose.
func Start(cfg Config) (*Server, error) {
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.Port == 0 {
		cfg.Port = server.RANDOM_PORT
	}
	if err := os.MkdirAll(cfg.StoreDir, 0o755); err != nil {
		return nil, fmt.Errorf("embedded NATS: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(cfg.StoreDir, lockName), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("embedded NATS: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); errors.Is(err, syscall.EWOULDBLOCK) {
		lock.Close()
		return attach(cfg.StoreDir)
	} else if err != nil {
		lock.Close()
		return nil, fmt.Errorf("embedded NATS: locking %s: %w", cfg.StoreDir, err)
	}
	ns, err := server.NewServer(&server.Options{
		ServerName: "aidledger-embedded", Host: cfg.Host, Port: cfg.Port,
		JetStream: true, StoreDir: cfg.StoreDir, SyncAlways: true,
		NoSigs: true, NoLog: true,
	})
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("embedded NATS: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		lock.Close()
		return nil, fmt.Errorf("embedded NATS did not become ready within 10 s (store %s)", cfg.StoreDir)
	}
	s := &Server{ns: ns, url: ns.ClientURL(), lock: lock}
	if err := os.WriteFile(filepath.Join(cfg.StoreDir, urlName), []byte(s.url+"\n"), 0o600); err != nil {
		s.Shutdown()
		return nil, fmt.Errorf("embedded NATS: %w", err)
	}
	return s, nil
}

// attach returns the server another process runs on storeDir.
func attach(storeDir string) (*Server, error) {
	b, err := os.ReadFile(filepath.Join(storeDir, urlName))
	url := strings.TrimSpace(string(b))
	if err != nil || url == "" {
		return nil, fmt.Errorf("embedded NATS: another process runs a server on %s, but its URL cannot be read: %w", storeDir, err)
	}
	return &Server{url: url}, nil
}

// ClientURL is the URL to connect to.
func (s *Server) ClientURL() string { return s.url }

// Attached reports whether another process runs the server.
func (s *Server) Attached() bool { return s.ns == nil }

// Shutdown stops the server this process runs and waits until it is down
// (nothing, when attached).
func (s *Server) Shutdown() {
	if s.ns != nil {
		s.ns.Shutdown()
		s.ns.WaitForShutdown()
	}
	if s.lock != nil {
		s.lock.Close()
	}
}

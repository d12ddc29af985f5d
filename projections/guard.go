package projections

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// guardedConsumer is the durable consumer as the Watermill subscriber sees
// it: its Consume callbacks go through a gate that can be shut and waited
// on.
//
// watermill-nats v2.2.0 closes a subscription's output channel as soon as
// the subscription's context ends (or the subscriber closes), while a NATS
// callback may be sending a message to it: the send panics ("send on
// closed channel") in a NATS goroutine, killing the process, and the race
// detector reports the race. So the pipeline shuts down in this order:
// shut the gate (no new callback reaches Watermill), let the callbacks in
// flight finish (receiving and nacking what they hand over), wait for
// them, and only then end the subscription's context. The recover below is
// a second line of defence.
type guardedConsumer struct {
	jetstream.Consumer
	log *slog.Logger

	mu       sync.Mutex
	shut     bool
	inFlight sync.WaitGroup
}

// Consume implements jetstream.Consumer.
func (g *guardedConsumer) Consume(handler jetstream.MessageHandler, opts ...jetstream.PullConsumeOpt) (jetstream.ConsumeContext, error) {
	return g.Consumer.Consume(func(msg jetstream.Msg) {
		if !g.enter() {
			return // shutting down: left unacknowledged, it comes back
		}
		defer g.inFlight.Done()
		defer func() {
			if v := recover(); v != nil {
				g.log.Error("watermill: panic in a delivery; it will be redelivered", "panic", fmt.Sprint(v))
			}
		}()
		handler(msg)
	}, opts...)
}

// enter admits a callback unless the gate is shut.
func (g *guardedConsumer) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shut {
		return false
	}
	g.inFlight.Add(1)
	return true
}

// shutAndWait shuts the gate and waits, at most timeout, for the callbacks
// in flight; it reports whether they all finished.
func (g *guardedConsumer) shutAndWait(timeout time.Duration) bool {
	g.mu.Lock()
	g.shut = true
	g.mu.Unlock()
	done := make(chan struct{})
	go func() {
		g.inFlight.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidledger/aidledger/events/relay"
)

// divergedRetry is how often a relay stopped by a diverged stream tries
// again (the stream may have been rebuilt meanwhile).
const divergedRetry = 5 * time.Second

// streamWatch keeps a diverged stream from stopping the ledger: the relay
// refuses to build on a stream that holds a message the ledger did not
// publish (relay.ErrDiverged), but recording goes on in Postgres, the
// read models stay as they are (the projectors refuse such a message),
// and readiness, a metric and the log say what is wrong until the stream
// is rebuilt from the book of record (aidledger stream rebuild).
type streamWatch struct {
	diverged atomic.Pointer[error]
	gauge    prometheus.Gauge
}

func newStreamWatch(reg prometheus.Registerer) *streamWatch {
	w := &streamWatch{gauge: prometheus.NewGauge(prometheus.GaugeOpts{Name: "aidledger_stream_diverged",
		Help: "1 while the ledger stream holds a message the ledger did not publish and the relay refuses to build on it (aidledger stream rebuild)"})}
	reg.MustRegister(w.gauge)
	return w
}

// set records the divergence (nil: none).
func (w *streamWatch) set(err error) {
	if err == nil {
		w.diverged.Store(nil)
		w.gauge.Set(0)
		return
	}
	w.diverged.Store(&err)
	w.gauge.Set(1)
}

// err is the divergence the relay stopped on, if any, said for the
// readiness check named "relay" (without the relay package's prefix).
func (w *streamWatch) err() error {
	if p := w.diverged.Load(); p != nil {
		return fmt.Errorf("%s — recording goes on, publishing does not: rebuild the stream with `aidledger stream rebuild`",
			strings.TrimPrefix((*p).Error(), "relay: "))
	}
	return nil
}

// runRelay runs the relay until ctx ends. When it stops on a diverged
// stream, it says so and tries again every divergedRetry; once a run has
// lasted a few seconds the divergence is over.
func (s *stack) runRelay(ctx context.Context) error {
	for {
		done := make(chan error, 1)
		go func() { done <- s.relay.Run(ctx) }()
		var err error
		select {
		case err = <-done:
		case <-time.After(5 * time.Second):
			s.streamWatch.set(nil)
			err = <-done
		}
		if err == nil || ctx.Err() != nil || !errors.Is(err, relay.ErrDiverged) {
			return err
		}
		s.streamWatch.set(err)
		s.log.Error("the ledger stream has diverged from the ledger: events are recorded but not published until it is rebuilt "+
			"(aidledger stream rebuild); trying again", "err", err, "in", divergedRetry)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(divergedRetry):
		}
	}
}

// StreamCmd manages the ledger's JetStream stream.
type StreamCmd struct {
	Rebuild StreamRebuildCmd `cmd:"" help:"Rebuild the LEDGER stream from the book of record: delete it and let the relay publish every event again (after a message the ledger did not publish got into it)."`
}

// StreamRebuildCmd deletes the stream so that the relay republishes it.
type StreamRebuildCmd struct {
	DatabaseFlags
	NATSFlags
	Yes bool `name:"yes" help:"Do it (without --yes the command only says what it would do)."`
}

// Run deletes and recreates the stream; a relay running elsewhere (or the
// next one started) publishes every event again from position 1, and the
// projectors resume from their checkpoints as the stream refills.
func (c *StreamRebuildCmd) Run(ctx context.Context, log *slog.Logger) error {
	s, err := openStack(ctx, log, c.DatabaseFlags, c.NATSFlags)
	if err != nil {
		return err
	}
	defer s.Close()
	head, _, err := s.store.Head(ctx)
	if err != nil {
		return err
	}
	js, err := jetstream.New(s.monitor)
	if err != nil {
		return err
	}
	st, err := js.Stream(ctx, relay.DefaultStreamName)
	if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("stream %s: %w", relay.DefaultStreamName, err)
	}
	var msgs uint64
	if st != nil {
		msgs = st.CachedInfo().State.Msgs
	}
	if !c.Yes {
		fmt.Printf("would delete stream %s (%d messages) and recreate it empty; the relay then publishes the ledger's %d events again. Run with --yes.\n",
			relay.DefaultStreamName, msgs, head)
		return nil
	}
	if st != nil {
		if err := js.DeleteStream(ctx, relay.DefaultStreamName); err != nil {
			return fmt.Errorf("delete stream %s: %w", relay.DefaultStreamName, err)
		}
	}
	if _, err := relay.EnsureStream(ctx, js, relay.StreamConfig{Replicas: s.replicas}); err != nil {
		return err
	}
	fmt.Printf("stream %s recreated empty (it held %d messages); the relay publishes the ledger's %d events again from position 1\n",
		relay.DefaultStreamName, msgs, head)
	return nil
}

package projections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events"
)

const (
	// liveBatchMax bounds how many queued events a live delivery takes
	// into its transaction.
	liveBatchMax = 1000
	// catchUpBatch is the batch size (events per transaction) of catch-ups.
	catchUpBatch = 5000
	// watchInterval is how often the lag is measured and a stall looked for.
	watchInterval = time.Second
	// catchUpLag is the lag at which the watcher catches up in batches even
	// though deliveries are progressing: one transaction per delivery
	// cannot keep up with a sustained burst, a batch catch-up can (and the
	// deliveries it overtakes are then acknowledged as duplicates, without
	// a transaction).
	catchUpLag = 1000
	// stableRun is how long a pipeline must run before its restart backoff
	// starts again from the minimum.
	stableRun = time.Minute
	// prefetch is how many deliveries the client buffers ahead of the one
	// in hand.
	prefetch = 256
)

// projector keeps one projection up to date (see Run).
type projector struct {
	p   Projection
	cfg *RunnerConfig
	m   *metrics
	log *slog.Logger
	// known is a checkpoint this process saw committed: a delivery at or
	// below it is a duplicate, acknowledged without a transaction. (If an
	// asynchronous commit was lost in a Postgres crash, the read model is
	// behind known; the next apply step or the stall check fills it from
	// the stream, so acknowledging such a duplicate loses nothing.)
	known atomic.Int64
	// streamLast is the stream's last sequence as last seen: how far a
	// live delivery may batch ahead.
	streamLast atomic.Int64
	reader     streamReader
}

// crashError is a panic recovered from a pipeline: a crash at that point.
type crashError struct{ value any }

func (e crashError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// supervise runs the pipeline until ctx ends, restarting it with backoff
// after every failure.
func (pr *projector) supervise(ctx context.Context) {
	bo := backoff{min: 100 * time.Millisecond, max: 10 * time.Second}
	for {
		start, before := time.Now(), pr.known.Load()
		err := pr.runRecovered(ctx)
		if ctx.Err() != nil {
			return
		}
		// A pipeline that made progress, or ran a while, is not failing in
		// a loop: restart it promptly.
		if pr.known.Load() > before || time.Since(start) > stableRun {
			bo.reset()
		}
		wait := bo.next()
		pr.m.restarts.WithLabelValues(pr.p.Name()).Inc()
		pr.log.Error("projection pipeline stopped; restarting", "err", err, "after", wait)
		if !sleepCtx(ctx, wait) {
			return
		}
	}
}

// runRecovered is run with a panic turned into a crashError. The deferred
// shutdown of run has executed by then: the delivery in hand was not
// acknowledged (it was nacked) and its transaction, if any, rolled back.
func (pr *projector) runRecovered(ctx context.Context) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = crashError{v}
		}
	}()
	return pr.run(ctx)
}

// run is one life of the pipeline: it returns when ctx ends (nil) or on
// the first failure.
func (pr *projector) run(ctx context.Context) error {
	cfg := pr.cfg
	if err := Migrate(ctx, cfg.Pool, pr.p); err != nil {
		return err
	}
	ctl, err := connect(cfg.NATSURL, "aidledger-projector-control-"+pr.p.Name())
	if err != nil {
		return err
	}
	defer ctl.Close()
	js, err := jetstream.New(ctl)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	stream, err := js.Stream(ctx, cfg.Stream)
	if err != nil {
		return fmt.Errorf("stream %s: %w", cfg.Stream, err)
	}
	consumer, err := stream.CreateOrUpdateConsumer(ctx, durableConfig(pr.p, cfg.AckWait))
	if err != nil {
		return fmt.Errorf("durable consumer %s: %w", consumerName(pr.p), err)
	}
	reader := streamReader{js: js, stream: cfg.Stream}
	pr.reader = reader
	ap := &applier{p: pr.p, schema: Schema(pr.p), source: reader, fault: cfg.FaultHook}

	if err := pr.catchUp(ctx, ap, reader); err != nil {
		return err
	}

	// runCtx ends the pipeline: Run's ctx, a lost consumer, a crash in the
	// watcher.
	runCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	deliveries, err := consumer.Messages(jetstream.PullMaxMessages(prefetch))
	if err != nil {
		return fmt.Errorf("consume %s: %w", consumerName(pr.p), err)
	}
	var watcher sync.WaitGroup
	var inHand jetstream.Msg // the delivery being handled, if any
	defer func() {
		// Shutdown, also after a panic: stop the watcher, then nack the
		// delivery in hand and every one already buffered, so that they
		// come back at once rather than after the AckWait. (A delivery
		// settles once: a nack after its ack does nothing.)
		stop(nil)
		watcher.Wait()
		if inHand != nil {
			_ = inHand.Nak()
		}
		deliveries.Drain()
		for {
			m, err := deliveries.Next()
			if err != nil {
				break
			}
			_ = m.Nak()
		}
	}()
	watcher.Go(func() {
		defer func() {
			if v := recover(); v != nil {
				stop(crashError{v})
			}
		}()
		pr.watch(runCtx, ap, reader)
	})

	for {
		msg, err := deliveries.Next(jetstream.NextContext(runCtx))
		switch {
		case runCtx.Err() != nil:
			if msg != nil {
				_ = msg.Nak()
			}
			if ctx.Err() != nil {
				return nil
			}
			return context.Cause(runCtx)
		case err != nil:
			return fmt.Errorf("durable consumer %s: %w", consumerName(pr.p), err)
		}
		inHand = msg
		pr.handle(runCtx, ap, msg)
	}
}

// handle runs the apply step for one delivery and acknowledges it after
// the commit; a duplicate (at or below the checkpoint) is acknowledged at
// once; a delivery that cannot be applied is nacked, so it comes back with
// backoff (nakDelay). When ctx ends mid-way it returns without either (the
// shutdown nacks the delivery).
func (pr *projector) handle(ctx context.Context, ap *applier, msg jetstream.Msg) {
	pr.hook("received")
	name := pr.p.Name()
	meta, err := msg.Metadata()
	if err != nil {
		pr.m.failures.WithLabelValues(name).Inc()
		pr.log.Error("a delivery has no JetStream metadata; nacking it", "err", err)
		_ = msg.NakWithDelay(nakDelay(1))
		return
	}
	rec, err := events.FromWire(int64(meta.Sequence.Stream), msg.Data(),
		msg.Headers().Get(events.HeaderPrevHash), msg.Headers().Get(events.HeaderHash))
	if err != nil {
		pr.m.failures.WithLabelValues(name).Inc()
		pr.log.Error("a delivery does not verify; nacking it", "sequence", meta.Sequence.Stream, "err", err)
		_ = msg.NakWithDelay(nakDelay(meta.NumDelivered))
		return
	}
	if rec.Position <= pr.known.Load() {
		pr.m.duplicates.WithLabelValues(name).Inc()
		_ = msg.Ack()
		return
	}
	ev, err := Decode(rec)
	if err != nil {
		pr.m.failures.WithLabelValues(name).Inc()
		pr.log.Error("a delivery cannot be decoded; nacking it", "position", rec.Position, "err", err)
		_ = msg.NakWithDelay(nakDelay(meta.NumDelivered))
		return
	}
	// Under load, take what is already queued behind this delivery into the
	// same transaction (read from the stream): one commit for many events
	// keeps the read model fresh at any rate. The deliveries of those
	// events then arrive as duplicates and are acknowledged at once.
	pending := int64(meta.NumPending)
	var upTo int64
	if last := pr.lastSeq(ctx, rec.Position+pending); last > rec.Position {
		upTo = min(last, rec.Position+liveBatchMax)
	}
	res, err := pr.applyRetrying(ctx, ap, ev, upTo)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		pr.log.Error("apply step failed; nacking for redelivery", "position", rec.Position, "err", err)
		_ = msg.NakWithDelay(nakDelay(meta.NumDelivered))
		return
	}
	pr.committed(res)
	pr.m.lag.WithLabelValues(name).Set(float64(pending))
	pr.hook("applied")
	_ = msg.Ack() // not awaited: a lost ack means a redelivery, acked as a duplicate
	pr.hook("acked")
}

// nakDelay is how long a delivery nacked after its n-th delivery waits
// before it comes back: min(100ms·2^(n-1), 10s). A ledger event is never
// given up on (the durable consumer has MaxDeliver -1).
func nakDelay(delivered uint64) time.Duration {
	const first, most = 100 * time.Millisecond, 10 * time.Second
	if delivered <= 1 {
		return first
	}
	if delivered > 8 {
		return most
	}
	return min(first<<(delivered-1), most)
}

// lastSeq is the stream's last sequence, at least atLeast: asked of the
// stream only when the last one seen has been reached (once per batch under
// load; once per event when idle, when it costs nothing that matters).
func (pr *projector) lastSeq(ctx context.Context, atLeast int64) int64 {
	last := max(pr.streamLast.Load(), atLeast)
	if last <= pr.known.Load()+1 {
		if l, err := pr.reader.lastSeq(ctx); err == nil {
			last = max(last, l)
		}
	}
	pr.streamLast.Store(last)
	return last
}

// applyRetrying runs the apply step for one event (and the stream's events
// up to upTo, if later), retrying failures with
// backoff for up to half the AckWait (a Postgres restart, a deadlock): a
// broken hash chain is not retried.
func (pr *projector) applyRetrying(ctx context.Context, ap *applier, ev Event, upTo int64) (applyResult, error) {
	bo := backoff{min: 50 * time.Millisecond, max: 2 * time.Second}
	deadline := time.Now().Add(pr.cfg.AckWait / 2)
	for {
		res, err := ap.apply(ctx, pr.cfg.Pool, []Event{ev}, upTo)
		if err == nil || ctx.Err() != nil || errors.Is(err, ErrBrokenChain) {
			return res, err
		}
		pr.m.failures.WithLabelValues(pr.p.Name()).Inc()
		wait := bo.next()
		if time.Now().Add(wait).After(deadline) {
			return res, err
		}
		pr.log.Warn("apply step failed; retrying", "position", ev.Position, "err", err, "after", wait)
		if !sleepCtx(ctx, wait) {
			return res, ctx.Err()
		}
	}
}

// catchUp applies everything between the checkpoint and the stream's last
// sequence, reading the stream directly in large batches.
func (pr *projector) catchUp(ctx context.Context, ap *applier, r streamReader) error {
	last, err := r.lastSeq(ctx)
	if err != nil {
		return err
	}
	cp, err := Position(ctx, pr.cfg.Pool, pr.p)
	if err != nil {
		return err
	}
	pr.raiseKnown(cp)
	pr.m.position.WithLabelValues(pr.p.Name()).Set(float64(cp))
	pr.m.lag.WithLabelValues(pr.p.Name()).Set(float64(max(0, last-cp)))
	if cp >= last {
		return nil
	}
	pr.log.Info("catching up from the stream", "from", cp+1, "to", last)
	start := time.Now()
	err = replay(ctx, pr.cfg.Pool, r, ap, cp+1, last, catchUpBatch, func(res applyResult) {
		pr.committed(res)
		pr.m.lag.WithLabelValues(pr.p.Name()).Set(float64(max(0, last-res.Checkpoint)))
		pr.hook("catchup.applied")
	})
	if err == nil {
		pr.log.Info("caught up from the stream", "to", last, "took", time.Since(start).Round(time.Millisecond))
	}
	return err
}

// watch measures the lag every watchInterval and catches up from the
// stream when the read model is behind it and has not moved since the
// previous check (a stalled or lost delivery), or is catchUpLag or more
// behind.
func (pr *projector) watch(ctx context.Context, ap *applier, r streamReader) {
	t := time.NewTicker(watchInterval)
	defer t.Stop()
	previous := int64(-1)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		last, err := r.lastSeq(ctx)
		if err != nil {
			pr.log.Debug("lag check: stream", "err", err)
			continue
		}
		cp, err := Position(ctx, pr.cfg.Pool, pr.p)
		if err != nil {
			pr.log.Debug("lag check: checkpoint", "err", err)
			continue
		}
		pr.m.position.WithLabelValues(pr.p.Name()).Set(float64(cp))
		pr.m.lag.WithLabelValues(pr.p.Name()).Set(float64(max(0, last-cp)))
		if cp < last && (cp == previous || last-cp >= catchUpLag) {
			pr.log.Info("read model behind the stream; catching up", "checkpoint", cp, "stream", last, "stalled", cp == previous)
			if err := pr.catchUp(ctx, ap, r); err != nil && ctx.Err() == nil {
				pr.log.Warn("catch-up failed", "err", err)
			}
		}
		previous = cp
	}
}

// committed records a committed apply step.
func (pr *projector) committed(res applyResult) {
	pr.raiseKnown(res.Checkpoint)
	pr.m.committed(pr.p.Name(), res)
}

// raiseKnown raises known to cp.
func (pr *projector) raiseKnown(cp int64) {
	for {
		k := pr.known.Load()
		if cp <= k || pr.known.CompareAndSwap(k, cp) {
			return
		}
	}
}

// hook calls the fault hook, if any.
func (pr *projector) hook(point string) {
	if pr.cfg.FaultHook != nil {
		pr.cfg.FaultHook(point)
	}
}

package projections

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// smallRange is the largest range readRange fetches message by message
// (one request each); larger ones go through an ordered consumer.
const smallRange = 32

// maxScanFailures is how many consecutive read errors scan tolerates.
const maxScanFailures = 10

// scanStall is how long scan waits for the next message it knows the
// stream holds before it gives up (the caller reads again with a fresh
// consumer): an ordered consumer can stall without an error while a NATS
// cluster changes its stream leader.
const scanStall = 15 * time.Second

// rawMsg is one stream message, not yet verified.
type rawMsg struct {
	seq  uint64
	body []byte
	hdr  nats.Header
}

// streamReader reads the ledger's records from the JetStream stream by
// sequence (= ledger position). It is how gaps are filled, catch-ups and
// rebuilds read, independently of any durable consumer.
type streamReader struct {
	js     jetstream.JetStream
	stream string
	// stall overrides scanStall (tests).
	stall time.Duration
}

// lastSeq is the stream's last sequence: the newest ledger position.
func (r streamReader) lastSeq(ctx context.Context) (int64, error) {
	s, err := r.js.Stream(ctx, r.stream)
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", r.stream, err)
	}
	return int64(s.CachedInfo().State.LastSeq), nil
}

// readRange returns the verified, decoded records at positions from..to, in
// order. A sequence missing from the stream (deleted, purged, or beyond its
// end) is an error: the read model cannot be advanced past it.
func (r streamReader) readRange(ctx context.Context, from, to int64) ([]Event, error) {
	if from > to {
		return nil, nil
	}
	out := make([]Event, 0, to-from+1)
	add := func(seq uint64, body []byte, hdr nats.Header) error {
		rec, err := fromMsg(seq, body, hdr)
		if err != nil {
			return err
		}
		ev, err := Decode(rec)
		if err != nil {
			return err
		}
		out = append(out, ev)
		return nil
	}
	if to-from+1 <= smallRange {
		s, err := r.js.Stream(ctx, r.stream)
		if err != nil {
			return nil, fmt.Errorf("stream %s: %w", r.stream, err)
		}
		for seq := from; seq <= to; seq++ {
			m, err := s.GetMsg(ctx, uint64(seq))
			if err != nil {
				return nil, fmt.Errorf("stream %s: message %d: %w", r.stream, seq, err)
			}
			if err := add(m.Sequence, m.Data, m.Header); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	err := r.scan(ctx, from, to, int(to-from+1), func(batch []rawMsg) error {
		for _, m := range batch {
			if err := add(m.seq, m.body, m.hdr); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// scan reads the messages at sequences from..to with one ordered consumer
// and hands them to fn in order, in batches of at most size. It fails if a
// sequence is missing or ctx ends; an error from fn stops it.
func (r streamReader) scan(ctx context.Context, from, to int64, size int, fn func([]rawMsg) error) error {
	if from > to {
		return nil
	}
	if from < 1 {
		return fmt.Errorf("stream %s: scan from %d: sequences start at 1", r.stream, from)
	}
	cons, err := r.js.OrderedConsumer(ctx, r.stream, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   uint64(from),
	})
	if err != nil {
		return fmt.Errorf("stream %s: ordered consumer from %d: %w", r.stream, from, err)
	}
	size = max(1, size)
	buffer := min(max(size, 1000), 10000)
	it, err := cons.Messages(jetstream.PullMaxMessages(buffer))
	if err != nil {
		return fmt.Errorf("stream %s: reading from %d: %w", r.stream, from, err)
	}
	defer it.Stop()
	// ctx ending stops the iterator, which ends a Next waiting for a
	// message (a context per Next cost more than the rest of the loop).
	defer context.AfterFunc(ctx, it.Stop)()
	stall := cmp.Or(r.stall, scanStall)

	next := uint64(from)
	failures := 0
	batch := make([]rawMsg, 0, min(size, int(to-from+1)))
	for next <= uint64(to) {
		msg, err := it.Next(jetstream.NextMaxWait(stall))
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("stream %s: reading %d: %w", r.stream, next, ctx.Err())
			}
			if errors.Is(err, nats.ErrTimeout) {
				return fmt.Errorf("stream %s: reading %d: no message for %s: %w", r.stream, next, stall, err)
			}
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return fmt.Errorf("stream %s: reading %d: %w", r.stream, next, err)
			}
			// Missed heartbeats and the like are reported here while the
			// ordered consumer recreates itself (a NATS restart): keep
			// reading, unless it never recovers.
			if failures++; failures >= maxScanFailures {
				return fmt.Errorf("stream %s: reading %d: %w", r.stream, next, err)
			}
			continue
		}
		failures = 0
		md, err := msg.Metadata()
		if err != nil {
			return fmt.Errorf("stream %s: message after %d: %w", r.stream, next-1, err)
		}
		if seq := md.Sequence.Stream; seq != next {
			return fmt.Errorf("stream %s: expected sequence %d, got %d: %w", r.stream, next, seq, errStreamGap)
		}
		batch = append(batch, rawMsg{seq: next, body: msg.Data(), hdr: msg.Headers()})
		next++
		if len(batch) == size || next > uint64(to) {
			if err := fn(batch); err != nil {
				return err
			}
			batch = make([]rawMsg, 0, min(size, int(uint64(to)-next+1)))
		}
	}
	return nil
}

// errStreamGap: the stream lacks a sequence the ledger needs (a message was
// deleted or the stream purged).
var errStreamGap = errors.New("the stream is missing a ledger position")

// verifyBatch turns raw messages into decoded events (see fromMsg, decode).
func verifyBatch(batch []rawMsg, out []Event) error {
	for i, m := range batch {
		rec, err := fromMsg(m.seq, m.body, m.hdr)
		if err != nil {
			return err
		}
		if out[i], err = Decode(rec); err != nil {
			return err
		}
	}
	return nil
}

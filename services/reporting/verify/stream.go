package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events"
)

// streamIdle is how long a read waits for the next message the stream's
// state says is there before giving up.
const streamIdle = 30 * time.Second

// streamReader reads the ledger stream.
type streamReader struct {
	nc     *nats.Conn
	js     jetstream.JetStream
	name   string
	stream jetstream.Stream
}

func openStream(ctx context.Context, url, name string) (*streamReader, error) {
	nc, err := nats.Connect(url, nats.Name("aidledger-verify"))
	if err != nil {
		return nil, errf("nats %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, errf("jetstream: %w", err)
	}
	s, err := js.Stream(ctx, name)
	if err != nil {
		nc.Close()
		return nil, errf("stream %s: %w", name, err)
	}
	return &streamReader{nc: nc, js: js, name: name, stream: s}, nil
}

func (r *streamReader) close() { r.nc.Close() }

// streamMsg is one message of the stream.
type streamMsg struct {
	seq     int64
	subject string
	body    []byte
	hdr     nats.Header
}

// state returns the stream's first and last sequence and how many
// messages it holds at sequence from or later.
func (r *streamReader) state(ctx context.Context, from int64) (first, last, count int64, err error) {
	info, err := r.stream.Info(ctx, jetstream.WithDeletedDetails(true))
	if err != nil {
		return 0, 0, 0, errf("stream %s: info: %w", r.name, err)
	}
	st := info.State
	first, last = int64(st.FirstSeq), int64(st.LastSeq)
	if st.Msgs == 0 {
		return first, last, 0, nil
	}
	// Messages before from: the range first..from-1 less the deletions in
	// it. (Deletions at the end of the stream may not be listed; they only
	// matter when from is past every message, and then the count is <= 0.)
	before := max(0, min(from-1, last)-first+1)
	for _, d := range st.Deleted {
		if int64(d) >= first && int64(d) < from {
			before--
		}
	}
	return first, last, max(0, int64(st.Msgs)-before), nil
}

// scan hands fn, in sequence order, the count messages at sequence from or
// later (see state), read with one ordered consumer.
func (r *streamReader) scan(ctx context.Context, from, count int64, fn func(streamMsg) error) error {
	if count <= 0 {
		return nil
	}
	cons, err := r.js.OrderedConsumer(ctx, r.name, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: uint64(max(from, 1)),
	})
	if err != nil {
		return errf("stream %s: ordered consumer from %d: %w", r.name, from, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(int(min(count, 10000))))
	if err != nil {
		return errf("stream %s: reading from %d: %w", r.name, from, err)
	}
	defer it.Stop()
	for n := int64(0); n < count; n++ {
		msg, err := it.Next(jetstream.NextMaxWait(streamIdle))
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return errf("stream %s: reading message %d of %d from %d: %w", r.name, n+1, count, from, err)
		}
		md, err := msg.Metadata()
		if err != nil {
			return errf("stream %s: message metadata: %w", r.name, err)
		}
		if err := fn(streamMsg{seq: int64(md.Sequence.Stream), subject: msg.Subject(), body: msg.Data(), hdr: msg.Headers()}); err != nil {
			return err
		}
		if md.NumPending == 0 {
			break
		}
	}
	return nil
}

// checkStream compares the stream with the log from cfg.From: every
// ledger position up to the stream's last sequence must be message of the
// same sequence, with the same event id, hashes, subject and canonical
// body; a message at a sequence the ledger does not have is extra.
func checkStream(ctx context.Context, cfg Config, sr *streamReader, rep *Report, pr *progress) error {
	from := cfg.From
	first, last, count, err := sr.state(ctx, from)
	if err != nil {
		return err
	}
	sum := &StreamSummary{Name: sr.name, FirstSeq: first, LastSeq: last, Lag: max(0, rep.Head.Position-max(last, from-1))}
	rep.Stream = sum
	upTo := max(last, 0) // positions from..upTo are compared
	pr.plan(upTo - from + 1)

	add := func(m StreamMismatch) {
		if len(rep.StreamMismatches) < MaxListed {
			rep.StreamMismatches = append(rep.StreamMismatches, m)
		} else {
			sum.Omitted++
		}
	}

	// The log, from a snapshot of its own, walked alongside the stream.
	tx, err := cfg.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return errf("stream: begin snapshot: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read only
	rows, err := tx.Query(ctx, `SELECT `+recordColumns+` FROM events WHERE position >= $1 AND position <= $2 ORDER BY position`, from, upTo)
	if err != nil {
		return errf("stream: read the log: %w", err)
	}
	defer rows.Close()
	var rec *events.Record // the next ledger row not yet compared, nil at the end
	nextRow := func() error {
		rec = nil
		if rows.Next() {
			r, _, err := scanRecord(rows)
			if err != nil {
				return errf("stream: read the log: %w", err)
			}
			rec = &r
		}
		return rows.Err()
	}
	if err := nextRow(); err != nil {
		return err
	}

	// compareUpTo settles every position before seq: ledger rows there have
	// no message.
	compareUpTo := func(seq int64) error {
		for rec != nil && rec.Position < seq {
			add(StreamMismatch{Position: rec.Position, Kind: StreamMissing, EventID: rec.ID,
				Reason: fmt.Sprintf("the stream has no message at sequence %d (deleted or purged)", rec.Position)})
			sum.Compared++
			if err := nextRow(); err != nil {
				return err
			}
		}
		return nil
	}
	done := int64(0)
	err = sr.scan(ctx, from, count, func(m streamMsg) error {
		if err := compareUpTo(m.seq); err != nil {
			return err
		}
		sum.Compared++
		if done++; done%progressEvery == 0 {
			pr.add(progressEvery)
		}
		if rec == nil || rec.Position != m.seq {
			add(StreamMismatch{Position: m.seq, Kind: StreamExtra,
				Reason: fmt.Sprintf("message %d (Nats-Msg-Id %q) has no ledger event at position %d", m.seq, m.hdr.Get(jetstream.MsgIDHeader), m.seq)})
			return nil
		}
		if reasons := compareMsg(rec, m); len(reasons) > 0 {
			add(StreamMismatch{Position: m.seq, Kind: StreamDiffers, EventID: rec.ID, Reason: joinReasons(reasons)})
		}
		return nextRow()
	})
	if err != nil {
		return err
	}
	if err := compareUpTo(upTo + 1); err != nil {
		return err
	}
	pr.add(max(0, upTo-from+1) - done)
	return nil
}

// compareMsg lists how message m differs from the ledger's record rec.
func compareMsg(rec *events.Record, m streamMsg) []string {
	var out []string
	if id := m.hdr.Get(jetstream.MsgIDHeader); id != rec.ID {
		out = append(out, fmt.Sprintf("Nats-Msg-Id is %q, the ledger's event is %s", id, rec.ID))
	}
	if h := m.hdr.Get(events.HeaderHash); h != rec.Hash.String() {
		out = append(out, fmt.Sprintf("%s is %q, the ledger's hash is %s", events.HeaderHash, h, rec.Hash))
	}
	if h := m.hdr.Get(events.HeaderPrevHash); h != rec.PrevHash.String() {
		out = append(out, fmt.Sprintf("%s is %q, the ledger's prev_hash is %s", events.HeaderPrevHash, h, rec.PrevHash))
	}
	if string(m.body) != string(rec.Canonical()) {
		out = append(out, "the body is not the ledger event's canonical bytes")
	}
	if m.subject != rec.Subject() {
		out = append(out, fmt.Sprintf("subject is %q, want %q", m.subject, rec.Subject()))
	}
	// The message must also stand on its own (what a subscriber checks).
	if _, err := events.FromWire(m.seq, m.body, m.hdr.Get(events.HeaderPrevHash), m.hdr.Get(events.HeaderHash)); err != nil {
		out = append(out, err.Error())
	}
	return slices.Compact(out)
}

func joinReasons(rs []string) string {
	s := rs[0]
	for _, r := range rs[1:] {
		s += "; " + r
	}
	return s
}

// errMissing reports a stream without a position the ledger needs.
var errMissing = errors.New("the stream is missing a ledger position")

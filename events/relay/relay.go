// Package relay publishes the ledger's committed events to NATS JetStream,
// each exactly once and in position order, so that stream sequence N is
// ledger position N (docs/architecture.md §4, §5).
//
// Every event at position P is published with the JetStream guard
// "expected last sequence = P-1": the stream stores it only as its P-th
// message, and rejects it in any other state.
//
// The stream is therefore the relay's only checkpoint. At start, and after
// any error, the relay reads the stream's last sequence L, checks that the
// messages up to L, as many as it may have had in flight, are the ledger's
// events at those positions (else it stops: the stream and the ledger have
// diverged), and publishes from L+1. A message that another writer slipped
// in is found by that check: the relay builds at most one in-flight window
// on it before it stops (see resume). Whatever instant a
// relay dies at (before a publish, after it, after the acknowledgement), a
// restarted relay neither skips nor repeats an event: a publish that an
// earlier incarnation left in flight either lands in its place or is
// rejected by the guards. The Nats-Msg-Id de-duplication window plays no
// part in this (it is not permanent). A stream that lost acknowledged
// messages (a single server that crashed before syncing them to disk) is
// repaired the same way: they are published again, and subscribers may
// receive those sequences a second time, with the same contents.
//
// Postgres is the book of record: while NATS is unreachable, appends go on
// and the relay retries with capped exponential backoff, catching up when
// NATS returns. It wakes on the ledger's NOTIFY ledger_appended, and polls
// as a fallback. Publishes are pipelined (PublishAsync, up to
// Config.MaxInFlight awaiting acknowledgement), and the next batch is read
// from Postgres while the current one is published.
//
// The relay must be the only writer of the stream's subjects (aid.>): give
// other NATS users subscribe-only permissions on them. Two relays on one
// stream stay correct (the guards serialise them) but waste work; run one.
package relay

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// ErrDiverged means the stream does not hold what the ledger says it should (the
// message at the stream's last sequence is not the ledger's event at that
// position, the stream is ahead of the ledger, or the stream acknowledged an
// event at a sequence other than its position). The relay refuses to
// publish; an operator must find out why (wrong database or stream, a
// ledger restored from an older backup, tampering).
var ErrDiverged = errors.New("relay: the stream and the ledger have diverged")

// ErrBadRecord means an event read from the ledger cannot be published as is (its
// hash chain is broken, or its donor or partner code is not a valid NATS
// subject token). The relay stops rather than publish it.
var ErrBadRecord = errors.New("relay: ledger event cannot be published")

// ErrRunning means Run was called while another call of Run on the same Relay
// had not returned.
var ErrRunning = errors.New("relay: already running")

// errOutOfStep: the stream rejected a publish because its last message was
// not the event at position-1. The relay re-reads the stream and continues
// from there (checking it again).
var errOutOfStep = errors.New("relay: stream is not at the expected sequence")

// Relay publishes the ledger to JetStream. Create it with New; run it with
// Run. Lag and Published may be called at any time, from any goroutine.
type Relay struct {
	cfg     Config
	metrics *metrics
	running atomic.Bool
	// published is the last ledger position known to be in the stream.
	published atomic.Int64
	// head is the highest ledger head position seen.
	head atomic.Int64
	// failing is the failure the relay retries after, until it publishes
	// again or finds itself caught up (nil: none).
	failing atomic.Pointer[failure]
}

// failure is an error the relay keeps retrying after, and since when.
type failure struct {
	err   error
	since time.Time
}

// New checks cfg, applies its defaults and registers the metrics. It does
// not connect to anything.
func New(cfg Config) (*Relay, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m, err := newMetrics(cfg.Registerer, cfg.Stream.Name)
	if err != nil {
		return nil, err
	}
	return &Relay{cfg: cfg, metrics: m}, nil
}

// Published returns the last ledger position known to be in the stream:
// found there when Run (re)started, or acknowledged since. It is 0 until Run
// first reaches the stream.
func (r *Relay) Published() int64 { return r.published.Load() }

// Lag returns the ledger's head position minus Published: how many
// committed events the stream is known to lack. While the relay cannot
// reach NATS it grows with every append.
func (r *Relay) Lag(ctx context.Context) (int64, error) {
	head, _, err := r.cfg.Store.Head(ctx)
	if err != nil {
		return 0, fmt.Errorf("relay: lag: %w", err)
	}
	r.observeHead(head)
	return head - r.published.Load(), nil
}

// Run publishes the ledger until ctx is done, then returns nil. It returns
// early only with an error that retrying cannot cure: ErrDiverged,
// ErrBadRecord, ErrRunning, or an invalid NATS option. Everything else
// (NATS or Postgres unreachable, a rejected publish) is logged and retried
// with exponential backoff capped at Config.MaxBackoff. Run may be called
// again after it returns; it closes every connection it opened before
// returning, also when Config.FaultHook panics.
func (r *Relay) Run(ctx context.Context) error {
	if !r.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer r.running.Store(false)

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()

	reconnected := make(chan struct{}, 1)
	nc, err := r.connect(reconnected)
	if err != nil {
		return fmt.Errorf("relay: connecting to NATS: %w", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc,
		jetstream.WithPublishAsyncMaxPending(r.cfg.MaxInFlight+1),
		jetstream.WithPublishAsyncTimeout(r.cfg.Timeout),
		jetstream.WithDefaultTimeout(r.cfg.Timeout))
	if err != nil {
		return fmt.Errorf("relay: %w", err)
	}

	wake := make(chan struct{}, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.listen(ctx, wake)
	}()

	bo := backoff{base: min(50*time.Millisecond, r.cfg.MaxBackoff), max: r.cfg.MaxBackoff}
	for {
		progressed, err := r.session(ctx, js, wake, &bo)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, ErrDiverged) || errors.Is(err, ErrBadRecord) {
			r.cfg.Logger.Error("relay: stopped", "err", err)
			return err
		}
		if errors.Is(err, errOutOfStep) && progressed {
			r.cfg.Logger.Info("relay: stream out of step; resuming from its last sequence", "err", err)
			continue
		}
		wait := bo.next()
		r.fail(err)
		r.cfg.Logger.Warn("relay: will retry", "err", err, "in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		case <-reconnected:
			t.Stop()
		}
	}
}

// session resumes from the stream's last sequence and publishes until an
// error or until ctx is done. progressed reports whether any publish was
// acknowledged.
func (r *Relay) session(ctx context.Context, js jetstream.JetStream, wake <-chan struct{}, bo *backoff) (progressed bool, err error) {
	rctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	stream, err := EnsureStream(rctx, js, r.cfg.Stream)
	cancel()
	if err != nil {
		return false, err
	}
	sent, err := r.resume(ctx, stream) // sent: the last event handed to the stream
	if err != nil {
		return false, err
	}
	r.setPublished(sent.position)
	r.hook(FaultResumed)

	p := &pipeline{r: r, stream: r.cfg.Stream.Name, bo: bo}
	defer func() { progressed = p.progressed }() // whatever the return statements say

	// The next batch is read (and its messages built) while the current
	// one is published; at most one read is outstanding.
	readCtx, cancelRead := context.WithCancel(ctx)
	reads := make(chan batch, 1)
	reading := false
	read := func(after link) {
		reading = true
		go func() { reads <- r.read(readCtx, after) }()
	}
	defer func() {
		cancelRead()
		if reading {
			<-reads
		}
	}()

	read(sent)
	for {
		b := <-reads
		reading = false
		if n := len(b.recs); n > 0 && b.err == nil {
			read(linkOf(&b.recs[n-1]))
			r.observeHead(b.recs[n-1].Position)
		}
		for i := range b.recs {
			rec := &b.recs[i]
			r.hook(FaultBeforePublish)
			fut, err := js.PublishMsgAsync(b.msgs[i])
			if err != nil {
				return false, p.fail(ctx, fmt.Errorf("relay: publishing position %d: %w", rec.Position, err))
			}
			r.hook(FaultAfterPublish)
			p.push(rec.Position, fut)
			sent = linkOf(rec)
			if len(p.queue) >= r.cfg.MaxInFlight {
				if err := p.settle(ctx, true); err != nil {
					return false, p.fail(ctx, err)
				}
			}
		}
		if b.err != nil {
			return false, p.fail(ctx, b.err)
		}
		if err := p.settleReady(ctx); err != nil {
			return false, p.fail(ctx, err)
		}
		if len(b.recs) > 0 {
			continue
		}
		// Caught up: wait for an append.
		if err := p.drain(ctx); err != nil {
			return false, err
		}
		r.recovered()
		t := time.NewTimer(r.cfg.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return false, nil
		case <-wake:
			t.Stop()
		case <-t.C:
		}
		read(sent)
	}
}

// batch is what read returns: events, their messages, and the error that
// ended the batch early (after the events it holds), if any.
type batch struct {
	recs []events.Record
	msgs []*nats.Msg
	err  error
}

// link is what the next event must follow: the position and hash of the
// event before it.
type link struct {
	position int64
	hash     events.Hash
}

func linkOf(rec *events.Record) link { return link{position: rec.Position, hash: rec.Hash} }

// read reads up to Config.Batch events after the event prev links to, and
// builds the messages to publish them with, checking that they continue
// the hash chain from prev.
func (r *Relay) read(ctx context.Context, prev link) batch {
	recs, err := r.cfg.Store.ReadAll(ctx, prev.position, r.cfg.Batch, eventstore.Filter{})
	if err != nil {
		return batch{err: fmt.Errorf("relay: reading the ledger after position %d: %w", prev.position, err)}
	}
	msgs := make([]*nats.Msg, len(recs))
	for i := range recs {
		msg, err := publishable(&recs[i], prev)
		if err != nil {
			return batch{recs: recs[:i], msgs: msgs[:i], err: err}
		}
		msgs[i], prev = msg, linkOf(&recs[i])
	}
	return batch{recs: recs, msgs: msgs}
}

// Message returns the JetStream message that carries rec (the wire format
// of events/wire.go): subject rec.Subject(), body rec.Canonical(), headers
// Nats-Msg-Id = rec.ID, Aid-Prev-Hash and Aid-Hash in hex. The relay adds
// the expected-last-sequence guard when it publishes.
func Message(rec *events.Record) *nats.Msg { return message(rec, nil) }

// message is Message, plus the relay's guard when after is not nil: the
// expected last sequence after.position. (It is the header
// jetstream.WithExpectLastSequence sets; setting it here, off the
// publishing goroutine, lets it use the fast path.)
func message(rec *events.Record, after *link) *nats.Msg {
	h := make(nats.Header, 4)
	v := make([]string, 4) // one allocation for all the values
	v[0], v[1], v[2] = rec.ID, rec.PrevHash.String(), rec.Hash.String()
	h[jetstream.MsgIDHeader] = v[0:1:1]
	h[events.HeaderPrevHash] = v[1:2:2]
	h[events.HeaderHash] = v[2:3:3]
	if after != nil {
		v[3] = strconv.FormatInt(after.position, 10)
		h[jetstream.ExpectedLastSeqHeader] = v[3:4:4]
	}
	return &nats.Msg{Subject: rec.Subject(), Data: rec.Canonical(), Header: h}
}

// publishable checks that rec is the event after prev, that it continues
// the hash chain, and that its subject is valid, and returns the message to
// publish it with: Message(rec) with the guards of the package comment.
func publishable(rec *events.Record, prev link) (*nats.Msg, error) {
	if rec.Position != prev.position+1 {
		return nil, fmt.Errorf("%w: expected position %d, read %d", ErrBadRecord, prev.position+1, rec.Position)
	}
	if rec.PrevHash != prev.hash {
		return nil, fmt.Errorf("%w: position %d: its previous hash is not the hash of position %d", ErrBadRecord, rec.Position, rec.Position-1)
	}
	if !validToken(rec.DonorCode) || !validToken(rec.PartnerCode) || !validToken(strings.TrimPrefix(rec.Type, "aid.")) {
		return nil, fmt.Errorf("%w: position %d: subject %q: donor code, partner code and type must be non-empty, without '.', '*', '>' or spaces",
			ErrBadRecord, rec.Position, rec.Subject())
	}
	msg := message(rec, &prev)
	if events.ChainHash(rec.PrevHash, rec.Position, msg.Data) != rec.Hash {
		return nil, fmt.Errorf("%w: position %d: its hash does not match its contents", ErrBadRecord, rec.Position)
	}
	return msg, nil
}

// validToken reports whether s can be one token of a NATS subject.
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.' || c == '*' || c == '>' || c <= ' ' || c == 0x7f:
			return false
		}
	}
	return true
}

// pipeline tracks the publishes awaiting acknowledgement, oldest first.
type pipeline struct {
	r          *Relay
	stream     string
	bo         *backoff
	queue      []inflight
	progressed bool
}

type inflight struct {
	pos int64
	fut jetstream.PubAckFuture
}

func (p *pipeline) push(pos int64, fut jetstream.PubAckFuture) {
	p.queue = append(p.queue, inflight{pos: pos, fut: fut})
}

// settle accounts for the oldest publish, waiting for its outcome if block
// (else returning at once, with nothing settled, if it is unknown). An
// acknowledgement at the expected sequence advances Published; anything
// else is an error.
func (p *pipeline) settle(ctx context.Context, block bool) error {
	f := p.queue[0]
	var ack *jetstream.PubAck
	var err error
	if block {
		select {
		case ack = <-f.fut.Ok():
		case err = <-f.fut.Err():
		case <-ctx.Done():
			return ctx.Err()
		}
	} else {
		select {
		case ack = <-f.fut.Ok():
		case err = <-f.fut.Err():
		default:
			return errNotReady
		}
	}
	p.queue[0] = inflight{}
	p.queue = p.queue[1:]
	if err != nil {
		var apiErr *jetstream.APIError
		if errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
			apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant) {
			return fmt.Errorf("%w: position %d: %w", errOutOfStep, f.pos, err)
		}
		return fmt.Errorf("relay: publishing position %d: %w", f.pos, err)
	}
	if ack.Sequence != uint64(f.pos) || ack.Stream != p.stream {
		return fmt.Errorf("%w: position %d was acknowledged as stream %s sequence %d (duplicate: %t)",
			ErrDiverged, f.pos, ack.Stream, ack.Sequence, ack.Duplicate)
	}
	// A duplicate at its own sequence was already there (on a cluster,
	// JetStream checks Nats-Msg-Id before the expected-sequence guards).
	p.r.hook(FaultAfterAck)
	p.r.setPublished(f.pos)
	if !ack.Duplicate {
		p.r.metrics.published.Inc()
	}
	p.progressed = true
	p.bo.reset()
	p.r.recovered()
	return nil
}

var errNotReady = errors.New("not ready")

// settleReady settles the publishes whose outcome is already known.
func (p *pipeline) settleReady(ctx context.Context) error {
	for len(p.queue) > 0 {
		err := p.settle(ctx, false)
		if errors.Is(err, errNotReady) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// drain waits for every outstanding publish and returns the first error.
func (p *pipeline) drain(ctx context.Context) error {
	var first error
	for len(p.queue) > 0 {
		err := p.settle(ctx, true)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// fail drains the pipeline after err, so that the stream's last sequence
// is final when the relay re-reads it, and returns err (or, when a drained
// publish revealed divergence, that).
func (p *pipeline) fail(ctx context.Context, err error) error {
	if derr := p.drain(ctx); errors.Is(derr, ErrDiverged) {
		return derr
	}
	return err
}

// hook calls the fault hook, if any.
func (r *Relay) hook(point string) {
	if r.cfg.FaultHook != nil {
		r.cfg.FaultHook(point)
	}
}

// setPublished records that the stream holds every position up to pos.
func (r *Relay) setPublished(pos int64) {
	r.published.Store(pos)
	r.observeHead(pos)
	r.metrics.lastPublished.Set(float64(pos))
	r.metrics.lag.Set(float64(r.head.Load() - pos))
}

// Failing returns, while the relay cannot publish (NATS unreachable, its
// store full — "insufficient resources" —, a publish refused), the error
// it keeps retrying after and since when; nil once it publishes again or
// finds nothing left to publish. Readiness checks report it.
func (r *Relay) Failing() error {
	f := r.failing.Load()
	if f == nil {
		return nil
	}
	return fmt.Errorf("publishing fails since %s: %w", f.since.UTC().Format(time.RFC3339), f.err)
}

// fail records err as the failure the relay retries after (keeping the
// time of the first of a run of failures).
func (r *Relay) fail(err error) {
	since := time.Now()
	if f := r.failing.Load(); f != nil {
		since = f.since
	}
	r.failing.Store(&failure{err: err, since: since})
}

// recovered clears the failure: the relay published, or has nothing to.
func (r *Relay) recovered() {
	if r.failing.Load() != nil {
		r.failing.Store(nil)
	}
}

// observeHead records that the ledger's head is at least pos.
func (r *Relay) observeHead(pos int64) {
	for {
		h := r.head.Load()
		if pos <= h {
			break
		}
		if r.head.CompareAndSwap(h, pos) {
			break
		}
	}
	r.metrics.lag.Set(float64(r.head.Load() - r.published.Load()))
}

// connect opens the relay's NATS connection: it retries the first connect
// and reconnects forever, and fails publishes at once while disconnected
// (no reconnect buffer), so that nothing stale is sent after a reconnect.
func (r *Relay) connect(reconnected chan<- struct{}) (*nats.Conn, error) {
	log := r.cfg.Logger
	opts := []nats.Option{
		nats.Name("aidledger-relay"),
		nats.MaxReconnects(-1),
		nats.RetryOnFailedConnect(true),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.ReconnectBufSize(-1),
		nats.PingInterval(10 * time.Second),
		nats.ConnectHandler(func(*nats.Conn) { signal(reconnected) }),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("relay: reconnected to NATS", "url", nc.ConnectedUrlRedacted())
			signal(reconnected)
		}),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("relay: disconnected from NATS", "err", err)
			}
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			log.Warn("relay: NATS error", "err", err)
		}),
	}
	return nats.Connect(r.cfg.NATSURL, append(opts, r.cfg.NATSOptions...)...)
}

// signal wakes whoever waits on ch, without blocking.
func signal(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// backoff is capped exponential backoff with jitter. The zero value of cur
// means "no failure since the last success".
type backoff struct {
	base, max, cur time.Duration
}

// next returns how long to wait after one more failure.
func (b *backoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = b.base
	} else {
		b.cur = min(2*b.cur, b.max)
	}
	half := b.cur / 2
	return half + rand.N(half+1)
}

func (b *backoff) reset() { b.cur = 0 }

package eventstore

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Group commit: every append takes the ledger head lock and holds it
// through its commit's WAL flush, so appends one by one cannot share a
// flush and concurrent writers queue behind each other's fsync. A Store's
// appends (outside InTx) therefore go through a group: while one batch is
// being written, the appends that arrive wait, and the next batch takes
// all of them (up to groupMax) into one transaction, one head lock and
// one flush.
//
// Each append is still checked on its own, exactly as Append documents —
// by the Planner, under the head lock, against the log plus the batch's
// appends before it — and answered on its own: an append that fails its
// checks gets its own typed error (ErrWrongExpectedVersion,
// *DuplicateKeyError, …) and its batch-mates are written without it. Only
// a failure of the transaction itself (the connection or the server) is
// shared, as ErrOutcomeUnknown or the error: nothing, or all of the batch,
// was committed, and a repeat with the same idempotency key is recorded
// once either way.
//
// One committer runs at a time. (Two — the next batch already waiting for
// the head lock in the server — measured slower: the batches halve and
// each still pays its own flush.) Positions follow the order appends
// joined the queue; the hash chain and gap-free, commit-ordered positions
// are the Planner's and the head lock's as for any batch. A batch of
// several is two round trips (planAndWrite); a batch of one is the single
// call of ledger_append, which measured faster alone. An append that
// finds no committer running writes its own batch in its own goroutine,
// so a lone append costs no hand-over between goroutines. After a batch
// of several, the next waits briefly for as many appends (gather), so
// that writers coming back from one batch go together in the next.

// groupMax is the most appends one transaction takes: enough to drain any
// realistic queue at once, small enough that a batch's statements stay
// quick.
const groupMax = 512

// maxCommitters is how many batches may be under way at once.
const maxCommitters = 1

// A committer waits for as many appends as the previous batch held (see
// gather) at most a gatherShare-th of that batch's time to commit, and
// never more than maxGather: a batch slowed by a failover must not hold
// back the next one. After waits that ran out in a row, up to
// 2^maxGatherMisses-1 batches go without one.
const (
	gatherShare     = 4
	maxGather       = 2 * time.Millisecond
	maxGatherMisses = 6
)

// groupTimeout bounds a batch's transaction, which no single caller's
// context may cancel (its batch-mates' appends ride on it).
const groupTimeout = time.Minute

// group is the queue of a Store's pending appends. Committers — an
// append's own caller for the batch that holds it, then a goroutine while
// more have queued — write them.
type group struct {
	store      *Store
	mu         sync.Mutex
	queue      []*pending
	committers int // committers draining the queue, at most maxCommitters

	// The previous batch, for gather: how many appends it held, when it
	// was answered and how long it took to commit.
	lastSize  int
	lastEnd   time.Time
	lastTook  time.Duration
	gatherMax time.Duration // maxGather, but for tests
	misses    int           // waits that ran out in a row, at most maxGatherMisses
	skip      int           // batches still to write before the next wait
	awaiting  int           // the queue length a gathering committer waits for; 0 when none waits
	gathered  chan struct{} // tells a gathering committer that the queue reached awaiting (capacity 1)
}

// pending is one append waiting for its batch.
type pending struct {
	req  *AppendRequest
	res  *AppendResult
	err  error
	done chan struct{}
}

// append queues req and waits for the outcome. When fewer than
// maxCommitters run, the caller becomes one: it writes the batch that
// holds req itself (a lone append thus costs no goroutine hand-over) and
// leaves what queued meanwhile to a committer goroutine. A caller whose
// ctx ends while req is still queued withdraws it (nothing written, ctx's
// error); once its batch has taken it, it waits for the batch, which is
// bounded by groupTimeout.
func (g *group) append(ctx context.Context, req *AppendRequest) (*AppendResult, error) {
	p := &pending{req: req, done: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, p)
	if g.awaiting > 0 && len(g.queue) >= g.awaiting {
		g.awaiting = 0
		g.gathered <- struct{}{} // buffered: the committer takes it
	}
	if g.committers < maxCommitters {
		g.committers++
		g.mu.Unlock()
		if g.commitNext() { // the batch took req, unless another committer did
			g.handOver()
		}
		<-p.done
		return p.res, p.err
	}
	g.mu.Unlock()
	select {
	case <-p.done:
		return p.res, p.err
	case <-ctx.Done():
		if g.withdraw(p) {
			return nil, ctx.Err()
		}
		<-p.done
		return p.res, p.err
	}
}

// withdraw removes p from the queue; false when a batch has taken it.
func (g *group) withdraw(p *pending) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, q := range g.queue {
		if q == p {
			g.queue = append(g.queue[:i], g.queue[i+1:]...)
			return true
		}
	}
	return false
}

// commitLoop writes batches until the queue is empty.
func (g *group) commitLoop() {
	for g.commitNext() {
	}
}

// handOver ends a caller's turn as committer: a committer goroutine takes
// over when appends have queued meanwhile.
func (g *group) handOver() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.queue) == 0 {
		g.committers--
		return
	}
	go g.commitLoop()
}

// commitNext writes the next batch from the queue and answers its
// appends; false, after counting this committer out, when the queue is
// empty. Should writing panic (a caller's append, or a bug), the batch's
// appends are answered ErrOutcomeUnknown and the queue handed over before
// the panic goes on: a caller that recovers it (an HTTP server does) must
// not leave the group without a committer.
func (g *group) commitNext() bool {
	g.mu.Lock()
	g.gather()
	n := min(len(g.queue), groupMax)
	if n == 0 {
		g.committers--
		g.mu.Unlock()
		return false
	}
	batch := make([]*pending, n)
	copy(batch, g.queue)
	g.queue = append(g.queue[:0], g.queue[n:]...)
	g.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			for _, p := range batch {
				p.res, p.err = nil, fmt.Errorf("append to %s: %w (panic: %v)", p.req.StreamID, ErrOutcomeUnknown, r)
				close(p.done)
			}
			g.handOver()
			panic(r)
		}
	}()
	start := time.Now()
	g.commit(batch)
	end := time.Now()
	g.mu.Lock()
	g.lastSize, g.lastEnd, g.lastTook = n, end, end.Sub(start)
	g.mu.Unlock()
	for _, p := range batch {
		close(p.done)
	}
	return true
}

// gather waits, with g.mu held (it lets go while it waits), for the
// appends the previous batch answered to come back. Writers that append
// one after another each return to the queue a moment after their batch
// commits; the first back would otherwise be written alone, and the rest
// would wait for it and go next — batches of one and of the rest in turn,
// each paying a flush. So while the previous batch held several appends
// and was answered only just now, a committer waits until as many are
// queued, at most a gatherShare-th of that batch's time to commit and
// never longer than gatherMax (then it writes what it has). A lone writer
// never waits: its batches hold one append. Appends that do not come
// back in step (independent requests arriving at random) would make
// every wait run out for nothing, so each wait that runs out doubles the
// number of batches written before the next wait (up to
// 2^maxGatherMisses-1), and a wait that is met starts over.
func (g *group) gather() {
	if g.lastSize < 2 || len(g.queue) >= g.lastSize {
		return
	}
	if g.skip > 0 {
		g.skip--
		return
	}
	wait := min(g.lastTook/gatherShare, g.gatherMax) - time.Since(g.lastEnd)
	if wait <= 0 {
		return
	}
	g.awaiting = g.lastSize
	g.mu.Unlock()
	t := time.NewTimer(wait)
	met := false
	select {
	case <-g.gathered:
		met = true
	case <-t.C:
	}
	t.Stop()
	g.mu.Lock()
	if !met && g.awaiting == 0 { // met just after the timer ran out: take the token back
		<-g.gathered
		met = true
	}
	g.awaiting = 0
	if met {
		g.misses = 0
		return
	}
	g.misses = min(g.misses+1, maxGatherMisses)
	g.skip = 1<<g.misses - 1
}

// commit writes batch and sets each append's outcome.
func (g *group) commit(batch []*pending) {
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()
	if len(batch) == 1 {
		batch[0].res, batch[0].err = appendWith(ctx, g.store.pool, batch[0].req)
		return
	}
	reqs := make([]*AppendRequest, len(batch))
	for i, p := range batch {
		reqs[i] = p.req
	}
	err := planAndWrite(ctx, g.store.pool, reqs, func(pl *Planner) error {
		for _, p := range batch {
			p.res, p.err = pl.Place(p.req)
		}
		return nil
	})
	if err == nil {
		return
	}
	for _, p := range batch {
		if p.err == nil { // its own checks passed: the batch's failure is its outcome
			p.res, p.err = nil, fmt.Errorf("append to %s: %w", p.req.StreamID, err)
		}
	}
}

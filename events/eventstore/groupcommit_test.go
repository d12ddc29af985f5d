package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// TestGroupCommitAnswersEachAppend: appends that arrive together are
// written together, yet each gets its own answer — fresh streams all
// land, one of several racing for a stream version or a voucher number
// wins and the others get their own typed error, repeats of one
// idempotency key get the first result, a reused key with another
// request is refused — and the log stays gap-free on an intact chain.
// The appends are held behind the head lock first, so they queue and go
// in batches.
func TestGroupCommitAnswersEachAppend(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.Append(ctx, req("hot", 0, visit(0))); err != nil {
		t.Fatal(err)
	}
	taken := req("taken", 0, visit(1))
	taken.NewEntities = []eventstore.Entity{{ID: "E-taken", Kind: "visit"}}
	taken.Claim = []eventstore.NaturalKey{{Scope: "voucher_no:D1", Key: "V-1", EntityID: "E-taken"}}
	if _, err := s.Append(ctx, taken); err != nil {
		t.Fatal(err)
	}

	type kind int
	const (
		fresh kind = iota
		hot
		newVoucher
		oldVoucher
		sameKey
		clash
	)
	var reqs []*eventstore.AppendRequest
	var kinds []kind
	add := func(k kind, r *eventstore.AppendRequest) { reqs, kinds = append(reqs, r), append(kinds, k) }
	for i := range 20 {
		add(fresh, req(fmt.Sprintf("fresh-%d", i), 0, visit(100+i)))
	}
	for i := range 10 {
		add(hot, req("hot", 1, visit(200+i)))
	}
	for i := range 10 {
		r := req(fmt.Sprintf("voucher-%d", i), 0, visit(300+i))
		id := fmt.Sprintf("E-v%d", i)
		r.NewEntities = []eventstore.Entity{{ID: id, Kind: "visit"}}
		r.Claim = []eventstore.NaturalKey{{Scope: "voucher_no:D1", Key: "V-2", EntityID: id}}
		add(newVoucher, r)
	}
	for i := range 5 {
		r := req(fmt.Sprintf("old-voucher-%d", i), 0, visit(400+i))
		r.Claim = []eventstore.NaturalKey{{Scope: "voucher_no:D1", Key: "V-1", EntityID: fmt.Sprintf("E-o%d", i)}}
		add(oldVoucher, r)
	}
	for range 10 {
		r := req("idem", 0, visit(500))
		r.Metadata.IdempotencyKey, r.Fingerprint = "same-key-0001", []byte("one request")
		add(sameKey, r)
	}
	for i := range 5 {
		r := req(fmt.Sprintf("clash-%d", i), 0, visit(600+i))
		r.Metadata.IdempotencyKey, r.Fingerprint = "clash-key-0001", fmt.Appendf(nil, "request %d", i)
		add(clash, r)
	}

	// Hold the head lock so that every append queues, then let go.
	tx := holdHead(t, s)
	res := make([]*eventstore.AppendResult, len(reqs))
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Go(func() { res[i], errs[i] = s.Append(ctx, r) })
	}
	time.Sleep(200 * time.Millisecond)
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	count := map[kind]int{}
	written := 2
	var idemFirst int64
	idemFresh := 0
	for i, k := range kinds {
		err := errs[i]
		var dup *eventstore.DuplicateKeyError
		switch {
		case err == nil:
			count[k]++
			if k == sameKey {
				if idemFirst != 0 && res[i].FirstPosition != idemFirst {
					t.Errorf("repeats of one key answered positions %d and %d", idemFirst, res[i].FirstPosition)
				}
				idemFirst = res[i].FirstPosition
				if !res[i].Replayed {
					idemFresh++
					written++
				}
			} else {
				written++
			}
		case k == hot && errors.Is(err, eventstore.ErrWrongExpectedVersion):
		case (k == newVoucher || k == oldVoucher) && errors.As(err, &dup):
			if k == oldVoucher && dup.EntityID != "E-taken" {
				t.Errorf("V-1 is held by %s, want E-taken", dup.EntityID)
			}
		case k == clash && errors.Is(err, eventstore.ErrIdempotencyKeyReused):
		default:
			t.Errorf("append %d (kind %d): %v", i, k, err)
		}
	}
	want := map[kind]int{fresh: 20, hot: 1, newVoucher: 1, oldVoucher: 0, sameKey: 10, clash: 1}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("kind %d: %d appends succeeded, want %d", k, count[k], n)
		}
	}
	if idemFresh != 1 {
		t.Errorf("%d repeats of one key were written as new, want 1", idemFresh)
	}
	assertGapFree(t, s, written)
	if brk, _, err := s.VerifyChain(ctx); err != nil || brk != nil {
		t.Fatalf("chain: %+v %v", brk, err)
	}
}

// TestGroupCommitWithdrawsCancelled: an append whose caller gives up
// while it is still queued is not written; the one a batch had taken is.
func TestGroupCommitWithdrawsCancelled(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	tx := holdHead(t, s)
	// The committer takes the first append and waits for the lock.
	taken := make(chan error, 1)
	go func() {
		_, err := s.Append(ctx, req("taken", 0, visit(1)))
		taken <- err
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var waiting int
		if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d appends wait for the head lock, want 1", waiting)
		}
	}
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := s.Append(cctx, req("queued", 0, visit(2))); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the queued append whose caller gave up: %v", err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-taken; err != nil {
		t.Fatal(err)
	}
	assertGapFree(t, s, 1)
	if _, v, err := s.ReadStream(ctx, "queued"); err != nil || v != 0 {
		t.Fatalf("the withdrawn append was written: version %d, %v", v, err)
	}
}

// TestGroupCommitSurvivesAPanic: an append that panics while its caller
// writes it (here a nil event) panics in that caller, and the appends
// after it are still written.
func TestGroupCommitSurvivesAPanic(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	bad := req("bad", 0, visit(0))
	bad.Events = []events.Event{nil}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("an append of a nil event did not panic")
			}
		}()
		_, _ = s.Append(ctx, bad)
	}()
	for i := range 3 {
		if _, err := s.Append(ctx, req(fmt.Sprintf("after-%d", i), 0, visit(i+1))); err != nil {
			t.Fatalf("append %d after the panic: %v", i, err)
		}
	}
	assertGapFree(t, s, 3)
}

// TestGroupCommitGathersReturningWriters: after a batch of several, the
// first append back waits for as many before it is written — the batch's
// writers coming back — and goes with them in one transaction as soon as
// they are there; when they do not come, it is written alone after the
// wait, and the next batch does not wait; after a batch of one (a lone
// writer), nothing waits.
func TestGroupCommitGathersReturningWriters(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	appendOne := func(i int) error {
		_, err := s.Append(ctx, req(fmt.Sprintf("gather-%d", i), 0, visit(i)))
		return err
	}

	eventstore.SetLastBatch(s, 3, 40*time.Second) // the next batch may wait 10 s for 3
	start := time.Now()
	first := make(chan error, 1)
	go func() { first <- appendOne(1) }()
	select {
	case err := <-first:
		t.Fatalf("the first append back was written alone (%v) instead of waiting for its batch-mates", err)
	case <-time.After(200 * time.Millisecond):
	}
	var wg sync.WaitGroup
	for i := 2; i <= 3; i++ {
		wg.Go(func() {
			if err := appendOne(i); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the batch went %v after it started, long after it was whole", took)
	}
	assertTransactions(t, s, 1)

	// timed appends one and says how long it took.
	timed := func(i int) time.Duration {
		start := time.Now()
		if err := appendOne(i); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	}
	eventstore.SetLastBatch(s, 3, 4*time.Second) // may wait 1 s
	if took := timed(4); took < 800*time.Millisecond || took > 10*time.Second {
		t.Fatalf("an append waited %v for batch-mates that did not come, want about 1s", took)
	}
	assertTransactions(t, s, 2)
	// That wait ran out: the next batch goes without one (else 10 s).
	eventstore.SetLastBatch(s, 3, 40*time.Second)
	if took := timed(5); took > 5*time.Second {
		t.Fatalf("the append after a wait that ran out waited too (%v)", took)
	}
	assertTransactions(t, s, 3)
	eventstore.SetLastBatch(s, 1, 40*time.Second)
	if took := timed(6); took > 5*time.Second {
		t.Fatalf("an append after a batch of one waited %v", took)
	}
	assertTransactions(t, s, 4)
	assertGapFree(t, s, 6)
}

// assertTransactions checks that the log's events were written by n
// transactions.
func assertTransactions(t *testing.T, s *eventstore.Store, n int) {
	t.Helper()
	var got int
	if err := s.Pool().QueryRow(context.Background(), `SELECT count(DISTINCT xmin::text) FROM events`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Fatalf("the log was written by %d transactions, want %d", got, n)
	}
}

// holdHead locks the ledger head in a transaction the caller rolls back
// (the test's cleanup does, if it has not).
func holdHead(t *testing.T, s *eventstore.Store) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	tx, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback(ctx) }) // a no-op once rolled back
	if _, err := tx.Exec(ctx, `SELECT position FROM ledger_head FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	return tx
}

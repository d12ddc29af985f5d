package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func newStore(t testing.TB) *eventstore.Store {
	t.Helper()
	pool := testenv.MigratedPool(t)
	return eventstore.New(pool)
}

func visit(i int) events.Event {
	return events.VisitConducted{VisitID: fmt.Sprintf("V%d", i), PairingIDList: []string{"P1"}, Direction: events.VisitOutbound,
		StartDate: events.DateOf(2025, 3, 1)}
}

func req(stream string, expected int64, e events.Event) *eventstore.AppendRequest {
	return &eventstore.AppendRequest{StreamID: stream, ExpectedVersion: expected, Events: []events.Event{e},
		DonorCode: "D1", PartnerCode: "632624", Metadata: events.Metadata{Actor: "test"}}
}

// assertGapFree checks that the log holds positions 1..n exactly once.
func assertGapFree(t *testing.T, s *eventstore.Store, n int) {
	t.Helper()
	recs, err := s.ReadAll(context.Background(), 0, 1_000_000, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n {
		t.Fatalf("log holds %d events, want %d", len(recs), n)
	}
	for i, r := range recs {
		if r.Position != int64(i+1) {
			t.Fatalf("event %d has position %d: gap or disorder", i, r.Position)
		}
	}
}

func TestConcurrentAppendsOneWinner(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.Append(ctx, req("s-1", 0, visit(0))); err != nil {
		t.Fatal(err)
	}
	const n = 50
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = s.Append(ctx, req("s-1", 1, visit(i+1)))
		}()
	}
	close(start)
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, eventstore.ErrWrongExpectedVersion):
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d appends won, want exactly 1", wins)
	}
	_, version, err := s.ReadStream(ctx, "s-1")
	if err != nil || version != 2 {
		t.Fatalf("stream version %d (%v), want 2", version, err)
	}
	assertGapFree(t, s, 2)
}

func TestIdempotentAppend(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	r := req("s-1", 0, visit(1))
	r.Metadata.IdempotencyKey, r.Fingerprint, r.Result = "key-0001", []byte("fp"), []byte(`{"visit_id":"V1"}`)
	first, err := s.Append(ctx, r)
	if err != nil || first.Replayed {
		t.Fatalf("first append: %+v %v", first, err)
	}
	again, err := s.Append(ctx, r)
	if err != nil || !again.Replayed || again.LastPosition != first.LastPosition || again.EventIDs[0] != first.EventIDs[0] {
		t.Fatalf("repeat: %+v %v, want the first result %+v", again, err, first)
	}
	r.Fingerprint = []byte("other")
	if _, err := s.Append(ctx, r); !errors.Is(err, eventstore.ErrIdempotencyKeyReused) {
		t.Fatalf("reused key: %v, want ErrIdempotencyKeyReused", err)
	}
	assertGapFree(t, s, 1)
}

func TestNaturalKeysAndEntities(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	r := req("s-1", 0, visit(1))
	r.NewEntities = []eventstore.Entity{{ID: "E1", Kind: "visit"}}
	r.Claim = []eventstore.NaturalKey{{Scope: "voucher_no:D1", Key: "V-001", EntityID: "E1"}}
	if _, err := s.Append(ctx, r); err != nil {
		t.Fatal(err)
	}
	r2 := req("s-2", 0, visit(2))
	r2.Claim = []eventstore.NaturalKey{{Scope: "voucher_no:D1", Key: "V-001", EntityID: "E2"}}
	var dup *eventstore.DuplicateKeyError
	if _, err := s.Append(ctx, r2); !errors.As(err, &dup) || dup.EntityID != "E1" || dup.Key != "V-001" {
		t.Fatalf("duplicate key: %v, want DuplicateKeyError held by E1", err)
	}
	r3 := req("s-3", 0, visit(3))
	r3.NewEntities = []eventstore.Entity{{ID: "E1", Kind: "visit"}}
	if _, err := s.Append(ctx, r3); !errors.Is(err, eventstore.ErrIDInUse) {
		t.Fatalf("entity reuse: %v, want ErrIDInUse", err)
	}
	// Released keys may be claimed again in the same append.
	r4 := req("s-1", 1, visit(4))
	r4.Release = []eventstore.NaturalKey{{Scope: "voucher_no:D1", Key: "V-001"}}
	r4.Claim = []eventstore.NaturalKey{{Scope: "voucher_no:D1", Key: "V-001", EntityID: "E4"}}
	if _, err := s.Append(ctx, r4); err != nil {
		t.Fatal(err)
	}
	assertGapFree(t, s, 2)
	ref, err := s.Entity(ctx, "E1")
	if err != nil || ref.StreamID != "s-1" || ref.Kind != "visit" {
		t.Fatalf("entity E1: %+v %v", ref, err)
	}
}

// A reader polling by position sees every event exactly once and in order
// while long and short transactions commit interleaved.
func TestPollingReaderNeverSkipsLateCommits(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const writers, perWriter = 6, 15
	total := writers * perWriter

	seen := make(chan []int64, 1)
	go func() {
		var got []int64
		var after int64
		for len(got) < total && ctx.Err() == nil {
			recs, err := s.ReadAll(ctx, after, 7, eventstore.Filter{})
			if err != nil {
				break
			}
			for _, r := range recs {
				got = append(got, r.Position)
				after = r.Position
			}
		}
		seen <- got
	}()

	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				stream := fmt.Sprintf("w%d-%d", w, i)
				if w%2 == 0 { // a long transaction: append, then hold the commit
					tx, err := s.Pool().Begin(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if _, err := s.InTx(tx).Append(ctx, req(stream, 0, visit(i))); err != nil {
						t.Error(err)
						return
					}
					time.Sleep(time.Duration(5+i%4*5) * time.Millisecond)
					if err := tx.Commit(ctx); err != nil {
						t.Error(err)
						return
					}
				} else if _, err := s.Append(ctx, req(stream, 0, visit(i))); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	var got []int64
	select {
	case got = <-seen:
	case <-time.After(30 * time.Second):
		t.Fatal("reader did not finish")
	}
	if len(got) != total {
		t.Fatalf("reader saw %d events, want %d", len(got), total)
	}
	for i, p := range got {
		if p != int64(i+1) {
			t.Fatalf("reader saw position %d at index %d: skipped or repeated", p, i)
		}
	}
}

func TestHashChainMatchesStoredHashes(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	for i := range 25 {
		r := req(fmt.Sprintf("s-%d", i%5), int64(i/5)*2, visit(i))
		r.Events = append(r.Events, visit(i+100)) // two events per append
		if _, err := s.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	brk, n, err := s.VerifyChain(ctx)
	if err != nil || brk != nil || n != 50 {
		t.Fatalf("verify: break %+v, %d checked, %v", brk, n, err)
	}
	// Recompute independently from the rows.
	recs, err := s.ReadAll(ctx, 0, 100, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var prev events.Hash
	for _, r := range recs {
		if got := events.ChainHash(prev, r.Position, r.Canonical()); got != r.Hash || r.PrevHash != prev {
			t.Fatalf("position %d: hash %s, stored %s", r.Position, got, r.Hash)
		}
		prev = r.Hash
	}
	// Tampering is detected (as a superuser would, bypassing the guard).
	if _, err := s.Pool().Exec(ctx, `ALTER TABLE events DISABLE TRIGGER events_append_only;
		UPDATE events SET payload = replace(payload::text, 'V7', 'V8')::json WHERE position = 15;`); err != nil {
		t.Fatal(err)
	}
	brk, _, err = s.VerifyChain(ctx)
	if err != nil || brk == nil || brk.Position != 15 {
		t.Fatalf("tampered log: break %+v (%v), want position 15", brk, err)
	}
}

func TestLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.Append(ctx, req("s-1", 0, visit(1))); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{`UPDATE events SET actor = 'x'`, `DELETE FROM events`, `TRUNCATE events`} {
		if _, err := s.Pool().Exec(ctx, sql); err == nil {
			t.Errorf("%s succeeded on the append-only log", sql)
		}
	}
	assertGapFree(t, s, 1)
}

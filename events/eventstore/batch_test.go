package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// batchScenario is a run of requests touching everything Append checks:
// new streams and a stream written twice, entity ids, natural keys (one
// released and claimed again by another entry), idempotency keys (one
// repeated within the batch, one used before the batch).
func batchScenario() []*eventstore.AppendRequest {
	at := time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)
	var out []*eventstore.AppendRequest
	add := func(stream string, expected int64, key string, e events.Event, mod func(*eventstore.AppendRequest)) {
		r := req(stream, expected, e)
		r.RecordedAt = at.Add(time.Duration(len(out)) * time.Second)
		if key != "" {
			r.Metadata.IdempotencyKey, r.Fingerprint, r.Result = key, []byte("fp-"+key), []byte(`{"n":"`+key+`"}`)
		}
		if mod != nil {
			mod(r)
		}
		out = append(out, r)
	}
	for i := range 20 {
		id := fmt.Sprintf("V%02d", i)
		add("visit-"+id, 0, fmt.Sprintf("key-%02d", i), visit(i), func(r *eventstore.AppendRequest) {
			r.NewEntities = []eventstore.Entity{{ID: id, Kind: "visit"}}
			r.Claim = []eventstore.NaturalKey{{Scope: "order_no:fair", Key: fmt.Sprintf("O-%02d", i), EntityID: id}}
		})
	}
	add("visit-V03", 1, "key-release", visit(103), func(r *eventstore.AppendRequest) {
		r.Release = []eventstore.NaturalKey{{Scope: "order_no:fair", Key: "O-03"}}
	})
	add("visit-V99", 0, "key-reclaim", visit(99), func(r *eventstore.AppendRequest) {
		r.NewEntities = []eventstore.Entity{{ID: "V99", Kind: "visit"}}
		r.Claim = []eventstore.NaturalKey{{Scope: "order_no:fair", Key: "O-03", EntityID: "V99"}}
	})
	add("visit-V05", 1, "key-05", visit(5), func(r *eventstore.AppendRequest) { // a repeat: writes nothing
		r.NewEntities = []eventstore.Entity{{ID: "V05", Kind: "visit"}}
		r.Claim = []eventstore.NaturalKey{{Scope: "order_no:fair", Key: "O-05", EntityID: "V05"}}
		r.StreamID, r.ExpectedVersion = "visit-V05", 0
	})
	add("visit-V00", 1, "", visit(200), nil)
	add("visit-pre", 1, "key-pre", visit(300), nil) // used before the batch
	return out
}

// dumpTables renders what a store holds, but for event ids and hashes
// (new ids are random).
func dumpTables(t *testing.T, s *eventstore.Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for name, sql := range map[string]string{
		"events": `SELECT position || ' ' || stream_id || ' ' || stream_version || ' ' || type || ' ' || recorded_at || ' ' || actor || ' ' ||
			idempotency_key || ' ' || payload::text FROM events ORDER BY position`,
		"streams":      `SELECT stream_id || ' ' || version FROM streams ORDER BY stream_id`,
		"entities":     `SELECT entity_id || ' ' || kind || ' ' || stream_id || ' ' || position FROM entities ORDER BY entity_id`,
		"natural_keys": `SELECT scope || ' ' || key || ' ' || entity_id FROM natural_keys ORDER BY scope, key`,
		"idempotency":  `SELECT key || ' ' || encode(fingerprint, 'hex') || ' ' || result::text || ' ' || position || ' ' || cardinality(event_ids) FROM idempotency ORDER BY key`,
		"head":         `SELECT position::text FROM ledger_head`,
	} {
		rows, err := s.Pool().Query(context.Background(), sql)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			out[name] = append(out[name], line)
		}
		rows.Close()
	}
	return out
}

// A batch leaves exactly the tables and answers that the same requests
// appended one by one leave, and a valid hash chain.
func TestAppendBatchEqualsAppends(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	one, many := newStore(t), newStore(t)
	for _, s := range []*eventstore.Store{one, many} {
		pre := req("visit-pre", 0, visit(300))
		pre.Metadata.IdempotencyKey, pre.Fingerprint, pre.Result = "key-pre", []byte("fp-key-pre"), []byte(`{"n":"key-pre"}`)
		pre.RecordedAt = time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
		if _, err := s.Append(ctx, pre); err != nil {
			t.Fatal(err)
		}
	}
	var sequential []*eventstore.AppendResult
	for _, r := range batchScenario() {
		res, err := one.Append(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		sequential = append(sequential, res)
	}
	batched, err := many.AppendBatch(ctx, batchScenario())
	if err != nil {
		t.Fatal(err)
	}
	for i := range sequential {
		a, b := *sequential[i], *batched[i]
		a.EventIDs, b.EventIDs = nil, nil
		if len(sequential[i].EventIDs) != len(batched[i].EventIDs) || !reflect.DeepEqual(a, b) {
			t.Errorf("request %d: batch answers %+v, Append %+v", i, b, a)
		}
	}
	if got, want := dumpTables(t, many), dumpTables(t, one); !reflect.DeepEqual(got, want) {
		for name := range want {
			if !reflect.DeepEqual(got[name], want[name]) {
				t.Errorf("%s differ:\n batch  %v\n append %v", name, got[name], want[name])
			}
		}
	}
	brk, n, err := many.VerifyChain(ctx)
	if err != nil || brk != nil || n != 24 {
		t.Fatalf("chain after the batch: break %+v, %d checked, %v", brk, n, err)
	}
	// Batch again: everything is a repeat or conflicts on its version.
	if _, err := many.AppendBatch(ctx, batchScenario()[:20]); err != nil {
		t.Fatalf("repeating the first 20 requests: %v", err)
	}
	assertGapFree(t, many, 24)
}

// A batch with one bad request writes nothing and names it.
func TestAppendBatchAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.Append(ctx, req("visit-x", 0, visit(1))); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		edit func([]*eventstore.AppendRequest)
		want error
		at   int
	}{
		"wrong version": {func(rs []*eventstore.AppendRequest) { rs[4].ExpectedVersion = 3 }, eventstore.ErrWrongExpectedVersion, 4},
		"stream exists": {func(rs []*eventstore.AppendRequest) { rs[6].StreamID = "visit-x" }, eventstore.ErrWrongExpectedVersion, 6},
		"id taken":      {func(rs []*eventstore.AppendRequest) { rs[7].NewEntities[0].ID = "V01" }, eventstore.ErrIDInUse, 7},
		"key reused":    {func(rs []*eventstore.AppendRequest) { rs[9].Metadata.IdempotencyKey = "key-02" }, eventstore.ErrIdempotencyKeyReused, 9},
		"order taken":   {func(rs []*eventstore.AppendRequest) { rs[11].Claim[0].Key = "O-10" }, &eventstore.DuplicateKeyError{}, 11},
		"no actor":      {func(rs []*eventstore.AppendRequest) { rs[12].Metadata.Actor = "" }, nil, 12},
	} {
		rs := batchScenario()[:20]
		c.edit(rs)
		_, err := s.AppendBatch(ctx, rs)
		var be *eventstore.BatchError
		var dup *eventstore.DuplicateKeyError
		switch {
		case !errors.As(err, &be) || be.Index != c.at:
			t.Errorf("%s: %v, want the error at request %d", name, err, c.at)
		case c.want == nil:
		case errors.As(c.want, &dup):
			if !errors.As(err, &dup) || dup.EntityID != "V10" {
				t.Errorf("%s: %v", name, err)
			}
		case !errors.Is(err, c.want):
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
		assertGapFree(t, s, 1)
	}
}

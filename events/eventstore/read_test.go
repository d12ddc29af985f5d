package eventstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// TestReadAllFilters: a filtered read returns exactly the events of the
// donor, the partner or both, in order and page by page, and is planned
// for its arguments each time (see ReadAll).
func TestReadAllFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.MigratedPool(t)
	s := eventstore.New(pool)
	const donors, partners, n = 40, 8, 960
	reqs := make([]*eventstore.AppendRequest, n)
	for i := range reqs {
		reqs[i] = req(fmt.Sprintf("s-%d", i), 0, visit(i))
		reqs[i].DonorCode, reqs[i].PartnerCode = fmt.Sprintf("D%02d", i%donors), fmt.Sprintf("P%d", i%partners)
	}
	if _, err := s.AppendBatch(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "ANALYZE events"); err != nil {
		t.Fatal(err)
	}

	for _, f := range []eventstore.Filter{{}, {DonorCode: "D07"}, {PartnerCode: "P3"}, {DonorCode: "D07", PartnerCode: "P7"},
		{DonorCode: "D07", PartnerCode: "P3"}, {DonorCode: "nobody"}} {
		var want []int64
		for i, r := range reqs {
			if (f.DonorCode == "" || r.DonorCode == f.DonorCode) && (f.PartnerCode == "" || r.PartnerCode == f.PartnerCode) {
				want = append(want, int64(i+1))
			}
		}
		var got []int64
		for after := int64(0); ; {
			recs, err := s.ReadAll(ctx, after, 7, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) == 0 {
				break
			}
			for _, r := range recs {
				if (f.DonorCode != "" && r.DonorCode != f.DonorCode) || (f.PartnerCode != "" && r.PartnerCode != f.PartnerCode) {
					t.Fatalf("%+v: read %+v", f, r)
				}
				got = append(got, r.Position)
			}
			after = recs[len(recs)-1].Position
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%+v: read positions %v, want %v", f, got, want)
		}
	}

	// The reads on one connection, more than five times each: the filtered
	// ones never run as a prepared statement (whose generic plan could walk
	// the whole log), the unfiltered one does.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read only
	cs := s.InTx(tx)
	before := testenv.PreparedRuns(t, tx, "FROM events")
	for range 8 {
		for _, f := range []eventstore.Filter{{}, {DonorCode: "D07"}, {PartnerCode: "P3"}} {
			if _, err := cs.ReadAll(ctx, 0, 5, f); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ran := testenv.PreparedRuns(t, tx, "FROM events") - before; ran != 8 {
		t.Errorf("the connection's prepared reads of the log ran %d times, want 8 (the unfiltered reads)", ran)
	}
}

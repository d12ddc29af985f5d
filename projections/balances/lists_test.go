package balances_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventtest"
	"github.com/aidledger/aidledger/projections/balances"
)

// TestListsReadThroughIndexes: each pairing's commitments (its own, and
// those of several pairings whose shares name it) and projects are the
// ones the events gave it, and both lists find them through indexes: with
// sequential scans priced out, neither scans its table, nor reads more of
// its rows than it lists (as a walk of the primary key would).
func TestListsReadThroughIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	evs := runnerEvents(eventtest.New(genConfig(5, 2, 3, 2000)).Next(2000))
	pool := newModel(t)
	if err := applyBatch(ctx, pool, evs); err != nil {
		t.Fatal(err)
	}
	wantC, wantP := map[string]map[string]bool{}, map[string]map[string]bool{}
	add := func(m map[string]map[string]bool, pairing, id string) {
		if m[pairing] == nil {
			m[pairing] = map[string]bool{}
		}
		m[pairing][id] = true
	}
	shared := 0
	for _, ev := range evs {
		switch e := ev.Data.(type) {
		case events.FundsCommitted:
			add(wantC, e.PairingID, e.CommitmentID)
			for _, s := range e.Shares {
				add(wantC, s.PairingID, e.CommitmentID)
			}
			if e.Shares != nil {
				shared++
			}
		case events.AidProjectRegistered:
			add(wantP, e.PairingID, e.ProjectID)
		}
	}
	if shared == 0 || len(wantC) < 2 || len(wantP) < 2 {
		t.Fatalf("the history has %d shared commitments, commitments of %d pairings, projects of %d", shared, len(wantC), len(wantP))
	}

	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	listed := map[string]int64{} // table → rows listed
	// check lists each pairing of want from table and compares the ids.
	check := func(table string, want map[string]map[string]bool, list func(pairing string) ([]string, error)) {
		for _, pairing := range slices.Sorted(maps.Keys(want)) {
			ids, err := list(pairing)
			if err != nil {
				t.Fatal(err)
			}
			listed[table] += int64(len(ids))
			got := map[string]bool{}
			for _, id := range ids {
				got[id] = true
			}
			if !maps.Equal(got, want[pairing]) {
				t.Errorf("%s of %s: %v, want %v", table, pairing, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want[pairing])))
			}
		}
	}
	check("commitments", wantC, func(pairing string) (ids []string, err error) {
		cs, err := balances.CommitmentList(ctx, tx, []string{pairing})
		for _, c := range cs {
			ids = append(ids, c.CommitmentID)
		}
		return ids, err
	})
	check("projects", wantP, func(pairing string) (ids []string, err error) {
		ps, err := balances.ProjectList(ctx, tx, []string{pairing})
		for _, p := range ps {
			ids = append(ids, p.ProjectID)
		}
		return ids, err
	})
	rows, err := tx.Query(ctx, `SELECT relname, seq_scan, idx_tup_fetch FROM pg_stat_xact_user_tables
		WHERE schemaname = 'proj_balances' AND relname IN ('commitments', 'projects') ORDER BY relname`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table string
		var seq, fetched int64
		if err := rows.Scan(&table, &seq, &fetched); err != nil {
			t.Fatal(err)
		}
		if seq != 0 || fetched != listed[table] {
			t.Errorf("%s: %d sequential scans, %d rows fetched through indexes for %d listed", table, seq, fetched, listed[table])
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

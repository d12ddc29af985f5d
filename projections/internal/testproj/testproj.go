// Package testproj is a small, deterministic projection for the tests of
// package projections: event counts per type and per donor, with sums of
// positions (and of amounts, where an event has one) that change if any
// event is applied twice or missed. It aggregates each batch in memory and
// writes one upsert per table, so it is cheap enough to measure the
// machinery around it.
package testproj

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Counts is the projection. The zero value is not usable: use New.
type Counts struct {
	name string
	// Fail, if set, is called for every event Apply receives; an error
	// fails the whole Apply (tests of retries and nacks).
	Fail func(position int64) error
	// Delay, if set, makes Apply sleep that long first (tests of slow
	// handlers and AckWait).
	Delay func(batch []projections.Event) time.Duration
}

// New returns the projection with the given name (its schema is
// "proj_<name>").
func New(name string) *Counts { return &Counts{name: name} }

// Name implements projections.Projection.
func (c *Counts) Name() string { return c.name }

// Migrations implements projections.Projection.
func (c *Counts) Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err)
	}
	return sub
}

// Tables implements projections.Projection.
func (c *Counts) Tables() []projections.Table {
	return []projections.Table{
		{Name: "type_counts", OrderBy: "event_type"},
		{Name: "donor_counts", OrderBy: "donor_code"},
	}
}

// Row is one aggregate of Expected.
type Row struct {
	Events, Amount, PositionSum, LastPosition int64
}

// Amount is the amount an event carries, if any (the test data uses
// donations and disbursements).
func Amount(e events.Event) int64 {
	switch e := e.(type) {
	case events.DonationReceived:
		return e.AmountFen
	case events.FundsDisbursed:
		return e.AmountFen
	}
	return 0
}

// Aggregate folds events into per-type and per-donor rows: what Apply adds
// to the tables (and the tests' oracle).
func Aggregate(batch []projections.Event, byType, byDonor map[string]*Row) {
	for _, ev := range batch {
		t := byType[ev.Type]
		if t == nil {
			t = &Row{}
			byType[ev.Type] = t
		}
		t.Events++
		t.PositionSum += ev.Position
		t.LastPosition = ev.Position
		d := byDonor[ev.DonorCode]
		if d == nil {
			d = &Row{}
			byDonor[ev.DonorCode] = d
		}
		d.Events++
		d.Amount += Amount(ev.Data)
		d.PositionSum += ev.Position
	}
}

// Apply implements projections.Projection.
func (c *Counts) Apply(ctx context.Context, tx pgx.Tx, batch []projections.Event) error {
	if c.Delay != nil {
		if d := c.Delay(batch); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	if c.Fail != nil {
		for _, ev := range batch {
			if err := c.Fail(ev.Position); err != nil {
				return err
			}
		}
	}
	byType, byDonor := map[string]*Row{}, map[string]*Row{}
	Aggregate(batch, byType, byDonor)

	types := sortedKeys(byType)
	tEvents, tSums, tLast := make([]int64, len(types)), make([]int64, len(types)), make([]int64, len(types))
	for i, k := range types {
		tEvents[i], tSums[i], tLast[i] = byType[k].Events, byType[k].PositionSum, byType[k].LastPosition
	}
	donors := sortedKeys(byDonor)
	dEvents, dAmounts, dSums := make([]int64, len(donors)), make([]int64, len(donors)), make([]int64, len(donors))
	for i, k := range donors {
		dEvents[i], dAmounts[i], dSums[i] = byDonor[k].Events, byDonor[k].Amount, byDonor[k].PositionSum
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO type_counts (event_type, events, position_sum, last_position)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[])
		ON CONFLICT (event_type) DO UPDATE SET events = type_counts.events + excluded.events,
			position_sum = type_counts.position_sum + excluded.position_sum,
			last_position = excluded.last_position`, types, tEvents, tSums, tLast)
	b.Queue(`INSERT INTO donor_counts (donor_code, events, amount_fen, position_sum)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[])
		ON CONFLICT (donor_code) DO UPDATE SET events = donor_counts.events + excluded.events,
			amount_fen = donor_counts.amount_fen + excluded.amount_fen,
			position_sum = donor_counts.position_sum + excluded.position_sum`, donors, dEvents, dAmounts, dSums)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("testproj %s: %w", c.name, err)
	}
	return nil
}

func sortedKeys(m map[string]*Row) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package yearend

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aidledger/aidledger/events"
)

// flush writes the batch: one COPY per table for new rows and one UPDATE
// per lookup table for the rows of earlier batches the batch changed.
func (b *batchState) flush(ctx context.Context, tx pgx.Tx) error {
	for _, write := range []func(context.Context, pgx.Tx) error{
		func(ctx context.Context, tx pgx.Tx) error { return send(ctx, tx, b.contributions) },
		func(ctx context.Context, tx pgx.Tx) error { return send(ctx, tx, b.chain) },
		b.writePairings, b.writeCommitments, b.writeDisbursements, b.writeDonations, b.writeSecondments, b.writeProjects,
		b.writeIndicators, b.writeTargets, b.writeOrders, b.writeStyles,
	} {
		if err := write(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}

// split returns the fresh and the dirty rows of m, each sorted by id.
func split[T any](m map[string]*T, state func(*T) rowState) (fresh, dirty []*T) {
	for _, id := range slices.Sorted(maps.Keys(m)) {
		switch s := state(m[id]); {
		case s.fresh:
			fresh = append(fresh, m[id])
		case s.dirty:
			dirty = append(dirty, m[id])
		}
	}
	return fresh, dirty
}

// update runs an UPDATE … FROM unnest(…) of the changed rows of a table.
func update(ctx context.Context, tx pgx.Tx, table, sql string, args ...any) error {
	if _, err := tx.Exec(ctx, sql, append([]any{planned}, args...)...); err != nil {
		return fmt.Errorf("yearend: update %s: %w", table, err)
	}
	return nil
}

func (b *batchState) writePairings(ctx context.Context, tx pgx.Tx) error {
	fresh, _ := split(b.pairings, func(p *pairing) rowState { return p.rowState })
	w := newRows("pairings", "pairing_id", "position", "donor_code", "donor_name", "donor_short_name", "partner_code",
		"partner_name", "partner_short_name", "programme", "valid_from", "valid_to")
	for _, p := range fresh {
		e := p.est
		w.Row()
		w.Text(e.PairingID)
		w.Int8(p.position)
		w.Text(e.Donor.Code)
		w.Text(e.Donor.Name)
		w.Text(e.Donor.ShortName)
		w.Text(e.Partner.Code)
		w.Text(e.Partner.Name)
		w.Text(e.Partner.ShortName)
		w.Text(string(e.Programme))
		w.EventDateOrNull(e.ValidFrom)
		w.EventDateOrNull(e.ValidTo)
	}
	return send(ctx, tx, w)
}

func (b *batchState) writeCommitments(ctx context.Context, tx pgx.Tx) error {
	fresh, dirty := split(b.commitments, func(c *commitment) rowState { return c.rowState })
	w := newRows("commitments", "commitment_id", "pairing_id", "budget_year", "shares")
	for _, c := range fresh {
		w.Row()
		w.Text(c.id)
		w.Text(c.pairingID)
		w.Int4(int32(c.budgetYear))
		if c.shares == nil {
			w.Null()
			continue
		}
		b, err := json.Marshal(c.shares)
		if err != nil {
			return fmt.Errorf("yearend: commitment %s: %w", c.id, err)
		}
		w.Bytea(b)
	}
	if err := send(ctx, tx, w); err != nil || len(dirty) == 0 {
		return err
	}
	ids, shares := make([]string, len(dirty)), make([]string, len(dirty))
	for i, c := range dirty { // the only change a later batch makes is an allocation
		b, err := json.Marshal(c.shares)
		if err != nil {
			return fmt.Errorf("yearend: commitment %s: %w", c.id, err)
		}
		ids[i], shares[i] = c.id, string(b)
	}
	return update(ctx, tx, "commitments", `UPDATE commitments AS c SET shares = u.shares::json
		FROM unnest($1::text[], $2::text[]) AS u(id, shares) WHERE c.commitment_id = u.id`, ids, shares)
}

func (b *batchState) writeDisbursements(ctx context.Context, tx pgx.Tx) error {
	fresh, dirty := split(b.disbursements, func(d *disbursement) rowState { return d.rowState })
	w := newRows("disbursements", "disbursement_id", "pairing_id", "business_date", "amount_fen",
		"reversed_entry_error_fen", "reversed_fen", "receipt_confirmed")
	for _, d := range fresh {
		w.Row()
		w.Text(d.id)
		w.Text(d.pairingID)
		w.EventDateOrNull(d.date)
		w.Int8(d.amountFen)
		w.Int8(d.reversedEntryErrorFen)
		w.Int8(d.reversedFen)
		w.Bool(d.receiptConfirmed)
	}
	if err := send(ctx, tx, w); err != nil || len(dirty) == 0 {
		return err
	}
	n := len(dirty)
	ids, ee, all, confirmed := make([]string, n), make([]int64, n), make([]int64, n), make([]bool, n)
	for i, d := range dirty {
		ids[i], ee[i], all[i], confirmed[i] = d.id, d.reversedEntryErrorFen, d.reversedFen, d.receiptConfirmed
	}
	return update(ctx, tx, "disbursements", `UPDATE disbursements AS d
		SET reversed_entry_error_fen = u.ee, reversed_fen = u.all_reasons, receipt_confirmed = u.confirmed
		FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::boolean[]) AS u(id, ee, all_reasons, confirmed)
		WHERE d.disbursement_id = u.id`, ids, ee, all, confirmed)
}

func (b *batchState) writeDonations(ctx context.Context, tx pgx.Tx) error {
	fresh, _ := split(b.donations, func(d *donation) rowState { return d.rowState })
	w := newRows("donations", "donation_id", "pairing_id", "kind", "business_date", "amount_fen")
	for _, d := range fresh {
		w.Row()
		w.Text(d.id)
		w.Text(d.pairingID)
		w.Text(string(d.kind))
		w.EventDateOrNull(d.date)
		w.Int8(d.amountFen)
	}
	return send(ctx, tx, w)
}

func (b *batchState) writeSecondments(ctx context.Context, tx pgx.Tx) error {
	fresh, dirty := split(b.secondments, func(s *secondment) rowState { return s.rowState })
	w := newRows("secondments", "secondment_id", "pairing_id", "category", "start_date", "reversed", "inbound", "ended_on")
	for _, s := range fresh {
		w.Row()
		w.Text(s.id)
		w.Text(s.pairingID)
		w.Text(string(s.category))
		w.EventDateOrNull(s.start)
		w.Bool(s.reversed)
		w.Bool(s.inbound)
		w.EventDateOrNull(s.end)
	}
	if err := send(ctx, tx, w); err != nil || len(dirty) == 0 {
		return err
	}
	ids, reversed, ends := make([]string, len(dirty)), make([]bool, len(dirty)), make([]pgtype.Date, len(dirty))
	for i, s := range dirty {
		ids[i], reversed[i], ends[i] = s.id, s.reversed, sqlDate(s.end)
	}
	return update(ctx, tx, "secondments", `UPDATE secondments AS s SET reversed = u.reversed, ended_on = u.ended_on
		FROM unnest($1::text[], $2::boolean[], $3::date[]) AS u(id, reversed, ended_on)
		WHERE s.secondment_id = u.id`, ids, reversed, ends)
}

func (b *batchState) writeIndicators(ctx context.Context, tx pgx.Tx) error {
	fresh, dirty := split(b.indicators, func(ind *indicator) rowState { return ind.rowState })
	w := newRows("indicators", "entity_id", "kind", "pairing_ids", "decided_on", "document_no", "amount_fen", "reversed_fen",
		"counts", "reports", "reversed")
	for _, ind := range fresh {
		counts, reports, err := ind.json()
		if err != nil {
			return err
		}
		w.Row()
		w.Text(ind.id)
		w.Text(ind.kind)
		w.TextArray(ind.pairingIDs)
		w.EventDateOrNull(ind.on)
		w.Text(ind.documentNo)
		w.Int8(ind.amountFen)
		w.Int8(ind.reversedFen)
		w.Bytea(counts)
		w.Bytea(reports)
		w.Bool(ind.reversed)
	}
	if err := send(ctx, tx, w); err != nil || len(dirty) == 0 {
		return err
	}
	n := len(dirty)
	ids, reversedFen, reports, reversed := make([]string, n), make([]int64, n), make([]string, n), make([]bool, n)
	for i, ind := range dirty {
		_, r, err := ind.json()
		if err != nil {
			return err
		}
		ids[i], reversedFen[i], reports[i], reversed[i] = ind.id, ind.reversedFen, string(r), ind.reversed
	}
	return update(ctx, tx, "indicators", `UPDATE indicators AS i SET reversed_fen = u.reversed_fen, reports = u.reports::json,
		reversed = u.reversed FROM unnest($1::text[], $2::bigint[], $3::text[], $4::boolean[]) AS u(id, reversed_fen, reports, reversed)
		WHERE i.entity_id = u.id`, ids, reversedFen, reports, reversed)
}

// json is the row's counts and reports as JSON (map keys sorted: the same
// row, the same bytes).
func (ind *indicator) json() (counts, reports []byte, err error) {
	if counts, err = json.Marshal(ind.counts); err != nil {
		return nil, nil, fmt.Errorf("yearend: indicator %s: %w", ind.id, err)
	}
	rs := ind.reports
	if rs == nil {
		rs = []siteReport{}
	}
	if reports, err = json.Marshal(rs); err != nil {
		return nil, nil, fmt.Errorf("yearend: indicator %s: %w", ind.id, err)
	}
	return counts, reports, nil
}

func (b *batchState) writeProjects(ctx context.Context, tx pgx.Tx) error {
	fresh, dirty := split(b.projects, func(p *project) rowState { return p.rowState })
	w := newRows("projects", "project_id", "pairing_id", "plan_year", "done", "as_of", "completed_investment_fen",
		"started_on", "completed_on", "plans")
	for _, p := range fresh {
		plans, err := planJSON(p)
		if err != nil {
			return err
		}
		w.Row()
		w.Text(p.id)
		w.Text(p.pairingID)
		w.Int4(int32(p.planYear))
		w.Bool(p.done)
		w.EventDateOrNull(p.asOf)
		w.Int8(p.investmentFen)
		w.EventDateOrNull(p.started)
		w.EventDateOrNull(p.completed)
		w.Bytea(plans)
	}
	if err := send(ctx, tx, w); err != nil || len(dirty) == 0 {
		return err
	}
	n := len(dirty)
	ids, done, asOf, inv := make([]string, n), make([]bool, n), make([]pgtype.Date, n), make([]int64, n)
	started, completed, plans := make([]pgtype.Date, n), make([]pgtype.Date, n), make([]string, n)
	for i, p := range dirty {
		ids[i], done[i], asOf[i], inv[i] = p.id, p.done, sqlDate(p.asOf), p.investmentFen
		started[i], completed[i] = sqlDate(p.started), sqlDate(p.completed)
		b, err := planJSON(p)
		if err != nil {
			return err
		}
		plans[i] = string(b)
	}
	return update(ctx, tx, "projects", `UPDATE projects AS p SET done = u.done, as_of = u.as_of, completed_investment_fen = u.inv,
		started_on = u.started, completed_on = u.completed, plans = u.plans::json
		FROM unnest($1::text[], $2::boolean[], $3::date[], $4::bigint[], $5::date[], $6::date[], $7::text[])
		AS u(id, done, as_of, inv, started, completed, plans)
		WHERE p.project_id = u.id`, ids, done, asOf, inv, started, completed, plans)
}

// planJSON is a project's year plans as the projects table holds them.
func planJSON(p *project) ([]byte, error) {
	plans := p.plans
	if plans == nil {
		plans = map[int]int64{}
	}
	b, err := json.Marshal(plans)
	if err != nil {
		return nil, fmt.Errorf("yearend: project %s: %w", p.id, err)
	}
	return b, nil
}

// sqlDate is d as a SQL date (NULL for the zero Date).
func sqlDate(d events.Date) pgtype.Date {
	if d.IsZero() {
		return pgtype.Date{}
	}
	return pgtype.Date{Time: d.Time(), Valid: true}
}

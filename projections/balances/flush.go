package balances

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/internal/pgcopy"
)

// uniqueViolation is SQLSTATE 23505.
const uniqueViolation = "23505"

// flush writes the batch state in a fixed, small number of statements:
// a binary COPY per table for the rows the batch created, one UPDATE …
// FROM unnest per table for the rows it changed, and one additive upsert
// for pairing_years. Rows are written in id order.
func (b *batchState) flush(ctx context.Context, tx pgx.Tx) error {
	steps := []struct {
		what string
		do   func(context.Context, pgx.Tx) error
	}{
		{"pairings", b.writePairings},
		{"commitments", b.writeCommitments},
		{"disbursements", b.writeDisbursements},
		{"projects", b.writeProjects},
		{"donations", b.writeDonations},
		{"secondments", b.writeSecondments},
		{"indicators", b.writeIndicators},
		{"targets", b.writeTargets},
		{"pairing_years", b.writeYears},
	}
	for _, s := range steps {
		if err := s.do(ctx, tx); err != nil {
			return fmt.Errorf("balances: write %s: %w", s.what, err)
		}
	}
	return nil
}

// split returns the fresh rows and the dirty loaded rows of m, by id.
func split[T any](m map[string]*T, state func(*T) rowState) (fresh, dirty []*T) {
	for _, id := range slices.Sorted(maps.Keys(m)) {
		e := m[id]
		switch s := state(e); {
		case s.fresh:
			fresh = append(fresh, e)
		case s.dirty:
			dirty = append(dirty, e)
		}
	}
	return fresh, dirty
}

// copyIn copies w's rows into its table (unqualified: the search_path picks
// the schema); it does nothing when there are none. A row whose key is
// already in the table is ErrInconsistent.
func copyIn(ctx context.Context, tx pgx.Tx, w *pgcopy.Rows) error {
	if err := w.Send(ctx, tx); err != nil {
		if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == uniqueViolation {
			// An entity created again, by an event of a later batch.
			return fmt.Errorf("copy %s: %w: %w", w.Table(), ErrInconsistent, err)
		}
		return fmt.Errorf("copy %s: %w", w.Table(), err)
	}
	return nil
}

// nullDate is t as a SQL date, NULL for the zero time.
func nullDate(t time.Time) pgtype.Date {
	return pgtype.Date{Time: t, Valid: !t.IsZero()}
}

// writePairings copies the pairings the batch established.
func (b *batchState) writePairings(ctx context.Context, tx pgx.Tx) error {
	w := pgcopy.New("pairings", "pairing_id", "donor_code", "donor_name", "donor_short_name", "partner_code", "partner_name",
		"partner_short_name", "programme", "agreement_doc_no", "valid_from", "valid_to")
	for _, id := range slices.Sorted(maps.Keys(b.pairings)) {
		p := b.pairings[id]
		w.Row()
		w.Text(p.PairingID)
		w.Text(p.Donor.Code)
		w.Text(p.Donor.Name)
		w.Text(p.Donor.ShortName)
		w.Text(p.Partner.Code)
		w.Text(p.Partner.Name)
		w.Text(p.Partner.ShortName)
		w.Text(string(p.Programme))
		w.Text(p.AgreementDocNo)
		w.DateOrNull(p.ValidFrom.Time())
		w.DateOrNull(p.ValidTo.Time())
	}
	return copyIn(ctx, tx, w)
}

// writeCommitments copies the new commitments and updates the adjusted
// amounts of the earlier ones the batch adjusted.
func (b *batchState) writeCommitments(ctx context.Context, tx pgx.Tx) error {
	fresh, dirty := split(b.commitments, func(c *commitment) rowState { return c.rowState })
	w := pgcopy.New("commitments", "commitment_id", "pairing_id", "project_id", "budget_year", "source_level", "doc_no",
		"batch", "business_date", "amount_fen", "adjusted_fen", "shares")
	for _, c := range fresh {
		shares, err := sharesJSON(c)
		if err != nil {
			return err
		}
		w.Row()
		w.Text(c.id)
		w.Text(c.pairingID)
		w.TextOrNull(c.projectID)
		w.Int4(int32(c.budgetYear))
		w.Text(c.sourceLevel)
		w.Text(c.docNo)
		w.Text(c.batch)
		w.DateOrNull(c.businessDate)
		w.Int8(c.amountFen)
		w.Int8(c.adjustedFen)
		if shares == nil {
			w.Null()
		} else {
			w.Bytea(shares)
		}
	}
	if err := copyIn(ctx, tx, w); err != nil {
		return err
	}
	if len(dirty) == 0 {
		return nil
	}
	ids, adjusted, shares := make([]string, len(dirty)), make([]int64, len(dirty)), make([]*string, len(dirty))
	for i, c := range dirty {
		ids[i], adjusted[i] = c.id, c.adjustedFen
		b, err := sharesJSON(c)
		if err != nil {
			return err
		}
		if b != nil {
			s := string(b)
			shares[i] = &s
		}
	}
	_, err := tx.Exec(ctx, `UPDATE commitments AS c SET adjusted_fen = u.adjusted, shares = u.shares::json
		FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u(id, adjusted, shares) WHERE c.commitment_id = u.id`,
		planned, ids, adjusted, shares)
	return err
}

// sharesJSON is the allocation of c as the commitments table holds it (nil
// for a commitment of one pairing).
func sharesJSON(c *commitment) ([]byte, error) {
	if c.shares == nil {
		return nil, nil
	}
	b, err := json.Marshal(c.shares)
	if err != nil {
		return nil, fmt.Errorf("balances: commitment %s: %w", c.id, err)
	}
	return b, nil
}

// writeDisbursements copies the new disbursements and updates the
// reversals and receipts of the earlier ones.
func (b *batchState) writeDisbursements(ctx context.Context, tx pgx.Tx) error {
	fresh, dirty := split(b.disbursements, func(d *disbursement) rowState { return d.rowState })
	w := pgcopy.New("disbursements", "commitment_id", "disbursement_id", "pairing_id", "business_date", "amount_fen",
		"payee_name", "payee_credit_code", "voucher_no", "over_commitment_justification", "over_commitment_approved_by",
		"reversed_entry_error_fen", "reversed_funds_returned_fen", "receipt_confirmed_date", "receipt_ref")
	for _, d := range fresh {
		w.Row()
		w.Text(d.commitmentID)
		w.Text(d.id)
		w.Text(d.pairingID)
		w.DateOrNull(d.businessDate)
		w.Int8(d.amountFen)
		w.Text(d.payeeName)
		w.Text(d.payeeCreditCode)
		w.Text(d.voucherNo)
		w.TextPtr(d.overJustify)
		w.TextPtr(d.overApprovedBy)
		w.Int8(d.reversedEntryErrorFen)
		w.Int8(d.reversedFundsReturnedFen)
		w.DateOrNull(d.receiptDate)
		if d.confirmed() {
			w.Text(d.receiptRef)
		} else {
			w.Null()
		}
	}
	if err := copyIn(ctx, tx, w); err != nil {
		return err
	}
	if len(dirty) == 0 {
		return nil
	}
	n := len(dirty)
	cids, ids, ee, fr := make([]string, n), make([]string, n), make([]int64, n), make([]int64, n)
	dates, refs := make([]pgtype.Date, n), make([]pgtype.Text, n)
	for i, d := range dirty {
		cids[i], ids[i], ee[i], fr[i] = d.commitmentID, d.id, d.reversedEntryErrorFen, d.reversedFundsReturnedFen
		dates[i], refs[i] = nullDate(d.receiptDate), pgtype.Text{String: d.receiptRef, Valid: d.confirmed()}
	}
	_, err := tx.Exec(ctx, `UPDATE disbursements AS d SET reversed_entry_error_fen = u.ee, reversed_funds_returned_fen = u.fr,
		receipt_confirmed_date = u.received, receipt_ref = u.ref
		FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::date[], $6::text[])
			AS u(commitment_id, id, ee, fr, received, ref)
		WHERE d.commitment_id = u.commitment_id AND d.disbursement_id = u.id`, planned, cids, ids, ee, fr, dates, refs)
	return err
}

// writeProjects copies the new projects and updates the latest progress of
// the earlier ones.
func (b *batchState) writeProjects(ctx context.Context, tx pgx.Tx) error {
	fresh, dirty := split(b.projects, func(p *project) rowState { return p.rowState })
	w := pgcopy.New("projects", "project_id", "pairing_id", "name", "sector", "delivery_mode", "planned_total_fen",
		"plan_year", "business_date", "status", "as_of", "completed_investment_fen", "tier", "started_on", "completed_on", "year_plans")
	for _, p := range fresh {
		plans, err := yearPlansJSON(p)
		if err != nil {
			return err
		}
		w.Row()
		w.Text(p.id)
		w.Text(p.pairingID)
		w.Text(p.name)
		w.Text(p.sector)
		w.Text(p.deliveryMode)
		w.Int8(p.plannedTotalFen)
		w.Int4(int32(p.planYear))
		w.DateOrNull(p.businessDate)
		w.Text(p.status)
		w.DateOrNull(p.asOf)
		w.Int8(p.completedInvestmentFen)
		w.Text(p.tier)
		w.EventDateOrNull(p.started)
		w.EventDateOrNull(p.completed)
		w.Bytea(plans)
	}
	if err := copyIn(ctx, tx, w); err != nil {
		return err
	}
	if len(dirty) == 0 {
		return nil
	}
	n := len(dirty)
	ids, status, asOf, inv := make([]string, n), make([]string, n), make([]pgtype.Date, n), make([]int64, n)
	started, completed, plans := make([]pgtype.Date, n), make([]pgtype.Date, n), make([]string, n)
	for i, p := range dirty {
		ids[i], status[i], asOf[i], inv[i] = p.id, p.status, nullDate(p.asOf), p.completedInvestmentFen
		started[i], completed[i] = nullDate(p.started.Time()), nullDate(p.completed.Time())
		b, err := yearPlansJSON(p)
		if err != nil {
			return err
		}
		plans[i] = string(b)
	}
	_, err := tx.Exec(ctx, `UPDATE projects AS p SET status = u.status, as_of = u.as_of, completed_investment_fen = u.inv,
		started_on = u.started, completed_on = u.completed, year_plans = u.plans::json
		FROM unnest($1::text[], $2::text[], $3::date[], $4::bigint[], $5::date[], $6::date[], $7::text[])
		AS u(id, status, as_of, inv, started, completed, plans)
		WHERE p.project_id = u.id`, planned, ids, status, asOf, inv, started, completed, plans)
	return err
}

// yearPlansJSON is a project's year plans as the projects table holds
// them.
func yearPlansJSON(p *project) ([]byte, error) {
	plans := p.yearPlans
	if plans == nil {
		plans = map[int]int64{}
	}
	b, err := json.Marshal(plans)
	if err != nil {
		return nil, fmt.Errorf("balances: project %s: %w", p.id, err)
	}
	return b, nil
}

// writeDonations copies the new donations (never updated).
func (b *batchState) writeDonations(ctx context.Context, tx pgx.Tx) error {
	fresh, _ := split(b.donations, func(d *donation) rowState { return d.rowState })
	w := pgcopy.New("donations", "donation_id", "pairing_id", "kind", "business_date", "amount_fen")
	for _, d := range fresh {
		w.Row()
		w.Text(d.id)
		w.Text(d.pairingID)
		w.Text(d.kind)
		w.DateOrNull(d.businessDate)
		w.Int8(d.amountFen)
	}
	return copyIn(ctx, tx, w)
}

// writeSecondments copies the new secondments and updates the ends and
// reversals of the earlier ones.
func (b *batchState) writeSecondments(ctx context.Context, tx pgx.Tx) error {
	fresh, dirty := split(b.secondments, func(s *secondment) rowState { return s.rowState })
	w := pgcopy.New("secondments", "secondment_id", "pairing_id", "category", "start_date", "planned_end_date", "end_date",
		"reversed", "direction")
	for _, sec := range fresh {
		direction := events.SecondedOutbound
		if sec.inbound {
			direction = events.SecondedInbound
		}
		w.Row()
		w.Text(sec.id)
		w.Text(sec.pairingID)
		w.Text(sec.category)
		w.DateOrNull(sec.startDate)
		w.DateOrNull(sec.plannedEndDate)
		w.DateOrNull(sec.endDate)
		w.Bool(sec.reversed)
		w.Text(string(direction))
	}
	if err := copyIn(ctx, tx, w); err != nil {
		return err
	}
	if len(dirty) == 0 {
		return nil
	}
	n := len(dirty)
	ids, ends, reversed := make([]string, n), make([]pgtype.Date, n), make([]bool, n)
	for i, s := range dirty {
		ids[i], ends[i], reversed[i] = s.id, nullDate(s.endDate), s.reversed
	}
	_, err := tx.Exec(ctx, `UPDATE secondments AS s SET end_date = u.end_date, reversed = u.reversed
		FROM unnest($1::text[], $2::date[], $3::boolean[]) AS u(id, end_date, reversed)
		WHERE s.secondment_id = u.id`, planned, ids, ends, reversed)
	return err
}

// writeIndicators copies the new indicator rows and updates the
// reversals and reports of the earlier ones.
func (b *batchState) writeIndicators(ctx context.Context, tx pgx.Tx) error {
	fresh, dirty := split(b.indicators, func(ind *indicator) rowState { return ind.rowState })
	w := pgcopy.New("indicators", "entity_id", "kind", "pairing_ids", "year", "amount_fen", "reversed_fen", "counts", "reports",
		"reversed")
	for _, ind := range fresh {
		counts, reports, err := ind.json()
		if err != nil {
			return err
		}
		w.Row()
		w.Text(ind.id)
		w.Text(ind.kind)
		w.TextArray(ind.pairingIDs)
		w.Int4(int32(ind.year))
		w.Int8(ind.amountFen)
		w.Int8(ind.reversedFen)
		w.Bytea(counts)
		w.Bytea(reports)
		w.Bool(ind.reversed)
	}
	if err := copyIn(ctx, tx, w); err != nil {
		return err
	}
	if len(dirty) == 0 {
		return nil
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
	_, err := tx.Exec(ctx, `UPDATE indicators AS i SET reversed_fen = u.reversed_fen, reports = u.reports::json, reversed = u.reversed
		FROM unnest($1::text[], $2::bigint[], $3::text[], $4::boolean[]) AS u(id, reversed_fen, reports, reversed)
		WHERE i.entity_id = u.id`, planned, ids, reversedFen, reports, reversed)
	return err
}

// json is the row's counts and reports as JSON (maps marshal with sorted
// keys: the same row, the same bytes).
func (ind *indicator) json() (counts, reports []byte, err error) {
	if counts, err = json.Marshal(ind.counts); err != nil {
		return nil, nil, fmt.Errorf("indicator %s: %w", ind.id, err)
	}
	if reports, err = json.Marshal(ind.reports); err != nil {
		return nil, nil, fmt.Errorf("indicator %s: %w", ind.id, err)
	}
	return counts, reports, nil
}

// upsertYearsSQL adds one row of deltas per (pairing, year) to pairing_years.
var upsertYearsSQL = func() string {
	var cols, params, sets []string
	for i, c := range counterColumns {
		cols = append(cols, c)
		params = append(params, fmt.Sprintf("$%d::bigint[]", i+3))
		sets = append(sets, fmt.Sprintf("%s = pairing_years.%s + EXCLUDED.%s", c, c, c))
	}
	return "INSERT INTO pairing_years (pairing_id, year, " + strings.Join(cols, ", ") + ")\n" +
		"SELECT * FROM unnest($1::text[], $2::int[], " + strings.Join(params, ", ") + ")\n" +
		"ON CONFLICT (pairing_id, year) DO UPDATE SET " + strings.Join(sets, ", ")
}()

// writeYears adds the batch's deltas to pairing_years in one upsert, a row
// per (pairing, year) the batch touched.
func (b *batchState) writeYears(ctx context.Context, tx pgx.Tx) error {
	if len(b.years) == 0 {
		return nil
	}
	ks := slices.SortedFunc(maps.Keys(b.years), compareYearKeys)
	n := len(ks)
	ids, years := make([]string, n), make([]int32, n)
	args := make([]any, 0, 3+nCounters)
	var cols [nCounters][]int64
	for c := range cols {
		cols[c] = make([]int64, n)
	}
	for i, k := range ks {
		ids[i], years[i] = k.pairingID, int32(k.year)
		for c, v := range b.years[k] {
			cols[c][i] = v
		}
	}
	args = append(args, planned, ids, years)
	for c := range cols {
		args = append(args, cols[c])
	}
	_, err := tx.Exec(ctx, upsertYearsSQL, args...)
	return err
}

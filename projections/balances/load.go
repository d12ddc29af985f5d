package balances

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// refSet is the ids of the rows, created before the batch, that its events
// refer to. Disbursements map to their commitment (their key's first part).
type refSet struct {
	commitments, projects, donations, secondments, indicators map[string]struct{}
	disbursements                                             map[string]string
}

// references lists what batch refers to without creating it first (in
// position order), i.e. what must be read from earlier batches.
func references(batch []projections.Event) refSet {
	r := refSet{commitments: map[string]struct{}{}, projects: map[string]struct{}{}, donations: map[string]struct{}{},
		secondments: map[string]struct{}{}, indicators: map[string]struct{}{}, disbursements: map[string]string{}}
	type entity struct{ kind, id string }
	created := map[entity]struct{}{}
	create := func(kind, id string) { created[entity{kind, id}] = struct{}{} }
	need := func(m map[string]struct{}, kind, id string) {
		if _, ok := created[entity{kind, id}]; !ok {
			m[id] = struct{}{}
		}
	}
	needDisbursement := func(id, commitmentID string) {
		if _, ok := created[entity{"disbursement", id}]; !ok {
			r.disbursements[id] = commitmentID
		}
	}
	for i := range batch {
		switch e := batch[i].Data.(type) {
		case events.FundsCommitted:
			create("commitment", e.CommitmentID)
		case events.CommitmentAdjusted:
			need(r.commitments, "commitment", e.CommitmentID)
		case events.CommitmentAllocated:
			need(r.commitments, "commitment", e.CommitmentID)
		case events.FundsDisbursed:
			create("disbursement", e.DisbursementID)
		case events.DisbursementReversed:
			needDisbursement(e.DisbursementID, e.CommitmentID)
		case events.FundsReceiptConfirmed:
			needDisbursement(e.DisbursementID, e.CommitmentID)
		case events.AidProjectRegistered:
			create("project", e.ProjectID)
		case events.ProjectProgressReported:
			need(r.projects, "project", e.ProjectID)
		case events.ProjectYearPlanned:
			need(r.projects, "project", e.ProjectID)
		case events.DonationReceived:
			create("donation", e.DonationID)
		case events.DonationReversed:
			need(r.donations, "donation", e.OriginalID)
		case events.SecondmentStarted:
			create("secondment", e.SecondmentID)
		case events.SecondmentEnded:
			need(r.secondments, "secondment", e.SecondmentID)
		case events.SecondmentReversed:
			need(r.secondments, "secondment", e.OriginalID)
		case events.LabourTransferRecorded, events.EnterpriseInvestmentRecorded, events.TrainingHeld, events.AgreementSigned,
			events.ParkEstablished, events.WorkshopEstablished, events.VisitConducted:
			create("indicator", events.CreatedID(e))
		case events.ParkReported:
			need(r.indicators, "indicator", e.ParkID)
		case events.WorkshopReported:
			need(r.indicators, "indicator", e.WorkshopID)
		case events.LabourTransferReversed, events.InvestmentReversed, events.TrainingReversed, events.AgreementReversed,
			events.ParkReversed, events.WorkshopReversed, events.VisitReversed:
			need(r.indicators, "indicator", e.(interface{ Reversal() events.EntryReversal }).Reversal().OriginalID)
		}
	}
	return r
}

// keys returns the keys of m, sorted.
func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// load reads the rows of earlier batches that the batch refers to (one
// query per table that has any) into b. Ids that are not found are simply
// absent: folding the event that needs them reports ErrInconsistent.
func (b *batchState) load(ctx context.Context, tx pgx.Tx, batch []projections.Event) error {
	r := references(batch)
	if err := loadRows(ctx, tx, `SELECT commitment_id, pairing_id, budget_year, adjusted_fen, shares
		FROM commitments WHERE commitment_id = ANY($1)`, [][]string{keys(r.commitments)}, func(row pgx.Rows) error {
		c := &commitment{}
		var shares []byte
		if err := row.Scan(&c.id, &c.pairingID, &c.budgetYear, &c.adjustedFen, &shares); err != nil {
			return err
		}
		if shares != nil {
			if err := json.Unmarshal(shares, &c.shares); err != nil {
				return fmt.Errorf("commitment %s: shares: %w", c.id, err)
			}
		}
		b.commitments[c.id] = c
		return nil
	}); err != nil {
		return fmt.Errorf("balances: load commitments: %w", err)
	}
	disbursementIDs := keys(r.disbursements)
	commitmentIDs := make([]string, len(disbursementIDs))
	for i, id := range disbursementIDs {
		commitmentIDs[i] = r.disbursements[id]
	}
	if err := loadRows(ctx, tx, `SELECT d.disbursement_id, d.commitment_id, d.pairing_id, d.business_date, d.amount_fen,
		d.reversed_entry_error_fen, d.reversed_funds_returned_fen, d.receipt_confirmed_date, coalesce(d.receipt_ref, '')
		FROM unnest($1::text[], $2::text[]) AS k(commitment_id, disbursement_id)
		JOIN disbursements d ON d.commitment_id = k.commitment_id AND d.disbursement_id = k.disbursement_id`,
		[][]string{commitmentIDs, disbursementIDs}, func(row pgx.Rows) error {
			d := &disbursement{}
			var received pgtype.Date
			if err := row.Scan(&d.id, &d.commitmentID, &d.pairingID, &d.businessDate, &d.amountFen,
				&d.reversedEntryErrorFen, &d.reversedFundsReturnedFen, &received, &d.receiptRef); err != nil {
				return err
			}
			d.receiptDate = dateOrZero(received)
			b.disbursements[d.id] = d
			return nil
		}); err != nil {
		return fmt.Errorf("balances: load disbursements: %w", err)
	}
	if err := loadRows(ctx, tx, `SELECT project_id, pairing_id, plan_year, status, as_of, completed_investment_fen,
		started_on, completed_on, year_plans
		FROM projects WHERE project_id = ANY($1)`, [][]string{keys(r.projects)}, func(row pgx.Rows) error {
		p := &project{}
		var asOf, started, completed pgtype.Date
		var plans []byte
		if err := row.Scan(&p.id, &p.pairingID, &p.planYear, &p.status, &asOf, &p.completedInvestmentFen,
			&started, &completed, &plans); err != nil {
			return err
		}
		p.asOf, p.started, p.completed = dateOrZero(asOf), dateOf(started), dateOf(completed)
		if err := json.Unmarshal(plans, &p.yearPlans); err != nil {
			return fmt.Errorf("project %s: year plans: %w", p.id, err)
		}
		b.projects[p.id] = p
		return nil
	}); err != nil {
		return fmt.Errorf("balances: load projects: %w", err)
	}
	if err := loadRows(ctx, tx, `SELECT donation_id, pairing_id, kind, business_date, amount_fen
		FROM donations WHERE donation_id = ANY($1)`, [][]string{keys(r.donations)}, func(row pgx.Rows) error {
		d := &donation{}
		if err := row.Scan(&d.id, &d.pairingID, &d.kind, &d.businessDate, &d.amountFen); err != nil {
			return err
		}
		b.donations[d.id] = d
		return nil
	}); err != nil {
		return fmt.Errorf("balances: load donations: %w", err)
	}
	if err := loadRows(ctx, tx, `SELECT secondment_id, pairing_id, category, direction = 'inbound', start_date, planned_end_date, end_date,
		reversed FROM secondments WHERE secondment_id = ANY($1)`, [][]string{keys(r.secondments)}, func(row pgx.Rows) error {
		s := &secondment{}
		var plannedEnd, ended pgtype.Date
		if err := row.Scan(&s.id, &s.pairingID, &s.category, &s.inbound, &s.startDate, &plannedEnd, &ended, &s.reversed); err != nil {
			return err
		}
		s.plannedEndDate, s.endDate = dateOrZero(plannedEnd), dateOrZero(ended)
		b.secondments[s.id] = s
		return nil
	}); err != nil {
		return fmt.Errorf("balances: load secondments: %w", err)
	}
	if err := loadRows(ctx, tx, `SELECT entity_id, kind, pairing_ids, year, amount_fen, reversed_fen, counts, reports, reversed
		FROM indicators WHERE entity_id = ANY($1)`, [][]string{keys(r.indicators)}, func(row pgx.Rows) error {
		ind := &indicator{}
		var counts, reports []byte
		if err := row.Scan(&ind.id, &ind.kind, &ind.pairingIDs, &ind.year, &ind.amountFen, &ind.reversedFen, &counts, &reports,
			&ind.reversed); err != nil {
			return err
		}
		if err := json.Unmarshal(counts, &ind.counts); err != nil {
			return fmt.Errorf("indicator %s: counts: %w", ind.id, err)
		}
		if err := json.Unmarshal(reports, &ind.reports); err != nil {
			return fmt.Errorf("indicator %s: reports: %w", ind.id, err)
		}
		b.indicators[ind.id] = ind
		return nil
	}); err != nil {
		return fmt.Errorf("balances: load indicators: %w", err)
	}
	return nil
}

// loadRows runs query with the id lists as $1, $2 … and calls scan per
// row; it does nothing when there are no ids.
func loadRows(ctx context.Context, tx pgx.Tx, query string, ids [][]string, scan func(pgx.Rows) error) error {
	if len(ids[0]) == 0 {
		return nil
	}
	args := []any{planned}
	for _, l := range ids {
		args = append(args, l)
	}
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// dateOrZero is d as midnight UTC, or the zero time for NULL.
func dateOrZero(d pgtype.Date) time.Time {
	if !d.Valid {
		return time.Time{}
	}
	return d.Time
}

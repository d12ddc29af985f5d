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
	"github.com/aidledger/aidledger/projections"
)

// refSet is the ids, per lookup table, that the batch refers to but does
// not create itself: what must be read from earlier batches.
type refSet struct {
	pairings, commitments, disbursements, donations, secondments, projects, indicators map[string]struct{}
}

// references lists what batch refers to without creating it.
func references(batch []projections.Event) refSet {
	r := refSet{pairings: map[string]struct{}{}, commitments: map[string]struct{}{}, disbursements: map[string]struct{}{},
		donations: map[string]struct{}{}, secondments: map[string]struct{}{}, projects: map[string]struct{}{},
		indicators: map[string]struct{}{}}
	type entity struct{ kind, id string }
	created := map[entity]struct{}{}
	for i := range batch {
		switch e := batch[i].Data.(type) {
		case events.PairingEstablished:
			created[entity{"pairing", e.PairingID}] = struct{}{}
		case events.FundsCommitted:
			created[entity{"commitment", e.CommitmentID}] = struct{}{}
		case events.FundsDisbursed:
			created[entity{"disbursement", e.DisbursementID}] = struct{}{}
		case events.DonationReceived:
			created[entity{"donation", e.DonationID}] = struct{}{}
		case events.SecondmentStarted:
			created[entity{"secondment", e.SecondmentID}] = struct{}{}
		case events.AidProjectRegistered:
			created[entity{"project", e.ProjectID}] = struct{}{}
		case events.LabourTransferRecorded, events.EnterpriseInvestmentRecorded, events.TrainingHeld, events.AgreementSigned,
			events.ParkEstablished, events.WorkshopEstablished, events.VisitConducted:
			created[entity{"indicator", events.CreatedID(e)}] = struct{}{}
		}
	}
	need := func(m map[string]struct{}, kind, id string) {
		if _, ok := created[entity{kind, id}]; !ok {
			m[id] = struct{}{}
		}
	}
	for i := range batch {
		if ps, ok := batch[i].Data.(events.PairingScoped); ok {
			if _, est := ps.(events.PairingEstablished); !est {
				for _, id := range ps.PairingIDs() {
					need(r.pairings, "pairing", id)
				}
			}
		}
		switch e := batch[i].Data.(type) {
		case events.CommitmentAdjusted:
			need(r.commitments, "commitment", e.CommitmentID)
		case events.CommitmentAllocated:
			need(r.commitments, "commitment", e.CommitmentID)
		case events.DisbursementReversed:
			need(r.disbursements, "disbursement", e.DisbursementID)
		case events.FundsReceiptConfirmed:
			need(r.disbursements, "disbursement", e.DisbursementID)
		case events.DonationReversed:
			need(r.donations, "donation", e.OriginalID)
		case events.SecondmentReversed:
			need(r.secondments, "secondment", e.OriginalID)
		case events.SecondmentEnded:
			need(r.secondments, "secondment", e.SecondmentID)
		case events.ProjectProgressReported:
			need(r.projects, "project", e.ProjectID)
		case events.ProjectYearPlanned:
			need(r.projects, "project", e.ProjectID)
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

// load reads the lookup rows of earlier batches that the batch refers to
// (one query per table that has any) into b. Ids that are not found are
// simply absent: folding the event that needs them reports ErrInconsistent.
func (b *batchState) load(ctx context.Context, tx pgx.Tx, batch []projections.Event) error {
	r := references(batch)
	if err := loadRows(ctx, tx, "pairings", `SELECT pairing_id, donor_code, partner_code FROM pairings
		WHERE pairing_id = ANY($1)`, r.pairings, func(row pgx.Rows) error {
		p := &pairing{}
		if err := row.Scan(&p.id, &p.donorCode, &p.partnerCode); err != nil {
			return err
		}
		b.pairings[p.id] = p
		return nil
	}); err != nil {
		return err
	}
	if err := loadRows(ctx, tx, "commitments", `SELECT commitment_id, pairing_id, budget_year, shares FROM commitments
		WHERE commitment_id = ANY($1)`, r.commitments, func(row pgx.Rows) error {
		c := &commitment{}
		var shares []byte
		if err := row.Scan(&c.id, &c.pairingID, &c.budgetYear, &shares); err != nil {
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
		return err
	}
	if err := loadRows(ctx, tx, "disbursements", `SELECT disbursement_id, pairing_id, business_date, amount_fen,
		reversed_entry_error_fen, reversed_fen, receipt_confirmed FROM disbursements WHERE disbursement_id = ANY($1)`,
		r.disbursements, func(row pgx.Rows) error {
			d := &disbursement{}
			var date pgtype.Date
			if err := row.Scan(&d.id, &d.pairingID, &date, &d.amountFen, &d.reversedEntryErrorFen, &d.reversedFen,
				&d.receiptConfirmed); err != nil {
				return err
			}
			d.date = dateOf(date)
			b.disbursements[d.id] = d
			return nil
		}); err != nil {
		return err
	}
	if err := loadRows(ctx, tx, "donations", `SELECT donation_id, pairing_id, kind, business_date, amount_fen
		FROM donations WHERE donation_id = ANY($1)`, r.donations, func(row pgx.Rows) error {
		d := &donation{}
		var date pgtype.Date
		if err := row.Scan(&d.id, &d.pairingID, &d.kind, &date, &d.amountFen); err != nil {
			return err
		}
		d.date = dateOf(date)
		b.donations[d.id] = d
		return nil
	}); err != nil {
		return err
	}
	if err := loadRows(ctx, tx, "indicators", `SELECT entity_id, kind, pairing_ids, decided_on, document_no, amount_fen, reversed_fen,
		counts, reports, reversed FROM indicators WHERE entity_id = ANY($1)`, r.indicators, func(row pgx.Rows) error {
		ind := &indicator{}
		var on pgtype.Date
		var counts, reports []byte
		if err := row.Scan(&ind.id, &ind.kind, &ind.pairingIDs, &on, &ind.documentNo, &ind.amountFen, &ind.reversedFen, &counts,
			&reports, &ind.reversed); err != nil {
			return err
		}
		ind.on = dateOf(on)
		if err := json.Unmarshal(counts, &ind.counts); err != nil {
			return fmt.Errorf("indicator %s: counts: %w", ind.id, err)
		}
		if err := json.Unmarshal(reports, &ind.reports); err != nil {
			return fmt.Errorf("indicator %s: reports: %w", ind.id, err)
		}
		b.indicators[ind.id] = ind
		return nil
	}); err != nil {
		return err
	}
	if err := loadRows(ctx, tx, "secondments", `SELECT secondment_id, pairing_id, category, inbound, start_date, reversed, ended_on
		FROM secondments WHERE secondment_id = ANY($1)`, r.secondments, func(row pgx.Rows) error {
		s := &secondment{}
		var start, end pgtype.Date
		if err := row.Scan(&s.id, &s.pairingID, &s.category, &s.inbound, &start, &s.reversed, &end); err != nil {
			return err
		}
		s.start, s.end = dateOf(start), dateOf(end)
		b.secondments[s.id] = s
		return nil
	}); err != nil {
		return err
	}
	return loadRows(ctx, tx, "projects", `SELECT project_id, pairing_id, plan_year, done, as_of, completed_investment_fen,
		started_on, completed_on, plans
		FROM projects WHERE project_id = ANY($1)`, r.projects, func(row pgx.Rows) error {
		p := &project{}
		var asOf, started, completed pgtype.Date
		var plans []byte
		if err := row.Scan(&p.id, &p.pairingID, &p.planYear, &p.done, &asOf, &p.investmentFen, &started, &completed, &plans); err != nil {
			return err
		}
		p.asOf, p.started, p.completed = dateOf(asOf), dateOf(started), dateOf(completed)
		if err := json.Unmarshal(plans, &p.plans); err != nil {
			return fmt.Errorf("project %s: plans: %w", p.id, err)
		}
		b.projects[p.id] = p
		return nil
	})
}

// loadRows runs query with the sorted ids as $1 and calls scan per row; it
// does nothing when there are no ids.
func loadRows(ctx context.Context, tx pgx.Tx, table, query string, ids map[string]struct{}, scan func(pgx.Rows) error) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, query, planned, slices.Sorted(maps.Keys(ids)))
	if err != nil {
		return fmt.Errorf("yearend: load %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("yearend: load %s: %w", table, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("yearend: load %s: %w", table, err)
	}
	return nil
}

// dateOf is the events.Date of a SQL date (midnight UTC); NULL is the zero
// Date.
func dateOf(d pgtype.Date) events.Date {
	if !d.Valid {
		return events.Date{}
	}
	return events.DateOf(d.Time.Year(), d.Time.Month(), d.Time.Day())
}

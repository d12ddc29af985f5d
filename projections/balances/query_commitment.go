package balances

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aidledger/aidledger/events"
)

// CommitmentDetail is a commitment (资金计划) with its running totals and
// its disbursements.
type CommitmentDetail struct {
	CommitmentSummary
	// OverCommitted reports whether the net disbursed total exceeds the
	// committed total now (possible only through over-commitment approvals).
	OverCommitted bool           `json:"over_committed"`
	Disbursements []Disbursement `json:"disbursements"` // by business date, then id
}

// CommitmentTotals are a commitment's amounts over its whole life
// (regardless of years), summed from its disbursements when read.
type CommitmentTotals struct {
	AmountFen                   int64 `json:"amount_fen"`
	AdjustedFen                 int64 `json:"adjusted_fen"`
	CommittedTotalFen           int64 `json:"committed_total_fen"`
	DisbursementCount           int64 `json:"disbursement_count"`
	DisbursedFen                int64 `json:"disbursed_fen"`
	ReversedEntryErrorFen       int64 `json:"reversed_entry_error_fen"`
	ReversedFundsReturnedFen    int64 `json:"reversed_funds_returned_fen"`
	ReversedFen                 int64 `json:"reversed_fen"`
	NetDisbursedFen             int64 `json:"net_disbursed_fen"`
	OutstandingFen              int64 `json:"outstanding_fen"`
	DisbursalRate               *Rate `json:"disbursal_rate"`
	ReceiptsConfirmed           int64 `json:"receipts_confirmed"`
	ReceiptsConfirmedFen        int64 `json:"receipts_confirmed_fen"`
	OverCommitmentDisbursements int64 `json:"over_commitment_disbursements"`
	OverCommitmentFen           int64 `json:"over_commitment_fen"`
}

// finish derives the computed totals from the stored ones.
func (t *CommitmentTotals) finish() {
	t.CommittedTotalFen = t.AmountFen + t.AdjustedFen
	t.ReversedFen = t.ReversedEntryErrorFen + t.ReversedFundsReturnedFen
	t.NetDisbursedFen = t.DisbursedFen - t.ReversedFen
	t.OutstandingFen = t.CommittedTotalFen - t.NetDisbursedFen
	t.DisbursalRate = NewRate(t.NetDisbursedFen, t.CommittedTotalFen)
}

// commitmentTotalsColumns are a commitment's totals in the order of
// totalsDest, for alias c joined with disbursementTotals (alias t).
const commitmentTotalsColumns = `c.amount_fen, c.adjusted_fen, t.n, t.disbursed, t.ee, t.fr, t.receipts, t.receipts_fen,
	t.over_n, t.over_fen`

// disbursementTotals sums the disbursements of commitment c (alias t). A
// receipt counts the disbursement net of entry_error reversals, and not at
// all once it is wholly reversed as an entry error.
const disbursementTotals = `CROSS JOIN LATERAL (SELECT count(*) AS n,
		coalesce(sum(d.amount_fen), 0)::bigint AS disbursed,
		coalesce(sum(d.reversed_entry_error_fen), 0)::bigint AS ee,
		coalesce(sum(d.reversed_funds_returned_fen), 0)::bigint AS fr,
		count(*) FILTER (WHERE d.receipt_confirmed_date IS NOT NULL AND d.amount_fen > d.reversed_entry_error_fen) AS receipts,
		coalesce(sum(d.amount_fen - d.reversed_entry_error_fen) FILTER (WHERE d.receipt_confirmed_date IS NOT NULL), 0)::bigint AS receipts_fen,
		count(*) FILTER (WHERE d.over_commitment_justification IS NOT NULL) AS over_n,
		coalesce(sum(d.amount_fen) FILTER (WHERE d.over_commitment_justification IS NOT NULL), 0)::bigint AS over_fen
	FROM proj_balances.disbursements d WHERE d.commitment_id = c.commitment_id) t`

func totalsDest(t *CommitmentTotals) []any {
	return []any{&t.AmountFen, &t.AdjustedFen, &t.DisbursementCount, &t.DisbursedFen, &t.ReversedEntryErrorFen,
		&t.ReversedFundsReturnedFen, &t.ReceiptsConfirmed, &t.ReceiptsConfirmedFen, &t.OverCommitmentDisbursements,
		&t.OverCommitmentFen}
}

// Disbursement is one disbursement (拨付) of a commitment.
type Disbursement struct {
	DisbursementID           string      `json:"disbursement_id"`
	BusinessDate             events.Date `json:"business_date"`
	AmountFen                int64       `json:"amount_fen"`
	ReversedEntryErrorFen    int64       `json:"reversed_entry_error_fen"`
	ReversedFundsReturnedFen int64       `json:"reversed_funds_returned_fen"`
	ReversedFen              int64       `json:"reversed_fen"`
	NetFen                   int64       `json:"net_fen"`
	VoucherNo                string      `json:"voucher_no"`
	PayeeName                string      `json:"payee_name"`
	PayeeCreditCode          string      `json:"payee_credit_code,omitempty"`
	// OverCommitment is the justification and approver when the
	// disbursement took the commitment beyond its committed amount.
	OverCommitment *events.OverCommitment `json:"over_commitment,omitempty"`
	// ReceiptConfirmedDate is null until the partner confirms receipt.
	ReceiptConfirmedDate events.Date `json:"receipt_confirmed_date"`
	ReceiptRef           string      `json:"receipt_ref,omitempty"`
}

// Commitment returns the commitment with its disbursements. ErrNotFound:
// no such commitment.
func Commitment(ctx context.Context, q Querier, commitmentID string) (*CommitmentDetail, error) {
	c := &CommitmentDetail{Disbursements: []Disbursement{}}
	err := scanSummary(q.QueryRow(ctx, commitmentSelect+` WHERE c.commitment_id = $1`, commitmentID), &c.CommitmentSummary)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("commitment %s: %w", commitmentID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("balances: commitment %s: %w", commitmentID, err)
	}
	c.OverCommitted = c.NetDisbursedFen > c.CommittedTotalFen

	rows, err := q.Query(ctx, `SELECT disbursement_id, business_date, amount_fen, reversed_entry_error_fen,
		reversed_funds_returned_fen, voucher_no, payee_name, payee_credit_code, over_commitment_justification,
		over_commitment_approved_by, receipt_confirmed_date, receipt_ref
		FROM proj_balances.disbursements WHERE commitment_id = $1 ORDER BY business_date, disbursement_id`, commitmentID)
	if err != nil {
		return nil, fmt.Errorf("balances: disbursements of commitment %s: %w", commitmentID, err)
	}
	for rows.Next() {
		var d Disbursement
		var date, received pgtype.Date
		var justification, approver, ref pgtype.Text
		if err := rows.Scan(&d.DisbursementID, &date, &d.AmountFen, &d.ReversedEntryErrorFen, &d.ReversedFundsReturnedFen,
			&d.VoucherNo, &d.PayeeName, &d.PayeeCreditCode, &justification, &approver, &received, &ref); err != nil {
			rows.Close()
			return nil, fmt.Errorf("balances: disbursements of commitment %s: %w", commitmentID, err)
		}
		d.BusinessDate, d.ReceiptConfirmedDate, d.ReceiptRef = dateOf(date), dateOf(received), ref.String
		d.ReversedFen = d.ReversedEntryErrorFen + d.ReversedFundsReturnedFen
		d.NetFen = d.AmountFen - d.ReversedFen
		if justification.Valid {
			d.OverCommitment = &events.OverCommitment{Justification: justification.String, ApprovedBy: approver.String}
		}
		c.Disbursements = append(c.Disbursements, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("balances: disbursements of commitment %s: %w", commitmentID, err)
	}
	return c, nil
}

package events

import "fmt"

// FundsCommitted (资金计划下达): fiscal aid is planned for a pairing (and
// optionally one of its projects) by a budget document.
//
// A commitment may fund several pairings of one donor and programme
// (山海协作: 乙县和丙县 together): Shares then lists every pairing it funds,
// the first being PairingID, each with the share allocated to it (0 when
// not yet known); the rest of the committed amount is unallocated, stated
// as such rather than split by invented figures. CommitmentAllocated
// changes the shares.
type FundsCommitted struct {
	CommitmentID string      `json:"commitment_id"`
	PairingID    string      `json:"pairing_id"`
	ProjectID    string      `json:"project_id,omitempty"`
	AmountFen    int64       `json:"amount_fen"`
	BudgetYear   int         `json:"budget_year"`
	SourceLevel  SourceLevel `json:"source_level"`
	DocNo        string      `json:"doc_no"`
	Batch        string      `json:"batch,omitempty"`
	BusinessDate Date        `json:"business_date"`
	Shares       []Share     `json:"shares,omitempty"`
}

// Share is one pairing's part of a commitment that funds several.
type Share struct {
	PairingID string `json:"pairing_id"`
	AmountFen int64  `json:"amount_fen"`
}

// EventType implements Event.
func (FundsCommitted) EventType() string { return "aid.funds_committed" }

// PairingIDs implements PairingScoped: the pairing, or every pairing of a
// shared commitment.
func (e FundsCommitted) PairingIDs() []string {
	if len(e.Shares) == 0 {
		return []string{e.PairingID}
	}
	return shareIDs(e.Shares)
}

// shareIDs are the pairings of shares, in order.
func shareIDs(shares []Share) []string {
	ids := make([]string, len(shares))
	for i, s := range shares {
		ids[i] = s.PairingID
	}
	return ids
}

// CommitmentAllocated (资金计划分配): the shares of a commitment that funds
// several pairings (FundsCommitted.Shares) are set anew — every pairing
// of it, in its order, with its share; the rest stays unallocated.
type CommitmentAllocated struct {
	CommitmentID string  `json:"commitment_id"`
	PairingID    string  `json:"pairing_id"` // the commitment's first pairing
	Shares       []Share `json:"shares"`
	DocNo        string  `json:"doc_no,omitempty"`
	BusinessDate Date    `json:"business_date"`
}

// EventType implements Event.
func (CommitmentAllocated) EventType() string { return "aid.commitment_allocated" }

// PairingIDs implements PairingScoped: every pairing of the commitment.
func (e CommitmentAllocated) PairingIDs() []string { return shareIDs(e.Shares) }

// Changes is, for each of the commitment's pairings, how much allocation e
// moves its share by from current (the shares before it, in the
// commitment's order); an error when e does not name exactly those
// pairings in that order (the ledger never records such an allocation).
func (e CommitmentAllocated) Changes(current []Share) ([]int64, error) {
	if current == nil || len(e.Shares) != len(current) {
		return nil, fmt.Errorf("allocation of commitment %s, which funds %d pairings, to %d", e.CommitmentID, len(current), len(e.Shares))
	}
	out := make([]int64, len(current))
	for i, sh := range e.Shares {
		if sh.PairingID != current[i].PairingID {
			return nil, fmt.Errorf("allocation of commitment %s to pairing %s, not its %s", e.CommitmentID, sh.PairingID, current[i].PairingID)
		}
		out[i] = sh.AmountFen - current[i].AmountFen
	}
	return out, nil
}

// CommitmentAdjusted (计划调整): a commitment is raised or lowered. The
// committed amount never falls below what has been disbursed (net).
type CommitmentAdjusted struct {
	CommitmentID string `json:"commitment_id"`
	PairingID    string `json:"pairing_id"`
	DeltaFen     int64  `json:"delta_fen"`
	Reason       string `json:"reason"`
	DocNo        string `json:"doc_no"`
	BusinessDate Date   `json:"business_date"`
}

// EventType implements Event.
func (CommitmentAdjusted) EventType() string { return "aid.commitment_adjusted" }

// PairingIDs implements PairingScoped.
func (e CommitmentAdjusted) PairingIDs() []string { return []string{e.PairingID} }

// OverCommitment is the explicit, approved permission for a disbursement to
// take a commitment's net disbursed total above its committed amount.
type OverCommitment struct {
	Justification string `json:"justification"`
	ApprovedBy    string `json:"approved_by"`
}

// FundsDisbursed (资金拨付): money leaves the donor's account against a
// commitment. Voucher numbers are unique per donor among live disbursements.
type FundsDisbursed struct {
	DisbursementID  string          `json:"disbursement_id"`
	CommitmentID    string          `json:"commitment_id"`
	PairingID       string          `json:"pairing_id"`
	AmountFen       int64           `json:"amount_fen"`
	BusinessDate    Date            `json:"business_date"`
	PayeeName       string          `json:"payee_name"`
	PayeeCreditCode string          `json:"payee_credit_code,omitempty"`
	VoucherNo       string          `json:"voucher_no"`
	OverCommitment  *OverCommitment `json:"over_commitment,omitempty"`
}

// EventType implements Event.
func (FundsDisbursed) EventType() string { return "aid.funds_disbursed" }

// PairingIDs implements PairingScoped.
func (e FundsDisbursed) PairingIDs() []string { return []string{e.PairingID} }

// DisbursementReversed (拨付冲正/资金退回): all or part of a disbursement is
// taken back. The reversals of one disbursement never exceed it, and a
// reversal is never itself reversed. OriginalDate is the disbursement's
// business date, carried so that an entry_error reversal can be counted in
// the original's fiscal year without a lookup.
type DisbursementReversed struct {
	ReversalID     string         `json:"reversal_id"`
	DisbursementID string         `json:"disbursement_id"`
	CommitmentID   string         `json:"commitment_id"`
	PairingID      string         `json:"pairing_id"`
	AmountFen      int64          `json:"amount_fen"`
	Reason         ReversalReason `json:"reason"`
	BusinessDate   Date           `json:"business_date"`
	OriginalDate   Date           `json:"original_date"`
	DocNo          string         `json:"doc_no,omitempty"`
	Note           string         `json:"note,omitempty"`
}

// EventType implements Event.
func (DisbursementReversed) EventType() string { return "aid.disbursement_reversed" }

// PairingIDs implements PairingScoped.
func (e DisbursementReversed) PairingIDs() []string { return []string{e.PairingID} }

// FundsReceiptConfirmed (受援方到位确认): the partner side confirms that a
// disbursement arrived. Recorded by the partner (or an admin), once.
type FundsReceiptConfirmed struct {
	DisbursementID string `json:"disbursement_id"`
	CommitmentID   string `json:"commitment_id"`
	PairingID      string `json:"pairing_id"`
	ReceivedDate   Date   `json:"received_date"`
	ReceiptRef     string `json:"receipt_ref"`
}

// EventType implements Event.
func (FundsReceiptConfirmed) EventType() string { return "aid.funds_receipt_confirmed" }

// PairingIDs implements PairingScoped.
func (e FundsReceiptConfirmed) PairingIDs() []string { return []string{e.PairingID} }

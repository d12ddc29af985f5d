package ledger

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// CommitFunds records a FundsCommitted (资金计划下达).
type CommitFunds struct {
	CommitmentID string             `json:"commitment_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	PairingID    string             `json:"pairing_id"`
	ProjectID    string             `json:"project_id,omitempty"`
	AmountFen    int64              `json:"amount_fen" doc:"amount in 分 (fen)"`
	BudgetYear   int                `json:"budget_year"`
	SourceLevel  events.SourceLevel `json:"source_level" enum:"district,city,province"`
	DocNo        string             `json:"doc_no" maxLength:"100" doc:"文号 of the budget document"`
	Batch        string             `json:"batch,omitempty" maxLength:"100"`
	BusinessDate string             `json:"business_date" format:"date"`
}

// CommitFunds plans fiscal aid for a pairing (and optionally one of its
// projects).
func (l *Ledger) CommitFunds(ctx context.Context, req Request, cmd CommitFunds) (*Written, error) {
	c := l.newCheck()
	id := c.id("commitment_id", cmd.CommitmentID)
	c.amount("amount_fen", cmd.AmountFen)
	c.year("budget_year", cmd.BudgetYear)
	c.oneOf("source_level", string(cmd.SourceLevel), cmd.SourceLevel.Valid(), "district, city, province")
	c.text("doc_no", cmd.DocNo, 100)
	c.optionalText("batch", cmd.Batch, 100)
	date := c.date("business_date", cmd.BusinessDate)
	c.past("business_date", date)
	if c.err != nil {
		return nil, c.err
	}
	pr, err := l.pairingInForce(ctx, req.Principal, "pairing_id", cmd.PairingID, date, "business_date")
	if err != nil {
		return nil, err
	}
	if cmd.ProjectID != "" {
		p, err := l.loadProject(ctx, cmd.ProjectID)
		if err != nil {
			return nil, err
		}
		if p.registered.PairingID != cmd.PairingID {
			return nil, rule("validation_failed", "project_id", fmt.Sprintf("project %s belongs to another pairing", cmd.ProjectID),
				fmt.Sprintf("援建项目 %s 不属于该结对关系", cmd.ProjectID))
		}
	}
	ev := events.FundsCommitted{CommitmentID: id, PairingID: cmd.PairingID, ProjectID: cmd.ProjectID, AmountFen: cmd.AmountFen,
		BudgetYear: cmd.BudgetYear, SourceLevel: cmd.SourceLevel, DocNo: cmd.DocNo, Batch: cmd.Batch, BusinessDate: date}
	return l.run(ctx, req, "CommitFunds", cmd, Written{CommitmentID: id}, func(context.Context) (*eventstore.AppendRequest, error) {
		return &eventstore.AppendRequest{StreamID: commitmentStream(id), Events: []events.Event{ev},
			DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code,
			NewEntities: []eventstore.Entity{{ID: id, Kind: "commitment"}}}, nil
	})
}

// AdjustCommitment records a CommitmentAdjusted (计划调整).
type AdjustCommitment struct {
	DeltaFen     int64  `json:"delta_fen" doc:"signed change in 分 (fen)"`
	Reason       string `json:"reason" maxLength:"500"`
	DocNo        string `json:"doc_no" maxLength:"100"`
	BusinessDate string `json:"business_date" format:"date"`
}

// AdjustCommitment raises or lowers a commitment; it never takes the
// committed amount below what has been disbursed (net of reversals).
func (l *Ledger) AdjustCommitment(ctx context.Context, req Request, commitmentID string, cmd AdjustCommitment) (*Written, error) {
	c := l.newCheck()
	if cmd.DeltaFen == 0 || cmd.DeltaFen > MaxAmountFen || cmd.DeltaFen < -MaxAmountFen {
		c.fail(invalid("delta_fen", "delta_fen must be a non-zero number of fen within ±100 billion yuan", "delta_fen 须为非零金额(分),且不超过±1000亿元"))
	}
	c.text("reason", cmd.Reason, 500)
	c.text("doc_no", cmd.DocNo, 100)
	date := c.date("business_date", cmd.BusinessDate)
	c.past("business_date", date)
	if c.err != nil {
		return nil, c.err
	}
	if _, err := l.entity(ctx, "commitment_id", "commitment", commitmentID); err != nil {
		return nil, err
	}
	return l.run(ctx, req, "AdjustCommitment/"+commitmentID, cmd, Written{CommitmentID: commitmentID}, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		s, err := l.loadCommitment(ctx, commitmentID)
		if err != nil {
			return nil, err
		}
		pr, err := l.writablePairing(ctx, req.Principal, "pairing_id", s.commitment.PairingID)
		if err != nil {
			return nil, err
		}
		after := s.committedFen + cmd.DeltaFen
		if cmd.DeltaFen < 0 && (after < s.netDisbursed || after < 0) {
			return nil, rule("below_disbursed", "delta_fen",
				fmt.Sprintf("the commitment would be %d fen, below the %d fen already disbursed", after, s.netDisbursed),
				fmt.Sprintf("调整后计划金额 %d 分将低于已拨付金额 %d 分", after, s.netDisbursed))
		}
		ev := events.CommitmentAdjusted{CommitmentID: commitmentID, PairingID: s.commitment.PairingID, DeltaFen: cmd.DeltaFen,
			Reason: cmd.Reason, DocNo: cmd.DocNo, BusinessDate: date}
		return &eventstore.AppendRequest{StreamID: commitmentStream(commitmentID), ExpectedVersion: s.version,
			Events: []events.Event{ev}, DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code}, nil
	})
}

// OverCommitmentInput is the explicit permission to disburse beyond the
// commitment.
type OverCommitmentInput struct {
	Justification string `json:"justification" maxLength:"1000"`
	ApprovedBy    string `json:"approved_by" maxLength:"100"`
}

// DisburseFunds records a FundsDisbursed (资金拨付).
type DisburseFunds struct {
	DisbursementID  string               `json:"disbursement_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	CommitmentID    string               `json:"commitment_id"`
	AmountFen       int64                `json:"amount_fen" doc:"amount in 分 (fen)"`
	BusinessDate    string               `json:"business_date" format:"date" doc:"拨付日期"`
	PayeeName       string               `json:"payee_name" maxLength:"200"`
	PayeeCreditCode string               `json:"payee_credit_code,omitempty" maxLength:"18" doc:"统一社会信用代码"`
	VoucherNo       string               `json:"voucher_no" maxLength:"100" doc:"payment voucher number, unique per donor"`
	OverCommitment  *OverCommitmentInput `json:"over_commitment,omitempty" doc:"required when the disbursement takes the commitment's net disbursed total above the committed amount"`
}

// DisburseFunds pays out against a commitment. The net disbursed total of a
// commitment never exceeds the committed amount unless the command carries
// an over-commitment justification and approver.
func (l *Ledger) DisburseFunds(ctx context.Context, req Request, cmd DisburseFunds) (*Written, error) {
	c := l.newCheck()
	id := c.id("disbursement_id", cmd.DisbursementID)
	c.amount("amount_fen", cmd.AmountFen)
	date := c.date("business_date", cmd.BusinessDate)
	c.past("business_date", date)
	c.text("payee_name", cmd.PayeeName, 200)
	c.optionalMatch("payee_credit_code", cmd.PayeeCreditCode, creditCodeRe, "an 18-character unified social credit code", "18 位统一社会信用代码")
	c.text("voucher_no", cmd.VoucherNo, 100)
	var over *events.OverCommitment
	if cmd.OverCommitment != nil {
		c.text("over_commitment.justification", cmd.OverCommitment.Justification, 1000)
		c.text("over_commitment.approved_by", cmd.OverCommitment.ApprovedBy, 100)
		over = (*events.OverCommitment)(cmd.OverCommitment)
	}
	if c.err != nil {
		return nil, c.err
	}
	if _, err := l.entity(ctx, "commitment_id", "commitment", cmd.CommitmentID); err != nil {
		return nil, err
	}
	return l.run(ctx, req, "DisburseFunds", cmd, Written{DisbursementID: id, CommitmentID: cmd.CommitmentID}, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		s, err := l.loadCommitment(ctx, cmd.CommitmentID)
		if err != nil {
			return nil, err
		}
		pr, err := l.pairingInForce(ctx, req.Principal, "commitment_id", s.commitment.PairingID, date, "business_date")
		if err != nil {
			return nil, err
		}
		if after := s.netDisbursed + cmd.AmountFen; after > s.committedFen && over == nil {
			return nil, rule("over_commitment", "amount_fen",
				fmt.Sprintf("disbursing %d fen would bring the commitment to %d fen disbursed of %d fen committed; give over_commitment with a justification and approver to proceed",
					cmd.AmountFen, after, s.committedFen),
				fmt.Sprintf("本次拨付 %d 分后累计拨付 %d 分将超过计划金额 %d 分;如确需超计划拨付,请填写 over_commitment(理由及审批人)",
					cmd.AmountFen, after, s.committedFen))
		}
		ev := events.FundsDisbursed{DisbursementID: id, CommitmentID: cmd.CommitmentID, PairingID: s.commitment.PairingID,
			AmountFen: cmd.AmountFen, BusinessDate: date, PayeeName: cmd.PayeeName, PayeeCreditCode: cmd.PayeeCreditCode,
			VoucherNo: cmd.VoucherNo, OverCommitment: over}
		return &eventstore.AppendRequest{StreamID: commitmentStream(cmd.CommitmentID), ExpectedVersion: s.version,
			Events: []events.Event{ev}, DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code,
			NewEntities: []eventstore.Entity{{ID: id, Kind: "disbursement"}},
			Claim:       []eventstore.NaturalKey{voucherKey(pr.Donor.Code, cmd.VoucherNo, id)}}, nil
	})
}

// ReverseDisbursement records a DisbursementReversed (拨付冲正/资金退回).
type ReverseDisbursement struct {
	ReversalID   string                `json:"reversal_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	AmountFen    int64                 `json:"amount_fen" doc:"amount in 分 (fen); partial reversals are allowed"`
	Reason       events.ReversalReason `json:"reason" enum:"entry_error,funds_returned"`
	BusinessDate string                `json:"business_date" format:"date"`
	DocNo        string                `json:"doc_no,omitempty" maxLength:"100"`
	Note         string                `json:"note,omitempty" maxLength:"1000"`
}

// ReverseDisbursement takes back all or part of a disbursement. The
// reversals of a disbursement never exceed it; a reversal cannot itself be
// reversed. A disbursement wholly reversed as entry errors (no money came
// back under it) frees its voucher number for the corrected entry.
func (l *Ledger) ReverseDisbursement(ctx context.Context, req Request, disbursementID string, cmd ReverseDisbursement) (*Written, error) {
	c := l.newCheck()
	id := c.id("reversal_id", cmd.ReversalID)
	c.amount("amount_fen", cmd.AmountFen)
	c.oneOf("reason", string(cmd.Reason), cmd.Reason.Valid(), "entry_error, funds_returned")
	date := c.date("business_date", cmd.BusinessDate)
	c.past("business_date", date)
	c.optionalText("doc_no", cmd.DocNo, 100)
	c.optionalText("note", cmd.Note, 1000)
	if c.err != nil {
		return nil, c.err
	}
	ref, err := l.entity(ctx, "disbursement_id", "disbursement_reversal", disbursementID)
	if err == nil {
		return nil, rule("cannot_reverse_reversal", "", fmt.Sprintf("%s is a reversal; a reversal is never itself reversed — record a new disbursement instead", disbursementID),
			fmt.Sprintf("%s 是一笔冲正记录,冲正记录不能再被冲正;如需更正请重新录入拨付", disbursementID))
	}
	if ref, err = l.entity(ctx, "disbursement_id", "disbursement", disbursementID); err != nil {
		return nil, err
	}
	commitmentID := ref.StreamID[len("commitment-"):]
	return l.run(ctx, req, "ReverseDisbursement/"+disbursementID, cmd, Written{ReversalID: id, DisbursementID: disbursementID, CommitmentID: commitmentID},
		func(ctx context.Context) (*eventstore.AppendRequest, error) {
			s, err := l.loadCommitment(ctx, commitmentID)
			if err != nil {
				return nil, err
			}
			pr, err := l.writablePairing(ctx, req.Principal, "disbursement_id", s.commitment.PairingID)
			if err != nil {
				return nil, err
			}
			d := s.disbursements[disbursementID]
			if cmd.AmountFen > d.remaining() {
				return nil, rule("reversal_exceeds_original", "amount_fen",
					fmt.Sprintf("only %d fen of disbursement %s (%d fen) is left to reverse", d.remaining(), disbursementID, d.AmountFen),
					fmt.Sprintf("拨付记录 %s(%d 分)可冲正的余额仅为 %d 分", disbursementID, d.AmountFen, d.remaining()))
			}
			if date.Before(d.BusinessDate) {
				return nil, invalid("business_date", fmt.Sprintf("business_date %s is before the disbursement's date %s", date, d.BusinessDate),
					fmt.Sprintf("冲正日期 %s 早于拨付日期 %s", date, d.BusinessDate))
			}
			ev := events.DisbursementReversed{ReversalID: id, DisbursementID: disbursementID, CommitmentID: commitmentID,
				PairingID: s.commitment.PairingID, AmountFen: cmd.AmountFen, Reason: cmd.Reason, BusinessDate: date,
				OriginalDate: d.BusinessDate, DocNo: cmd.DocNo, Note: cmd.Note}
			ar := &eventstore.AppendRequest{StreamID: commitmentStream(commitmentID), ExpectedVersion: s.version,
				Events: []events.Event{ev}, DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code,
				NewEntities: []eventstore.Entity{{ID: id, Kind: "disbursement_reversal"}}}
			if cmd.Reason == events.ReasonEntryError && cmd.AmountFen == d.remaining() && !d.returned {
				ar.Release = []eventstore.NaturalKey{voucherKey(pr.Donor.Code, d.VoucherNo, disbursementID)}
			}
			return ar, nil
		})
}

// ConfirmReceipt records a FundsReceiptConfirmed (受援方到位确认).
type ConfirmReceipt struct {
	ReceivedDate string `json:"received_date" format:"date"`
	ReceiptRef   string `json:"receipt_ref" maxLength:"100"`
}

// ConfirmReceipt records, once, that a disbursement reached the partner. It
// is done by the partner county's own users (or an admin).
func (l *Ledger) ConfirmReceipt(ctx context.Context, req Request, disbursementID string, cmd ConfirmReceipt) (*Written, error) {
	c := l.newCheck()
	date := c.date("received_date", cmd.ReceivedDate)
	c.past("received_date", date)
	c.text("receipt_ref", cmd.ReceiptRef, 100)
	if c.err != nil {
		return nil, c.err
	}
	ref, err := l.entity(ctx, "disbursement_id", "disbursement", disbursementID)
	if err != nil {
		return nil, err
	}
	commitmentID := ref.StreamID[len("commitment-"):]
	return l.run(ctx, req, "ConfirmReceipt/"+disbursementID, cmd, Written{DisbursementID: disbursementID, CommitmentID: commitmentID},
		func(ctx context.Context) (*eventstore.AppendRequest, error) {
			s, err := l.loadCommitment(ctx, commitmentID)
			if err != nil {
				return nil, err
			}
			pr, err := l.pairing(ctx, "disbursement_id", s.commitment.PairingID)
			if err != nil {
				return nil, err
			}
			if !req.Principal.CanConfirmReceipt(pr.Partner.Code) {
				return nil, forbidden(fmt.Sprintf("only %s (%s) may confirm receipt of this disbursement", pr.Partner.Name, pr.Partner.Code),
					fmt.Sprintf("只有受援方 %s(%s)可以确认该笔资金到位", pr.Partner.Name, pr.Partner.Code))
			}
			d := s.disbursements[disbursementID]
			switch {
			case d.confirmed:
				return nil, conflict("receipt_already_confirmed", "", "receipt of this disbursement is already confirmed", "该笔拨付已确认到位")
			case d.remaining() == 0:
				return nil, rule("disbursement_reversed", "", "this disbursement has been wholly reversed", "该笔拨付已被全额冲正")
			case date.Before(d.BusinessDate):
				return nil, invalid("received_date", fmt.Sprintf("received_date %s is before the disbursement's date %s", date, d.BusinessDate),
					fmt.Sprintf("到位日期 %s 早于拨付日期 %s", date, d.BusinessDate))
			}
			ev := events.FundsReceiptConfirmed{DisbursementID: disbursementID, CommitmentID: commitmentID, PairingID: pr.PairingID,
				ReceivedDate: date, ReceiptRef: cmd.ReceiptRef}
			return &eventstore.AppendRequest{StreamID: commitmentStream(commitmentID), ExpectedVersion: s.version,
				Events: []events.Event{ev}, DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code}, nil
		})
}

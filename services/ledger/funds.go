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
	// Shares, for a commitment of several pairings of one programme:
	// every pairing it funds, the first being pairing_id, with the share
	// allocated to each (0 when not known yet; the rest is unallocated).
	Shares []ShareInput `json:"shares,omitempty" maxItems:"50" doc:"for a commitment of several pairings of one programme (山海协作 for two partners): every pairing it funds, pairing_id first, each with its share in 分 (0: not yet known); what is not allocated is stated as unallocated"`
}

// ShareInput is one pairing's share of a commitment of several.
type ShareInput struct {
	PairingID string `json:"pairing_id"`
	AmountFen int64  `json:"amount_fen" doc:"share in 分 (fen); 0 when not yet known"`
}

// CommitFunds plans fiscal aid for a pairing (and optionally one of its
// projects), or for several pairings of one programme with their shares.
func (l *Ledger) CommitFunds(ctx context.Context, req Request, cmd CommitFunds) (*Written, error) {
	in := cmd
	in.CommitmentID = assignID(cmd.CommitmentID)
	today := l.today()
	if _, err := in.event(today); err != nil {
		return nil, err
	}
	pr, err := l.writablePairing(ctx, req.Principal, pairingTarget("pairing_id", in.PairingID), in.PairingID)
	if err != nil {
		return nil, err
	}
	others, err := l.sharePairings(ctx, req, in.Shares)
	if err != nil {
		return nil, err
	}
	var project *projectState
	if in.ProjectID != "" {
		if project, err = l.loadProject(ctx, in.ProjectID); err != nil {
			return nil, err
		}
	}
	return l.run(ctx, req, "CommitFunds", cmd, Written{CommitmentID: in.CommitmentID}, func(context.Context) (*eventstore.AppendRequest, error) {
		return in.decide(today, pr, others, project)
	})
}

// sharePairings loads the pairings of shares after the first, each one
// the caller may record for.
func (l *Ledger) sharePairings(ctx context.Context, req Request, shares []ShareInput) ([]events.PairingEstablished, error) {
	var out []events.PairingEstablished
	for i := 1; i < len(shares); i++ {
		field := fmt.Sprintf("shares[%d].pairing_id", i)
		pr, err := l.writablePairing(ctx, req.Principal, pairingTarget(field, shares[i].PairingID), shares[i].PairingID)
		if err != nil {
			return nil, err
		}
		out = append(out, pr)
	}
	return out, nil
}

// checkShares checks the shares of a commitment of amount fen (none: a
// commitment of one pairing): two or more distinct pairings, the first
// being lead, none negative, together not above amount.
func checkShares(c *check, shares []ShareInput, lead string, amount int64) []events.Share {
	if len(shares) == 0 || c.err != nil {
		return nil
	}
	out := make([]events.Share, len(shares))
	seen := map[string]bool{}
	var sum int64
	for i, sh := range shares {
		field := fmt.Sprintf("shares[%d]", i)
		switch {
		case len(shares) < 2:
			c.fail(invalid("shares", "shares name every pairing of a commitment of several: two or more", "分配须列出计划涉及的全部结对关系(至少两个)"))
		case i == 0 && sh.PairingID != lead:
			c.fail(invalid(field+".pairing_id", "the first share is pairing_id's", "第一项分配须为 pairing_id 所指结对关系"))
		case seen[sh.PairingID]:
			c.fail(invalid(field+".pairing_id", "pairing "+sh.PairingID+" is listed twice", "结对关系 "+sh.PairingID+" 重复列出"))
		}
		seen[sh.PairingID] = true
		c.nonNegative(field+".amount_fen", sh.AmountFen, MaxAmountFen)
		sum += sh.AmountFen
		out[i] = events.Share(sh)
	}
	if c.err == nil && sum > amount {
		c.fail(rule(CodeValidationFailed, "shares", fmt.Sprintf("the shares add up to %s, more than the %s committed", money(sum), money(amount)),
			fmt.Sprintf("各结对关系分配合计 %s,超过计划金额 %s", moneyZh(sum), moneyZh(amount))))
	}
	return out
}

// event is the command as its event, its fields checked.
func (cmd CommitFunds) event(today events.Date) (events.FundsCommitted, error) {
	c := &check{today: today}
	c.id("commitment_id", cmd.CommitmentID)
	c.amount("amount_fen", cmd.AmountFen)
	c.year("budget_year", cmd.BudgetYear)
	oneOf(c, "source_level", cmd.SourceLevel, events.SourceLevels)
	c.text("doc_no", cmd.DocNo, 100)
	c.optionalText("batch", cmd.Batch, 100)
	date := c.date("business_date", cmd.BusinessDate)
	c.past("business_date", date)
	shares := checkShares(c, cmd.Shares, cmd.PairingID, cmd.AmountFen)
	return events.FundsCommitted{CommitmentID: cmd.CommitmentID, PairingID: cmd.PairingID, ProjectID: cmd.ProjectID,
		AmountFen: cmd.AmountFen, BudgetYear: cmd.BudgetYear, SourceLevel: cmd.SourceLevel, DocNo: cmd.DocNo,
		Batch: cmd.Batch, BusinessDate: date, Shares: shares}, c.result()
}

// decide commits funds of a pairing in force on the business date, for a
// project (nil: none) of that pairing; a commitment of several pairings
// (others: those after the first) funds pairings of the same donor and
// programme, every one in force on the date.
func (cmd CommitFunds) decide(today events.Date, pr events.PairingEstablished, others []events.PairingEstablished,
	project *projectState) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today)
	if err != nil {
		return nil, err
	}
	if err := inForce(pr, ev.BusinessDate, "business_date"); err != nil {
		return nil, err
	}
	partner := pr.Partner.Code
	for i, o := range others {
		if o.Donor.Code != pr.Donor.Code || o.Programme != pr.Programme {
			return nil, invalid(fmt.Sprintf("shares[%d].pairing_id", i+1),
				fmt.Sprintf("pairing %s is not of donor %s's programme %s: a commitment shared by several pairings funds pairings of one programme",
					o.PairingID, pr.Donor.Code, pr.Programme),
				fmt.Sprintf("结对关系 %s 与 %s 不属于同一援助方的同一协作类型,同一笔资金计划只能在同一协作类型的结对关系之间分配", o.PairingID, pr.PairingID))
		}
		if err := inForce(o, ev.BusinessDate, "business_date"); err != nil {
			return nil, err
		}
		if o.Partner.Code != partner {
			partner = multiPartner
		}
	}
	if project != nil && project.registered.PairingID != cmd.PairingID {
		return nil, rule(CodeValidationFailed, "project_id", fmt.Sprintf("project %s belongs to another pairing", cmd.ProjectID),
			fmt.Sprintf("援建项目 %s 不属于该结对关系", cmd.ProjectID))
	}
	return &eventstore.AppendRequest{StreamID: commitmentStream(cmd.CommitmentID), Events: []events.Event{ev},
		DonorCode: pr.Donor.Code, PartnerCode: partner,
		NewEntities: []eventstore.Entity{{ID: cmd.CommitmentID, Kind: "commitment"}}}, nil
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
	if _, err := cmd.event(l.today(), commitmentID, ""); err != nil {
		return nil, err
	}
	return l.onCommitment(ctx, req, "AdjustCommitment", commitmentID, cmd, cmd.decide)
}

// onCommitment runs cmd (op names it) on commitment commitmentID: the
// commitment known and loaded, its pairing one the caller may write for,
// then decided and appended.
func (l *Ledger) onCommitment(ctx context.Context, req Request, op, commitmentID string, cmd any,
	decide func(today events.Date, s *commitmentState, pr events.PairingEstablished) (*eventstore.AppendRequest, error)) (*Written, error) {
	today := l.today()
	if _, err := l.entity(ctx, "commitment_id", commitmentID, "commitment"); err != nil {
		return nil, err
	}
	return l.run(ctx, req, op+"/"+commitmentID, cmd, Written{CommitmentID: commitmentID}, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		s, err := l.loadCommitment(ctx, commitmentID)
		if err != nil {
			return nil, err
		}
		pr, err := l.writablePairing(ctx, req.Principal, target{"commitment_id", "commitment", commitmentID}, s.commitment.PairingID)
		if err != nil {
			return nil, err
		}
		return decide(today, s, pr)
	})
}

func (cmd AdjustCommitment) event(today events.Date, commitmentID, pairingID string) (events.CommitmentAdjusted, error) {
	c := &check{today: today}
	if cmd.DeltaFen == 0 || cmd.DeltaFen > MaxAmountFen || cmd.DeltaFen < -MaxAmountFen {
		c.fail(invalid("delta_fen", "delta_fen must be a non-zero number of fen within ±100 billion yuan", "delta_fen 须为非零金额(分),且不超过±1000亿元"))
	}
	c.text("reason", cmd.Reason, 500)
	c.text("doc_no", cmd.DocNo, 100)
	date := c.date("business_date", cmd.BusinessDate)
	c.past("business_date", date)
	return events.CommitmentAdjusted{CommitmentID: commitmentID, PairingID: pairingID, DeltaFen: cmd.DeltaFen,
		Reason: cmd.Reason, DocNo: cmd.DocNo, BusinessDate: date}, c.result()
}

// decide adjusts the commitment s: a lowering never takes it below its
// net disbursed total, nor below zero.
func (cmd AdjustCommitment) decide(today events.Date, s *commitmentState, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today, s.commitment.CommitmentID, s.commitment.PairingID)
	if err != nil {
		return nil, err
	}
	after := s.committedFen + cmd.DeltaFen
	if cmd.DeltaFen < 0 && (after < s.netDisbursed || after < 0) {
		return nil, rule(CodeBelowDisbursed, "delta_fen",
			fmt.Sprintf("the commitment would be %s, below the %s already disbursed", money(after), money(s.netDisbursed)),
			fmt.Sprintf("调整后计划金额 %s 将低于已拨付金额 %s", moneyZh(after), moneyZh(s.netDisbursed)))
	}
	if after < s.allocated {
		return nil, invalid("delta_fen",
			fmt.Sprintf("the commitment would be %s, below the %s allocated to its pairings: change the allocation first", money(after), money(s.allocated)),
			fmt.Sprintf("调整后计划金额 %s 将低于已分配给各结对关系的 %s,请先调整分配", moneyZh(after), moneyZh(s.allocated)))
	}
	return &eventstore.AppendRequest{StreamID: commitmentStream(ev.CommitmentID), ExpectedVersion: s.version,
		Events: []events.Event{ev}, DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code}, nil
}

// AllocateCommitment records a CommitmentAllocated (资金计划分配).
type AllocateCommitment struct {
	Shares       []ShareInput `json:"shares" maxItems:"50" doc:"every pairing of the commitment with its share in 分 (0: not yet known); the rest stays unallocated"`
	DocNo        string       `json:"doc_no,omitempty" maxLength:"100"`
	BusinessDate string       `json:"business_date,omitempty" format:"date" doc:"today when omitted"`
}

// AllocateCommitment sets anew the shares of a commitment of several
// pairings: every pairing of it, each share not negative, together not
// above the amount committed (adjustments included).
func (l *Ledger) AllocateCommitment(ctx context.Context, req Request, commitmentID string, cmd AllocateCommitment) (*Written, error) {
	return l.onCommitment(ctx, req, "AllocateCommitment", commitmentID, cmd, cmd.decide)
}

// decide allocates commitment s (of pairing pr), which funds several
// pairings, on or after its date: the shares name exactly its pairings
// (in any order: they are recorded in the commitment's).
func (cmd AllocateCommitment) decide(today events.Date, s *commitmentState, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	if s.shares == nil {
		return nil, invalid("shares", fmt.Sprintf("commitment %s funds one pairing: there is nothing to allocate", s.commitment.CommitmentID),
			fmt.Sprintf("资金计划 %s 只涉及一个结对关系,无需分配", s.commitment.CommitmentID))
	}
	c := &check{today: today}
	c.optionalText("doc_no", cmd.DocNo, 100)
	date := c.pastOrToday("business_date", cmd.BusinessDate)
	c.notBefore("business_date", date, "the commitment's business_date", s.commitment.BusinessDate)
	amounts := map[string]int64{}
	for i, sh := range cmd.Shares {
		field := fmt.Sprintf("shares[%d]", i)
		if _, dup := amounts[sh.PairingID]; dup || !s.funds(sh.PairingID) {
			c.fail(invalid(field+".pairing_id", fmt.Sprintf("pairing %s is not one of the commitment's, or is listed twice", sh.PairingID),
				fmt.Sprintf("结对关系 %s 不属于该资金计划,或重复列出", sh.PairingID)))
		}
		amounts[sh.PairingID] = sh.AmountFen
	}
	if c.err == nil && len(amounts) != len(s.shares) {
		c.fail(invalid("shares", fmt.Sprintf("name every pairing of the commitment (%d)", len(s.shares)),
			fmt.Sprintf("须列出该资金计划涉及的全部 %d 个结对关系", len(s.shares))))
	}
	ordered := make([]ShareInput, len(s.shares)) // in the commitment's order
	for i, sh := range s.shares {
		ordered[i] = ShareInput{PairingID: sh.PairingID, AmountFen: amounts[sh.PairingID]}
	}
	shares := checkShares(c, ordered, s.commitment.PairingID, s.committedFen)
	if err := c.result(); err != nil {
		return nil, err
	}
	ev := events.CommitmentAllocated{CommitmentID: s.commitment.CommitmentID, PairingID: s.commitment.PairingID, Shares: shares,
		DocNo: cmd.DocNo, BusinessDate: date}
	return &eventstore.AppendRequest{StreamID: commitmentStream(ev.CommitmentID), ExpectedVersion: s.version,
		Events: []events.Event{ev}, DonorCode: pr.Donor.Code, PartnerCode: multiPartner}, nil
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
	PairingID       string               `json:"pairing_id,omitempty" doc:"the pairing paid: required for a commitment of several pairings (one of them), else the commitment's own (may be omitted)"`
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
	in := cmd
	in.DisbursementID = assignID(cmd.DisbursementID)
	today := l.today()
	if _, err := in.event(today, ""); err != nil {
		return nil, err
	}
	if _, err := l.entity(ctx, "commitment_id", in.CommitmentID, "commitment"); err != nil {
		return nil, err
	}
	ids := Written{DisbursementID: in.DisbursementID, CommitmentID: in.CommitmentID}
	return l.run(ctx, req, "DisburseFunds", cmd, ids, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		s, err := l.loadCommitment(ctx, in.CommitmentID)
		if err != nil {
			return nil, err
		}
		pr, err := l.writablePairing(ctx, req.Principal, target{"commitment_id", "commitment", in.CommitmentID}, s.commitment.PairingID)
		if err != nil {
			return nil, err
		}
		paid := pr
		if in.PairingID != "" && in.PairingID != pr.PairingID && s.funds(in.PairingID) {
			if paid, err = l.pairing(ctx, "pairing_id", in.PairingID); err != nil {
				return nil, err
			}
		}
		return in.decide(today, s, pr, paid)
	})
}

func (cmd DisburseFunds) event(today events.Date, pairingID string) (events.FundsDisbursed, error) {
	c := &check{today: today}
	c.id("disbursement_id", cmd.DisbursementID)
	c.amount("amount_fen", cmd.AmountFen)
	date := c.date("business_date", cmd.BusinessDate)
	c.past("business_date", date)
	c.text("payee_name", cmd.PayeeName, 200)
	c.optionalCreditCode("payee_credit_code", cmd.PayeeCreditCode)
	c.text("voucher_no", cmd.VoucherNo, 100)
	var over *events.OverCommitment
	if cmd.OverCommitment != nil {
		c.text("over_commitment.justification", cmd.OverCommitment.Justification, 1000)
		c.text("over_commitment.approved_by", cmd.OverCommitment.ApprovedBy, 100)
		over = (*events.OverCommitment)(cmd.OverCommitment)
	}
	return events.FundsDisbursed{DisbursementID: cmd.DisbursementID, CommitmentID: cmd.CommitmentID, PairingID: pairingID,
		AmountFen: cmd.AmountFen, BusinessDate: date, PayeeName: cmd.PayeeName, PayeeCreditCode: cmd.PayeeCreditCode,
		VoucherNo: cmd.VoucherNo, OverCommitment: over}, c.result()
}

// decide pays from commitment s (of pairing pr) to pairing paid — the
// commitment's own, or one of the pairings of a commitment of several,
// which the command must name — on a day paid is in force; beyond the
// committed amount only with an over-commitment approval. The voucher
// number is claimed for the donor.
func (cmd DisburseFunds) decide(today events.Date, s *commitmentState, pr, paid events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today, paid.PairingID)
	if err != nil {
		return nil, err
	}
	switch {
	case s.shares != nil && cmd.PairingID == "":
		return nil, invalid("pairing_id", "the commitment funds several pairings: name the one paid", "该资金计划涉及多个结对关系,请指明拨付给哪一个(pairing_id)")
	case cmd.PairingID != "" && (!s.funds(cmd.PairingID) || cmd.PairingID != paid.PairingID):
		return nil, invalid("pairing_id", fmt.Sprintf("commitment %s does not fund pairing %s", s.commitment.CommitmentID, cmd.PairingID),
			fmt.Sprintf("资金计划 %s 不涉及结对关系 %s", s.commitment.CommitmentID, cmd.PairingID))
	}
	if err := inForce(paid, ev.BusinessDate, "business_date"); err != nil {
		return nil, err
	}
	if after := s.netDisbursed + cmd.AmountFen; after > s.committedFen && ev.OverCommitment == nil {
		return nil, rule(CodeOverCommitment, "amount_fen",
			fmt.Sprintf("disbursing %s would bring the commitment to %s disbursed of %s committed; give over_commitment with a justification and approver to proceed",
				money(cmd.AmountFen), money(after), money(s.committedFen)),
			fmt.Sprintf("本次拨付 %s 后累计拨付 %s 将超过计划金额 %s;如确需超计划拨付,请填写 over_commitment(理由及审批人)",
				moneyZh(cmd.AmountFen), moneyZh(after), moneyZh(s.committedFen)))
	}
	return &eventstore.AppendRequest{StreamID: commitmentStream(cmd.CommitmentID), ExpectedVersion: s.version,
		Events: []events.Event{ev}, DonorCode: pr.Donor.Code, PartnerCode: paid.Partner.Code,
		NewEntities: []eventstore.Entity{{ID: ev.DisbursementID, Kind: "disbursement"}},
		Claim:       []eventstore.NaturalKey{voucherKey(pr.Donor.Code, cmd.VoucherNo, ev.DisbursementID)}}, nil
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
	in := cmd
	in.ReversalID = assignID(cmd.ReversalID)
	today := l.today()
	if _, err := in.event(today, disbursementID, nil); err != nil {
		return nil, err
	}
	ref, err := l.entity(ctx, "disbursement_id", disbursementID, "disbursement", "disbursement_reversal")
	if err != nil {
		return nil, err
	}
	commitmentID := ref.StreamID[len("commitment-"):]
	ids := Written{ReversalID: in.ReversalID, DisbursementID: disbursementID, CommitmentID: commitmentID}
	return l.run(ctx, req, "ReverseDisbursement/"+disbursementID, cmd, ids, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		s, err := l.loadCommitment(ctx, commitmentID)
		if err != nil {
			return nil, err
		}
		if err := s.notAReversal(disbursementID); err != nil {
			return nil, err
		}
		pr, err := l.writablePairing(ctx, req.Principal, target{"disbursement_id", "disbursement", disbursementID}, s.commitment.PairingID)
		if err != nil {
			return nil, err
		}
		paid, err := l.pairing(ctx, "disbursement_id", s.pairingOf(disbursementID))
		if err != nil {
			return nil, err
		}
		return in.decide(today, s, pr, paid, disbursementID)
	})
}

func (cmd ReverseDisbursement) event(today events.Date, disbursementID string, s *commitmentState) (events.DisbursementReversed, error) {
	c := &check{today: today}
	c.id("reversal_id", cmd.ReversalID)
	c.amount("amount_fen", cmd.AmountFen)
	oneOf(c, "reason", cmd.Reason, events.ReversalReasons)
	date := c.date("business_date", cmd.BusinessDate)
	c.past("business_date", date)
	c.optionalText("doc_no", cmd.DocNo, 100)
	c.optionalText("note", cmd.Note, 1000)
	ev := events.DisbursementReversed{ReversalID: cmd.ReversalID, DisbursementID: disbursementID, AmountFen: cmd.AmountFen,
		Reason: cmd.Reason, BusinessDate: date, DocNo: cmd.DocNo, Note: cmd.Note}
	if s != nil {
		ev.CommitmentID, ev.PairingID = s.commitment.CommitmentID, s.pairingOf(disbursementID)
	}
	return ev, c.result()
}

// decide reverses part or all of what is left of disbursement
// disbursementID of commitment s, on or after its date. A wholly reversed
// entry error under which no money came back frees the voucher number.
func (cmd ReverseDisbursement) decide(today events.Date, s *commitmentState, pr, paid events.PairingEstablished, disbursementID string) (*eventstore.AppendRequest, error) {
	if err := s.notAReversal(disbursementID); err != nil {
		return nil, err
	}
	ev, err := cmd.event(today, disbursementID, s)
	if err != nil {
		return nil, err
	}
	d, ok := s.disbursements[disbursementID]
	if !ok {
		return nil, notFound("disbursement_id", "disbursement", disbursementID)
	}
	if cmd.AmountFen > d.remaining() {
		return nil, rule(CodeReversalExceedsOriginal, "amount_fen",
			fmt.Sprintf("only %s of disbursement %s (%s) is left to reverse", money(d.remaining()), disbursementID, money(d.AmountFen)),
			fmt.Sprintf("拨付记录 %s(%s)可冲正的余额仅为 %s", disbursementID, moneyZh(d.AmountFen), moneyZh(d.remaining())))
	}
	if ev.BusinessDate.Before(d.BusinessDate) {
		return nil, invalid("business_date", fmt.Sprintf("business_date %s is before the disbursement's date %s", ev.BusinessDate, d.BusinessDate),
			fmt.Sprintf("冲正日期 %s 早于拨付日期 %s", ev.BusinessDate, d.BusinessDate))
	}
	ev.OriginalDate = d.BusinessDate
	ar := &eventstore.AppendRequest{StreamID: commitmentStream(ev.CommitmentID), ExpectedVersion: s.version,
		Events: []events.Event{ev}, DonorCode: pr.Donor.Code, PartnerCode: paid.Partner.Code,
		NewEntities: []eventstore.Entity{{ID: ev.ReversalID, Kind: "disbursement_reversal"}}}
	if cmd.Reason.FreesNaturalKey(cmd.AmountFen == d.remaining(), d.returned) {
		ar.Release = []eventstore.NaturalKey{voucherKey(pr.Donor.Code, d.VoucherNo, disbursementID)}
	}
	return ar, nil
}

// ConfirmReceipt records a FundsReceiptConfirmed (受援方到位确认).
type ConfirmReceipt struct {
	ReceivedDate string `json:"received_date" format:"date"`
	ReceiptRef   string `json:"receipt_ref" maxLength:"100"`
}

// ConfirmReceipt records, once, that a disbursement reached the partner. It
// is done by the partner county's own users (or an admin).
func (l *Ledger) ConfirmReceipt(ctx context.Context, req Request, disbursementID string, cmd ConfirmReceipt) (*Written, error) {
	today := l.today()
	if _, err := cmd.event(today, disbursementID, nil); err != nil {
		return nil, err
	}
	ref, err := l.entity(ctx, "disbursement_id", disbursementID, "disbursement")
	if err != nil {
		return nil, err
	}
	commitmentID := ref.StreamID[len("commitment-"):]
	ids := Written{DisbursementID: disbursementID, CommitmentID: commitmentID}
	return l.run(ctx, req, "ConfirmReceipt/"+disbursementID, cmd, ids, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		s, err := l.loadCommitment(ctx, commitmentID)
		if err != nil {
			return nil, err
		}
		pr, err := l.pairing(ctx, "disbursement_id", s.pairingOf(disbursementID))
		if err != nil {
			return nil, err
		}
		if !req.Principal.CanConfirmReceipt(pr.Partner.Code) {
			if !req.Principal.CanRead(pr.Donor.Code, pr.Partner.Code) { // as if it did not exist: see writablePairing
				return nil, notFound("disbursement_id", "disbursement", disbursementID)
			}
			return nil, forbidden(fmt.Sprintf("only %s (%s) may confirm receipt of this disbursement", pr.Partner.Name, pr.Partner.Code),
				fmt.Sprintf("只有受援方 %s(%s)可以确认该笔资金到位", pr.Partner.Name, pr.Partner.Code))
		}
		return cmd.decide(today, s, pr, disbursementID)
	})
}

func (cmd ConfirmReceipt) event(today events.Date, disbursementID string, s *commitmentState) (events.FundsReceiptConfirmed, error) {
	c := &check{today: today}
	date := c.date("received_date", cmd.ReceivedDate)
	c.past("received_date", date)
	c.text("receipt_ref", cmd.ReceiptRef, 100)
	ev := events.FundsReceiptConfirmed{DisbursementID: disbursementID, ReceivedDate: date, ReceiptRef: cmd.ReceiptRef}
	if s != nil {
		ev.CommitmentID, ev.PairingID = s.commitment.CommitmentID, s.pairingOf(disbursementID)
	}
	return ev, c.result()
}

// decide confirms, once, receipt of a disbursement of s that is not wholly
// reversed, on or after its date.
func (cmd ConfirmReceipt) decide(today events.Date, s *commitmentState, pr events.PairingEstablished, disbursementID string) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today, disbursementID, s)
	if err != nil {
		return nil, err
	}
	d, ok := s.disbursements[disbursementID]
	switch {
	case !ok:
		return nil, notFound("disbursement_id", "disbursement", disbursementID)
	case d.confirmed:
		return nil, conflict(CodeReceiptAlreadyConfirmed, "", "receipt of this disbursement is already confirmed", "该笔拨付已确认到位")
	case d.remaining() == 0:
		return nil, rule(CodeDisbursementReversed, "", "this disbursement has been wholly reversed", "该笔拨付已被全额冲正")
	case ev.ReceivedDate.Before(d.BusinessDate):
		return nil, invalid("received_date", fmt.Sprintf("received_date %s is before the disbursement's date %s", ev.ReceivedDate, d.BusinessDate),
			fmt.Sprintf("到位日期 %s 早于拨付日期 %s", ev.ReceivedDate, d.BusinessDate))
	}
	return &eventstore.AppendRequest{StreamID: commitmentStream(ev.CommitmentID), ExpectedVersion: s.version,
		Events: []events.Event{ev}, DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code}, nil
}

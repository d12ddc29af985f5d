// Package history tells the story of one entity — a pairing, commitment,
// disbursement, project, donation, purchase, sale, secondment or visit —
// straight from the event store (the book of record, not a read model):
// every event that touched it, in position order, with who recorded it,
// when, its document numbers, its amount and the entity's running figure
// after the step.
//
// The running figures follow the ledger's own folds (services/ledger:
// commitment_state.go, staff.go, reversal.go), so they are what the
// ledger's invariants were checked against at each step.
package history

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
)

// ReadAction is the access-log action of a history read: every read of a
// history, by API or web, is recorded under it before it is answered.
const ReadAction = "history.read"

// ErrNotFound means no entity has this id (or the id is not a ULID).
var ErrNotFound = errors.New("no such entity")

// Kinds lists the entity kinds Of can tell the history of.
var Kinds = []string{"pairing", "commitment", "disbursement", "disbursement_reversal", "project",
	"donation", "purchase", "sale", "secondment", "visit"}

// History is every event that touched one entity, oldest first.
type History struct {
	EntityID string `json:"entity_id"`
	// Kind is the entity's kind (one of Kinds); StreamID the stream it
	// lives in.
	Kind     string `json:"kind"`
	StreamID string `json:"stream_id"`
	// DonorCode and PartnerCode are the routing codes of the entity's
	// events (PartnerCode "multi" for a visit covering several partners);
	// PairingIDs the pairings it belongs to. They decide who may read it.
	DonorCode   string   `json:"donor_code"`
	PartnerCode string   `json:"partner_code"`
	PairingIDs  []string `json:"pairing_ids"`
	Steps       []Step   `json:"steps"`
}

// Step is one event of a history and the entity's figure after it.
type Step struct {
	Position   int64     `json:"position" doc:"ledger position of the event"`
	EventID    string    `json:"event_id"`
	Type       string    `json:"type" doc:"event type, e.g. aid.funds_disbursed"`
	RecordedAt time.Time `json:"recorded_at" doc:"when the event was appended (server time, UTC)"`
	Actor      string    `json:"actor" doc:"who recorded it: name (role)"`
	// BusinessDate is the date the event is about: business date, received
	// date, as-of date, start or end date …; "" when it has none (targets).
	BusinessDate string    `json:"business_date,omitempty" doc:"the date the event is about (YYYY-MM-DD)"`
	Documents    Documents `json:"documents"`
	// AmountFen is the money the event carries in 分, negative when it
	// takes money back or lowers a figure (reversals, downward
	// adjustments); 0 for events that carry none (receipts, progress,
	// staff, visits, pairings, targets).
	AmountFen int64  `json:"amount_fen" doc:"signed amount in 分 (fen); 0 when the event carries no money"`
	Figure    Figure `json:"figure" doc:"the entity's running figure after this step"`
	// Hash is the event's chain hash (hex), to check against the log.
	Hash string `json:"hash"`
}

// Documents are the document numbers an event cites.
type Documents struct {
	DocNo          string `json:"doc_no,omitempty" doc:"文号 / reversal document"`
	VoucherNo      string `json:"voucher_no,omitempty"`
	ReceiptNo      string `json:"receipt_no,omitempty"`
	OrderNo        string `json:"order_no,omitempty"`
	ReceiptRef     string `json:"receipt_ref,omitempty"`
	AgreementDocNo string `json:"agreement_doc_no,omitempty"`
}

// String lists the numbers present as "field=number", space separated.
func (d Documents) String() string {
	var parts []string
	for _, f := range [][2]string{{"doc_no", d.DocNo}, {"voucher_no", d.VoucherNo}, {"receipt_no", d.ReceiptNo},
		{"order_no", d.OrderNo}, {"receipt_ref", d.ReceiptRef}, {"agreement_doc_no", d.AgreementDocNo}} {
		if f[1] != "" {
			parts = append(parts, f[0]+"="+f[1])
		}
	}
	return strings.Join(parts, " ")
}

// Figure is an entity's running figure. Exactly one field is set, the one
// of the history's kind (a disbursement_reversal shows its disbursement).
type Figure struct {
	Commitment   *CommitmentFigure   `json:"commitment,omitempty"`
	Disbursement *DisbursementFigure `json:"disbursement,omitempty"`
	Entry        *EntryFigure        `json:"entry,omitempty" doc:"donation, purchase or sale"`
	Project      *ProjectFigure      `json:"project,omitempty"`
	Secondment   *SecondmentFigure   `json:"secondment,omitempty"`
	Visit        *VisitFigure        `json:"visit,omitempty"`
	Pairing      *PairingFigure      `json:"pairing,omitempty"`
	Counted      *CountedFigure      `json:"counted,omitempty" doc:"labour transfer, training or agreement"`
	Site         *SiteFigure         `json:"site,omitempty" doc:"park or workshop"`
}

// CommitmentFigure is a commitment after a step. NetDisbursedFen =
// DisbursedFen − ReversedFen; OutstandingFen = CommittedFen −
// NetDisbursedFen (negative after an approved over-commitment).
type CommitmentFigure struct {
	CommittedFen      int64 `json:"committed_fen" doc:"amount + Σ adjustments"`
	DisbursedFen      int64 `json:"disbursed_fen" doc:"Σ disbursements (gross)"`
	ReversedFen       int64 `json:"reversed_fen" doc:"Σ disbursement reversals"`
	NetDisbursedFen   int64 `json:"net_disbursed_fen"`
	OutstandingFen    int64 `json:"outstanding_fen" doc:"committed − net disbursed"`
	ReceiptsConfirmed int   `json:"receipts_confirmed" doc:"disbursements whose receipt the partner confirmed"`
	// Shares is the allocation of a commitment of several pairings (none
	// for one of a single pairing).
	Shares []events.Share `json:"shares,omitempty" doc:"of a commitment of several pairings: each pairing's share"`
}

// DisbursementFigure is a disbursement after a step: NetFen = AmountFen −
// ReversedFen.
type DisbursementFigure struct {
	DisbursementID   string `json:"disbursement_id"`
	AmountFen        int64  `json:"amount_fen"`
	ReversedFen      int64  `json:"reversed_fen"`
	NetFen           int64  `json:"net_fen"`
	ReceiptConfirmed bool   `json:"receipt_confirmed"`
}

// EntryFigure is a donation, purchase or sale after a step: NetFen =
// AmountFen − ReversedFen.
type EntryFigure struct {
	AmountFen   int64 `json:"amount_fen"`
	ReversedFen int64 `json:"reversed_fen"`
	NetFen      int64 `json:"net_fen"`
}

// ProjectFigure is a project after a step. Status is "registered" until
// the first progress report, then the reported status.
type ProjectFigure struct {
	PlannedTotalFen        int64  `json:"planned_total_fen"`
	Status                 string `json:"status"`
	AsOf                   string `json:"as_of,omitempty"`
	CompletedInvestmentFen int64  `json:"completed_investment_fen"`
	StartedOn              string `json:"started_on,omitempty"`   // 开工 (events.ProjectDates)
	CompletedOn            string `json:"completed_on,omitempty"` // 竣工
	// YearPlans maps a calendar year to the investment planned in it.
	YearPlans map[int]int64 `json:"year_plans,omitempty"`
}

// Secondment statuses.
const (
	SecondmentRunning  = "running"
	SecondmentEnded    = "ended"
	SecondmentReversed = "reversed"
)

// SecondmentFigure is a secondment after a step: running (no end
// recorded), ended, or reversed (it and its end no longer count).
type SecondmentFigure struct {
	Status    string `json:"status" enum:"running,ended,reversed"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date,omitempty"`
}

// VisitFigure is a visit after a step: counted until reversed.
type VisitFigure struct {
	Counted bool `json:"counted"`
}

// CountedFigure is a labour transfer, training or agreement after a step:
// counted, or reversed.
type CountedFigure struct {
	Counted bool `json:"counted"`
}

// SiteFigure is a park or workshop after a step: counted or reversed, and
// its last report (a park's cumulative figures, a workshop's employment).
type SiteFigure struct {
	Kind            string `json:"kind" enum:"park,workshop"`
	Counted         bool   `json:"counted"`
	AsOf            string `json:"as_of,omitempty" doc:"the last report's day"`
	Enterprises     int64  `json:"enterprises,omitempty"`
	InvestmentFen   int64  `json:"investment_fen,omitempty"`
	OutputFen       int64  `json:"output_fen,omitempty"`
	ReturnsFen      int64  `json:"returns_fen,omitempty"`
	Employed        int64  `json:"employed,omitempty"`
	PovertyEmployed int64  `json:"poverty_employed,omitempty"`
}

// PairingFigure is a pairing after a step: its validity and the years it
// has targets for (a later AnnualTargetsSet for a year replaces the
// earlier one).
type PairingFigure struct {
	ValidFrom   string `json:"valid_from"`
	ValidTo     string `json:"valid_to"`
	TargetYears []int  `json:"target_years"`
}

// String is a one-line summary of the figure, in English (Text "en").
func (f Figure) String() string { return f.Text("en") }

// Text is a one-line summary of the figure in lang ("zh" or "en"), money
// in 元.
func (f Figure) Text(lang string) string {
	zh := lang == "zh"
	pick := func(zhText, enText string) string {
		if zh {
			return zhText
		}
		return enText
	}
	switch {
	case f.Commitment != nil:
		c := f.Commitment
		return fmt.Sprintf(pick("计划 %s 元,已拨付 %s 元,冲正 %s 元,净拨付 %s 元,未拨付 %s 元,到位确认 %d 笔",
			"committed %s, disbursed %s, reversed %s, net %s, outstanding %s, receipts %d"),
			events.Yuan(c.CommittedFen), events.Yuan(c.DisbursedFen), events.Yuan(c.ReversedFen), events.Yuan(c.NetDisbursedFen),
			events.Yuan(c.OutstandingFen), c.ReceiptsConfirmed)
	case f.Disbursement != nil:
		d := f.Disbursement
		s := fmt.Sprintf(pick("金额 %s 元,冲正 %s 元,净额 %s 元", "amount %s, reversed %s, net %s"),
			events.Yuan(d.AmountFen), events.Yuan(d.ReversedFen), events.Yuan(d.NetFen))
		if d.ReceiptConfirmed {
			s += pick(",已确认到位", ", receipt confirmed")
		}
		return s
	case f.Entry != nil:
		return fmt.Sprintf(pick("金额 %s 元,冲正 %s 元,净额 %s 元", "amount %s, reversed %s, net %s"),
			events.Yuan(f.Entry.AmountFen), events.Yuan(f.Entry.ReversedFen), events.Yuan(f.Entry.NetFen))
	case f.Project != nil:
		p := f.Project
		status := p.Status
		if zh {
			status = projectStatusZh[p.Status]
		}
		return fmt.Sprintf(pick("%s,已完成投资 %s 元 / 计划 %s 元", "%s, completed %s of %s planned"), status,
			events.Yuan(p.CompletedInvestmentFen), events.Yuan(p.PlannedTotalFen))
	case f.Secondment != nil:
		s := f.Secondment
		switch {
		case s.Status == SecondmentReversed:
			return pick("已冲正", "reversed")
		case s.EndDate != "":
			return fmt.Sprintf(pick("已结束(%s 至 %s)", "ended (%s–%s)"), s.StartDate, s.EndDate)
		}
		return fmt.Sprintf(pick("在岗(自 %s 起)", "running (since %s)"), s.StartDate)
	case f.Visit != nil:
		if f.Visit.Counted {
			return pick("计入", "counted")
		}
		return pick("已冲正", "reversed")
	case f.Counted != nil:
		if f.Counted.Counted {
			return pick("计入", "counted")
		}
		return pick("已冲正", "reversed")
	case f.Site != nil:
		s := f.Site
		switch {
		case !s.Counted:
			return pick("已冲正", "reversed")
		case s.AsOf == "":
			return pick("已设立,尚无进展报告", "established, not yet reported on")
		case s.Kind == "workshop":
			return fmt.Sprintf(pick("截至 %s 吸纳就业 %d 人,其中脱贫人口 %d 人", "as of %s employs %d, of whom %d lifted out of poverty"),
				s.AsOf, s.Employed, s.PovertyEmployed)
		}
		return fmt.Sprintf(pick("截至 %s 累计入驻企业 %d 家,累计投资 %s 元,产值 %s 元,返利 %s 元",
			"as of %s: %d enterprises, investment %s, output %s, returns %s"), s.AsOf, s.Enterprises, events.Yuan(s.InvestmentFen),
			events.Yuan(s.OutputFen), events.Yuan(s.ReturnsFen))
	case f.Pairing != nil:
		years := make([]string, len(f.Pairing.TargetYears))
		for i, y := range f.Pairing.TargetYears {
			years[i] = strconv.Itoa(y)
		}
		list := strings.Join(years, pick("、", ", "))
		if list == "" {
			list = pick("无", "none")
		}
		return fmt.Sprintf(pick("有效期 %s 至 %s,已设年度目标:%s", "valid %s–%s, targets for %s"), f.Pairing.ValidFrom, f.Pairing.ValidTo, list)
	}
	return ""
}

// projectStatusZh names a project's statuses in Chinese.
var projectStatusZh = map[string]string{"registered": "已立项", "not_started": "未开工", "in_progress": "在建", "completed": "完工", "accepted": "已验收"}

// Of returns the history of entity id read from store: every event of the
// entity's stream that concerns it (and, for a pairing, its targets stream
// "targets-<id>"), in position order, each with the running figure after
// it. A commitment's history is its whole stream (its adjustments and every
// disbursement, reversal and receipt against it); a disbursement's is its
// FundsDisbursed, the DisbursementReversed and FundsReceiptConfirmed naming
// it; a disbursement_reversal's is the reversal alone, figured as its
// disbursement; a secondment's is the events of that secondment in the
// person's stream. A project's history is its own stream (registration and
// progress), not the commitments that name it.
//
// An id that is not a ULID or names no entity is ErrNotFound (wrapped).
// Of only reads; it checks no read scope — callers must (see History's
// DonorCode, PartnerCode and PairingIDs).
func Of(ctx context.Context, store *eventstore.Store, id string) (*History, error) {
	if !events.ValidID(id) {
		return nil, fmt.Errorf("history of %q: %w", id, ErrNotFound)
	}
	ref, err := store.Entity(ctx, id)
	if errors.Is(err, eventstore.ErrNotFound) {
		return nil, fmt.Errorf("history of %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	apply, err := folder(ref.Kind, id)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	recs, _, err := store.ReadStream(ctx, ref.StreamID)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	if ref.Kind == "pairing" {
		targets, _, err := store.ReadStream(ctx, "targets-"+id)
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", id, err)
		}
		recs = append(recs, targets...)
		slices.SortFunc(recs, func(a, b events.Record) int { return cmp.Compare(a.Position, b.Position) })
	}
	h := &History{EntityID: id, Kind: ref.Kind, StreamID: ref.StreamID, Steps: []Step{}}
	for _, r := range recs {
		ev, err := r.Event()
		if err != nil {
			return nil, fmt.Errorf("history of %s: position %d: %w", id, r.Position, err)
		}
		fig, keep := apply(ev)
		if !keep {
			continue
		}
		if len(h.Steps) == 0 {
			h.DonorCode, h.PartnerCode = r.DonorCode, r.PartnerCode
			if ps, ok := ev.(events.PairingScoped); ok {
				h.PairingIDs = ps.PairingIDs()
			}
		}
		date, docs, amount := describe(ev)
		h.Steps = append(h.Steps, Step{Position: r.Position, EventID: r.ID, Type: r.Type, RecordedAt: r.RecordedAt,
			Actor: r.Metadata.Actor, BusinessDate: date.String(), Documents: docs, AmountFen: amount, Figure: fig,
			Hash: r.Hash.String()})
	}
	if len(h.Steps) == 0 {
		return nil, fmt.Errorf("history of %s: %s stream %s holds no event of it", id, ref.Kind, ref.StreamID)
	}
	return h, nil
}

// describe returns what any event says of itself: its business date,
// document numbers and signed amount.
func describe(ev events.Event) (events.Date, Documents, int64) {
	switch e := ev.(type) {
	case events.PairingEstablished:
		return e.ValidFrom, Documents{AgreementDocNo: e.AgreementDocNo}, 0
	case events.AnnualTargetsSet:
		return events.Date{}, Documents{DocNo: e.DocNo}, 0
	case events.AidProjectRegistered:
		return e.BusinessDate, Documents{}, 0
	case events.ProjectProgressReported:
		return e.AsOf, Documents{}, 0
	case events.ProjectYearPlanned:
		return e.BusinessDate, Documents{}, e.PlannedFen
	case events.FundsCommitted:
		return e.BusinessDate, Documents{DocNo: e.DocNo}, e.AmountFen
	case events.CommitmentAdjusted:
		return e.BusinessDate, Documents{DocNo: e.DocNo}, e.DeltaFen
	case events.CommitmentAllocated:
		return e.BusinessDate, Documents{DocNo: e.DocNo}, 0
	case events.FundsDisbursed:
		return e.BusinessDate, Documents{VoucherNo: e.VoucherNo}, e.AmountFen
	case events.DisbursementReversed:
		return e.BusinessDate, Documents{DocNo: e.DocNo}, -e.AmountFen
	case events.FundsReceiptConfirmed:
		return e.ReceivedDate, Documents{ReceiptRef: e.ReceiptRef}, 0
	case events.DonationReceived:
		return e.BusinessDate, Documents{ReceiptNo: e.ReceiptNo}, e.AmountFen
	case events.ProductPurchased:
		return e.CompletedDate, Documents{OrderNo: e.OrderNo}, e.AmountFen
	case events.SalesFacilitated:
		return e.PeriodTo, Documents{OrderNo: e.OrderNo}, e.AmountFen
	case events.SecondmentStarted:
		return e.StartDate, Documents{}, 0
	case events.SecondmentEnded:
		return e.EndDate, Documents{}, 0
	case events.VisitConducted:
		return e.StartDate, Documents{}, 0
	case events.DonationReversed, events.PurchaseReversed, events.SaleReversed, events.VisitReversed, events.SecondmentReversed:
		rv := ev.(interface{ Reversal() events.EntryReversal }).Reversal()
		return rv.BusinessDate, Documents{DocNo: rv.DocNo}, -rv.AmountFen
	}
	return events.Date{}, Documents{}, 0
}

// reversalOf returns the shared body of an entry reversal.
func reversalOf(ev events.Event) (events.EntryReversal, bool) {
	r, ok := ev.(interface{ Reversal() events.EntryReversal })
	if !ok {
		return events.EntryReversal{}, false
	}
	return r.Reversal(), true
}

// VisibleTo applies the read scope of p to the history: its donor and
// partner codes, or — for a visit covering several partners (partner code
// "multi") — any of its pairings, looked up with pairing.
func (h *History) VisibleTo(ctx context.Context, p auth.Principal, pairing func(context.Context, string) (events.PairingEstablished, error)) (bool, error) {
	if p.CanRead(h.DonorCode, h.PartnerCode) {
		return true, nil
	}
	for _, id := range h.PairingIDs {
		pr, err := pairing(ctx, id)
		if err != nil {
			return false, err
		}
		if p.CanRead(pr.Donor.Code, pr.Partner.Code) {
			return true, nil
		}
	}
	return false, nil
}

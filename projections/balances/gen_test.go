package balances_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// gen produces a random but valid event sequence: every event obeys the
// ledger's command rules (reversals within what is left and not before the
// original, receipts once and not on a wholly reversed disbursement, ends
// after starts, project status and as-of monotonic, adjustments never
// below the net disbursed, over-commitment approvals when needed). Business
// dates advance with the position, with some late entries.
type gen struct {
	r        *rand.Rand
	entropy  *rand.ChaCha8
	evs      []projections.Event // the events of the current chunk
	pos      int                 // events emitted so far
	total    int                 // events the whole sequence will hold
	seq      int
	start    time.Time
	days     int // business dates fall in start .. start+days
	pairings []genPairing

	commitments []*genCommitment
	disbs       []*genDisb
	entries     []*genEntry // donations, purchases, sales
	secondments []*genSecondment
	visits      []*genVisit
	projects    []*genProject
}

type genPairing struct {
	id, donor string
}

type genCommitment struct {
	id, pairing        string
	committed, netDisb int64
	budgetYear         int
	date               events.Date
}

type genDisb struct {
	c                *genCommitment
	id               string
	amount, reversed int64
	date             events.Date
	confirmed        bool
}

type genEntry struct {
	kind             string // "donation", "purchase", "sale"
	id, pairing      string
	amount, reversed int64
	date             events.Date
}

type genSecondment struct {
	id, pairing    string
	start          events.Date
	ended, reverse bool
}

type genVisit struct {
	id       string
	pairings []string
	start    events.Date
	reversed bool
}

type genProject struct {
	id, pairing string
	status      int
	asOf        events.Date
}

// newGen makes a generator of n events over donors × partnersPerDonor
// pairings, business dates in 2022–2025.
func newGen(seed uint64, donors, partnersPerDonor int) *gen {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), entropy: rand.NewChaCha8(key), start: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), days: 4*365 + 1}
	for d := range donors {
		donor := fmt.Sprintf("D%02d", d)
		for p := range partnersPerDonor {
			id := g.id("P")
			g.pairings = append(g.pairings, genPairing{id: id, donor: donor})
			g.emit(events.PairingEstablished{PairingID: id, Donor: events.Unit{Code: donor, Name: "援助方" + donor, ShortName: donor},
				Partner:   events.Unit{Code: fmt.Sprintf("%06d", 510000+d*100+p), Name: fmt.Sprintf("受援县%d-%d", d, p), ShortName: fmt.Sprintf("县%d-%d", d, p)},
				Programme: events.Programmes[p%len(events.Programmes)], AgreementDocNo: "协议" + id,
				ValidFrom: events.DateOf(2020, 1, 1), ValidTo: events.DateOf(2030, 12, 31)})
		}
	}
	return g
}

// id returns a new ULID, as the ledger assigns: increasing, its time part
// advancing one millisecond per id from 2022-01-01, its entropy seeded.
func (g *gen) id(string) string {
	g.seq++
	return ulid.MustNew(uint64(g.start.UnixMilli())+uint64(g.seq), g.entropy).String()
}

func (g *gen) emit(e events.Event) {
	g.pos++
	g.evs = append(g.evs, projections.Event{Record: events.Record{Position: int64(g.pos), ID: fmt.Sprintf("E%09d", g.pos),
		Type: e.EventType(), SchemaVersion: 1}, Data: e})
}

// today is the business date of the next event: the sequence's progress
// through the date range, minus up to 10 days of late entry.
func (g *gen) today() events.Date {
	d := g.pos * g.days / max(g.total, g.pos+1)
	d -= g.r.IntN(11)
	d = max(d, 0)
	t := g.start.AddDate(0, 0, d)
	return events.DateOf(t.Year(), t.Month(), t.Day())
}

func later(a, b events.Date) events.Date {
	if a.After(b) {
		return a
	}
	return b
}

// recent picks one of the last 2000 items of xs (nil when empty).
func recent[T any](g *gen, xs []*T) *T {
	if len(xs) == 0 {
		return nil
	}
	lo := max(0, len(xs)-2000)
	return xs[lo+g.r.IntN(len(xs)-lo)]
}

func (g *gen) pairing() genPairing { return g.pairings[g.r.IntN(len(g.pairings))] }

func (g *gen) amount(lo, hi int64) int64 { return lo + g.r.Int64N(hi-lo+1) }

// run returns a whole sequence of n events (after the pairings).
func (g *gen) run(n int) []projections.Event {
	g.total = n
	return g.next(n)
}

// next returns the next chunk of about size events (an action may emit a
// few more, and the first chunk holds the pairings too) of a sequence of
// g.total; the previous chunk is no longer referenced.
func (g *gen) next(size int) []projections.Event {
	chunk := g.evs
	g.evs = nil
	for len(chunk)+len(g.evs) < size {
		today := g.today()
		switch w := g.r.IntN(1000); {
		case w < 50:
			g.commit(today)
		case w < 70:
			g.adjust(today)
		case w < 370:
			g.disburse(today)
		case w < 410:
			g.reverseDisbursement(today)
		case w < 560:
			g.confirm(today)
		case w < 660:
			g.entry("donation", today)
		case w < 790:
			g.entry("purchase", today)
		case w < 840:
			g.entry("sale", today)
		case w < 870:
			g.reverseEntry(today)
		case w < 900:
			g.startSecondment(today)
		case w < 920:
			g.endSecondment(today)
		case w < 925:
			g.reverseSecondment(today)
		case w < 955:
			g.visit(today)
		case w < 960:
			g.reverseVisit(today)
		case w < 975:
			g.register(today)
		default:
			g.progress(today)
		}
	}
	chunk, g.evs = append(chunk, g.evs...), nil
	return chunk
}

func (g *gen) commit(today events.Date) {
	p := g.pairing()
	c := &genCommitment{id: g.id("C"), pairing: p.id, committed: g.amount(10, 5000) * 100_000, budgetYear: today.Year() + g.r.IntN(2), date: today}
	g.commitments = append(g.commitments, c)
	var project string
	if pr := recent(g, g.projects); pr != nil && pr.pairing == p.id && g.r.IntN(2) == 0 {
		project = pr.id
	}
	g.emit(events.FundsCommitted{CommitmentID: c.id, PairingID: p.id, ProjectID: project, AmountFen: c.committed,
		BudgetYear: c.budgetYear, SourceLevel: events.SourceLevels[g.r.IntN(3)], DocNo: "文" + c.id, BusinessDate: today})
}

func (g *gen) adjust(today events.Date) {
	c := recent(g, g.commitments)
	if c == nil {
		g.commit(today)
		return
	}
	delta := g.amount(-c.committed/2, c.committed/2)
	if delta == 0 || c.committed+delta < c.netDisb {
		delta = g.amount(1, 1000) * 10_000
	}
	c.committed += delta
	g.emit(events.CommitmentAdjusted{CommitmentID: c.id, PairingID: c.pairing, DeltaFen: delta, Reason: "调整", DocNo: "调" + c.id,
		BusinessDate: later(today, c.date)})
}

func (g *gen) disburse(today events.Date) {
	c := recent(g, g.commitments)
	if c == nil {
		g.commit(today)
		return
	}
	d := &genDisb{c: c, id: g.id("B"), amount: g.amount(1, c.committed/3+1), date: later(today, c.date)}
	var over *events.OverCommitment
	if c.netDisb+d.amount > c.committed {
		if g.r.IntN(4) != 0 {
			d.amount = c.committed - c.netDisb
		}
		if d.amount <= 0 || c.netDisb+d.amount > c.committed {
			d.amount = max(d.amount, g.amount(1, 100_000))
			over = &events.OverCommitment{Justification: "急需", ApprovedBy: "局长"}
		}
	}
	c.netDisb += d.amount
	g.disbs = append(g.disbs, d)
	g.emit(events.FundsDisbursed{DisbursementID: d.id, CommitmentID: c.id, PairingID: c.pairing, AmountFen: d.amount,
		BusinessDate: d.date, PayeeName: "财政局", VoucherNo: "V" + d.id, OverCommitment: over})
}

func (g *gen) reason() events.ReversalReason {
	if g.r.IntN(2) == 0 {
		return events.ReasonEntryError
	}
	return events.ReasonFundsReturned
}

func (g *gen) reverseDisbursement(today events.Date) {
	d := recent(g, g.disbs)
	if d == nil || d.amount == d.reversed {
		g.disburse(today)
		return
	}
	a := d.amount - d.reversed
	if g.r.IntN(2) == 0 {
		a = g.amount(1, a)
	}
	d.reversed += a
	d.c.netDisb -= a
	g.emit(events.DisbursementReversed{ReversalID: g.id("R"), DisbursementID: d.id, CommitmentID: d.c.id, PairingID: d.c.pairing,
		AmountFen: a, Reason: g.reason(), BusinessDate: later(today, d.date), OriginalDate: d.date})
}

func (g *gen) confirm(today events.Date) {
	d := recent(g, g.disbs)
	if d == nil || d.confirmed || d.amount == d.reversed {
		g.disburse(today)
		return
	}
	d.confirmed = true
	g.emit(events.FundsReceiptConfirmed{DisbursementID: d.id, CommitmentID: d.c.id, PairingID: d.c.pairing,
		ReceivedDate: later(today, d.date), ReceiptRef: "到" + d.id})
}

func (g *gen) entry(kind string, today events.Date) {
	p := g.pairing()
	e := &genEntry{kind: kind, id: g.id(kind[:2]), pairing: p.id, amount: g.amount(1, 200_000) * 100, date: today}
	g.entries = append(g.entries, e)
	switch kind {
	case "donation":
		k, basis := events.DonationCash, ""
		if g.r.IntN(3) == 0 {
			k, basis = events.DonationInKind, "发票"
		}
		g.emit(events.DonationReceived{DonationID: e.id, PairingID: p.id, DonorName: "企业", DonorType: events.DonorEnterprise,
			Kind: k, AmountFen: e.amount, ValuationBasis: basis, ReceiptNo: "J" + e.id, BusinessDate: today})
	case "purchase":
		g.emit(events.ProductPurchased{PurchaseID: e.id, PairingID: p.id, BuyerName: "食堂", SupplierName: "合作社", Product: "茶叶",
			AmountFen: e.amount, Channel: events.ChannelCanteen, OrderNo: "O" + e.id, CompletedDate: today})
	default:
		from := events.DateOf(today.Year(), today.Time().Month(), 1)
		g.emit(events.SalesFacilitated{SaleID: e.id, PairingID: p.id, Channel: events.ChannelFair, PeriodFrom: from, PeriodTo: today,
			AmountFen: e.amount})
	}
}

func (g *gen) reverseEntry(today events.Date) {
	e := recent(g, g.entries)
	if e == nil || e.amount == e.reversed {
		g.entry("donation", today)
		return
	}
	a := e.amount - e.reversed
	if g.r.IntN(2) == 0 {
		a = g.amount(1, a)
	}
	e.reversed += a
	r := events.EntryReversal{OriginalID: e.id, PairingIDList: []string{e.pairing}, Reason: g.reason(), AmountFen: a,
		BusinessDate: later(today, e.date), OriginalDate: e.date}
	switch e.kind {
	case "donation":
		g.emit(events.DonationReversed{EntryReversal: r})
	case "purchase":
		g.emit(events.PurchaseReversed{EntryReversal: r})
	default:
		g.emit(events.SaleReversed{EntryReversal: r})
	}
}

func (g *gen) startSecondment(today events.Date) {
	p := g.pairing()
	s := &genSecondment{id: g.id("S"), pairing: p.id, start: today}
	g.secondments = append(g.secondments, s)
	var planned events.Date
	if g.r.IntN(3) != 0 {
		planned = today.AddDays(g.r.IntN(700))
	}
	g.emit(events.SecondmentStarted{SecondmentID: s.id, PairingID: p.id, PersonRef: "p" + s.id[16:],
		Category: events.StaffCategories[g.r.IntN(len(events.StaffCategories))], SendingOrg: "区", HostOrg: "县",
		StartDate: today, PlannedEndDate: planned})
}

func (g *gen) endSecondment(today events.Date) {
	s := recent(g, g.secondments)
	if s == nil || s.ended || s.reverse {
		g.startSecondment(today)
		return
	}
	s.ended = true
	end := s.start.AddDays(g.r.IntN(400))
	if end.After(later(today, s.start)) {
		end = later(today, s.start)
	}
	g.emit(events.SecondmentEnded{SecondmentID: s.id, PairingID: s.pairing, PersonRef: "p" + s.id[16:], EndDate: end})
}

func (g *gen) reverseSecondment(today events.Date) {
	s := recent(g, g.secondments)
	if s == nil || s.reverse {
		g.startSecondment(today)
		return
	}
	s.reverse = true
	g.emit(events.SecondmentReversed{EntryReversal: events.EntryReversal{OriginalID: s.id, PairingIDList: []string{s.pairing},
		Reason: events.ReasonEntryError, BusinessDate: later(today, s.start), OriginalDate: s.start}})
}

func (g *gen) visit(today events.Date) {
	p := g.pairing()
	v := &genVisit{id: g.id("V"), pairings: []string{p.id}, start: today}
	for _, q := range g.pairings { // some other pairings of the same donor
		if q.donor == p.donor && q.id != p.id && g.r.IntN(3) == 0 {
			v.pairings = append(v.pairings, q.id)
		}
	}
	g.visits = append(g.visits, v)
	g.emit(events.VisitConducted{VisitID: v.id, PairingIDList: v.pairings, Direction: events.VisitOutbound, StartDate: today,
		EndDate: today.AddDays(g.r.IntN(5))})
}

func (g *gen) reverseVisit(today events.Date) {
	v := recent(g, g.visits)
	if v == nil || v.reversed {
		g.visit(today)
		return
	}
	v.reversed = true
	g.emit(events.VisitReversed{EntryReversal: events.EntryReversal{OriginalID: v.id, PairingIDList: v.pairings,
		Reason: events.ReasonEntryError, BusinessDate: later(today, v.start), OriginalDate: v.start}})
}

func (g *gen) register(today events.Date) {
	p := g.pairing()
	pr := &genProject{id: g.id("J"), pairing: p.id, status: -1, asOf: today}
	g.projects = append(g.projects, pr)
	g.emit(events.AidProjectRegistered{ProjectID: pr.id, PairingID: p.id, Name: "项目" + pr.id, Sector: "教育",
		DeliveryMode: events.DeliveryTurnkey, PlannedTotalFen: g.amount(100, 10000) * 100_000, PlanYear: today.Year() + g.r.IntN(2),
		BusinessDate: today})
}

func (g *gen) progress(today events.Date) {
	pr := recent(g, g.projects)
	if pr == nil {
		g.register(today)
		return
	}
	pr.status = min(len(events.ProjectStatuses)-1, max(pr.status, 0)+g.r.IntN(2))
	pr.asOf = later(today, pr.asOf)
	g.emit(events.ProjectProgressReported{ProjectID: pr.id, PairingID: pr.pairing, AsOf: pr.asOf,
		Status: events.ProjectStatuses[pr.status], CompletedInvestmentFen: g.amount(0, 10000) * 100_000})
}

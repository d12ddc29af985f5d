package yearend_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// gen produces a random but valid event sequence, as the ledger would
// store it (positions, ids, recorded_at, hash chain): every event obeys
// the command rules the read model relies on (reversals within what is
// left, receipts once and never of a wholly entry-error-reversed
// disbursement, a secondment or visit reversed once, project as-of dates
// monotonic). Business dates advance through 2023–2025 with the position;
// events are recorded up to 40 days after their business date, so some
// are late entries and some reversals cross a year end. Purchases name
// the partner's county, another one or none.
type gen struct {
	r        *rand.Rand
	evs      []projections.Event // the current chunk
	pos      int
	total    int // events the whole sequence will hold
	seq      int
	prev     events.Hash
	pairings []genPairing

	commitments []*genCommitment
	disbs       []*genDisb
	entries     []*genEntry
	secondments []*genSecondment
	visits      []*genVisit
	projects    []*genProject
}

type genPairing struct{ id, donor, partner string }

type genCommitment struct {
	id, pairing string
	date        events.Date
}

type genDisb struct {
	c                *genCommitment
	id               string
	amount, reversed int64
	eeReversed       int64
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
	id, pairing string
	start       events.Date
	reversed    bool
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

// genStart is the first business date of generated sequences.
var genStart = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

// newGen makes a generator of total events (after the pairings) over
// donors × partnersPerDonor pairings; the first chunk holds the pairings.
func newGen(seed uint64, donors, partnersPerDonor, total int) *gen {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), total: total}
	for d := range donors {
		donor := fmt.Sprintf("D%02d", d)
		for p := range partnersPerDonor {
			partner := fmt.Sprintf("%06d", 510000+d*100+p)
			gp := genPairing{id: g.id("P"), donor: donor, partner: partner}
			g.pairings = append(g.pairings, gp)
			g.emit(events.PairingEstablished{PairingID: gp.id, Donor: events.Unit{Code: donor, Name: "援助方" + donor, ShortName: donor},
				Partner:   events.Unit{Code: partner, Name: "受援县" + partner, ShortName: partner},
				Programme: events.Programmes[p%len(events.Programmes)], AgreementDocNo: "协议" + gp.id,
				ValidFrom: events.DateOf(2022+p%2, 1, 1), ValidTo: events.DateOf(2024+p%3, 12, 31)}, events.DateOf(2022, 12, 1))
		}
	}
	return g
}

// id returns a new id with a prefix, increasing.
func (g *gen) id(prefix string) string {
	g.seq++
	return fmt.Sprintf("%s%08d", prefix, g.seq)
}

// emit appends e, dated on, recorded up to 40 days later.
func (g *gen) emit(e events.Event, on events.Date) {
	g.pos++
	payload, version, err := events.Encode(e)
	if err != nil {
		panic(err)
	}
	lag := time.Duration(g.r.IntN(41*24)) * time.Hour
	if g.r.IntN(3) != 0 {
		lag = time.Duration(g.r.IntN(20)) * time.Hour // most are recorded the same or the next day
	}
	at := on.Time().Add(-8*time.Hour + 9*time.Hour + lag) // from 09:00 China time on the day
	rec := events.Record{Position: int64(g.pos), ID: fmt.Sprintf("E%09d", g.pos), StreamID: "s", StreamVersion: 1,
		Type: e.EventType(), SchemaVersion: version, RecordedAt: at, DonorCode: "d", PartnerCode: "p",
		Metadata: events.Metadata{Actor: "gen"}, Payload: payload, PrevHash: g.prev}
	rec.Hash = events.ChainHash(rec.PrevHash, rec.Position, rec.Canonical())
	g.prev = rec.Hash
	g.evs = append(g.evs, projections.Event{Record: rec, Data: e})
}

// today is the business date of the next event: the sequence's progress
// through 2023–2025, minus up to 10 days.
func (g *gen) today() events.Date {
	const days = 3 * 365
	d := max(g.pos*days/max(g.total, g.pos+1)-g.r.IntN(11), 0)
	t := genStart.AddDate(0, 0, d)
	return events.DateOf(t.Year(), t.Month(), t.Day())
}

func later(a, b events.Date) events.Date {
	if a.After(b) {
		return a
	}
	return b
}

// recent picks one of the last 500 items of xs (nil when empty).
func recent[T any](g *gen, xs []*T) *T {
	if len(xs) == 0 {
		return nil
	}
	lo := max(0, len(xs)-500)
	return xs[lo+g.r.IntN(len(xs)-lo)]
}

func (g *gen) pairing() genPairing { return g.pairings[g.r.IntN(len(g.pairings))] }

func (g *gen) amount(lo, hi int64) int64 { return lo + g.r.Int64N(hi-lo+1) }

func (g *gen) reason() events.ReversalReason {
	if g.r.IntN(2) == 0 {
		return events.ReasonEntryError
	}
	return events.ReasonFundsReturned
}

// run returns the whole sequence.
func (g *gen) run() []projections.Event { return g.next(g.total + len(g.evs)) }

// next returns the next chunk of about size events; the previous chunk is
// no longer referenced.
func (g *gen) next(size int) []projections.Event {
	for len(g.evs) < size {
		today := g.today()
		switch w := g.r.IntN(1000); {
		case w < 60:
			g.commit(today)
		case w < 80:
			g.adjust(today)
		case w < 360:
			g.disburse(today)
		case w < 410:
			g.reverseDisbursement(today)
		case w < 540:
			g.confirm(today)
		case w < 640:
			g.entry("donation", today)
		case w < 770:
			g.entry("purchase", today)
		case w < 820:
			g.entry("sale", today)
		case w < 860:
			g.reverseEntry(today)
		case w < 890:
			g.startSecondment(today)
		case w < 900:
			g.reverseSecondment(today)
		case w < 940:
			g.visit(today)
		case w < 950:
			g.reverseVisit(today)
		case w < 965:
			g.register(today)
		case w < 990:
			g.progress(today)
		default:
			p := g.pairing()
			g.emit(events.AnnualTargetsSet{PairingID: p.id, Year: today.Year(), Targets: events.Targets{Visits: 3}}, today)
		}
	}
	chunk := g.evs
	g.evs = nil
	return chunk
}

func (g *gen) commit(today events.Date) {
	p := g.pairing()
	c := &genCommitment{id: g.id("C"), pairing: p.id, date: today}
	g.commitments = append(g.commitments, c)
	g.emit(events.FundsCommitted{CommitmentID: c.id, PairingID: p.id, AmountFen: g.amount(10, 5000) * 100_000,
		BudgetYear: today.Year() + g.r.IntN(2), SourceLevel: events.SourceLevels[g.r.IntN(3)], DocNo: "文" + c.id,
		BusinessDate: today}, today)
}

func (g *gen) adjust(today events.Date) {
	c := recent(g, g.commitments)
	if c == nil {
		g.commit(today)
		return
	}
	on := later(today, c.date)
	g.emit(events.CommitmentAdjusted{CommitmentID: c.id, PairingID: c.pairing, DeltaFen: g.amount(-100, 100) * 10_000,
		Reason: "调整", DocNo: "调" + c.id, BusinessDate: on}, on)
}

func (g *gen) disburse(today events.Date) {
	c := recent(g, g.commitments)
	if c == nil {
		g.commit(today)
		return
	}
	d := &genDisb{c: c, id: g.id("B"), amount: g.amount(1, 50_000) * 100, date: later(today, c.date)}
	g.disbs = append(g.disbs, d)
	var over *events.OverCommitment
	if g.r.IntN(20) == 0 {
		over = &events.OverCommitment{Justification: "急需", ApprovedBy: "局长"}
	}
	g.emit(events.FundsDisbursed{DisbursementID: d.id, CommitmentID: c.id, PairingID: c.pairing, AmountFen: d.amount,
		BusinessDate: d.date, PayeeName: "财政局", VoucherNo: "V" + d.id, OverCommitment: over}, d.date)
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
	reason := g.reason()
	if reason == events.ReasonEntryError {
		d.eeReversed += a
	}
	d.reversed += a
	on := later(today, d.date)
	g.emit(events.DisbursementReversed{ReversalID: g.id("R"), DisbursementID: d.id, CommitmentID: d.c.id, PairingID: d.c.pairing,
		AmountFen: a, Reason: reason, BusinessDate: on, OriginalDate: d.date}, on)
}

func (g *gen) confirm(today events.Date) {
	d := recent(g, g.disbs)
	if d == nil || d.confirmed || d.amount == d.eeReversed {
		g.disburse(today)
		return
	}
	d.confirmed = true
	on := later(today, d.date)
	g.emit(events.FundsReceiptConfirmed{DisbursementID: d.id, CommitmentID: d.c.id, PairingID: d.c.pairing,
		ReceivedDate: on, ReceiptRef: "到" + d.id}, on)
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
			Kind: k, AmountFen: e.amount, ValuationBasis: basis, ReceiptNo: "J" + e.id, BusinessDate: today}, today)
	case "purchase":
		county := []string{p.partner, p.partner, "", "999999"}[g.r.IntN(4)]
		g.emit(events.ProductPurchased{PurchaseID: e.id, PairingID: p.id, BuyerName: "食堂", SupplierName: "合作社",
			SupplierCountyCode: county, Product: "茶叶", AmountFen: e.amount, Channel: events.ChannelCanteen, OrderNo: "O" + e.id,
			CompletedDate: today}, today)
	default:
		from := events.DateOf(today.Year(), today.Time().Month(), 1)
		g.emit(events.SalesFacilitated{SaleID: e.id, PairingID: p.id, Channel: events.ChannelFair, PeriodFrom: from,
			PeriodTo: today, AmountFen: e.amount}, today)
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
	on := later(today, e.date)
	r := events.EntryReversal{OriginalID: e.id, PairingIDList: []string{e.pairing}, Reason: g.reason(), AmountFen: a,
		BusinessDate: on, OriginalDate: e.date}
	switch e.kind {
	case "donation":
		g.emit(events.DonationReversed{EntryReversal: r}, on)
	case "purchase":
		g.emit(events.PurchaseReversed{EntryReversal: r}, on)
	default:
		g.emit(events.SaleReversed{EntryReversal: r}, on)
	}
}

func (g *gen) startSecondment(today events.Date) {
	p := g.pairing()
	s := &genSecondment{id: g.id("S"), pairing: p.id, start: today}
	g.secondments = append(g.secondments, s)
	g.emit(events.SecondmentStarted{SecondmentID: s.id, PairingID: p.id, PersonRef: "p" + s.id,
		Category: events.StaffCategories[g.r.IntN(len(events.StaffCategories))], SendingOrg: "区", HostOrg: "县",
		StartDate: today}, today)
	if g.r.IntN(3) == 0 {
		end := today.AddDays(g.r.IntN(30))
		g.emit(events.SecondmentEnded{SecondmentID: s.id, PairingID: p.id, PersonRef: "p" + s.id, EndDate: end}, end)
	}
}

func (g *gen) reverseSecondment(today events.Date) {
	s := recent(g, g.secondments)
	if s == nil || s.reversed {
		g.startSecondment(today)
		return
	}
	s.reversed = true
	on := later(today, s.start)
	g.emit(events.SecondmentReversed{EntryReversal: events.EntryReversal{OriginalID: s.id, PairingIDList: []string{s.pairing},
		Reason: events.ReasonEntryError, BusinessDate: on, OriginalDate: s.start}}, on)
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
		EndDate: today.AddDays(g.r.IntN(5))}, today)
}

func (g *gen) reverseVisit(today events.Date) {
	v := recent(g, g.visits)
	if v == nil || v.reversed {
		g.visit(today)
		return
	}
	v.reversed = true
	on := later(today, v.start)
	g.emit(events.VisitReversed{EntryReversal: events.EntryReversal{OriginalID: v.id, PairingIDList: v.pairings,
		Reason: events.ReasonEntryError, BusinessDate: on, OriginalDate: v.start}}, on)
}

func (g *gen) register(today events.Date) {
	p := g.pairing()
	pr := &genProject{id: g.id("J"), pairing: p.id, status: -1, asOf: today}
	g.projects = append(g.projects, pr)
	g.emit(events.AidProjectRegistered{ProjectID: pr.id, PairingID: p.id, Name: "项目" + pr.id, Sector: "教育",
		DeliveryMode: events.DeliveryTurnkey, PlannedTotalFen: g.amount(100, 10000) * 100_000, PlanYear: today.Year() + g.r.IntN(2),
		BusinessDate: today}, today)
}

func (g *gen) progress(today events.Date) {
	pr := recent(g, g.projects)
	if pr == nil {
		g.register(today)
		return
	}
	// Mostly forward, sometimes back (a completed project found unfinished).
	pr.status = min(max(pr.status+g.r.IntN(3), 0), len(events.ProjectStatuses)-1)
	if g.r.IntN(10) == 0 {
		pr.status = 1
	}
	pr.asOf = later(today, pr.asOf)
	g.emit(events.ProjectProgressReported{ProjectID: pr.id, PairingID: pr.pairing, AsOf: pr.asOf,
		Status: events.ProjectStatuses[pr.status], CompletedInvestmentFen: g.amount(0, 100) * 100_000}, pr.asOf)
}

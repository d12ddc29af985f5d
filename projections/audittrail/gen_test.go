package audittrail

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// ledgerLog builds a log of events as the ledger would record them: consecutive
// positions from 1, stream versions, canonical payloads, a hash chain.
type ledgerLog struct {
	pos      int64
	prev     events.Hash
	versions map[string]int64
	base     time.Time
}

func newLog() *ledgerLog {
	return &ledgerLog{versions: map[string]int64{}, base: time.Date(2025, 1, 2, 1, 0, 0, 0, time.UTC)}
}

// meta is what the ledger records about an event besides its payload.
type meta struct {
	stream, donor, partner, actor, key, correlation, causation string
}

// append records d at the next position.
func (l *ledgerLog) append(m meta, d events.Event) projections.Event {
	l.pos++
	l.versions[m.stream]++
	payload, version, err := events.Encode(d)
	if err != nil {
		panic(err)
	}
	key := m.key
	if key == "" {
		key = fmt.Sprintf("key-%08d", l.pos)
	}
	r := events.Record{Position: l.pos, ID: fmt.Sprintf("01J%023d", l.pos), StreamID: m.stream,
		StreamVersion: l.versions[m.stream], Type: d.EventType(), SchemaVersion: version,
		RecordedAt: l.base.Add(time.Duration(l.pos) * 1500 * time.Microsecond),
		DonorCode:  m.donor, PartnerCode: m.partner,
		Metadata: events.Metadata{Actor: m.actor, IdempotencyKey: key, CorrelationID: m.correlation, CausationID: m.causation},
		Payload:  payload, PrevHash: l.prev}
	r.Hash = events.ChainHash(r.PrevHash, r.Position, r.Canonical())
	l.prev = r.Hash
	return projections.Event{Record: r, Data: d}
}

// gen produces a deterministic, plausible random log: pairings of a few
// donors with many partner counties, and then commitments, disbursements,
// reversals, receipts, donations, purchases, sales, secondments, visits
// (some covering several partners) and projects in realistic proportions.
// Its memory is bounded however many events it makes.
type gen struct {
	*ledgerLog
	rnd      *rand.Rand
	n        int // entity ids made
	pairings []gPairing
	commits  []gCommit
	disbs    []gDisb
	entries  []gEntry // donations, purchases, sales, visits, secondments
	projects []gProject
	corr     string // the current correlation id, shared by a few events
	corrLeft int
}

type gPairing struct {
	id, donor, partner, short string
}

type gCommit struct {
	id      string
	p       gPairing
	dated   events.Date
	project string
}

type gDisb struct {
	id       string
	c        gCommit
	amount   int64
	reversed int64
	date     events.Date
	received bool
}

type gEntry struct {
	kind     string
	id       string
	p        []gPairing
	partner  string
	amount   int64
	date     events.Date
	reversed bool
	ended    bool
	person   string
}

type gProject struct {
	id string
	p  gPairing
}

var genDonors = []struct{ code, short string }{
	{"320404", "钟楼"}, {"330112", "临安"}, {"320411", "新北"},
}

func newGen(seed uint64) *gen {
	return &gen{ledgerLog: newLog(), rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

const maxLive = 2000 // bound on remembered entities of each kind

func (g *gen) id() string { g.n++; return fmt.Sprintf("01K%023d", g.n) }

func (g *gen) remember(list *[]gEntry, e gEntry) {
	if len(*list) < maxLive {
		*list = append(*list, e)
	} else {
		(*list)[g.rnd.IntN(maxLive)] = e
	}
}

func (g *gen) date() events.Date {
	return events.DateOf(2021+g.rnd.IntN(5), time.Month(1+g.rnd.IntN(12)), 1+g.rnd.IntN(28))
}

func (g *gen) actor(donor string) string {
	return fmt.Sprintf("录入员%s-%d (recorder)", donor, g.rnd.IntN(3))
}

func (g *gen) meta(stream string, p gPairing) meta {
	m := meta{stream: stream, donor: p.donor, partner: p.partner, actor: g.actor(p.donor)}
	if g.corrLeft == 0 && g.rnd.IntN(5) == 0 {
		g.corr, g.corrLeft = fmt.Sprintf("corr-%d", g.pos), 1+g.rnd.IntN(4)
	}
	if g.corrLeft > 0 {
		m.correlation = g.corr
		g.corrLeft--
	}
	return m
}

func (g *gen) pairing() gPairing { return g.pairings[g.rnd.IntN(len(g.pairings))] }

// next appends and returns the next event.
func (g *gen) next() projections.Event {
	if len(g.pairings) < 12 || g.rnd.IntN(2000) == 0 {
		return g.newPairing()
	}
	for {
		switch k := g.rnd.IntN(1000); {
		case k < 80:
			return g.newCommitment()
		case k < 110 && len(g.commits) > 0:
			c := g.commits[g.rnd.IntN(len(g.commits))]
			delta := (g.rnd.Int64N(200) - 100) * 100000
			return g.append(g.meta("commitment-"+c.id, c.p), events.CommitmentAdjusted{CommitmentID: c.id, PairingID: c.p.id,
				DeltaFen: delta, Reason: "预算调整", DocNo: fmt.Sprintf("%s财〔%d〕%d号", c.p.short, c.dated.Year(), 100+g.rnd.IntN(900)),
				BusinessDate: c.dated.AddDays(g.rnd.IntN(60))})
		case k < 360 && len(g.commits) > 0:
			return g.newDisbursement()
		case k < 390 && len(g.disbs) > 0:
			i := g.rnd.IntN(len(g.disbs))
			d := &g.disbs[i]
			if d.amount == d.reversed {
				continue
			}
			amt := d.amount - d.reversed
			if g.rnd.IntN(2) == 0 {
				amt = 1 + g.rnd.Int64N(amt)
			}
			d.reversed += amt
			reason := events.ReasonEntryError
			if g.rnd.IntN(3) == 0 {
				reason = events.ReasonFundsReturned
			}
			return g.append(g.meta("commitment-"+d.c.id, d.c.p), events.DisbursementReversed{ReversalID: g.id(),
				DisbursementID: d.id, CommitmentID: d.c.id, PairingID: d.c.p.id, AmountFen: amt, Reason: reason,
				BusinessDate: d.date.AddDays(3), OriginalDate: d.date, DocNo: fmt.Sprintf("冲〔%d〕%d号", d.date.Year(), g.pos)})
		case k < 490 && len(g.disbs) > 0:
			d := &g.disbs[g.rnd.IntN(len(g.disbs))]
			if d.received || d.reversed == d.amount {
				continue
			}
			d.received = true
			m := g.meta("commitment-"+d.c.id, d.c.p)
			m.actor = "财政局" + d.c.p.partner + " (partner)"
			return g.append(m, events.FundsReceiptConfirmed{DisbursementID: d.id, CommitmentID: d.c.id, PairingID: d.c.p.id,
				ReceivedDate: d.date.AddDays(5), ReceiptRef: fmt.Sprintf("%s收〔%d〕%d号", d.c.p.partner, d.date.Year(), g.pos)})
		case k < 590:
			p := g.pairing()
			id, date, amt := g.id(), g.date(), 10000+g.rnd.Int64N(50000000)
			g.remember(&g.entries, gEntry{kind: KindDonation, id: id, p: []gPairing{p}, partner: p.partner, amount: amt, date: date})
			d := events.DonationReceived{DonationID: id, PairingID: p.id, DonorName: "某某企业", DonorType: events.DonorEnterprise,
				Kind: events.DonationCash, AmountFen: amt, ReceiptNo: fmt.Sprintf("JZ%s%08d", p.donor, g.n), BusinessDate: date}
			if g.rnd.IntN(4) == 0 {
				d.Kind, d.ValuationBasis = events.DonationInKind, "市场价"
				d.Items = []events.DonationItem{{Description: "羽绒服", Quantity: "200", Unit: "件", ValueFen: amt}}
			}
			return g.append(g.meta("donation-"+id, p), d)
		case k < 740:
			p := g.pairing()
			id, date, amt := g.id(), g.date(), 1000+g.rnd.Int64N(5000000)
			g.remember(&g.entries, gEntry{kind: KindPurchase, id: id, p: []gPairing{p}, partner: p.partner, amount: amt, date: date})
			return g.append(g.meta("purchase-"+id, p), events.ProductPurchased{PurchaseID: id, PairingID: p.id, BuyerName: "区机关食堂",
				SupplierName: "合作社", SupplierCountyCode: p.partner, Product: "牦牛肉", Quantity: "12.5", Unit: "kg", AmountFen: amt,
				Channel: events.ChannelPlatform832, OrderNo: fmt.Sprintf("832-%09d", g.n), CompletedDate: date})
		case k < 790:
			p := g.pairing()
			id, date, amt := g.id(), g.date(), 1000+g.rnd.Int64N(5000000)
			g.remember(&g.entries, gEntry{kind: KindSale, id: id, p: []gPairing{p}, partner: p.partner, amount: amt, date: date})
			s := events.SalesFacilitated{SaleID: id, PairingID: p.id, Channel: events.ChannelFair, PeriodFrom: date.AddDays(-30),
				PeriodTo: date, AmountFen: amt, Evidence: "展销会统计表"}
			if g.rnd.IntN(2) == 0 {
				s.OrderNo = fmt.Sprintf("FAIR-%09d", g.n)
			}
			return g.append(g.meta("sale-"+id, p), s)
		case k < 830:
			p := g.pairing()
			id, date, person := g.id(), g.date(), fmt.Sprintf("person-%d", g.n)
			g.remember(&g.entries, gEntry{kind: KindSecondment, id: id, p: []gPairing{p}, partner: p.partner, date: date, person: person})
			return g.append(g.meta("person-"+p.donor+"."+person, p), events.SecondmentStarted{SecondmentID: id, PairingID: p.id,
				PersonRef: person, Category: events.StaffCategories[g.rnd.IntN(len(events.StaffCategories))],
				SendingOrg: "区人民医院", HostOrg: "县人民医院", StartDate: date, PlannedEndDate: date.AddDays(365)})
		case k < 870:
			return g.newVisit()
		case k < 890:
			p := g.pairing()
			id := g.id()
			if len(g.projects) < maxLive {
				g.projects = append(g.projects, gProject{id: id, p: p})
			}
			return g.append(g.meta("project-"+id, p), events.AidProjectRegistered{ProjectID: id, PairingID: p.id, Name: "易地搬迁安置点",
				Sector: "基础设施", DeliveryMode: events.DeliveryCheque, PlannedTotalFen: 100000000, PlanYear: 2025, BusinessDate: g.date()})
		case k < 930 && len(g.projects) > 0:
			pr := g.projects[g.rnd.IntN(len(g.projects))]
			return g.append(g.meta("project-"+pr.id, pr.p), events.ProjectProgressReported{ProjectID: pr.id, PairingID: pr.p.id,
				AsOf: g.date(), Status: events.ProjectInProgress, CompletedInvestmentFen: g.rnd.Int64N(100000000)})
		case k < 940:
			p := g.pairing()
			return g.append(g.meta("targets-"+p.id, p), events.AnnualTargetsSet{PairingID: p.id, Year: 2021 + g.rnd.IntN(5),
				Targets: events.Targets{FiscalFen: 300000000, Visits: 4}, DocNo: fmt.Sprintf("%s协〔2025〕%d号", p.short, g.rnd.IntN(50))})
		case k >= 940 && len(g.entries) > 0:
			return g.reverseOrEnd()
		}
	}
}

func (g *gen) newPairing() projections.Event {
	d := genDonors[len(g.pairings)%len(genDonors)]
	partner := fmt.Sprintf("6%05d", 32000+g.rnd.IntN(10)) // few partners: several pairings share one
	p := gPairing{id: g.id(), donor: d.code, partner: partner, short: d.short}
	g.pairings = append(g.pairings, p)
	prog := events.Programmes[g.rnd.IntN(len(events.Programmes))]
	return g.append(meta{stream: "pairing-" + d.code + "." + partner + "." + string(prog), donor: d.code, partner: partner,
		actor: "管理员 (admin)"}, events.PairingEstablished{PairingID: p.id,
		Donor:   events.Unit{Code: d.code, Name: d.short + "区", ShortName: d.short},
		Partner: events.Unit{Code: partner, Name: "某县", ShortName: "某"}, Programme: prog,
		AgreementDocNo: fmt.Sprintf("%s协〔2021〕%d号", d.short, len(g.pairings)),
		ValidFrom:      events.DateOf(2021, 1, 1), ValidTo: events.DateOf(2030, 12, 31)})
}

func (g *gen) newCommitment() projections.Event {
	p := g.pairing()
	c := gCommit{id: g.id(), p: p, dated: g.date()}
	if len(g.projects) > 0 && g.rnd.IntN(3) == 0 {
		pr := g.projects[g.rnd.IntN(len(g.projects))]
		c.p, c.project = pr.p, pr.id
	}
	if len(g.commits) < maxLive {
		g.commits = append(g.commits, c)
	} else {
		g.commits[g.rnd.IntN(maxLive)] = c
	}
	return g.append(g.meta("commitment-"+c.id, c.p), events.FundsCommitted{CommitmentID: c.id, PairingID: c.p.id, ProjectID: c.project,
		AmountFen: 1000000 * (1 + g.rnd.Int64N(500)), BudgetYear: c.dated.Year(), SourceLevel: events.SourceDistrict,
		DocNo: fmt.Sprintf("%s财〔%d〕%d号", c.p.short, c.dated.Year(), 1+g.rnd.IntN(99)), BusinessDate: c.dated})
}

func (g *gen) newDisbursement() projections.Event {
	c := g.commits[g.rnd.IntN(len(g.commits))]
	d := gDisb{id: g.id(), c: c, amount: 10000 * (1 + g.rnd.Int64N(10000)), date: c.dated.AddDays(g.rnd.IntN(200))}
	if len(g.disbs) < maxLive {
		g.disbs = append(g.disbs, d)
	} else {
		g.disbs[g.rnd.IntN(maxLive)] = d
	}
	return g.append(g.meta("commitment-"+c.id, c.p), events.FundsDisbursed{DisbursementID: d.id, CommitmentID: c.id, PairingID: c.p.id,
		AmountFen: d.amount, BusinessDate: d.date, PayeeName: "县财政局", PayeeCreditCode: "11632626MB1234567X",
		VoucherNo: fmt.Sprintf("PZ-%d-%08d", d.date.Year(), g.n)})
}

func (g *gen) newVisit() projections.Event {
	p := g.pairing()
	ps := []gPairing{p}
	partner := p.partner
	if g.rnd.IntN(3) == 0 { // a tour of several pairings of the donor
		for _, q := range g.pairings {
			if q.donor == p.donor && q.id != p.id && len(ps) < 4 && g.rnd.IntN(2) == 0 {
				ps = append(ps, q)
				if q.partner != partner {
					partner = multiPartner
				}
			}
		}
	}
	ids := make([]string, len(ps))
	for i, q := range ps {
		ids[i] = q.id
	}
	id, date := g.id(), g.date()
	g.remember(&g.entries, gEntry{kind: KindVisit, id: id, p: ps, partner: partner, date: date})
	m := g.meta("visit-"+id, p)
	m.partner = partner
	return g.append(m, events.VisitConducted{VisitID: id, PairingIDList: ids, Direction: events.VisitOutbound,
		LeadLevel: "区委书记", StartDate: date, EndDate: date.AddDays(3), DelegationSize: 8, Purpose: "考察调研"})
}

func (g *gen) reverseOrEnd() projections.Event {
	i := g.rnd.IntN(len(g.entries))
	e := &g.entries[i]
	if e.kind == KindSecondment && !e.ended && !e.reversed && g.rnd.IntN(3) > 0 {
		e.ended = true
		return g.append(g.meta("person-"+e.p[0].donor+"."+e.person, e.p[0]), events.SecondmentEnded{SecondmentID: e.id,
			PairingID: e.p[0].id, PersonRef: e.person, EndDate: e.date.AddDays(300)})
	}
	if e.reversed {
		return g.next()
	}
	e.reversed = true
	ids := make([]string, len(e.p))
	for j, q := range e.p {
		ids[j] = q.id
	}
	r := events.EntryReversal{OriginalID: e.id, PairingIDList: ids, Reason: events.ReasonEntryError,
		BusinessDate: e.date.AddDays(10), OriginalDate: e.date, Note: "重复录入"}
	if e.amount > 0 {
		r.AmountFen = e.amount
		if g.rnd.IntN(2) == 0 {
			r.Reason, r.AmountFen = events.ReasonFundsReturned, 1+g.rnd.Int64N(e.amount)
		}
	}
	m := g.meta(e.kind+"-"+e.id, e.p[0])
	m.partner = e.partner
	var d events.Event
	switch e.kind {
	case KindDonation:
		d = events.DonationReversed{EntryReversal: r}
	case KindPurchase:
		d = events.PurchaseReversed{EntryReversal: r}
	case KindSale:
		d = events.SaleReversed{EntryReversal: r}
	case KindVisit:
		d = events.VisitReversed{EntryReversal: r}
	default:
		m.stream = "person-" + e.p[0].donor + "." + e.person
		d = events.SecondmentReversed{EntryReversal: r}
	}
	return g.append(m, d)
}

// events returns the next n events.
func (g *gen) events(n int) []projections.Event {
	out := make([]projections.Event, n)
	for i := range out {
		out[i] = g.next()
	}
	return out
}

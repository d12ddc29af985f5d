// Package eventtest makes event logs for tests and benchmarks: random but
// valid histories as the ledger would store them (Generator), and logs
// written by hand (Log).
//
// A Generator is deterministic: the same Config gives the same events,
// byte for byte, however Next is called (one call of n or many smaller
// ones). Its memory is bounded (it remembers a bounded number of entities
// of each kind to act on later), so a benchmark can stream millions of
// events in chunks.
//
// # Contract
//
// Every sequence a Generator makes is a log the ledger could have written
// (services/ledger), and satisfies:
//
// Records:
//   - positions are consecutive from 1 (or from Config.After.Position+1),
//     each PrevHash is the previous Hash (Config.After.Hash, or zero, for
//     the first) and Hash = events.ChainHash(PrevHash, Position,
//     Canonical());
//   - Payload is events.Encode(Data) at the catalogue's current schema
//     version, and Data is exactly what events.Decode returns for it;
//   - event ids and entity ids are ULIDs (events.ValidID), strictly
//     increasing in the order they are made, their time part the recording
//     time;
//   - RecordedAt is UTC, to the microsecond, and does not decrease; the
//     events of one command (a secondment recorded with its end) share it,
//     their metadata and their stream;
//   - stream ids are as the ledger names them — "pairings-<donor>.<partner
//     code>.<programme>", "targets-<pairing>", "project-<id>",
//     "commitment-<id>" (its disbursements, reversals and receipts too),
//     "person-<donor>.<person ref>", "donation-<id>", "purchase-<id>",
//     "sale-<id>", "visit-<id>", "summaries-<donor>" — and versions are
//     consecutive from 1 in each stream;
//   - DonorCode and PartnerCode are the pairing's; a visit of pairings of
//     several partners has PartnerCode "multi", a summary "all";
//   - metadata: an actor (recorders of the donor, "管理员 (admin)", the
//     partner's own users for receipts, auditors for some summaries), an
//     idempotency key unique per command (8–128 printable ASCII), now and
//     then a correlation id shared by a few consecutive commands, no
//     causation id (the ledger sets none).
//
// Dates:
//   - the date an event counts on (business_date, completed_date,
//     period_to, start_date, end_date, received_date, as_of) is never
//     after the day, in China time, it is recorded on, at most 40 days
//     before it (late entries), and never before From; sale periods start
//     no earlier than From either;
//   - the clock reaches the end of the span, From + Years, after
//     Config.Events events, and goes on at the same pace after that;
//     pairing validities, planned ends and target years reach beyond the
//     span, and summaries of a year are recorded early the next year.
//
// Business rules (the ledger's command checks):
//   - an entry names pairings established before it and in force on its
//     date (commitments, disbursements, donations, purchases, sales by
//     their period end, secondments by their start, visits, projects);
//     annual targets are for a year the pairing is in force in; at most one
//     pairing per donor, partner and programme is in force on any day
//     (pairings that lapse are renewed in the same stream);
//   - a commitment's project belongs to its pairing; an adjustment is never
//     zero and never lowers a commitment below what is disbursed (net);
//     a disbursement that takes the net disbursed above the committed
//     amount carries an over-commitment approval (one rarely carries an
//     approval it did not need, which the ledger allows);
//   - reversals take back at most what is left of their original, are
//     dated on or after it (OriginalDate is its date) and name its
//     pairings; a disbursement reversal is a new entity that is never
//     itself reversed; visits and secondments are reversed at most once,
//     as entry errors, with no amount;
//   - a receipt is confirmed at most once per disbursement, never for one
//     wholly reversed, on or after its date;
//   - a secondment ends at most once, on or after its start, not after it
//     was reversed; the secondments of one person (a donor's person ref)
//     never overlap; planned ends are not before starts;
//   - a project's progress is dated on or after its registration and
//     the previous report; its status and completed investment never go
//     back; a stated start or completion date lies between the previous
//     report and this one, the completion not before the start; a year's
//     plan is for a year of the pairing's validity, from the plan year on,
//     dated on or after the registration;
//   - a visit covers 1 to 20 distinct pairings of one donor, and ends
//     on or after its start and not after the day it is recorded;
//   - voucher numbers (per donor), receipt numbers (per donor) and order
//     numbers (per channel) are unique.
//
// What a sequence of a few thousand events exercises (TestContract checks
// it over a few configurations): every event type of the catalogue; partial
// and whole reversals with both reasons, reversals crossing a year end;
// receipts before and after reversals; over-commitments; adjustments up
// and down; commitments of projects; disbursements dated before their
// commitment (which the ledger allows); cash and in-kind donations (with
// items); purchases naming the partner's county, another county or none,
// on every channel; sales with and without order numbers; secondments with
// and without planned ends, ended later or recorded with their end, people
// seconded again after an earlier secondment, under another pairing of the
// donor; visits of one pairing or of several (of several partners, or of
// one when Config.Partners makes a donor pair with a county under several
// programmes); pairings established late, with limited validity, renewed;
// project statuses moving forward; annual targets; published summaries.
package eventtest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/aidledger/aidledger/events"
)

// Config says what to generate. The zero value of each field means its
// default.
type Config struct {
	// Seed selects the sequence.
	Seed uint64
	// Donors is the number of donors (default 3), with codes "D00", "D01"
	// …, names "援助方D00" …; DonorUnits, when given, are the donors
	// instead.
	Donors     int
	DonorUnits []events.Unit
	// PairingsPerDonor is the number of pairings each donor establishes at
	// the start (default 3); a few more are established later.
	PairingsPerDonor int
	// Partners is the number of partner counties the pairings are made
	// with, codes "632621", "632622" …: with fewer counties than pairings,
	// donors share counties and a donor may pair with one county under
	// several programmes. Default: one county per pairing.
	Partners int
	// From is the first business date (default 2023-01-01) and Years the
	// number of years business dates span (default 3).
	From  events.Date
	Years int
	// Events is the planned length of the sequence (default 10 000): the
	// clock moves through the span so that it reaches its end after that
	// many events.
	Events int
	// After, when set, is the last record of a log the sequence continues:
	// positions follow After.Position and the chain After.Hash. The
	// log's streams must be other than the sequence's (its donors' codes
	// differ), and its recording times are not considered.
	After *events.Record
}

// Generator makes a random valid event sequence. See the package
// documentation for what every sequence satisfies.
type Generator struct {
	cfg   Config
	r     *rand.Rand
	ids   io.Reader // monotonic ULID entropy
	log   Log
	from  events.Date
	start time.Time     // the clock at the first event
	step  time.Duration // the clock's pace per event
	now   time.Time     // recording time of the current command
	today events.Date   // its day in China time
	made  int64         // events made so far
	buf   []Event       // made, not yet returned by Next

	donors   []*donor
	pairings []*pairing
	partners []events.Unit
	streams  map[string]*int64 // pairing stream → its version
	renewals []*pairing        // pairings to renew when they lapse

	commitments pool[*commitment]
	disbs       pool[*disbursement]
	entries     pool[*entry] // donations, purchases, sales
	visits      pool[*entry]
	secondments pool[*secondment]
	projects    pool[*project]
	indicators  pool[*entry] // labour transfers, investments, trainings, agreements
	sites       pool[*site]  // parks and workshops

	seq      int // document numbers, person refs
	corr     string
	corrLeft int
}

type donor struct {
	unit        events.Unit
	index       int
	recorders   []string
	pairings    []*pairing
	persons     pool[*person]
	summaryYear int // the next year to publish a summary of
	summaries   int64
	orders      int64 // the version of its report-order stream
	styles      int64 // the version of its report-style stream
}

type pairing struct {
	id                 string
	donor              *donor
	partner            events.Unit
	programme          events.Programme
	validFrom, validTo events.Date
	renewOn            events.Date // when to record its renewal (zero: never)
	version            *int64      // of its pairings- stream, shared with its renewals
	targetsVersion     int64
}

func (p *pairing) validOn(d events.Date) bool { return !d.Before(p.validFrom) && !d.After(p.validTo) }

type commitment struct {
	id             string
	p              *pairing
	committed, net int64 // committed amount with adjustments; disbursed net of reversals
	date           events.Date
	version        int64
	// shared are the pairings of a commitment of several (nil for one of
	// a single pairing), p first; shares their allocation.
	shared []*pairing
	shares []events.Share
}

// allocated is the sum of c's shares.
func (c *commitment) allocated() int64 {
	var sum int64
	for _, s := range c.shares {
		sum += s.AmountFen
	}
	return sum
}

// partnerCode routes the commitment's own events: its partner's, or
// "multi" for one shared by pairings of several partners.
func (c *commitment) partnerCode() string {
	for _, p := range c.shared {
		if p.partner.Code != c.p.partner.Code {
			return "multi"
		}
	}
	return c.p.partner.Code
}

// split allocates part of c's committed amount among its shared pairings
// (some shares may be 0; the rest is unallocated).
func (g *Generator) split(c *commitment) []events.Share {
	left := c.committed
	shares := make([]events.Share, len(c.shared))
	for i, p := range c.shared {
		amount := int64(0)
		if g.r.IntN(3) > 0 && left > 0 {
			amount = g.amount(0, left/2)
		}
		left -= amount
		shares[i] = events.Share{PairingID: p.id, AmountFen: amount}
	}
	return shares
}

type disbursement struct {
	c                *commitment
	p                *pairing // the pairing paid
	id               string
	amount, reversed int64
	date             events.Date
	confirmed        bool
}

type entry struct {
	kind             string // "donation", "purchase", "sale", "visit"
	id               string
	pairings         []string
	d                *donor
	donor, partner   string // the routing of its stream
	amount, reversed int64
	date             events.Date
	version          int64
	done             bool // a visit reversed
}

// site is a park or workshop.
type site struct {
	entry
	park            bool
	enclave         bool
	asOf            events.Date // of its last report (its establishment before any)
	enterprises     int64       // a park's last cumulative figures
	investment      int64
	output, returns int64
}

type person struct {
	ref     string
	donor   *donor
	version int64
	running bool        // a secondment runs (not ended, not reversed)
	lastEnd events.Date // the latest end of its secondments
}

type secondment struct {
	id              string
	p               *pairing
	who             *person
	start           events.Date
	ended, reversed bool
}

type project struct {
	id                 string
	p                  *pairing
	date, asOf         events.Date
	status             int // index in events.ProjectStatuses; -1 before any report
	invested           int64
	planned            int64
	planYear           int
	started, completed events.Date // events.ProjectDates after the last report
	version            int64
}

// poolSize bounds the entities of each kind a Generator remembers.
const poolSize = 2000

// pool holds up to poolSize entities; a new one replaces a random one
// when it is full, so that old entities are still acted on now and then.
type pool[T any] struct{ xs []T }

func (p *pool[T]) add(r *rand.Rand, x T) {
	if len(p.xs) < poolSize {
		p.xs = append(p.xs, x)
		return
	}
	p.xs[r.IntN(poolSize)] = x
}

// pick returns a random entity and its index (ok false when empty).
func (p *pool[T]) pick(r *rand.Rand) (int, T, bool) {
	var zero T
	if len(p.xs) == 0 {
		return -1, zero, false
	}
	i := r.IntN(len(p.xs))
	return i, p.xs[i], true
}

// drop forgets the entity at i.
func (p *pool[T]) drop(i int) {
	last := len(p.xs) - 1
	var zero T
	p.xs[i], p.xs[last] = p.xs[last], zero
	p.xs = p.xs[:last]
}

// New returns a Generator. The events establishing the first pairings are
// the first Next returns.
func New(cfg Config) *Generator {
	if cfg.Donors <= 0 {
		cfg.Donors = 3
	}
	if cfg.PairingsPerDonor <= 0 {
		cfg.PairingsPerDonor = 3
	}
	if cfg.From.IsZero() {
		cfg.From = events.DateOf(2023, 1, 1)
	}
	if cfg.Years <= 0 {
		cfg.Years = 3
	}
	if cfg.Events <= 0 {
		cfg.Events = 10_000
	}
	units := cfg.DonorUnits
	if len(units) == 0 {
		for i := range cfg.Donors {
			code := fmt.Sprintf("D%02d", i)
			units = append(units, events.Unit{Code: code, Name: "援助方" + code, ShortName: code})
		}
	}
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], cfg.Seed)
	copy(key[8:], "eventtest ulid entropy")
	g := &Generator{cfg: cfg, r: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		ids: ulid.Monotonic(rand.NewChaCha8(key), 0), from: cfg.From, streams: map[string]*int64{}}
	g.log.newID = g.id
	if cfg.After != nil {
		g.log.Continue(*cfg.After)
	}
	f := cfg.From.Time()
	g.start = time.Date(f.Year(), f.Month(), f.Day(), 8, 30, 0, 0, events.ChinaTime).UTC()
	end := time.Date(f.Year()+cfg.Years, f.Month(), f.Day(), 17, 0, 0, 0, events.ChinaTime).AddDate(0, 0, -1)
	g.step = end.Sub(g.start) / time.Duration(cfg.Events)
	g.now = g.start

	for i, u := range units {
		d := &donor{unit: u, index: i, summaryYear: f.Year()}
		for k := range 3 {
			d.recorders = append(d.recorders, fmt.Sprintf("录入员%s-%d (recorder)", u.Code, k))
		}
		g.donors = append(g.donors, d)
	}
	shared := cfg.Partners > 0
	if shared {
		for range cfg.Partners {
			g.newPartner()
		}
	}
	for j := range cfg.PairingsPerDonor {
		for _, d := range g.donors {
			g.tick()
			var partner events.Unit
			// a donor's pairings come two by two under one programme
			// (山海协作 with two counties), so that commitments shared by
			// the pairings of a programme occur
			programme := events.Programmes[(j/2)%len(events.Programmes)]
			if shared {
				partner = g.partners[g.r.IntN(len(g.partners))]
				for tries := 0; g.streams[streamOf(d, partner, programme)] != nil; tries++ {
					if tries > 20 {
						partner = g.newPartner()
						break
					}
					partner, programme = g.partners[g.r.IntN(len(g.partners))], events.Programmes[g.r.IntN(len(events.Programmes))]
				}
			} else {
				partner = g.newPartner()
			}
			from, to := g.validity(j == 0)
			g.establish(d, partner, programme, from, to)
		}
	}
	return g
}

// Donors returns the donors' units.
func (g *Generator) Donors() []events.Unit {
	out := make([]events.Unit, len(g.donors))
	for i, d := range g.donors {
		out[i] = d.unit
	}
	return out
}

// Next returns the next n events of the sequence. The Generator keeps no
// reference to them.
func (g *Generator) Next(n int) []Event {
	for len(g.buf) < n {
		g.stepOnce()
	}
	out := make([]Event, n)
	copy(out, g.buf)
	g.buf = append([]Event(nil), g.buf[n:]...)
	return out
}

// id returns a new ULID of the clock's millisecond.
func (g *Generator) id(ms uint64) string { return ulid.MustNew(ms, g.ids).String() }

// newID returns a new entity id.
func (g *Generator) newID() string { return g.id(uint64(g.now.UnixMilli())) }

// tick moves the clock to the next command: with the number of events made
// through the span, strictly forward.
func (g *Generator) tick() {
	at := g.start.Add(g.step*time.Duration(g.made) + time.Duration(g.r.Int64N(int64(g.step)/2+1)))
	at = at.Truncate(time.Microsecond)
	if !at.After(g.now) {
		at = g.now.Add(time.Microsecond)
	}
	g.now, g.today = at, events.Today(at)
}

// command records one command of the current clock time on a stream whose
// version is *version.
func (g *Generator) command(stream string, version *int64, donor, partner, actor string, evs ...events.Event) {
	g.commandKey(stream, version, donor, partner, actor, g.key(), evs...)
}

func (g *Generator) commandKey(stream string, version *int64, donor, partner, actor, key string, evs ...events.Event) {
	m := events.Metadata{Actor: actor, IdempotencyKey: key}
	if g.corrLeft == 0 && g.r.IntN(5) == 0 {
		g.corr, g.corrLeft = fmt.Sprintf("corr-%d", g.log.pos+1), 1+g.r.IntN(4)
	}
	if g.corrLeft > 0 {
		m.CorrelationID = g.corr
		g.corrLeft--
	}
	g.buf = g.log.append(g.buf, Command{Stream: stream, DonorCode: donor, PartnerCode: partner, Metadata: m, RecordedAt: g.now,
		Events: evs}, version, false)
	g.made += int64(len(evs))
}

// key is a new idempotency key, as clients make them (a random UUID).
func (g *Generator) key() string {
	a, b := g.r.Uint64(), g.r.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, a>>16&0xffff, a&0xfff, b>>48&0x3fff|0x8000, b&0xffffffffffff)
}

func (g *Generator) recorder(d *donor) string {
	if g.r.IntN(10) == 0 {
		return "管理员 (admin)"
	}
	return d.recorders[g.r.IntN(len(d.recorders))]
}

func (g *Generator) nextSeq() int { g.seq++; return g.seq }

func (g *Generator) amount(lo, hi int64) int64 { return lo + g.r.Int64N(hi-lo+1) }

// date is the business date of a new entry recorded now: mostly today,
// sometimes a few days ago, now and then up to 40 days ago (a late entry);
// never before From.
func (g *Generator) date() events.Date {
	lag := 0
	switch x := g.r.IntN(100); {
	case x < 60:
	case x < 80:
		lag = 1 + g.r.IntN(3)
	default:
		lag = 4 + g.r.IntN(37)
	}
	return later(g.today.AddDays(-lag), g.from)
}

func later(a, b events.Date) events.Date {
	if a.After(b) {
		return a
	}
	return b
}

// between is a random day in [a, b] (a when b is before it).
func between(r *rand.Rand, a, b events.Date) events.Date {
	if n := daysBetween(a, b); n > 0 {
		return a.AddDays(r.IntN(n + 1))
	}
	return a
}

func daysBetween(a, b events.Date) int { return int(b.Time().Sub(a.Time()).Hours() / 24) }

func (g *Generator) reason() events.ReversalReason {
	if g.r.IntN(2) == 0 {
		return events.ReasonEntryError
	}
	return events.ReasonFundsReturned
}

func (g *Generator) maybe(oneIn int, s string) string {
	if g.r.IntN(oneIn) == 0 {
		return s
	}
	return ""
}

// newPartner adds a partner county to the pool.
func (g *Generator) newPartner() events.Unit {
	n := len(g.partners) + 1
	u := events.Unit{Code: strconv.Itoa(632620 + n), Name: fmt.Sprintf("受援县%d", n), ShortName: fmt.Sprintf("受援%d", n)}
	g.partners = append(g.partners, u)
	return u
}

func streamOf(d *donor, partner events.Unit, p events.Programme) string {
	return "pairings-" + d.unit.Code + "." + partner.Code + "." + string(p)
}

// validity is the validity of a pairing established at the start: a
// donor's first pairing is in force over the whole span and long after;
// others may start during the span or end in it (to be renewed).
func (g *Generator) validity(first bool) (from, to events.Date) {
	y := g.from.Year()
	from = events.DateOf(y-g.r.IntN(3), 1, 1)
	to = events.DateOf(y+g.cfg.Years+3+g.r.IntN(5), 12, 31)
	if first {
		return events.DateOf(y-1-g.r.IntN(2), 1, 1), to
	}
	if g.r.IntN(4) == 0 {
		from = g.from.AddDays(g.r.IntN(g.cfg.Years*365/2 + 1))
	}
	if g.r.IntN(3) == 0 {
		if end := events.DateOf(y+1+g.r.IntN(max(g.cfg.Years-1, 1)), 12, 31); end.After(from) {
			to = end
		}
	}
	return from, to
}

// establish records a pairing (recorded by an admin).
func (g *Generator) establish(d *donor, partner events.Unit, programme events.Programme, from, to events.Date) *pairing {
	stream := streamOf(d, partner, programme)
	version := g.streams[stream]
	if version == nil {
		version = new(int64)
		g.streams[stream] = version
	}
	p := &pairing{id: g.newID(), donor: d, partner: partner, programme: programme, validFrom: from, validTo: to, version: version}
	if last := events.DateOf(g.from.Year()+g.cfg.Years, 12, 31); to.Before(last) {
		p.renewOn = to.AddDays(-g.r.IntN(60)) // recorded a little before it lapses
		g.renewals = append(g.renewals, p)
	}
	d.pairings = append(d.pairings, p)
	g.pairings = append(g.pairings, p)
	g.command(stream, version, d.unit.Code, partner.Code, "管理员 (admin)", events.PairingEstablished{PairingID: p.id, Donor: d.unit,
		Partner: partner, Programme: programme, AgreementDocNo: fmt.Sprintf("%s协〔%d〕%d号", d.unit.ShortName, from.Year(), g.nextSeq()),
		ValidFrom: from, ValidTo: to})
	return p
}

// pairingOn picks a pairing in force on day d (nil if there is none).
func (g *Generator) pairingOn(d events.Date) *pairing {
	for range 8 {
		if p := g.pairings[g.r.IntN(len(g.pairings))]; p.validOn(d) {
			return p
		}
	}
	off := g.r.IntN(len(g.pairings))
	for i := range g.pairings {
		if p := g.pairings[(off+i)%len(g.pairings)]; p.validOn(d) {
			return p
		}
	}
	return nil
}

// action is one kind of command, with its weight in ‰. It reports false
// when it could not be done now (nothing to act on).
var actions = []struct {
	weight int
	do     func(*Generator) bool
}{
	{55, (*Generator).commit},
	{20, (*Generator).adjust},
	{6, (*Generator).allocate},
	{280, (*Generator).disburse},
	{40, (*Generator).reverseDisbursement},
	{130, (*Generator).confirm},
	{100, func(g *Generator) bool { return g.entry("donation") }},
	{130, func(g *Generator) bool { return g.entry("purchase") }},
	{50, func(g *Generator) bool { return g.entry("sale") }},
	{35, (*Generator).reverseEntry},
	{30, (*Generator).startSecondment},
	{15, (*Generator).endSecondment},
	{6, (*Generator).reverseSecondment},
	{40, (*Generator).visit},
	{8, (*Generator).reverseVisit},
	{15, (*Generator).register},
	{25, (*Generator).progress},
	{8, (*Generator).yearPlan},
	{10, (*Generator).targets},
	{12, func(g *Generator) bool { return g.indicator("labour_transfer") }},
	{10, func(g *Generator) bool { return g.indicator("investment") }},
	{10, func(g *Generator) bool { return g.indicator("training") }},
	{4, func(g *Generator) bool { return g.indicator("agreement") }},
	{6, (*Generator).reverseIndicator},
	{4, (*Generator).establishSite},
	{12, (*Generator).reportSite},
	{2, (*Generator).reverseSite},
	{1, (*Generator).newPairing},
	{1, (*Generator).reorder},
	{1, (*Generator).restyle},
}

// reorder sets the order of a donor's pairings in its year-end summary:
// some of them, shuffled.
func (g *Generator) reorder() bool {
	d := g.donors[g.r.IntN(len(g.donors))]
	if len(d.pairings) < 2 {
		return false
	}
	ids := make([]string, len(d.pairings))
	for i, p := range d.pairings {
		ids[i] = p.id
	}
	g.r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	ev := events.ReportOrderSet{DonorCode: d.unit.Code, PairingIDs: ids[:1+g.r.IntN(len(ids))], BusinessDate: g.today}
	g.command("report-order-"+d.unit.Code, &d.orders, d.unit.Code, "all", g.recorder(d), ev)
	return true
}

// restyle sets how a donor's year-end summary is written by default: a
// style, sometimes with a lead-in.
func (g *Generator) restyle() bool {
	d := g.donors[g.r.IntN(len(g.donors))]
	ev := events.ReportStyleSet{DonorCode: d.unit.Code, Paragraph: []string{"by_pairing", "by_programme"}[g.r.IntN(2)], BusinessDate: g.today}
	if g.r.IntN(2) == 0 {
		ev.Lead = d.unit.Name + "坚决扛起帮扶协作政治责任"
	}
	g.command("report-style-"+d.unit.Code, &d.styles, d.unit.Code, "all", g.recorder(d), ev)
	return true
}

var totalWeight = func() int {
	n := 0
	for _, a := range actions {
		n += a.weight
	}
	return n
}()

// stepOnce records the next command: a renewal or summary that is due, or
// a random action.
func (g *Generator) stepOnce() {
	g.tick()
	if g.scheduled() {
		return
	}
	for tries := 0; ; tries++ {
		if tries == 100 { // no pairing is in force: establish one
			g.newPairing()
			return
		}
		w := g.r.IntN(totalWeight)
		for _, a := range actions {
			if w -= a.weight; w < 0 {
				if a.do(g) {
					return
				}
				break
			}
		}
	}
}

// scheduled records a pairing renewal or a year's summary when one is due.
func (g *Generator) scheduled() bool {
	for i, p := range g.renewals {
		if !g.today.Before(p.renewOn) {
			g.renewals = append(g.renewals[:i], g.renewals[i+1:]...)
			g.establish(p.donor, p.partner, p.programme, p.validTo.AddDays(1),
				events.DateOf(p.validTo.Year()+3+g.r.IntN(5), 12, 31))
			return true
		}
	}
	for _, d := range g.donors {
		if d.summaryYear >= g.from.Year()+g.cfg.Years || g.today.Before(events.DateOf(d.summaryYear+1, 1, 5+d.index%20)) {
			continue
		}
		y := d.summaryYear
		d.summaryYear++
		cutoff, profile := events.DateOf(y, 12, 31), "official"
		if g.r.IntN(3) == 0 {
			cutoff, profile = events.DateOf(y, 11, 30), "draft"
		}
		actor := d.recorders[0]
		if g.r.IntN(3) == 0 {
			actor = "审计员 (auditor)"
		}
		sum := sha256.Sum256([]byte(fmt.Sprint(d.unit.Code, y, g.log.pos)))
		ev := events.SummaryGenerated{DonorCode: d.unit.Code, Year: y, Cutoff: cutoff, Profile: profile, Format: "text", Lang: "zh",
			Position: g.log.pos, ChainHash: g.log.prev.String(), TextSHA256: hex.EncodeToString(sum[:])}
		key := fmt.Sprintf("summary-%s-%d-%s-%s-%d", d.unit.Code, y, cutoff, profile, g.log.pos)
		g.commandKey("summaries-"+d.unit.Code, &d.summaries, d.unit.Code, "all", actor, key, ev)
		return true
	}
	return false
}

// newPairing establishes a pairing during the span, in force from the
// start of the year: with a county the donor has no pairing with under
// that programme (often another donor's, sometimes a new one).
func (g *Generator) newPairing() bool {
	d := g.donors[g.r.IntN(len(g.donors))]
	for range 20 {
		partner := g.partners[g.r.IntN(len(g.partners))]
		programme := events.Programmes[g.r.IntN(len(events.Programmes))]
		if g.streams[streamOf(d, partner, programme)] == nil {
			g.establish(d, partner, programme, events.DateOf(g.today.Year(), 1, 1), events.DateOf(g.today.Year()+5+g.r.IntN(5), 12, 31))
			return true
		}
	}
	g.establish(d, g.newPartner(), events.ProgrammeEastWest, events.DateOf(g.today.Year(), 1, 1), events.DateOf(g.today.Year()+8, 12, 31))
	return true
}

func (g *Generator) commit() bool {
	on := g.date()
	p := g.pairingOn(on)
	if p == nil {
		return false
	}
	c := &commitment{id: g.newID(), p: p, committed: g.amount(10, 5000) * 100_000, date: on}
	var projectID string
	if g.r.IntN(2) == 0 {
		for range 4 {
			if _, pr, ok := g.projects.pick(g.r); ok && pr.p == p {
				projectID = pr.id
				break
			}
		}
	}
	if g.r.IntN(6) == 0 { // shared with the donor's other pairings of the programme in force
		for _, o := range g.pairings {
			if o != p && o.donor == p.donor && o.programme == p.programme && o.validOn(on) && len(c.shared) < 3 {
				c.shared = append(c.shared, o)
			}
		}
		if c.shared != nil {
			c.shared = append([]*pairing{p}, c.shared...)
			c.shares = g.split(c)
		}
	}
	g.commitments.add(g.r, c)
	g.command("commitment-"+c.id, &c.version, p.donor.unit.Code, c.partnerCode(), g.recorder(p.donor), events.FundsCommitted{
		CommitmentID: c.id, PairingID: p.id, ProjectID: projectID, AmountFen: c.committed, BudgetYear: on.Year() + g.r.IntN(2),
		SourceLevel: events.SourceLevels[g.r.IntN(len(events.SourceLevels))],
		DocNo:       fmt.Sprintf("%s财〔%d〕%d号", p.donor.unit.ShortName, on.Year(), g.nextSeq()),
		Batch:       g.maybe(5, fmt.Sprintf("第%d批", 1+g.r.IntN(4))), BusinessDate: on, Shares: c.shares})
	return true
}

// allocate sets anew the shares of a commitment of several pairings.
func (g *Generator) allocate() bool {
	_, c, ok := g.commitments.pick(g.r)
	if !ok || c.shared == nil {
		return false
	}
	c.shares = g.split(c)
	on := later(g.date(), c.date)
	g.command("commitment-"+c.id, &c.version, c.p.donor.unit.Code, "multi", g.recorder(c.p.donor), events.CommitmentAllocated{
		CommitmentID: c.id, PairingID: c.p.id, Shares: c.shares,
		DocNo: g.maybe(2, fmt.Sprintf("%s财分〔%d〕%d号", c.p.donor.unit.ShortName, on.Year(), g.nextSeq())), BusinessDate: on})
	return true
}

func (g *Generator) adjust() bool {
	_, c, ok := g.commitments.pick(g.r)
	if !ok {
		return false
	}
	delta := g.amount(-c.committed/2, c.committed/2)
	if delta == 0 || c.committed+delta < c.net || c.committed+delta < c.allocated() {
		delta = g.amount(1, 1000) * 10_000
	}
	c.committed += delta
	on := g.date()
	reason := []string{"预算调整", "项目调减", "追加资金"}[g.r.IntN(3)]
	g.command("commitment-"+c.id, &c.version, c.p.donor.unit.Code, c.partnerCode(), g.recorder(c.p.donor), events.CommitmentAdjusted{
		CommitmentID: c.id, PairingID: c.p.id, DeltaFen: delta, Reason: reason,
		DocNo: fmt.Sprintf("%s财调〔%d〕%d号", c.p.donor.unit.ShortName, on.Year(), g.nextSeq()), BusinessDate: on})
	return true
}

func (g *Generator) disburse() bool {
	_, c, ok := g.commitments.pick(g.r)
	if !ok {
		return false
	}
	on := g.date()
	if on.Before(c.date) && g.r.IntN(10) != 0 { // the ledger allows paying before the budget document's date
		on = c.date
	}
	paid := c.p
	if c.shared != nil {
		paid = c.shared[g.r.IntN(len(c.shared))]
	}
	if !paid.validOn(on) {
		return false
	}
	d := &disbursement{c: c, p: paid, id: g.newID(), amount: g.amount(1, c.committed/3+1), date: on}
	var over *events.OverCommitment
	switch {
	case c.net+d.amount > c.committed:
		if g.r.IntN(4) != 0 {
			d.amount = c.committed - c.net
		}
		if d.amount <= 0 || c.net+d.amount > c.committed {
			d.amount = max(d.amount, g.amount(1, 100_000))
			over = &events.OverCommitment{Justification: "急需", ApprovedBy: "局长"}
		}
	case g.r.IntN(100) == 0:
		over = &events.OverCommitment{Justification: "预先审批", ApprovedBy: "分管副局长"}
	}
	c.net += d.amount
	g.disbs.add(g.r, d)
	p := paid
	g.command("commitment-"+c.id, &c.version, p.donor.unit.Code, p.partner.Code, g.recorder(p.donor), events.FundsDisbursed{
		DisbursementID: d.id, CommitmentID: c.id, PairingID: p.id, AmountFen: d.amount, BusinessDate: on,
		PayeeName: p.partner.ShortName + "财政局", PayeeCreditCode: g.maybe(3, "11632626MB1234567X"),
		VoucherNo: fmt.Sprintf("PZ-%d-%08d", on.Year(), g.nextSeq()), OverCommitment: over})
	return true
}

func (g *Generator) reverseDisbursement() bool {
	i, d, ok := g.disbs.pick(g.r)
	if !ok {
		return false
	}
	left := d.amount - d.reversed
	if left == 0 {
		g.disbs.drop(i)
		return false
	}
	a := left
	if g.r.IntN(2) == 0 {
		a = g.amount(1, left)
	}
	d.reversed += a
	d.c.net -= a
	on := later(g.date(), d.date)
	reason := g.reason()
	p := d.p
	g.command("commitment-"+d.c.id, &d.c.version, p.donor.unit.Code, p.partner.Code, g.recorder(p.donor), events.DisbursementReversed{
		ReversalID: g.newID(), DisbursementID: d.id, CommitmentID: d.c.id, PairingID: p.id, AmountFen: a, Reason: reason,
		BusinessDate: on, OriginalDate: d.date, DocNo: g.maybe(2, fmt.Sprintf("冲〔%d〕%d号", on.Year(), g.nextSeq())),
		Note: g.maybe(3, "更正")})
	return true
}

func (g *Generator) confirm() bool {
	i, d, ok := g.disbs.pick(g.r)
	if !ok {
		return false
	}
	if d.confirmed || d.amount == d.reversed {
		if d.confirmed && d.amount == d.reversed {
			g.disbs.drop(i)
		}
		return false
	}
	d.confirmed = true
	on := later(g.date(), d.date)
	p := d.p
	actor := "财务" + p.partner.Code + " (partner)"
	if g.r.IntN(10) == 0 {
		actor = "管理员 (admin)"
	}
	g.command("commitment-"+d.c.id, &d.c.version, p.donor.unit.Code, p.partner.Code, actor, events.FundsReceiptConfirmed{
		DisbursementID: d.id, CommitmentID: d.c.id, PairingID: p.id, ReceivedDate: on,
		ReceiptRef: fmt.Sprintf("%s收〔%d〕%d号", p.partner.Code, on.Year(), g.nextSeq())})
	return true
}

var (
	channelPrefix = map[events.Channel]string{events.ChannelPlatform832: "832-", events.ChannelFair: "FAIR-",
		events.ChannelCanteen: "CT-", events.ChannelUnion: "GH-", events.ChannelEcommerce: "EC-", events.ChannelStore: "ST-",
		events.ChannelOther: "OT-"}
	products = []string{"茶叶", "牦牛肉", "青稞", "腊肉", "核桃", "苹果"}
)

// channel is a purchase or sale channel; the 832 platform is the most used.
func (g *Generator) channel() events.Channel {
	if g.r.IntN(5) < 2 {
		return events.ChannelPlatform832
	}
	return events.Channels[g.r.IntN(len(events.Channels))]
}

// entry records a donation, purchase or sale.
func (g *Generator) entry(kind string) bool {
	on := g.date()
	p := g.pairingOn(on)
	if p == nil {
		return false
	}
	e := &entry{kind: kind, id: g.newID(), pairings: []string{p.id}, d: p.donor, donor: p.donor.unit.Code, partner: p.partner.Code,
		amount: g.amount(1, 200_000) * 100, date: on}
	var ev events.Event
	switch kind {
	case "donation":
		d := events.DonationReceived{DonationID: e.id, PairingID: p.id, DonorName: []string{"某某企业", "某基金会", "张某", "某商会"}[g.r.IntN(4)],
			DonorType: events.DonorTypes[g.r.IntN(len(events.DonorTypes))], Kind: events.DonationCash, AmountFen: e.amount,
			ReceiptNo: fmt.Sprintf("JZ%s-%08d", p.donor.unit.Code, g.nextSeq()), BusinessDate: on}
		if g.r.IntN(3) == 0 {
			d.Kind, d.ValuationBasis = events.DonationInKind, []string{"发票", "市场价"}[g.r.IntN(2)]
			if g.r.IntN(2) == 0 {
				d.Items = []events.DonationItem{{Description: "羽绒服", Quantity: strconv.Itoa(1 + g.r.IntN(500)), Unit: "件", ValueFen: e.amount}}
			}
		}
		ev = d
	case "purchase":
		county := p.partner.Code
		switch g.r.IntN(4) {
		case 0:
			county = ""
		case 1:
			if other := g.partners[g.r.IntN(len(g.partners))]; other.Code != p.partner.Code && g.r.IntN(2) == 0 {
				county = other.Code
			} else {
				county = "659001" // a county no pairing names
			}
		}
		ch := g.channel()
		ev = events.ProductPurchased{PurchaseID: e.id, PairingID: p.id, BuyerName: "区机关食堂", SupplierName: p.partner.ShortName + "合作社",
			SupplierCountyCode: county, Product: products[g.r.IntN(len(products))], Quantity: g.maybe(2, fmt.Sprintf("%d.5", g.r.IntN(1000))),
			Unit: "kg", AmountFen: e.amount, Channel: ch, OrderNo: fmt.Sprintf("%s%09d", channelPrefix[ch], g.nextSeq()), CompletedDate: on}
	default:
		from := events.DateOf(on.Year(), on.Time().Month(), 1)
		if g.r.IntN(3) == 0 {
			from = later(on.AddDays(-30), g.from)
		}
		ch := g.channel()
		s := events.SalesFacilitated{SaleID: e.id, PairingID: p.id, Channel: ch, Seller: g.maybe(2, p.partner.ShortName+"农产品公司"),
			PeriodFrom: from, PeriodTo: on, AmountFen: e.amount, Evidence: g.maybe(2, "展销会统计表")}
		if g.r.IntN(2) == 0 {
			s.OrderNo = fmt.Sprintf("%s%09d", channelPrefix[ch], g.nextSeq())
		}
		ev = s
	}
	g.entries.add(g.r, e)
	g.command(kind+"-"+e.id, &e.version, e.donor, e.partner, g.recorder(p.donor), ev)
	return true
}

func (g *Generator) reverseEntry() bool {
	i, e, ok := g.entries.pick(g.r)
	if !ok {
		return false
	}
	left := e.amount - e.reversed
	if left == 0 {
		g.entries.drop(i)
		return false
	}
	a := left
	if g.r.IntN(2) == 0 {
		a = g.amount(1, left)
	}
	e.reversed += a
	r := events.EntryReversal{OriginalID: e.id, PairingIDList: slices.Clone(e.pairings), Reason: g.reason(), AmountFen: a,
		BusinessDate: later(g.date(), e.date), OriginalDate: e.date, DocNo: g.maybe(3, fmt.Sprintf("更正〔%d〕%d号", e.date.Year(), g.nextSeq())),
		Note: g.maybe(2, "重复录入")}
	var ev events.Event
	switch e.kind {
	case "donation":
		ev = events.DonationReversed{EntryReversal: r}
	case "purchase":
		ev = events.PurchaseReversed{EntryReversal: r}
	default:
		ev = events.SaleReversed{EntryReversal: r}
	}
	g.command(e.kind+"-"+e.id, &e.version, e.donor, e.partner, g.recorder(e.d), ev)
	return true
}

func (g *Generator) startSecondment() bool {
	withEnd := g.r.IntN(6) == 0 // recorded after it ended: with its end at once
	start := g.date()
	if withEnd {
		start = later(g.today.AddDays(-5-g.r.IntN(36)), g.from)
	}
	p := g.pairingOn(start)
	if p == nil {
		return false
	}
	var who *person
	if _, w, ok := p.donor.persons.pick(g.r); ok && g.r.IntN(3) == 0 && !w.running && w.lastEnd.Before(start) {
		who = w // seconded again, perhaps under another pairing of the donor
	} else {
		who = &person{ref: fmt.Sprintf("p%07d", g.nextSeq()), donor: p.donor}
		p.donor.persons.add(g.r, who)
	}
	s := &secondment{id: g.newID(), p: p, who: who, start: start}
	var planned events.Date
	if g.r.IntN(3) != 0 {
		planned = start.AddDays(180 + g.r.IntN(540))
	}
	evs := []events.Event{events.SecondmentStarted{SecondmentID: s.id, PairingID: p.id, PersonRef: who.ref,
		Category: events.StaffCategories[g.r.IntN(len(events.StaffCategories))], Direction: events.SecondmentDirections[g.r.IntN(4)/3],
		SendingOrg: p.donor.unit.ShortName + "人民医院",
		HostOrg:    p.partner.ShortName + "人民医院", StartDate: start, PlannedEndDate: planned}}
	if withEnd {
		end := start.AddDays(g.r.IntN(daysBetween(start, g.today) + 1))
		evs = append(evs, events.SecondmentEnded{SecondmentID: s.id, PairingID: p.id, PersonRef: who.ref, EndDate: end})
		s.ended, who.lastEnd = true, later(who.lastEnd, end)
	} else {
		who.running = true
	}
	g.secondments.add(g.r, s)
	g.command("person-"+p.donor.unit.Code+"."+who.ref, &who.version, p.donor.unit.Code, p.partner.Code, g.recorder(p.donor), evs...)
	return true
}

func (g *Generator) endSecondment() bool {
	_, s, ok := g.secondments.pick(g.r)
	if !ok || s.ended || s.reversed {
		return false
	}
	end := later(g.date(), s.start)
	s.ended, s.who.running, s.who.lastEnd = true, false, later(s.who.lastEnd, end)
	g.command("person-"+s.p.donor.unit.Code+"."+s.who.ref, &s.who.version, s.p.donor.unit.Code, s.p.partner.Code, g.recorder(s.p.donor),
		events.SecondmentEnded{SecondmentID: s.id, PairingID: s.p.id, PersonRef: s.who.ref, EndDate: end})
	return true
}

func (g *Generator) reverseSecondment() bool {
	i, s, ok := g.secondments.pick(g.r)
	if !ok {
		return false
	}
	if s.reversed {
		g.secondments.drop(i)
		return false
	}
	s.reversed = true
	if !s.ended {
		s.who.running = false
	}
	g.command("person-"+s.p.donor.unit.Code+"."+s.who.ref, &s.who.version, s.p.donor.unit.Code, s.p.partner.Code, g.recorder(s.p.donor),
		events.SecondmentReversed{EntryReversal: events.EntryReversal{OriginalID: s.id, PairingIDList: []string{s.p.id},
			Reason: events.ReasonEntryError, BusinessDate: later(g.date(), s.start), OriginalDate: s.start, Note: g.maybe(2, "录入错误")}})
	return true
}

func (g *Generator) visit() bool {
	on := g.date()
	p := g.pairingOn(on)
	if p == nil {
		return false
	}
	ids, partner := []string{p.id}, p.partner.Code
	if g.r.IntN(5) >= 2 { // a tour of several pairings of the donor
		limit := 2 + g.r.IntN(5)
		for _, q := range p.donor.pairings {
			if len(ids) < limit && q != p && q.validOn(on) && g.r.IntN(2) == 0 {
				ids = append(ids, q.id)
				if q.partner.Code != partner {
					partner = "multi"
				}
			}
		}
	}
	v := &entry{kind: "visit", id: g.newID(), pairings: ids, d: p.donor, donor: p.donor.unit.Code, partner: partner, date: on}
	g.visits.add(g.r, v)
	dir := events.VisitOutbound
	if g.r.IntN(4) == 0 {
		dir = events.VisitInbound
	}
	end := on.AddDays(g.r.IntN(5))
	if end.After(g.today) {
		end = g.today
	}
	g.command("visit-"+v.id, &v.version, v.donor, v.partner, g.recorder(p.donor), events.VisitConducted{VisitID: v.id,
		PairingIDList: slices.Clone(ids), Direction: dir, LeadLevel: g.maybe(2, "区委书记"), StartDate: on, EndDate: end,
		DelegationSize: g.r.IntN(12), Purpose: g.maybe(2, "考察调研"), LedByPrincipal: g.r.IntN(4) == 0})
	return true
}

func (g *Generator) reverseVisit() bool {
	i, v, ok := g.visits.pick(g.r)
	if !ok {
		return false
	}
	if v.done {
		g.visits.drop(i)
		return false
	}
	v.done = true
	g.command("visit-"+v.id, &v.version, v.donor, v.partner, g.recorder(v.d), events.VisitReversed{EntryReversal: events.EntryReversal{
		OriginalID: v.id, PairingIDList: slices.Clone(v.pairings), Reason: events.ReasonEntryError, BusinessDate: later(g.date(), v.date),
		OriginalDate: v.date, DocNo: g.maybe(2, fmt.Sprintf("协办〔%d〕%d号", v.date.Year(), g.nextSeq()))}})
	return true
}

func (g *Generator) register() bool {
	on := g.date()
	p := g.pairingOn(on)
	if p == nil {
		return false
	}
	pr := &project{id: g.newID(), p: p, date: on, asOf: on, status: -1, planned: g.amount(100, 10000) * 100_000,
		planYear: on.Year() + g.r.IntN(2)}
	g.projects.add(g.r, pr)
	var tier events.ProjectTier
	if g.r.IntN(2) == 0 {
		tier = events.ProjectTiers[g.r.IntN(len(events.ProjectTiers))]
	}
	g.command("project-"+pr.id, &pr.version, p.donor.unit.Code, p.partner.Code, g.recorder(p.donor), events.AidProjectRegistered{
		ProjectID: pr.id, PairingID: p.id, Name: p.partner.ShortName + []string{"中心小学教学楼", "卫生院改造", "易地搬迁安置点"}[g.r.IntN(3)],
		Sector: []string{"教育", "医疗", "基础设施", "产业"}[g.r.IntN(4)], DeliveryMode: events.DeliveryModes[g.r.IntN(len(events.DeliveryModes))],
		PlannedTotalFen: pr.planned, PlanYear: pr.planYear, BusinessDate: on, Tier: tier})
	return true
}

// yearPlan plans (or, rarely, withdraws) a project's investment for a year
// from its plan year on, in which its pairing is in force.
func (g *Generator) yearPlan() bool {
	_, pr, ok := g.projects.pick(g.r)
	if !ok {
		return false
	}
	y := pr.planYear + g.r.IntN(3)
	if y < pr.p.validFrom.Year() || y > pr.p.validTo.Year() || y > g.today.Year()+1 {
		return false
	}
	var fen int64
	if g.r.IntN(8) > 0 {
		fen = g.amount(1, pr.planned/100_000) * 100_000
	}
	g.command("project-"+pr.id, &pr.version, pr.p.donor.unit.Code, pr.p.partner.Code, g.recorder(pr.p.donor), events.ProjectYearPlanned{
		ProjectID: pr.id, PairingID: pr.p.id, Year: y, PlannedFen: fen, BusinessDate: later(g.date(), pr.date)})
	return true
}

func (g *Generator) progress() bool {
	_, pr, ok := g.projects.pick(g.r)
	if !ok {
		return false
	}
	pr.status = min(len(events.ProjectStatuses)-1, max(pr.status, 0)+g.r.IntN(2))
	last := pr.asOf
	pr.asOf = later(g.date(), pr.asOf)
	pr.invested += g.amount(0, pr.planned/4)
	e := events.ProjectProgressReported{ProjectID: pr.id, PairingID: pr.p.id, AsOf: pr.asOf, Status: events.ProjectStatuses[pr.status],
		CompletedInvestmentFen: pr.invested}
	// Half the reports that first show the project under way or done
	// state the day it happened, between the last report and this one.
	if pr.status > 0 && pr.started.IsZero() && g.r.IntN(2) == 0 {
		e.StartedOn = between(g.r, last, pr.asOf)
	}
	if events.ProjectStatuses[pr.status].Done() && pr.completed.IsZero() && g.r.IntN(2) == 0 {
		e.CompletedOn = between(g.r, later(e.StartedOn, later(pr.started, last)), pr.asOf)
	}
	pr.started, pr.completed = events.ProjectDates(pr.started, pr.completed, e)
	g.command("project-"+pr.id, &pr.version, pr.p.donor.unit.Code, pr.p.partner.Code, g.recorder(pr.p.donor), e)
	return true
}

func (g *Generator) targets() bool {
	p := g.pairings[g.r.IntN(len(g.pairings))]
	y := g.today.Year() + g.r.IntN(2)
	if y < p.validFrom.Year() || y > p.validTo.Year() {
		return false
	}
	persons := g.amount(0, 1000)
	g.command("targets-"+p.id, &p.targetsVersion, p.donor.unit.Code, p.partner.Code, g.recorder(p.donor), events.AnnualTargetsSet{
		PairingID: p.id, Year: y, Targets: events.Targets{FiscalFen: g.amount(1, 500) * 1_000_000, SocialFen: g.amount(0, 100) * 1_000_000,
			ConsumptionFen: g.amount(0, 200) * 1_000_000, PersonsEmployed: persons, PovertyPersonsEmployed: g.amount(0, persons),
			Enterprises: g.amount(0, 5), InvestmentFen: g.amount(0, 500) * 1_000_000, Staff: g.amount(0, 30), Visits: g.amount(1, 6),
			Trainees: g.amount(0, 500), Projects: g.amount(0, 5)},
		DocNo: g.maybe(2, fmt.Sprintf("%s协办〔%d〕%d号", p.donor.unit.ShortName, y, g.nextSeq()))})
	return true
}

// indicator records a labour transfer, an investment (sometimes in a park
// of its pairing), a training or an agreement.
func (g *Generator) indicator(kind string) bool {
	on := g.date()
	p := g.pairingOn(on)
	if p == nil {
		return false
	}
	e := &entry{kind: kind, id: g.newID(), pairings: []string{p.id}, d: p.donor, donor: p.donor.unit.Code, partner: p.partner.Code, date: on}
	n := g.nextSeq()
	var ev events.Event
	switch kind {
	case "labour_transfer":
		persons := g.amount(1, 500)
		ev = events.LabourTransferRecorded{LabourTransferID: e.id, PairingID: p.id, PeriodFrom: later(on.AddDays(-g.r.IntN(180)), g.from),
			PeriodTo: on, Destination: events.LabourDestinations[g.r.IntN(len(events.LabourDestinations))], Persons: persons,
			PovertyPersons: g.amount(0, persons), TrainingSessions: g.amount(0, 3), Trainees: g.amount(0, 300),
			DocNo: fmt.Sprintf("%s人社〔%d〕%d号", p.donor.unit.ShortName, on.Year(), n)}
	case "investment":
		e.amount = g.amount(1, 100_000) * 10_000
		jobs := g.amount(0, 200)
		inv := events.EnterpriseInvestmentRecorded{InvestmentID: e.id, PairingID: p.id, EnterpriseName: "某某实业有限公司",
			CreditCode: creditCodes[g.r.IntN(len(creditCodes))], ProjectName: fmt.Sprintf("%s产业项目%d", p.partner.ShortName, n),
			Sector: []string{"农产品加工", "文旅", "纺织"}[g.r.IntN(3)], AmountFen: e.amount, InvestedDate: on, Jobs: jobs,
			PovertyJobs: g.amount(0, jobs)}
		if _, st, ok := g.sites.pick(g.r); ok && st.park && st.pairings[0] == p.id && !st.done && !on.Before(st.date) {
			inv.ParkID = st.id
		}
		ev = inv
	case "training":
		ev = events.TrainingHeld{TrainingID: e.id, PairingID: p.id, Kind: events.TrainingKinds[g.r.IntN(len(events.TrainingKinds))],
			StartDate: later(on.AddDays(-g.r.IntN(10)), g.from), EndDate: on, Participants: g.amount(1, 200), Organiser: p.donor.unit.ShortName + "组织部"}
	default:
		ev = events.AgreementSigned{AgreementID: e.id, PairingID: p.id, Title: p.donor.unit.ShortName + "—" + p.partner.ShortName + "合作协议",
			DocNo: fmt.Sprintf("%s协〔%d〕%d号", p.donor.unit.ShortName, on.Year(), n), SignedDate: on, Mechanism: g.maybe(2, "联席会议")}
	}
	g.indicators.add(g.r, e)
	g.command(kind+"-"+e.id, &e.version, e.donor, e.partner, g.recorder(p.donor), ev)
	return true
}

// creditCodes are unified social credit codes with valid check characters.
var creditCodes = []string{"91320412MA1N7B2C3R", "91330110MA27XQ9T5M", "91510100MA61R3LQ8K"}

// reverseIndicator reverses an indicator entry: an investment as entries
// with money are, the others wholly as entry errors.
func (g *Generator) reverseIndicator() bool {
	i, e, ok := g.indicators.pick(g.r)
	if !ok {
		return false
	}
	left := e.amount - e.reversed
	if e.done || (e.kind == "investment" && left == 0) {
		g.indicators.drop(i)
		return false
	}
	r := events.EntryReversal{OriginalID: e.id, PairingIDList: slices.Clone(e.pairings), Reason: events.ReasonEntryError,
		BusinessDate: later(g.date(), e.date), OriginalDate: e.date, Note: g.maybe(2, "重复统计")}
	var ev events.Event
	switch e.kind {
	case "labour_transfer":
		ev = events.LabourTransferReversed{EntryReversal: r}
	case "investment":
		r.Reason, r.AmountFen = g.reason(), left
		if g.r.IntN(2) == 0 {
			r.AmountFen = g.amount(1, left)
		}
		e.reversed += r.AmountFen
		ev = events.InvestmentReversed{EntryReversal: r}
	case "training":
		ev = events.TrainingReversed{EntryReversal: r}
	default:
		ev = events.AgreementReversed{EntryReversal: r}
	}
	e.done = e.kind != "investment"
	g.command(e.kind+"-"+e.id, &e.version, e.donor, e.partner, g.recorder(e.d), ev)
	return true
}

// establishSite establishes a park (an enclave now and then) or a workshop.
func (g *Generator) establishSite() bool {
	on := g.date()
	p := g.pairingOn(on)
	if p == nil {
		return false
	}
	st := &site{entry: entry{id: g.newID(), pairings: []string{p.id}, d: p.donor, donor: p.donor.unit.Code, partner: p.partner.Code, date: on},
		park: g.r.IntN(2) == 0, asOf: on}
	var ev events.Event
	if st.park {
		st.kind, st.enclave = "park", g.r.IntN(3) == 0
		kind, where := events.ParkCoBuilt, p.partner.Code
		if st.enclave {
			kind, where = events.ParkEnclave, "320404"
		}
		ev = events.ParkEstablished{ParkID: st.id, PairingID: p.id, Name: fmt.Sprintf("%s产业园%d", p.partner.ShortName, g.nextSeq()),
			Kind: kind, LocationCode: where, EstablishedDate: on}
	} else {
		st.kind = "workshop"
		ev = events.WorkshopEstablished{WorkshopID: st.id, PairingID: p.id, Name: fmt.Sprintf("帮扶车间%d", g.nextSeq()),
			Village: []string{"东科村", "江日堂村", "多贡麻村"}[g.r.IntN(3)], EstablishedDate: on}
	}
	g.sites.add(g.r, st)
	g.command(st.kind+"-"+st.id, &st.version, st.donor, st.partner, g.recorder(p.donor), ev)
	return true
}

// reportSite reports on a live park (cumulative figures that never go
// back) or workshop (employment that goes up and down).
func (g *Generator) reportSite() bool {
	_, st, ok := g.sites.pick(g.r)
	if !ok || st.done {
		return false
	}
	st.asOf = later(g.date(), st.asOf)
	var ev events.Event
	if st.park {
		st.enterprises += g.amount(0, 3)
		st.investment += g.amount(0, 5_000) * 100_000
		st.output += g.amount(0, 8_000) * 100_000
		if st.enclave {
			st.returns += g.amount(0, 100) * 100_000
		}
		ev = events.ParkReported{ParkID: st.id, PairingID: st.pairings[0], AsOf: st.asOf, Enterprises: st.enterprises,
			InvestmentFen: st.investment, OutputFen: st.output, ReturnsFen: st.returns}
	} else {
		employed := g.amount(0, 120)
		ev = events.WorkshopReported{WorkshopID: st.id, PairingID: st.pairings[0], AsOf: st.asOf, Employed: employed,
			PovertyEmployed: g.amount(0, employed)}
	}
	g.command(st.kind+"-"+st.id, &st.version, st.donor, st.partner, g.recorder(st.d), ev)
	return true
}

// reverseSite reverses a park or workshop (and so its reports).
func (g *Generator) reverseSite() bool {
	i, st, ok := g.sites.pick(g.r)
	if !ok {
		return false
	}
	if st.done {
		g.sites.drop(i)
		return false
	}
	st.done = true
	r := events.EntryReversal{OriginalID: st.id, PairingIDList: slices.Clone(st.pairings), Reason: events.ReasonEntryError,
		BusinessDate: later(g.date(), st.asOf), OriginalDate: st.date, Note: g.maybe(2, "重复登记")}
	var ev events.Event = events.WorkshopReversed{EntryReversal: r}
	if st.park {
		ev = events.ParkReversed{EntryReversal: r}
	}
	g.command(st.kind+"-"+st.id, &st.version, st.donor, st.partner, g.recorder(st.d), ev)
	return true
}

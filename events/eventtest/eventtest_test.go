package eventtest_test

import (
	"fmt"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventtest"
)

// checker verifies the package's contract over a sequence, independently
// of the generator: a small ledger that folds the events and checks each
// against the rules the ledger's commands enforce. It records what the
// sequence exercises in cover.
type checker struct {
	errs  []string
	cover map[string]int

	pos     int64
	prev    events.Hash
	lastID  string
	lastAt  time.Time
	lastKey string
	lastRec events.Record
	keys    map[string]bool
	ids     map[string]bool // entity and event ids
	streams map[string]int64

	pairings    map[string]events.PairingEstablished
	byStream    map[string][]events.PairingEstablished
	projects    map[string]*projectState
	commitments map[string]*commitmentState
	disbs       map[string]*disbState
	entries     map[string]*entryState // donations, purchases, sales, visits
	secondments map[string]*secondmentState
	persons     map[string][]*secondmentState
	unique      map[string]bool // vouchers, receipts, orders
}

type projectState struct {
	reg                events.AidProjectRegistered
	last               *events.ProjectProgressReported
	started, completed events.Date
}

type commitmentState struct {
	c              events.FundsCommitted
	committed, net int64
	shares         []events.Share // of a commitment of several pairings
}

// allocated is the sum of the shares.
func (cs *commitmentState) allocated() int64 {
	var sum int64
	for _, s := range cs.shares {
		sum += s.AmountFen
	}
	return sum
}

// funds reports whether the commitment funds pairing id.
func (cs *commitmentState) funds(id string) bool {
	if cs.shares == nil {
		return id == cs.c.PairingID
	}
	for _, s := range cs.shares {
		if s.PairingID == id {
			return true
		}
	}
	return false
}

// routedShared checks the stream and the routing codes of an event of a
// commitment of several pairings: the donor's, and the partner's or
// "multi" when they are several.
func (c *checker) routedShared(r *events.Record, stream string, shares []events.Share) {
	if r.StreamID != stream {
		c.fail(r, "stream %s, want %s", r.StreamID, stream)
	}
	first := c.pairings[shares[0].PairingID]
	partner := first.Partner.Code
	for _, s := range shares[1:] {
		if c.pairings[s.PairingID].Partner.Code != partner {
			partner = "multi"
		}
	}
	if r.DonorCode != first.Donor.Code || (r.PartnerCode != partner && r.PartnerCode != "multi") {
		c.fail(r, "routed %s/%s, want %s/%s", r.DonorCode, r.PartnerCode, first.Donor.Code, partner)
	}
}

// checkShares checks shares of a commitment of amount: two or more, the
// first being lead, all of the donor's programme and in force on day,
// none negative, together not above amount.
func (c *checker) checkShares(r *events.Record, shares []events.Share, lead string, amount int64, day events.Date) {
	first := c.pairings[lead]
	var sum int64
	for i, s := range shares {
		p := c.inForce(r, s.PairingID, day)
		if (i == 0 && s.PairingID != lead) || p.Donor.Code != first.Donor.Code || p.Programme != first.Programme || s.AmountFen < 0 {
			c.fail(r, "share %d %+v of a commitment of %s", i, s, lead)
		}
		sum += s.AmountFen
	}
	if len(shares) < 2 || sum > amount {
		c.fail(r, "%d shares allocate %d of %d", len(shares), sum, amount)
	}
}

type disbState struct {
	d                    events.FundsDisbursed
	reversed             int64
	confirmed, reversals bool
}

type entryState struct {
	kind             string
	pairings         []string
	date             events.Date
	amount, reversed int64
	reversedOnce     bool
	donor, partner   string
	// parks and workshops: the last report, and a park's kind
	lastPark *events.ParkReported
	lastShop *events.WorkshopReported
	enclave  bool
}

type secondmentState struct {
	s               events.SecondmentStarted
	end             events.Date
	ended, reversed bool
}

func newChecker(after *events.Record) *checker {
	c := &checker{cover: map[string]int{}, keys: map[string]bool{}, ids: map[string]bool{}, streams: map[string]int64{},
		pairings: map[string]events.PairingEstablished{}, byStream: map[string][]events.PairingEstablished{},
		projects: map[string]*projectState{}, commitments: map[string]*commitmentState{}, disbs: map[string]*disbState{},
		entries: map[string]*entryState{}, secondments: map[string]*secondmentState{}, persons: map[string][]*secondmentState{},
		unique: map[string]bool{}}
	if after != nil {
		c.pos, c.prev = after.Position, after.Hash
	}
	return c
}

func (c *checker) fail(r *events.Record, format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf("position %d (%s): %s", r.Position, r.Type, fmt.Sprintf(format, args...)))
}

var (
	unitCodeRe   = regexp.MustCompile(`^[0-9A-Za-z_-]{1,32}$`)
	countyCodeRe = regexp.MustCompile(`^[1-9][0-9]{5}$`)
	keyRe        = regexp.MustCompile(`^[\x21-\x7e]{8,128}$`)
	personRefRe  = regexp.MustCompile(`^[\p{L}\p{N}_.-]{1,64}$`)
)

func (c *checker) newID(r *events.Record, id string) {
	if !events.ValidID(id) {
		c.fail(r, "id %q is not a ULID", id)
	}
	if c.ids[id] {
		c.fail(r, "id %s used twice", id)
	}
	c.ids[id] = true
}

// dated checks a business date against the day the event was recorded.
func (c *checker) dated(r *events.Record, d events.Date) {
	today := events.Today(r.RecordedAt)
	switch {
	case d.IsZero():
		c.fail(r, "no date")
	case d.After(today):
		c.fail(r, "dated %s, in the future of its recording on %s", d, today)
	case d.Before(today.AddDays(-40)):
		c.fail(r, "dated %s, more than 40 days before its recording on %s", d, today)
	case d.Before(today):
		c.cover["late entry"]++
	}
}

// inForce checks that pairing id exists and is in force on d; it returns
// the pairing.
func (c *checker) inForce(r *events.Record, id string, d events.Date) events.PairingEstablished {
	p, ok := c.pairings[id]
	if !ok {
		c.fail(r, "pairing %s not established", id)
	} else if !p.ValidOn(d) {
		c.fail(r, "pairing %s (%s–%s) not in force on %s", id, p.ValidFrom, p.ValidTo, d)
	}
	return p
}

// routed checks the stream and the routing codes of a pairing's event.
func (c *checker) routed(r *events.Record, stream, pairingID string) {
	if r.StreamID != stream {
		c.fail(r, "stream %s, want %s", r.StreamID, stream)
	}
	if p := c.pairings[pairingID]; r.DonorCode != p.Donor.Code || r.PartnerCode != p.Partner.Code {
		c.fail(r, "routed %s/%s, pairing %s is %s/%s", r.DonorCode, r.PartnerCode, pairingID, p.Donor.Code, p.Partner.Code)
	}
}

func (c *checker) claim(r *events.Record, what string) {
	if c.unique[what] {
		c.fail(r, "%s used twice", what)
	}
	c.unique[what] = true
}

func (c *checker) check(ev eventtest.Event) {
	r := &ev.Record
	// The record and the chain.
	if r.Position != c.pos+1 {
		c.fail(r, "follows position %d", c.pos)
	}
	if r.PrevHash != c.prev {
		c.fail(r, "prev hash %s, want %s", r.PrevHash, c.prev)
	}
	if r.Hash != events.ChainHash(r.PrevHash, r.Position, r.Canonical()) {
		c.fail(r, "hash does not match")
	}
	if _, err := events.ParseCanonical(r.Canonical()); err != nil {
		c.fail(r, "canonical form: %v", err)
	}
	payload, version, err := events.Encode(ev.Data)
	if err != nil || string(payload) != string(r.Payload) || version != r.SchemaVersion || r.Type != ev.Data.EventType() {
		c.fail(r, "payload is not the encoding of Data (%v)", err)
	}
	if d, err := events.Decode(r.Type, r.SchemaVersion, r.Payload); err != nil || !reflect.DeepEqual(d, ev.Data) {
		c.fail(r, "Data is not the payload decoded (%v)", err)
	}
	c.pos, c.prev = r.Position, r.Hash
	if !events.ValidID(r.ID) || r.ID <= c.lastID {
		c.fail(r, "event id %s after %s", r.ID, c.lastID)
	}
	c.lastID = r.ID
	if r.RecordedAt.Location() != time.UTC || !r.RecordedAt.Equal(r.RecordedAt.Truncate(time.Microsecond)) || r.RecordedAt.Before(c.lastAt) {
		c.fail(r, "recorded at %v after %v", r.RecordedAt, c.lastAt)
	}
	c.lastAt = r.RecordedAt
	m := r.Metadata
	if m.Actor == "" || !keyRe.MatchString(m.IdempotencyKey) || m.CausationID != "" {
		c.fail(r, "metadata %+v", m)
	}
	if m.CorrelationID != "" {
		c.cover["correlation id"]++
	}
	sameCommand := m.IdempotencyKey == c.lastKey
	if sameCommand {
		if r.RecordedAt != c.lastRec.RecordedAt || r.StreamID != c.lastRec.StreamID || m != c.lastRec.Metadata {
			c.fail(r, "an event of the command of position %d with another time, stream or metadata", c.lastRec.Position)
		}
		c.cover["command of several events"]++
	} else if c.keys[m.IdempotencyKey] {
		c.fail(r, "idempotency key %s of an earlier command", m.IdempotencyKey)
	}
	c.keys[m.IdempotencyKey], c.lastKey, c.lastRec = true, m.IdempotencyKey, *r
	if r.StreamVersion != c.streams[r.StreamID]+1 {
		c.fail(r, "stream %s version %d after %d", r.StreamID, r.StreamVersion, c.streams[r.StreamID])
	}
	c.streams[r.StreamID] = r.StreamVersion
	c.cover[r.Type]++

	switch e := ev.Data.(type) {
	case events.PairingEstablished:
		c.newID(r, e.PairingID)
		stream := "pairings-" + e.Donor.Code + "." + e.Partner.Code + "." + string(e.Programme)
		if r.StreamID != stream || r.DonorCode != e.Donor.Code || r.PartnerCode != e.Partner.Code {
			c.fail(r, "stream %s routed %s/%s", r.StreamID, r.DonorCode, r.PartnerCode)
		}
		if !unitCodeRe.MatchString(e.Donor.Code) || !countyCodeRe.MatchString(e.Partner.Code) || !e.Programme.Valid() ||
			e.ValidTo.Before(e.ValidFrom) {
			c.fail(r, "pairing %+v", e)
		}
		for _, o := range c.byStream[stream] {
			if !o.ValidFrom.After(e.ValidTo) && !e.ValidFrom.After(o.ValidTo) {
				c.fail(r, "pairing %s overlaps %s in %s", e.PairingID, o.PairingID, stream)
			}
		}
		if len(c.byStream[stream]) > 0 {
			c.cover["pairing renewed"]++
		}
		if r.Position > 200 {
			c.cover["pairing established late"]++
		}
		if !e.ValidOn(events.Today(r.RecordedAt)) {
			c.cover["pairing not in force when established"]++
		}
		c.byStream[stream] = append(c.byStream[stream], e)
		c.pairings[e.PairingID] = e
	case events.AnnualTargetsSet:
		p := c.pairings[e.PairingID]
		c.routed(r, "targets-"+e.PairingID, e.PairingID)
		if e.Year < p.ValidFrom.Year() || e.Year > p.ValidTo.Year() {
			c.fail(r, "targets for %d, pairing in force %s–%s", e.Year, p.ValidFrom, p.ValidTo)
		}
	case events.AidProjectRegistered:
		c.newID(r, e.ProjectID)
		c.dated(r, e.BusinessDate)
		c.inForce(r, e.PairingID, e.BusinessDate)
		c.routed(r, "project-"+e.ProjectID, e.PairingID)
		c.projects[e.ProjectID] = &projectState{reg: e}
	case events.ProjectProgressReported:
		pr := c.projects[e.ProjectID]
		if pr == nil || pr.reg.PairingID != e.PairingID {
			c.fail(r, "progress of unknown project %s", e.ProjectID)
			break
		}
		c.dated(r, e.AsOf)
		c.routed(r, "project-"+e.ProjectID, e.PairingID)
		if e.AsOf.Before(pr.reg.BusinessDate) {
			c.fail(r, "as of %s, before the registration %s", e.AsOf, pr.reg.BusinessDate)
		}
		if l := pr.last; l != nil {
			if e.AsOf.Before(l.AsOf) || slices.Index(events.ProjectStatuses, e.Status) < slices.Index(events.ProjectStatuses, l.Status) ||
				e.CompletedInvestmentFen < l.CompletedInvestmentFen {
				c.fail(r, "progress %+v goes back from %+v", e, *l)
			}
			c.cover["progress reported again"]++
		}
		if e.Status.Done() {
			c.cover["project completed"]++
		}
		started, completed := events.ProjectDates(pr.started, pr.completed, e)
		if e.StartedOn.After(e.AsOf) || e.CompletedOn.After(e.AsOf) || (!completed.IsZero() && completed.Before(started)) {
			c.fail(r, "progress %+v: started %s, completed %s", e, started, completed)
		}
		if !e.StartedOn.IsZero() {
			c.cover["project start date stated"]++
		}
		if !e.CompletedOn.IsZero() {
			c.cover["project completion date stated"]++
		}
		pr.last, pr.started, pr.completed = &e, started, completed
	case events.ProjectYearPlanned:
		pr := c.projects[e.ProjectID]
		if pr == nil || pr.reg.PairingID != e.PairingID {
			c.fail(r, "plan of unknown project %s", e.ProjectID)
			break
		}
		c.dated(r, e.BusinessDate)
		c.routed(r, "project-"+e.ProjectID, e.PairingID)
		p := c.pairings[e.PairingID]
		if e.Year < pr.reg.PlanYear || e.Year < p.ValidFrom.Year() || e.Year > p.ValidTo.Year() || e.PlannedFen < 0 ||
			e.BusinessDate.Before(pr.reg.BusinessDate) {
			c.fail(r, "plan %+v of project %+v", e, pr.reg)
		}
		c.cover[map[bool]string{true: "year plan withdrawn", false: "year plan"}[e.PlannedFen == 0]]++
	case events.FundsCommitted:
		c.newID(r, e.CommitmentID)
		c.dated(r, e.BusinessDate)
		c.inForce(r, e.PairingID, e.BusinessDate)
		if e.Shares == nil {
			c.routed(r, "commitment-"+e.CommitmentID, e.PairingID)
		} else {
			c.routedShared(r, "commitment-"+e.CommitmentID, e.Shares)
			c.checkShares(r, e.Shares, e.PairingID, e.AmountFen, e.BusinessDate)
			c.cover["commitment of several pairings"]++
		}
		if e.AmountFen <= 0 {
			c.fail(r, "amount %d", e.AmountFen)
		}
		if e.ProjectID != "" {
			if pr := c.projects[e.ProjectID]; pr == nil || pr.reg.PairingID != e.PairingID {
				c.fail(r, "project %s is not of pairing %s", e.ProjectID, e.PairingID)
			}
			c.cover["commitment of a project"]++
		}
		if e.BudgetYear != e.BusinessDate.Year() {
			c.cover["commitment for next year"]++
		}
		c.commitments[e.CommitmentID] = &commitmentState{c: e, committed: e.AmountFen, shares: e.Shares}
	case events.CommitmentAllocated:
		cs := c.commitments[e.CommitmentID]
		if cs == nil || cs.shares == nil || cs.c.PairingID != e.PairingID || len(e.Shares) != len(cs.shares) {
			c.fail(r, "allocation of commitment %s", e.CommitmentID)
			break
		}
		c.dated(r, e.BusinessDate)
		c.routedShared(r, "commitment-"+e.CommitmentID, e.Shares)
		for i, s := range e.Shares {
			if s.PairingID != cs.shares[i].PairingID {
				c.fail(r, "allocation to %s, not %s", s.PairingID, cs.shares[i].PairingID)
			}
		}
		if e.BusinessDate.Before(cs.c.BusinessDate) {
			c.fail(r, "allocated on %s, before the commitment's %s", e.BusinessDate, cs.c.BusinessDate)
		}
		var sum int64
		for _, s := range e.Shares {
			sum += s.AmountFen
		}
		if sum > cs.committed {
			c.fail(r, "allocated %d of %d", sum, cs.committed)
		}
		cs.shares = e.Shares
		c.cover["commitment allocated"]++
	case events.CommitmentAdjusted:
		cs := c.commitments[e.CommitmentID]
		if cs == nil || cs.c.PairingID != e.PairingID {
			c.fail(r, "adjustment of unknown commitment %s", e.CommitmentID)
			break
		}
		c.dated(r, e.BusinessDate)
		if cs.shares == nil {
			c.routed(r, "commitment-"+e.CommitmentID, e.PairingID)
		} else {
			c.routedShared(r, "commitment-"+e.CommitmentID, cs.shares)
		}
		switch after := cs.committed + e.DeltaFen; {
		case e.DeltaFen == 0:
			c.fail(r, "zero adjustment")
		case after < cs.allocated():
			c.fail(r, "commitment lowered to %d, below %d allocated", after, cs.allocated())
		case e.DeltaFen < 0 && (after < cs.net || after < 0):
			c.fail(r, "commitment lowered to %d, below %d disbursed", after, cs.net)
		case e.DeltaFen < 0:
			c.cover["adjustment down"]++
		default:
			c.cover["adjustment up"]++
		}
		cs.committed += e.DeltaFen
	case events.FundsDisbursed:
		c.newID(r, e.DisbursementID)
		cs := c.commitments[e.CommitmentID]
		if cs == nil || !cs.funds(e.PairingID) {
			c.fail(r, "disbursement of unknown commitment %s (or not one of its pairings)", e.CommitmentID)
			break
		}
		if e.PairingID != cs.c.PairingID {
			c.cover["disbursement to another pairing of a shared commitment"]++
		}
		c.dated(r, e.BusinessDate)
		p := c.inForce(r, e.PairingID, e.BusinessDate)
		c.routed(r, "commitment-"+e.CommitmentID, e.PairingID)
		c.claim(r, "voucher "+p.Donor.Code+" "+e.VoucherNo)
		if e.AmountFen <= 0 {
			c.fail(r, "amount %d", e.AmountFen)
		}
		switch over := cs.net+e.AmountFen > cs.committed; {
		case over && e.OverCommitment == nil:
			c.fail(r, "%d disbursed of %d committed without an approval", cs.net+e.AmountFen, cs.committed)
		case over:
			c.cover["over-commitment"]++
		case e.OverCommitment != nil:
			c.cover["approval not needed"]++
		}
		if e.BusinessDate.Before(cs.c.BusinessDate) {
			c.cover["disbursed before the commitment's date"]++
		}
		cs.net += e.AmountFen
		c.disbs[e.DisbursementID] = &disbState{d: e}
	case events.DisbursementReversed:
		c.newID(r, e.ReversalID)
		d := c.disbs[e.DisbursementID]
		if d == nil || d.d.CommitmentID != e.CommitmentID || d.d.PairingID != e.PairingID {
			c.fail(r, "reversal of unknown disbursement %s", e.DisbursementID)
			break
		}
		c.dated(r, e.BusinessDate)
		c.routed(r, "commitment-"+e.CommitmentID, e.PairingID)
		left := d.d.AmountFen - d.reversed
		switch {
		case e.AmountFen <= 0 || e.AmountFen > left:
			c.fail(r, "reverses %d of the %d left", e.AmountFen, left)
		case e.AmountFen == left:
			c.cover["disbursement reversed wholly "+string(e.Reason)]++
		default:
			c.cover["disbursement reversed partly "+string(e.Reason)]++
		}
		if e.BusinessDate.Before(d.d.BusinessDate) || e.OriginalDate != d.d.BusinessDate || !e.Reason.Valid() {
			c.fail(r, "reversal dated %s of a disbursement dated %s (original date %s)", e.BusinessDate, d.d.BusinessDate, e.OriginalDate)
		}
		if e.BusinessDate.Year() != e.OriginalDate.Year() {
			c.cover["reversal across a year end"]++
		}
		if d.confirmed {
			c.cover["reversal after the receipt"]++
		}
		if d.reversals {
			c.cover["disbursement reversed again"]++
		}
		d.reversed += e.AmountFen
		d.reversals = true
		c.commitments[e.CommitmentID].net -= e.AmountFen
	case events.FundsReceiptConfirmed:
		d := c.disbs[e.DisbursementID]
		if d == nil || d.d.CommitmentID != e.CommitmentID || d.d.PairingID != e.PairingID {
			c.fail(r, "receipt of unknown disbursement %s", e.DisbursementID)
			break
		}
		c.dated(r, e.ReceivedDate)
		c.routed(r, "commitment-"+e.CommitmentID, e.PairingID)
		switch {
		case d.confirmed:
			c.fail(r, "receipt confirmed twice")
		case d.reversed == d.d.AmountFen:
			c.fail(r, "receipt of a wholly reversed disbursement")
		case e.ReceivedDate.Before(d.d.BusinessDate):
			c.fail(r, "received %s before the disbursement %s", e.ReceivedDate, d.d.BusinessDate)
		case d.reversed > 0:
			c.cover["receipt after a partial reversal"]++
		}
		if strings.HasSuffix(m.Actor, "(partner)") {
			c.cover["receipt by the partner"]++
		}
		d.confirmed = true
	case events.DonationReceived:
		c.original(r, "donation", e.DonationID, []string{e.PairingID}, e.BusinessDate, e.AmountFen)
		c.claim(r, "receipt "+r.DonorCode+" "+e.ReceiptNo)
		if e.Kind == events.DonationInKind {
			if e.ValuationBasis == "" {
				c.fail(r, "in kind without a valuation basis")
			}
			c.cover["donation in kind"]++
		}
		if len(e.Items) > 0 {
			c.cover["donation with items"]++
		}
	case events.ProductPurchased:
		c.original(r, "purchase", e.PurchaseID, []string{e.PairingID}, e.CompletedDate, e.AmountFen)
		c.claim(r, "order "+string(e.Channel)+" "+e.OrderNo)
		switch e.SupplierCountyCode {
		case "":
			c.cover["purchase naming no county"]++
		case c.pairings[e.PairingID].Partner.Code:
			c.cover["purchase naming the partner"]++
		default:
			c.cover["purchase naming another county"]++
		}
		c.cover["channel "+string(e.Channel)]++
	case events.SalesFacilitated:
		c.original(r, "sale", e.SaleID, []string{e.PairingID}, e.PeriodTo, e.AmountFen)
		if e.PeriodTo.Before(e.PeriodFrom) {
			c.fail(r, "period %s–%s", e.PeriodFrom, e.PeriodTo)
		}
		if e.OrderNo != "" {
			c.claim(r, "order "+string(e.Channel)+" "+e.OrderNo)
			c.cover["sale with an order number"]++
		}
	case events.VisitConducted:
		c.original(r, "visit", e.VisitID, e.PairingIDList, e.StartDate, 0)
		if len(e.PairingIDList) > 20 || e.EndDate.Before(e.StartDate) || e.EndDate.After(events.Today(r.RecordedAt)) {
			c.fail(r, "visit %+v", e)
		}
		if e.LedByPrincipal {
			c.cover["visit led by the principal leader"]++
		}
		partners := map[string]bool{}
		for i, id := range e.PairingIDList {
			p := c.pairings[id]
			partners[p.Partner.Code] = true
			if p.Donor.Code != r.DonorCode || slices.Index(e.PairingIDList, id) != i {
				c.fail(r, "pairing %s of donor %s listed in a visit of %s", id, p.Donor.Code, r.DonorCode)
			}
		}
		switch {
		case len(partners) > 1:
			if r.PartnerCode != "multi" {
				c.fail(r, "a visit of %d partners routed to %s", len(partners), r.PartnerCode)
			}
			c.cover["visit of several partners"]++
		case len(e.PairingIDList) > 1:
			c.cover["visit of several pairings of one partner"]++
		}
	case events.SecondmentStarted:
		c.newID(r, e.SecondmentID)
		c.dated(r, e.StartDate)
		p := c.inForce(r, e.PairingID, e.StartDate)
		person := p.Donor.Code + "." + e.PersonRef
		c.routed(r, "person-"+person, e.PairingID)
		if !personRefRe.MatchString(e.PersonRef) || (!e.PlannedEndDate.IsZero() && e.PlannedEndDate.Before(e.StartDate)) {
			c.fail(r, "secondment %+v", e)
		}
		for _, o := range c.persons[person] {
			if !o.reversed && (!o.ended || !o.end.Before(e.StartDate)) {
				c.fail(r, "secondment of %s from %s overlaps %s (from %s)", person, e.StartDate, o.s.SecondmentID, o.s.StartDate)
			}
		}
		if len(c.persons[person]) > 0 {
			c.cover["person seconded again"]++
			if c.persons[person][0].s.PairingID != e.PairingID {
				c.cover["person seconded again under another pairing"]++
			}
		}
		if e.PlannedEndDate.IsZero() {
			c.cover["secondment without planned end"]++
		}
		if !e.Direction.Valid() {
			c.fail(r, "secondment direction %q", e.Direction)
		}
		c.cover["secondment "+string(e.Direction)]++
		s := &secondmentState{s: e}
		c.secondments[e.SecondmentID] = s
		c.persons[person] = append(c.persons[person], s)
	case events.SecondmentEnded:
		s := c.secondments[e.SecondmentID]
		if s == nil || s.s.PairingID != e.PairingID || s.s.PersonRef != e.PersonRef {
			c.fail(r, "end of unknown secondment %s", e.SecondmentID)
			break
		}
		c.dated(r, e.EndDate)
		c.routed(r, "person-"+c.pairings[e.PairingID].Donor.Code+"."+e.PersonRef, e.PairingID)
		if s.ended || s.reversed || e.EndDate.Before(s.s.StartDate) {
			c.fail(r, "end %s of secondment %+v (ended %v, reversed %v)", e.EndDate, s.s, s.ended, s.reversed)
		}
		if sameCommand {
			c.cover["secondment recorded with its end"]++
		}
		s.ended, s.end = true, e.EndDate
	case events.DonationReversed:
		c.reversal(r, "donation", e.EntryReversal)
	case events.PurchaseReversed:
		c.reversal(r, "purchase", e.EntryReversal)
	case events.SaleReversed:
		c.reversal(r, "sale", e.EntryReversal)
	case events.VisitReversed:
		c.reversal(r, "visit", e.EntryReversal)
	case events.SecondmentReversed:
		s := c.secondments[e.OriginalID]
		if s == nil {
			c.fail(r, "reversal of unknown secondment %s", e.OriginalID)
			break
		}
		c.dated(r, e.BusinessDate)
		c.routed(r, "person-"+c.pairings[s.s.PairingID].Donor.Code+"."+s.s.PersonRef, s.s.PairingID)
		if s.reversed || e.Reason != events.ReasonEntryError || e.AmountFen != 0 || e.BusinessDate.Before(s.s.StartDate) ||
			e.OriginalDate != s.s.StartDate || !slices.Equal(e.PairingIDList, []string{s.s.PairingID}) {
			c.fail(r, "reversal %+v of secondment %+v", e.EntryReversal, s.s)
		}
		if s.ended {
			c.cover["ended secondment reversed"]++
		}
		s.reversed = true
	case events.LabourTransferRecorded:
		c.original(r, "labour_transfer", e.LabourTransferID, []string{e.PairingID}, e.PeriodTo, 0)
		c.claim(r, "labour "+e.PairingID+" "+e.PeriodFrom.String()+" "+e.PeriodTo.String()+" "+string(e.Destination)+" "+e.DocNo)
		if e.PeriodTo.Before(e.PeriodFrom) || e.Persons < 1 || e.PovertyPersons > e.Persons || e.PovertyPersons < 0 || !e.Destination.Valid() {
			c.fail(r, "labour transfer %+v", e)
		}
	case events.EnterpriseInvestmentRecorded:
		c.original(r, "investment", e.InvestmentID, []string{e.PairingID}, e.InvestedDate, e.AmountFen)
		c.claim(r, "investment "+e.PairingID+" "+e.CreditCode+" "+e.ProjectName)
		if e.PovertyJobs > e.Jobs || len(e.CreditCode) != 18 {
			c.fail(r, "investment %+v", e)
		}
		if e.ParkID != "" {
			park := c.entries[e.ParkID]
			if park == nil || park.kind != "park" || park.reversedOnce || park.pairings[0] != e.PairingID || e.InvestedDate.Before(park.date) {
				c.fail(r, "investment in park %s: %+v", e.ParkID, park)
			}
			c.cover["investment in a park"]++
		}
	case events.TrainingHeld:
		c.original(r, "training", e.TrainingID, []string{e.PairingID}, e.EndDate, 0)
		if e.EndDate.Before(e.StartDate) || e.Participants < 1 || !e.Kind.Valid() {
			c.fail(r, "training %+v", e)
		}
	case events.AgreementSigned:
		c.original(r, "agreement", e.AgreementID, []string{e.PairingID}, e.SignedDate, 0)
		c.claim(r, "agreement "+e.PairingID+" "+e.DocNo)
	case events.ParkEstablished:
		c.original(r, "park", e.ParkID, []string{e.PairingID}, e.EstablishedDate, 0)
		c.claim(r, "park "+e.PairingID+" "+e.Name)
		c.entries[e.ParkID].enclave = e.Kind == events.ParkEnclave
		if !e.Kind.Valid() || !countyCodeRe.MatchString(e.LocationCode) {
			c.fail(r, "park %+v", e)
		}
	case events.WorkshopEstablished:
		c.original(r, "workshop", e.WorkshopID, []string{e.PairingID}, e.EstablishedDate, 0)
		c.claim(r, "workshop "+e.PairingID+" "+e.Village+" "+e.Name)
	case events.ParkReported:
		o := c.site(r, "park", e.ParkID, e.PairingID, e.AsOf)
		if o == nil {
			break
		}
		if last := o.lastPark; last != nil {
			if e.AsOf.Before(last.AsOf) || e.Enterprises < last.Enterprises || e.InvestmentFen < last.InvestmentFen ||
				e.OutputFen < last.OutputFen || e.ReturnsFen < last.ReturnsFen {
				c.fail(r, "park report %+v after %+v", e, *last)
			}
			c.cover["park reported again"]++
		}
		if e.ReturnsFen > 0 && !o.enclave {
			c.fail(r, "returns from a park that is not an enclave")
		}
		o.lastPark = &e
	case events.WorkshopReported:
		o := c.site(r, "workshop", e.WorkshopID, e.PairingID, e.AsOf)
		if o == nil {
			break
		}
		if e.PovertyEmployed > e.Employed || (o.lastShop != nil && e.AsOf.Before(o.lastShop.AsOf)) {
			c.fail(r, "workshop report %+v", e)
		}
		if o.lastShop != nil && e.Employed < o.lastShop.Employed {
			c.cover["workshop employing fewer"]++
		}
		o.lastShop = &e
	case events.LabourTransferReversed:
		c.reversal(r, "labour_transfer", e.EntryReversal)
	case events.InvestmentReversed:
		c.reversal(r, "investment", e.EntryReversal)
	case events.TrainingReversed:
		c.reversal(r, "training", e.EntryReversal)
	case events.AgreementReversed:
		c.reversal(r, "agreement", e.EntryReversal)
	case events.ParkReversed:
		c.reversal(r, "park", e.EntryReversal)
	case events.WorkshopReversed:
		c.reversal(r, "workshop", e.EntryReversal)
	case events.ReportOrderSet:
		if r.StreamID != "report-order-"+e.DonorCode || r.DonorCode != e.DonorCode || r.PartnerCode != "all" || len(e.PairingIDs) == 0 {
			c.fail(r, "report order %+v in %s routed %s/%s", e, r.StreamID, r.DonorCode, r.PartnerCode)
		}
	case events.ReportStyleSet:
		if r.StreamID != "report-style-"+e.DonorCode || r.DonorCode != e.DonorCode || r.PartnerCode != "all" ||
			(e.Paragraph != "by_pairing" && e.Paragraph != "by_programme") {
			c.fail(r, "report style %+v in %s routed %s/%s", e, r.StreamID, r.DonorCode, r.PartnerCode)
		}
	case events.SummaryGenerated:
		if r.StreamID != "summaries-"+e.DonorCode || r.DonorCode != e.DonorCode || r.PartnerCode != "all" ||
			e.Position != r.Position-1 || e.ChainHash != r.PrevHash.String() {
			c.fail(r, "summary %+v in %s routed %s/%s", e, r.StreamID, r.DonorCode, r.PartnerCode)
		}
	default:
		c.fail(r, "unexpected event %T", ev.Data)
	}
}

// site checks a report on a live park or workshop (kind) of its pairing,
// as of a day not before its establishment; it returns the site (nil when
// unknown).
func (c *checker) site(r *events.Record, kind, id, pairingID string, asOf events.Date) *entryState {
	o := c.entries[id]
	if o == nil || o.kind != kind || o.pairings[0] != pairingID {
		c.fail(r, "report on unknown %s %s", kind, id)
		return nil
	}
	c.dated(r, asOf)
	if r.StreamID != kind+"-"+id || r.DonorCode != o.donor || r.PartnerCode != o.partner || o.reversedOnce || asOf.Before(o.date) {
		c.fail(r, "report on %s %s (reversed %v, established %s) in %s", kind, id, o.reversedOnce, o.date, r.StreamID)
	}
	return o
}

// moneyless are the kinds of entry without an amount.
var moneyless = []string{"visit", "labour_transfer", "training", "agreement", "park", "workshop"}

// original checks an entry: a donation, purchase, sale, visit, labour
// transfer, investment, training, agreement, park or workshop.
func (c *checker) original(r *events.Record, kind, id string, pairings []string, on events.Date, amount int64) {
	c.newID(r, id)
	c.dated(r, on)
	if len(pairings) == 0 {
		c.fail(r, "no pairing")
		return
	}
	for _, p := range pairings {
		c.inForce(r, p, on)
	}
	if r.StreamID != kind+"-"+id {
		c.fail(r, "stream %s", r.StreamID)
	}
	if len(pairings) == 1 {
		c.routed(r, kind+"-"+id, pairings[0])
	}
	if !slices.Contains(moneyless, kind) && amount <= 0 {
		c.fail(r, "amount %d", amount)
	}
	c.entries[id] = &entryState{kind: kind, pairings: pairings, date: on, amount: amount, donor: r.DonorCode, partner: r.PartnerCode}
}

// reversal checks the reversal of an entry.
func (c *checker) reversal(r *events.Record, kind string, e events.EntryReversal) {
	o := c.entries[e.OriginalID]
	if o == nil || o.kind != kind {
		c.fail(r, "reversal of unknown %s %s", kind, e.OriginalID)
		return
	}
	c.dated(r, e.BusinessDate)
	if r.StreamID != kind+"-"+e.OriginalID || r.DonorCode != o.donor || r.PartnerCode != o.partner {
		c.fail(r, "stream %s routed %s/%s", r.StreamID, r.DonorCode, r.PartnerCode)
	}
	if e.BusinessDate.Before(o.date) || e.OriginalDate != o.date || !slices.Equal(e.PairingIDList, o.pairings) || !e.Reason.Valid() {
		c.fail(r, "reversal %+v of an original dated %s", e, o.date)
	}
	if slices.Contains(moneyless, kind) {
		if o.reversedOnce || e.AmountFen != 0 || e.Reason != events.ReasonEntryError {
			c.fail(r, "%s reversal %+v (reversed before: %v)", kind, e, o.reversedOnce)
		}
		c.cover[kind+" reversed"]++
	} else {
		left := o.amount - o.reversed
		switch {
		case e.AmountFen <= 0 || e.AmountFen > left:
			c.fail(r, "reverses %d of the %d left", e.AmountFen, left)
		case e.AmountFen < left:
			c.cover["entry reversed partly "+string(e.Reason)]++
		default:
			c.cover["entry reversed wholly "+string(e.Reason)]++
		}
		if e.BusinessDate.Year() != e.OriginalDate.Year() {
			c.cover["reversal across a year end"]++
		}
		o.reversed += e.AmountFen
	}
	o.reversedOnce = true
}

// mustCover is what a sequence of a few thousand events must exercise
// (besides every event type).
var mustCover = []string{
	"late entry", "correlation id", "command of several events", "pairing renewed", "pairing established late",
	"pairing not in force when established", "progress reported again", "project completed", "commitment of a project",
	"project start date stated", "project completion date stated", "year plan", "year plan withdrawn",
	"commitment for next year", "commitment of several pairings", "commitment allocated",
	"disbursement to another pairing of a shared commitment", "adjustment down", "adjustment up", "over-commitment", "approval not needed",
	"disbursed before the commitment's date", "disbursement reversed wholly entry_error", "disbursement reversed wholly funds_returned",
	"disbursement reversed partly entry_error", "disbursement reversed partly funds_returned", "reversal across a year end",
	"reversal after the receipt", "disbursement reversed again", "receipt after a partial reversal", "receipt by the partner",
	"donation in kind", "donation with items", "purchase naming no county", "purchase naming the partner",
	"purchase naming another county", "sale with an order number", "visit of several partners",
	"visit of several pairings of one partner", "person seconded again", "person seconded again under another pairing",
	"secondment without planned end", "secondment recorded with its end", "ended secondment reversed",
	"entry reversed partly entry_error", "entry reversed partly funds_returned", "entry reversed wholly entry_error",
	"entry reversed wholly funds_returned",
	"investment in a park", "park reported again", "workshop employing fewer", "labour_transfer reversed", "training reversed",
	"agreement reversed", "park reversed", "workshop reversed", "secondment inbound", "secondment outbound",
	"visit led by the principal leader",
}

func checkAll(after *events.Record, evs []eventtest.Event) *checker {
	c := newChecker(after)
	for _, ev := range evs {
		c.check(ev)
	}
	return c
}

// TestContract checks every event of a few sequences against the contract
// and that, together, they exercise what the package promises.
func TestContract(t *testing.T) {
	t.Parallel()
	cover := map[string]int{}
	for _, cfg := range []eventtest.Config{
		{Seed: 1},
		{Seed: 2, Donors: 2, PairingsPerDonor: 4, Events: 3000},
		{Seed: 3, Donors: 4, PairingsPerDonor: 3, Partners: 5, From: events.DateOf(2021, 1, 1), Years: 5, Events: 5000},
		{Seed: 4, DonorUnits: []events.Unit{{Code: "320404", Name: "钟楼区", ShortName: "钟楼"}}, PairingsPerDonor: 6, Partners: 3,
			Events: 4000},
	} {
		n := cfg.Events
		if n == 0 {
			n = 10_000 // the default
		}
		evs := eventtest.New(cfg).Next(n)
		c := checkAll(nil, evs)
		for _, e := range c.errs[:min(len(c.errs), 20)] {
			t.Errorf("seed %d: %s", cfg.Seed, e)
		}
		last := evs[len(evs)-1].RecordedAt
		from := cfg.From
		if from.IsZero() {
			from = events.DateOf(2023, 1, 1)
		}
		years := max(cfg.Years, 3)
		if end := events.DateOf(from.Year()+years, from.Time().Month(), from.Time().Day()); !events.Today(last).Before(end) ||
			events.Today(last).Before(end.AddDays(-30)) {
			t.Errorf("seed %d: the last event is recorded on %s, the span ends before %s", cfg.Seed, events.Today(last), end)
		}
		for k, v := range c.cover {
			cover[k] += v
		}
	}
	for _, typ := range events.Types() {
		if cover[typ] == 0 {
			t.Errorf("no %s event", typ)
		}
	}
	for _, k := range mustCover {
		if cover[k] == 0 {
			t.Errorf("nothing exercises %q", k)
		}
	}
	var keys []string
	for k := range cover {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%6d %s", cover[k], k)
	}
}

// TestCheckerFails: the checker finds a broken chain, a gap, a stream
// version skipped, a reversal beyond its original, a receipt confirmed
// twice, a date in the future and a Data that is not the payload.
func TestCheckerFails(t *testing.T) {
	t.Parallel()
	base := eventtest.New(eventtest.Config{Seed: 9, Events: 2000}).Next(2000)
	if c := checkAll(nil, base); len(c.errs) > 0 {
		t.Fatalf("the base sequence fails: %v", c.errs[0])
	}
	find := func(evs []eventtest.Event, typ string) int {
		for i, ev := range evs {
			if ev.Type == typ {
				return i
			}
		}
		t.Fatalf("no %s", typ)
		return -1
	}
	// reseal re-encodes evs[i:] and relinks the chain from i.
	reseal := func(evs []eventtest.Event, i int) {
		for ; i < len(evs); i++ {
			r := &evs[i].Record
			r.Payload, _, _ = events.Encode(evs[i].Data)
			r.Position = int64(i + 1)
			r.PrevHash = events.Hash{}
			if i > 0 {
				r.PrevHash = evs[i-1].Hash
			}
			r.Hash = events.ChainHash(r.PrevHash, r.Position, r.Canonical())
		}
	}
	for _, tc := range []struct {
		name   string
		mutate func([]eventtest.Event) []eventtest.Event
		want   string
	}{
		{"broken chain", func(evs []eventtest.Event) []eventtest.Event { evs[700].Hash[0]++; return evs }, "hash"},
		{"gap", func(evs []eventtest.Event) []eventtest.Event {
			evs = slices.Delete(evs, 800, 801)
			reseal(evs, 800)
			for i := 800; i < len(evs); i++ { // positions as they were: one missing
				r := &evs[i].Record
				r.Position++
				if i > 800 {
					r.PrevHash = evs[i-1].Hash
				}
				r.Hash = events.ChainHash(r.PrevHash, r.Position, r.Canonical())
			}
			return evs
		}, "follows position"},
		{"stream version skipped", func(evs []eventtest.Event) []eventtest.Event {
			i := find(evs[500:], "aid.funds_disbursed") + 500
			evs[i].StreamVersion++
			reseal(evs, i)
			return evs
		}, "version"},
		{"reversal beyond its original", func(evs []eventtest.Event) []eventtest.Event {
			i := find(evs, "aid.disbursement_reversed")
			e := evs[i].Data.(events.DisbursementReversed)
			e.AmountFen += 1_000_000_000_000
			evs[i].Data = e
			reseal(evs, i)
			return evs
		}, "left"},
		{"receipt twice", func(evs []eventtest.Event) []eventtest.Event {
			i := find(evs, "aid.funds_receipt_confirmed")
			dup := evs[i]
			dup.Metadata.IdempotencyKey = "another-key-0001"
			dup.StreamVersion++
			evs = slices.Insert(evs, i+1, dup)
			for j := i + 2; j < len(evs); j++ {
				if evs[j].StreamID == dup.StreamID {
					evs[j].StreamVersion++
				}
			}
			reseal(evs, i+1)
			return evs
		}, "twice"},
		{"future date", func(evs []eventtest.Event) []eventtest.Event {
			i := find(evs[300:], "aid.donation_received") + 300
			e := evs[i].Data.(events.DonationReceived)
			e.BusinessDate = e.BusinessDate.AddDays(60)
			evs[i].Data = e
			reseal(evs, i)
			return evs
		}, "future"},
		{"data not the payload", func(evs []eventtest.Event) []eventtest.Event {
			i := find(evs, "aid.visit_conducted")
			e := evs[i].Data.(events.VisitConducted)
			e.Purpose += "!"
			evs[i].Data = e
			return evs
		}, "payload"},
	} {
		evs := tc.mutate(slices.Clone(base))
		c := checkAll(nil, evs)
		if !slices.ContainsFunc(c.errs, func(e string) bool { return strings.Contains(e, tc.want) }) {
			t.Errorf("%s: not found (errors: %v)", tc.name, c.errs[:min(len(c.errs), 3)])
		}
	}
}

// TestDeterministic: one Config gives one sequence, however it is cut into
// chunks; another seed gives another.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	cfg := eventtest.Config{Seed: 5, Events: 3000}
	whole := eventtest.New(cfg).Next(3000)
	g := eventtest.New(cfg)
	var chunked []eventtest.Event
	for _, n := range []int{1, 2, 997, 0, 1000, 1000} {
		chunk := g.Next(n)
		if len(chunk) != n {
			t.Fatalf("Next(%d) returned %d events", n, len(chunk))
		}
		chunked = append(chunked, chunk...)
	}
	if !reflect.DeepEqual(whole, chunked) {
		t.Error("the sequence depends on how it is cut into chunks")
	}
	other := eventtest.New(eventtest.Config{Seed: 6, Events: 3000}).Next(3000)
	if other[len(other)-1].Hash == whole[len(whole)-1].Hash {
		t.Error("seeds 5 and 6 give the same sequence")
	}
	if d := eventtest.New(cfg).Donors(); len(d) != 3 || d[0].Code != "D00" || d[2].Code != "D02" {
		t.Errorf("donors %v", d)
	}
}

// TestContinue: a generated sequence continues a hand-written log.
func TestContinue(t *testing.T) {
	t.Parallel()
	l := eventtest.NewLog(time.Date(2022, 6, 1, 2, 0, 0, 0, time.UTC))
	p := events.PairingEstablished{PairingID: "01JPA1R1NG0000000000000000", Donor: events.Unit{Code: "X1", Name: "X", ShortName: "X"},
		Partner: events.Unit{Code: "522701", Name: "乙县", ShortName: "乙"}, Programme: events.ProgrammeEastWest, AgreementDocNo: "协1",
		ValidFrom: events.DateOf(2022, 1, 1), ValidTo: events.DateOf(2030, 12, 31)}
	first := l.Append(eventtest.Command{Stream: "pairings-X1.522701.east_west", DonorCode: "X1", PartnerCode: "522701",
		Metadata: events.Metadata{Actor: "管理员 (admin)"}, Events: []events.Event{p}})
	targets := events.AnnualTargetsSet{PairingID: p.PairingID, Year: 2023, Targets: events.Targets{Visits: 2}}
	more := l.Append(eventtest.Command{Stream: "targets-" + p.PairingID, DonorCode: "X1", PartnerCode: "522701",
		Metadata: events.Metadata{Actor: "录入员 (recorder)", IdempotencyKey: "k-00000002"}, Events: []events.Event{targets, targets}})
	hand := append(first, more...)
	if hand[2].StreamVersion != 2 || hand[1].StreamVersion != 1 || hand[0].Metadata.IdempotencyKey != "key-00000001" ||
		hand[2].Metadata.IdempotencyKey != "k-00000002" || !hand[1].RecordedAt.Equal(hand[0].RecordedAt.Add(1500*time.Microsecond)) ||
		l.Position() != 3 || l.Hash() != hand[2].Hash {
		t.Errorf("hand-written log: %+v", hand)
	}
	c := checkAll(nil, hand)
	if len(c.errs) > 0 {
		t.Errorf("hand-written log: %v", c.errs)
	}
	after := hand[len(hand)-1].Record
	evs := eventtest.New(eventtest.Config{Seed: 8, Events: 2000, After: &after}).Next(2000)
	if evs[0].Position != 4 || evs[0].PrevHash != after.Hash {
		t.Fatalf("continues at %d from %s", evs[0].Position, evs[0].PrevHash)
	}
	c = newChecker(nil)
	for _, ev := range append(hand, evs...) {
		c.check(ev)
	}
	for _, e := range c.errs {
		if !strings.Contains(e, "recorded at") { // the generator's clock starts in 2023, after the log's 2022
			t.Error(e)
		}
	}
}

// TestBoundedMemory: streaming a long sequence in chunks keeps the heap
// small.
func TestBoundedMemory(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates 100,000 events")
	}
	g := eventtest.New(eventtest.Config{Seed: 10, Donors: 10, PairingsPerDonor: 5, Events: 100_000})
	var heap []uint64
	for i := range 20 {
		_ = g.Next(5_000)
		if i%5 == 4 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heap = append(heap, ms.HeapAlloc)
		}
	}
	if heap[len(heap)-1] > 64<<20 || heap[len(heap)-1] > 2*heap[0]+(8<<20) {
		t.Errorf("heap after 25k, 50k, 75k, 100k events: %v", heap)
	}
}

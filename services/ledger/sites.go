package ledger

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// Parks (共建产业园区) and workshops (帮扶车间) are sites: established once,
// then reported on, on a stream of their own.

// EstablishPark records a ParkEstablished.
type EstablishPark struct {
	ParkID          string          `json:"park_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	PairingID       string          `json:"pairing_id"`
	Name            string          `json:"name" maxLength:"200" doc:"unique within the pairing"`
	Kind            events.ParkKind `json:"kind" enum:"co_built_park,enclave" doc:"co_built_park 共建园区 (in the partner area), enclave 飞地 (in the donor's area, returns paid to the partner)"`
	LocationCode    string          `json:"location_code" maxLength:"6" doc:"6-digit division code of the county the park lies in"`
	EstablishedDate string          `json:"established_date" format:"date"`
}

// EstablishPark records a park the two sides of a pairing build together.
func (l *Ledger) EstablishPark(ctx context.Context, req Request, cmd EstablishPark) (*Written, error) {
	in := cmd
	in.ParkID = assignID(cmd.ParkID)
	return l.recordEntry(ctx, req, "EstablishPark", cmd, in, Written{ParkID: in.ParkID})
}

func (cmd EstablishPark) pairing() string { return cmd.PairingID }

func (cmd EstablishPark) check(today events.Date) error {
	_, err := cmd.event(today)
	return err
}

func (cmd EstablishPark) event(today events.Date) (events.ParkEstablished, error) {
	c := &check{today: today}
	c.id("park_id", cmd.ParkID)
	c.text("name", cmd.Name, 200)
	oneOf(c, "kind", cmd.Kind, events.ParkKinds)
	c.match("location_code", cmd.LocationCode, countyCodeRe, "a 6-digit division code", "6 位行政区划代码")
	date := c.date("established_date", cmd.EstablishedDate)
	c.past("established_date", date)
	return events.ParkEstablished{ParkID: cmd.ParkID, PairingID: cmd.PairingID, Name: cmd.Name, Kind: cmd.Kind,
		LocationCode: cmd.LocationCode, EstablishedDate: date}, c.result()
}

// decide records the park of pairing pr, in force when it was
// established; its name is claimed within the pairing.
func (cmd EstablishPark) decide(today events.Date, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today)
	if err != nil {
		return nil, err
	}
	if err := inForce(pr, ev.EstablishedDate, "established_date"); err != nil {
		return nil, err
	}
	return entryAppend(pr, "park", ev.ParkID, ev, siteKey("park", ev.PairingID, ev.Name, ev.ParkID)), nil
}

// EstablishWorkshop records a WorkshopEstablished.
type EstablishWorkshop struct {
	WorkshopID      string `json:"workshop_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	PairingID       string `json:"pairing_id"`
	Name            string `json:"name" maxLength:"200"`
	Village         string `json:"village" maxLength:"200" doc:"with the name it identifies the workshop within the pairing"`
	EstablishedDate string `json:"established_date" format:"date"`
}

// EstablishWorkshop records a workshop set up in a partner village.
func (l *Ledger) EstablishWorkshop(ctx context.Context, req Request, cmd EstablishWorkshop) (*Written, error) {
	in := cmd
	in.WorkshopID = assignID(cmd.WorkshopID)
	return l.recordEntry(ctx, req, "EstablishWorkshop", cmd, in, Written{WorkshopID: in.WorkshopID})
}

func (cmd EstablishWorkshop) pairing() string { return cmd.PairingID }

func (cmd EstablishWorkshop) check(today events.Date) error {
	_, err := cmd.event(today)
	return err
}

func (cmd EstablishWorkshop) event(today events.Date) (events.WorkshopEstablished, error) {
	c := &check{today: today}
	c.id("workshop_id", cmd.WorkshopID)
	c.text("name", cmd.Name, 200)
	c.text("village", cmd.Village, 200)
	date := c.date("established_date", cmd.EstablishedDate)
	c.past("established_date", date)
	return events.WorkshopEstablished{WorkshopID: cmd.WorkshopID, PairingID: cmd.PairingID, Name: cmd.Name, Village: cmd.Village,
		EstablishedDate: date}, c.result()
}

// decide records the workshop of pairing pr, in force when it was set up;
// (village, name) is claimed within the pairing.
func (cmd EstablishWorkshop) decide(today events.Date, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today)
	if err != nil {
		return nil, err
	}
	if err := inForce(pr, ev.EstablishedDate, "established_date"); err != nil {
		return nil, err
	}
	return entryAppend(pr, "workshop", ev.WorkshopID, ev, siteKey("workshop", ev.PairingID, ev.Village+" "+ev.Name, ev.WorkshopID)), nil
}

// siteState is a park's or workshop's stream folded.
type siteState struct {
	kind      string // "park" or "workshop"
	id        string
	version   int64
	pairingID string
	parkKind  events.ParkKind
	since     events.Date // established
	reversed  bool
	lastPark  *events.ParkReported
	lastShop  *events.WorkshopReported
}

// foldSite folds the events of site id's stream at version.
func foldSite(kind, id string, evs []events.Event, version int64) *siteState {
	s := &siteState{kind: kind, id: id, version: version}
	for _, e := range evs {
		switch e := e.(type) {
		case events.ParkEstablished:
			s.pairingID, s.parkKind, s.since = e.PairingID, e.Kind, e.EstablishedDate
		case events.WorkshopEstablished:
			s.pairingID, s.since = e.PairingID, e.EstablishedDate
		case events.ParkReported:
			s.lastPark = &e
		case events.WorkshopReported:
			s.lastShop = &e
		case events.ParkReversed, events.WorkshopReversed:
			s.reversed = true
		}
	}
	return s
}

func (l *Ledger) loadSite(ctx context.Context, kind, id string) (*siteState, error) {
	if _, err := l.entity(ctx, kind+"_id", id, kind); err != nil {
		return nil, err
	}
	evs, version, err := l.load(ctx, entryStream(kind, id))
	if err != nil {
		return nil, err
	}
	return foldSite(kind, id, evs, version), nil
}

// usableBy requires the site to be live, of pairing pairingID, and
// established by date on (field names the site's id, onField the date).
func (s *siteState) usableBy(pairingID string, on events.Date, field, onField string) error {
	switch {
	case s.reversed:
		return rule(CodeAlreadyReversed, field, fmt.Sprintf("%s %s was reversed", s.kind, s.id), fmt.Sprintf("%s 已被冲正", s.id))
	case s.pairingID != pairingID:
		return invalid(field, fmt.Sprintf("%s %s belongs to another pairing", s.kind, s.id), fmt.Sprintf("%s 属于其他结对关系", s.id))
	case on.Before(s.since):
		return invalid(onField, fmt.Sprintf("%s %s is before %s %s was established (%s)", onField, on, s.kind, s.id, s.since),
			fmt.Sprintf("%s %s 早于 %s 的设立日期 %s", onField, on, s.id, s.since))
	}
	return nil
}

// reportable requires the site to be live and a report as of asOf to be
// dated on or after its establishment and its last report (lastAsOf, zero
// when none).
func (s *siteState) reportable(asOf, lastAsOf events.Date) error {
	if err := s.usableBy(s.pairingID, asOf, s.kind+"_id", "as_of"); err != nil {
		return err
	}
	if !lastAsOf.IsZero() && asOf.Before(lastAsOf) {
		return rule(CodeAsOfNotMonotonic, "as_of", fmt.Sprintf("a report as of %s exists; as_of cannot go back", lastAsOf),
			fmt.Sprintf("已有 %s 的报告,报告日期不能倒退", lastAsOf))
	}
	return nil
}

// ReportPark records a ParkReported (园区进展).
type ReportPark struct {
	AsOf          string `json:"as_of" format:"date"`
	Enterprises   int64  `json:"enterprises" doc:"enterprises settled, cumulative (入驻企业)"`
	InvestmentFen int64  `json:"investment_fen" doc:"investment made in the park, cumulative, in 分 (fen)"`
	OutputFen     int64  `json:"output_fen,omitempty" doc:"output, cumulative, in 分 (fen)"`
	ReturnsFen    int64  `json:"returns_fen,omitempty" doc:"enclaves only: returns paid to the partner (飞地返利), cumulative, in 分 (fen)"`
}

// ReportPark reports a park's cumulative figures as of a day: as-of dates
// never go back, nor does any cumulative figure.
func (l *Ledger) ReportPark(ctx context.Context, req Request, parkID string, cmd ReportPark) (*Written, error) {
	today := l.today()
	_, err := cmd.event(today, parkID, "")
	return l.reportOn(ctx, req, "park", parkID, "ReportPark", cmd, err, func(s *siteState, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
		return cmd.decide(today, s, pr)
	})
}

// reportOn runs a report on site id of kind (op names the command, cmd is
// its body; checked is what its field checks found): decided on the
// site's stream, for a pairing the user may write for.
func (l *Ledger) reportOn(ctx context.Context, req Request, kind, id, op string, cmd any, checked error,
	decide func(*siteState, events.PairingEstablished) (*eventstore.AppendRequest, error)) (*Written, error) {
	if checked != nil {
		return nil, checked
	}
	var ids Written
	if k, ok := entryKind(kind); ok {
		k.written(&ids, id)
	}
	return l.run(ctx, req, op+"/"+id, cmd, ids, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		s, err := l.loadSite(ctx, kind, id)
		if err != nil {
			return nil, err
		}
		pr, err := l.writablePairing(ctx, req.Principal, target{kind + "_id", kind, id}, s.pairingID)
		if err != nil {
			return nil, err
		}
		return decide(s, pr)
	})
}

func (cmd ReportPark) event(today events.Date, parkID, pairingID string) (events.ParkReported, error) {
	c := &check{today: today}
	asOf := c.date("as_of", cmd.AsOf)
	c.past("as_of", asOf)
	c.nonNegative("enterprises", cmd.Enterprises, maxPersons)
	c.nonNegative("investment_fen", cmd.InvestmentFen, MaxAmountFen)
	c.nonNegative("output_fen", cmd.OutputFen, MaxAmountFen)
	c.nonNegative("returns_fen", cmd.ReturnsFen, MaxAmountFen)
	return events.ParkReported{ParkID: parkID, PairingID: pairingID, AsOf: asOf, Enterprises: cmd.Enterprises,
		InvestmentFen: cmd.InvestmentFen, OutputFen: cmd.OutputFen, ReturnsFen: cmd.ReturnsFen}, c.result()
}

// decide reports on park s: live, as of a day not before its
// establishment nor its last report, no cumulative figure below the last
// report's, returns only for an enclave.
func (cmd ReportPark) decide(today events.Date, s *siteState, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today, s.id, s.pairingID)
	if err != nil {
		return nil, err
	}
	var last events.ParkReported
	if s.lastPark != nil {
		last = *s.lastPark
	}
	if err := s.reportable(ev.AsOf, last.AsOf); err != nil {
		return nil, err
	}
	if ev.ReturnsFen > 0 && s.parkKind != events.ParkEnclave {
		return nil, invalid("returns_fen", "only an enclave pays returns to the partner", "仅飞地园区有返利(returns_fen)")
	}
	for _, f := range []struct {
		field     string
		now, last int64
	}{{"enterprises", ev.Enterprises, last.Enterprises}, {"investment_fen", ev.InvestmentFen, last.InvestmentFen},
		{"output_fen", ev.OutputFen, last.OutputFen}, {"returns_fen", ev.ReturnsFen, last.ReturnsFen}} {
		if f.now < f.last {
			return nil, rule(CodeCumulativeDecreased, f.field,
				fmt.Sprintf("%s is cumulative: %d is below the %d reported as of %s", f.field, f.now, f.last, last.AsOf),
				fmt.Sprintf("%s 为累计数,%d 低于 %s 报告的 %d", f.field, f.now, last.AsOf, f.last))
		}
	}
	return &eventstore.AppendRequest{StreamID: entryStream("park", s.id), ExpectedVersion: s.version, Events: []events.Event{ev},
		DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code}, nil
}

// ReportWorkshop records a WorkshopReported (车间用工).
type ReportWorkshop struct {
	AsOf            string `json:"as_of" format:"date"`
	Employed        int64  `json:"employed" doc:"people employed as of that day"`
	PovertyEmployed int64  `json:"poverty_employed" doc:"of whom people lifted out of poverty (脱贫人口); at most employed"`
}

// ReportWorkshop reports how many people a workshop employs as of a day;
// as-of dates never go back.
func (l *Ledger) ReportWorkshop(ctx context.Context, req Request, workshopID string, cmd ReportWorkshop) (*Written, error) {
	today := l.today()
	_, err := cmd.event(today, workshopID, "")
	return l.reportOn(ctx, req, "workshop", workshopID, "ReportWorkshop", cmd, err,
		func(s *siteState, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
			return cmd.decide(today, s, pr)
		})
}

func (cmd ReportWorkshop) event(today events.Date, workshopID, pairingID string) (events.WorkshopReported, error) {
	c := &check{today: today}
	asOf := c.date("as_of", cmd.AsOf)
	c.past("as_of", asOf)
	c.nonNegative("employed", cmd.Employed, maxPersons)
	c.nonNegative("poverty_employed", cmd.PovertyEmployed, maxPersons)
	c.ofWhich("poverty_employed", cmd.PovertyEmployed, "employed", cmd.Employed)
	return events.WorkshopReported{WorkshopID: workshopID, PairingID: pairingID, AsOf: asOf, Employed: cmd.Employed,
		PovertyEmployed: cmd.PovertyEmployed}, c.result()
}

// decide reports on workshop s: live, as of a day not before its
// establishment nor its last report.
func (cmd ReportWorkshop) decide(today events.Date, s *siteState, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today, s.id, s.pairingID)
	if err != nil {
		return nil, err
	}
	var lastAsOf events.Date
	if s.lastShop != nil {
		lastAsOf = s.lastShop.AsOf
	}
	if err := s.reportable(ev.AsOf, lastAsOf); err != nil {
		return nil, err
	}
	return &eventstore.AppendRequest{StreamID: entryStream("workshop", s.id), ExpectedVersion: s.version, Events: []events.Event{ev},
		DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code}, nil
}

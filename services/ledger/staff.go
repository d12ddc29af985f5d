package ledger

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// StartSecondment records a SecondmentStarted (人才选派).
type StartSecondment struct {
	SecondmentID   string                     `json:"secondment_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	PairingID      string                     `json:"pairing_id"`
	PersonRef      string                     `json:"person_ref" maxLength:"64" doc:"a pseudonym for the person (never a name or ID number), unique within the donor"`
	Category       events.StaffCategory       `json:"category" enum:"cadre,teacher,doctor,agronomist,technician"`
	Direction      events.SecondmentDirection `json:"direction,omitempty" enum:"outbound,inbound" doc:"outbound (default): sent by the donor to the partner side (东部派出); inbound: received from the partner side (西部来挂职、跟岗)"`
	SendingOrg     string                     `json:"sending_org" maxLength:"200"`
	HostOrg        string                     `json:"host_org" maxLength:"200"`
	StartDate      string                     `json:"start_date" format:"date" doc:"到岗日期"`
	PlannedEndDate string                     `json:"planned_end_date,omitempty" format:"date"`
	EndDate        string                     `json:"end_date,omitempty" format:"date" doc:"for a secondment recorded after it ended: records its end at once"`
}

// personState is one person's stream folded: every secondment of theirs.
type personState struct {
	version     int64
	secondments map[string]*secondmentState
}

type secondmentState struct {
	events.SecondmentStarted
	ended    events.Date // zero while running
	reversed bool
}

// until is the last day of the secondment: its recorded end, or zero while
// it is still running. A planned end does not count: a secondment runs
// until its end is recorded.
func (s *secondmentState) until() events.Date { return s.ended }

// overlaps reports whether [from, to] (to zero = open) meets s.
func (s *secondmentState) overlaps(from, to events.Date) bool {
	if s.reversed {
		return false
	}
	end := s.until()
	return (end.IsZero() || !from.After(end)) && (to.IsZero() || !s.StartDate.After(to))
}

// foldPerson folds the events of a person's stream at version.
func foldPerson(evs []events.Event, version int64) *personState {
	s := &personState{version: version, secondments: map[string]*secondmentState{}}
	for _, e := range evs {
		switch e := e.(type) {
		case events.SecondmentStarted:
			s.secondments[e.SecondmentID] = &secondmentState{SecondmentStarted: e}
		case events.SecondmentEnded:
			s.secondments[e.SecondmentID].ended = e.EndDate
		case events.SecondmentReversed:
			s.secondments[e.OriginalID].reversed = true
		}
	}
	return s
}

func (l *Ledger) loadPerson(ctx context.Context, streamID string) (*personState, error) {
	evs, version, err := l.load(ctx, streamID)
	if err != nil {
		return nil, err
	}
	return foldPerson(evs, version), nil
}

// overlapping returns a live secondment other than except that meets
// [from, to], or nil.
func (s *personState) overlapping(except string, from, to events.Date) *secondmentState {
	for id, sec := range s.secondments {
		if id != except && sec.overlaps(from, to) {
			return sec
		}
	}
	return nil
}

func overlapRejection(field string, sec *secondmentState) *Rejection {
	end, endZh := sec.until().String(), sec.until().String()
	if end == "" {
		end, endZh = "open", "今(尚未结束)"
	}
	return conflict(CodeSecondmentOverlap, field,
		fmt.Sprintf("person %s is already seconded %s–%s (secondment %s)", sec.PersonRef, sec.StartDate, end, sec.SecondmentID),
		fmt.Sprintf("人员 %s 在 %s 至 %s 已有选派记录 %s,时间不能重叠", sec.PersonRef, sec.StartDate, endZh, sec.SecondmentID))
}

// StartSecondment records a person starting work at the partner side (and,
// with end_date, a secondment that has already ended). The secondments of
// one person never overlap: a running one lasts until its end is recorded,
// so it must be ended before another starts after it, and a new one without
// an end must not start before any other.
func (l *Ledger) StartSecondment(ctx context.Context, req Request, cmd StartSecondment) (*Written, error) {
	in := cmd
	in.SecondmentID = assignID(cmd.SecondmentID)
	today := l.today()
	if _, err := in.toEvents(today); err != nil {
		return nil, err
	}
	pr, err := l.writablePairing(ctx, req.Principal, pairingTarget("pairing_id", in.PairingID), in.PairingID)
	if err != nil {
		return nil, err
	}
	return l.run(ctx, req, "StartSecondment", cmd, Written{SecondmentID: in.SecondmentID}, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		s, err := l.loadPerson(ctx, personStream(pr.Donor.Code, in.PersonRef))
		if err != nil {
			return nil, err
		}
		return in.decide(today, pr, s)
	})
}

// toEvents are the command's events: the start, and the end when given.
func (cmd StartSecondment) toEvents(today events.Date) ([]events.Event, error) {
	c := &check{today: today}
	c.id("secondment_id", cmd.SecondmentID)
	c.match("person_ref", cmd.PersonRef, personRefRe, "a pseudonym of 1–64 letters, digits, _ . or -", "1–64 位字母、数字、_ . 或 - 组成的化名编号")
	oneOf(c, "category", cmd.Category, events.StaffCategories)
	direction := cmd.Direction
	if direction == "" {
		direction = events.SecondedOutbound
	}
	oneOf(c, "direction", direction, events.SecondmentDirections)
	c.text("sending_org", cmd.SendingOrg, 200)
	c.text("host_org", cmd.HostOrg, 200)
	start := c.date("start_date", cmd.StartDate)
	c.past("start_date", start)
	planned := c.optionalDate("planned_end_date", cmd.PlannedEndDate)
	c.notBefore("planned_end_date", planned, "start_date", start)
	end := c.optionalDate("end_date", cmd.EndDate)
	c.notBefore("end_date", end, "start_date", start)
	c.past("end_date", end)
	evs := []events.Event{events.SecondmentStarted{SecondmentID: cmd.SecondmentID, PairingID: cmd.PairingID, PersonRef: cmd.PersonRef,
		Category: cmd.Category, Direction: direction, SendingOrg: cmd.SendingOrg, HostOrg: cmd.HostOrg, StartDate: start, PlannedEndDate: planned}}
	if !end.IsZero() {
		evs = append(evs, events.SecondmentEnded{SecondmentID: cmd.SecondmentID, PairingID: cmd.PairingID, PersonRef: cmd.PersonRef, EndDate: end})
	}
	return evs, c.result()
}

// decide starts the secondment for pairing pr, in force on its start,
// unless it would overlap another live secondment of the person (s).
func (cmd StartSecondment) decide(today events.Date, pr events.PairingEstablished, s *personState) (*eventstore.AppendRequest, error) {
	evs, err := cmd.toEvents(today)
	if err != nil {
		return nil, err
	}
	started := evs[0].(events.SecondmentStarted)
	if err := inForce(pr, started.StartDate, "start_date"); err != nil {
		return nil, err
	}
	var end events.Date
	if len(evs) == 2 {
		end = evs[1].(events.SecondmentEnded).EndDate
	}
	if sec := s.overlapping("", started.StartDate, end); sec != nil {
		return nil, overlapRejection("start_date", sec)
	}
	return &eventstore.AppendRequest{StreamID: personStream(pr.Donor.Code, cmd.PersonRef), ExpectedVersion: s.version, Events: evs,
		DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code,
		NewEntities: []eventstore.Entity{{ID: cmd.SecondmentID, Kind: "secondment"}}}, nil
}

// EndSecondment records a SecondmentEnded.
type EndSecondment struct {
	EndDate string `json:"end_date" format:"date"`
}

// EndSecondment records the end of a running secondment (end ≥ start).
func (l *Ledger) EndSecondment(ctx context.Context, req Request, secondmentID string, cmd EndSecondment) (*Written, error) {
	today := l.today()
	if _, err := cmd.endDate(today); err != nil {
		return nil, err
	}
	ref, err := l.entity(ctx, "secondment_id", secondmentID, "secondment")
	if err != nil {
		return nil, err
	}
	return l.run(ctx, req, "EndSecondment/"+secondmentID, cmd, Written{SecondmentID: secondmentID}, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		s, err := l.loadPerson(ctx, ref.StreamID)
		if err != nil {
			return nil, err
		}
		pr, err := l.writablePairing(ctx, req.Principal, target{"secondment_id", "secondment", secondmentID}, s.secondments[secondmentID].PairingID)
		if err != nil {
			return nil, err
		}
		return cmd.decide(today, pr, s, secondmentID)
	})
}

func (cmd EndSecondment) endDate(today events.Date) (events.Date, error) {
	c := &check{today: today}
	end := c.date("end_date", cmd.EndDate)
	c.past("end_date", end)
	return end, c.result()
}

// decide ends secondment secondmentID of person s: once, not before its
// start, not if reversed, and not where the ended secondment would then
// overlap another.
func (cmd EndSecondment) decide(today events.Date, pr events.PairingEstablished, s *personState, secondmentID string) (*eventstore.AppendRequest, error) {
	end, err := cmd.endDate(today)
	if err != nil {
		return nil, err
	}
	sec, ok := s.secondments[secondmentID]
	switch {
	case !ok:
		return nil, notFound("secondment_id", "secondment", secondmentID)
	case sec.reversed:
		return nil, rule(CodeAlreadyReversed, "", "this secondment was reversed", "该选派记录已被冲正")
	case !sec.ended.IsZero():
		return nil, conflict(CodeSecondmentAlreadyEnded, "", fmt.Sprintf("this secondment already ended on %s", sec.ended),
			fmt.Sprintf("该选派已于 %s 结束", sec.ended))
	case end.Before(sec.StartDate):
		return nil, invalid("end_date", fmt.Sprintf("end_date %s is before start_date %s", end, sec.StartDate),
			fmt.Sprintf("结束日期 %s 早于到岗日期 %s", end, sec.StartDate))
	}
	if other := s.overlapping(secondmentID, sec.StartDate, end); other != nil {
		return nil, overlapRejection("end_date", other)
	}
	ev := events.SecondmentEnded{SecondmentID: secondmentID, PairingID: sec.PairingID, PersonRef: sec.PersonRef, EndDate: end}
	return &eventstore.AppendRequest{StreamID: personStream(pr.Donor.Code, sec.PersonRef), ExpectedVersion: s.version, Events: []events.Event{ev},
		DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code}, nil
}

package ledger

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// RecordVisit records a VisitConducted (互访调研).
type RecordVisit struct {
	VisitID        string                `json:"visit_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	PairingIDs     []string              `json:"pairing_ids" minItems:"1" maxItems:"20" doc:"the pairings the visit served, all of one donor"`
	Direction      events.VisitDirection `json:"direction" enum:"outbound,inbound" doc:"outbound: the donor side visits; inbound: the partner side visits"`
	LeadLevel      string                `json:"lead_level,omitempty" maxLength:"100" doc:"rank of the delegation's leader, e.g. 区委书记"`
	StartDate      string                `json:"start_date" format:"date"`
	EndDate        string                `json:"end_date,omitempty" format:"date"`
	DelegationSize int                   `json:"delegation_size,omitempty"`
	Purpose        string                `json:"purpose,omitempty" maxLength:"1000"`
	LedByPrincipal bool                  `json:"led_by_principal,omitempty" doc:"the delegation was led by the principal Party or government leader (党政主要负责同志带队)"`
}

// multiPartner is the partner code of events that concern several partners.
const multiPartner = "multi"

// RecordVisit records a delegation visit for one or more pairings of one
// donor, each in force on the visit's start date.
func (l *Ledger) RecordVisit(ctx context.Context, req Request, cmd RecordVisit) (*Written, error) {
	in := cmd
	in.VisitID = assignID(cmd.VisitID)
	today := l.today()
	if _, err := in.event(today); err != nil {
		return nil, err
	}
	prs := make([]events.PairingEstablished, len(in.PairingIDs))
	for i, pid := range in.PairingIDs {
		var err error
		if prs[i], err = l.writablePairing(ctx, req.Principal, pairingTarget(fmt.Sprintf("pairing_ids[%d]", i), pid), pid); err != nil {
			return nil, err
		}
	}
	return l.run(ctx, req, "RecordVisit", cmd, Written{VisitID: in.VisitID}, func(context.Context) (*eventstore.AppendRequest, error) {
		return in.decide(today, prs)
	})
}

func (cmd RecordVisit) event(today events.Date) (events.VisitConducted, error) {
	c := &check{today: today}
	c.id("visit_id", cmd.VisitID)
	if len(cmd.PairingIDs) == 0 || len(cmd.PairingIDs) > 20 {
		c.fail(invalid("pairing_ids", "pairing_ids must list 1 to 20 pairings", "pairing_ids 须包含 1 到 20 个结对关系"))
	}
	oneOf(c, "direction", cmd.Direction, events.VisitDirections)
	c.optionalText("lead_level", cmd.LeadLevel, 100)
	start := c.date("start_date", cmd.StartDate)
	c.past("start_date", start)
	end := c.optionalDate("end_date", cmd.EndDate)
	c.notBefore("end_date", end, "start_date", start)
	c.past("end_date", end)
	c.nonNegative("delegation_size", int64(cmd.DelegationSize), 10000)
	c.optionalText("purpose", cmd.Purpose, 1000)
	seen := map[string]bool{}
	for i, pid := range cmd.PairingIDs {
		if seen[pid] {
			c.fail(invalid(fmt.Sprintf("pairing_ids[%d]", i), "pairing "+pid+" is listed twice", "结对关系 "+pid+" 重复"))
		}
		seen[pid] = true
	}
	return events.VisitConducted{VisitID: cmd.VisitID, PairingIDList: cmd.PairingIDs, Direction: cmd.Direction,
		LeadLevel: cmd.LeadLevel, StartDate: start, EndDate: end, DelegationSize: cmd.DelegationSize, Purpose: cmd.Purpose,
		LedByPrincipal: cmd.LedByPrincipal}, c.result()
}

// decide records the visit for pairings prs (those of PairingIDs, in that
// order): all of one donor, each in force on the start date. A visit of
// several partners is routed to the partner code "multi".
func (cmd RecordVisit) decide(today events.Date, prs []events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today)
	if err != nil {
		return nil, err
	}
	var donor, partner string
	for i, pr := range prs {
		field := fmt.Sprintf("pairing_ids[%d]", i)
		if err := inForce(pr, ev.StartDate, "start_date"); err != nil {
			return nil, err
		}
		switch {
		case i == 0:
			donor, partner = pr.Donor.Code, pr.Partner.Code
		case pr.Donor.Code != donor:
			return nil, invalid(field, "all pairings of a visit must belong to one donor", "同一次互访的结对关系须属于同一援助方")
		case pr.Partner.Code != partner:
			partner = multiPartner
		}
	}
	return &eventstore.AppendRequest{StreamID: entryStream("visit", ev.VisitID), Events: []events.Event{ev},
		DonorCode: donor, PartnerCode: partner,
		NewEntities: []eventstore.Entity{{ID: ev.VisitID, Kind: "visit"}}}, nil
}

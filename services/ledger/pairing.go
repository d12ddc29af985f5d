package ledger

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// UnitInput is one side of a pairing.
type UnitInput struct {
	Code      string `json:"code" maxLength:"32" doc:"donor: unit code (letters, digits, _ or -); partner: 6-digit administrative division code"`
	Name      string `json:"name" maxLength:"100" doc:"full name, e.g. 常州市钟楼区"`
	ShortName string `json:"short_name" maxLength:"20" doc:"short name used in the year-end text, e.g. 钟楼"`
}

// EstablishPairing records a PairingEstablished.
type EstablishPairing struct {
	PairingID      string           `json:"pairing_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	Donor          UnitInput        `json:"donor"`
	Partner        UnitInput        `json:"partner"`
	Programme      events.Programme `json:"programme" enum:"east_west,counterpart_support,mountain_sea,three_gorges,intra_province,grain_cooperation,friendship"`
	AgreementDocNo string           `json:"agreement_doc_no" maxLength:"100"`
	ValidFrom      string           `json:"valid_from" format:"date"`
	ValidTo        string           `json:"valid_to" format:"date"`
}

// EstablishPairing pairs a donor with a partner county under a programme.
// Admins, and recorders of the donor, may do it. At most one pairing of the
// same donor, partner and programme may be in force on any day.
func (l *Ledger) EstablishPairing(ctx context.Context, req Request, cmd EstablishPairing) (*Written, error) {
	in := cmd
	in.PairingID = assignID(cmd.PairingID)
	today := l.today()
	if _, err := in.event(today); err != nil {
		return nil, err
	}
	if !req.Principal.CanWrite(in.Donor.Code) {
		return nil, forbidden(fmt.Sprintf("%s may not establish pairings for donor %s", req.Principal.Actor(), in.Donor.Code),
			fmt.Sprintf("%s 无权为 %s 建立结对关系", req.Principal.Actor(), in.Donor.Code))
	}
	stream := pairingStream(in.Donor.Code, in.Partner.Code, in.Programme)
	return l.run(ctx, req, "EstablishPairing", cmd, Written{PairingID: in.PairingID}, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		evs, version, err := l.load(ctx, stream)
		if err != nil {
			return nil, err
		}
		existing := make([]events.PairingEstablished, len(evs))
		for i, e := range evs {
			existing[i] = e.(events.PairingEstablished)
		}
		return in.decide(today, existing, version)
	})
}

func (cmd EstablishPairing) event(today events.Date) (events.PairingEstablished, error) {
	c := &check{today: today}
	c.id("pairing_id", cmd.PairingID)
	c.match("donor.code", cmd.Donor.Code, unitCodeRe, "1–32 letters, digits, _ or -", "1–32 位字母、数字、_ 或 -")
	c.text("donor.name", cmd.Donor.Name, 100)
	c.text("donor.short_name", cmd.Donor.ShortName, 20)
	c.match("partner.code", cmd.Partner.Code, countyCodeRe, "a 6-digit administrative division code", "6 位行政区划代码")
	c.text("partner.name", cmd.Partner.Name, 100)
	c.text("partner.short_name", cmd.Partner.ShortName, 20)
	oneOf(c, "programme", cmd.Programme, events.Programmes)
	c.text("agreement_doc_no", cmd.AgreementDocNo, 100)
	from := c.date("valid_from", cmd.ValidFrom)
	to := c.date("valid_to", cmd.ValidTo)
	c.notBefore("valid_to", to, "valid_from", from)
	return events.PairingEstablished{PairingID: cmd.PairingID, Donor: events.Unit(cmd.Donor), Partner: events.Unit(cmd.Partner),
		Programme: cmd.Programme, AgreementDocNo: cmd.AgreementDocNo, ValidFrom: from, ValidTo: to}, c.result()
}

// decide establishes the pairing unless one of the same donor, partner and
// programme (existing, the stream at version) is in force on a day of its
// validity.
func (cmd EstablishPairing) decide(today events.Date, existing []events.PairingEstablished, version int64) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today)
	if err != nil {
		return nil, err
	}
	for _, p := range existing {
		if !p.ValidFrom.After(ev.ValidTo) && !ev.ValidFrom.After(p.ValidTo) {
			return nil, conflict(CodePairingOverlap, "valid_from",
				fmt.Sprintf("pairing %s of the same donor, partner and programme is in force %s–%s", p.PairingID, p.ValidFrom, p.ValidTo),
				fmt.Sprintf("同一援助方、受援方和协作类型的结对关系 %s 已在 %s 至 %s 有效", p.PairingID, p.ValidFrom, p.ValidTo))
		}
	}
	return &eventstore.AppendRequest{
		StreamID: pairingStream(ev.Donor.Code, ev.Partner.Code, ev.Programme), ExpectedVersion: version, Events: []events.Event{ev},
		DonorCode: ev.Donor.Code, PartnerCode: ev.Partner.Code,
		NewEntities: []eventstore.Entity{{ID: ev.PairingID, Kind: "pairing"}},
	}, nil
}

// SetTargets records an AnnualTargetsSet.
type SetTargets struct {
	Year    int          `json:"year"`
	Targets TargetsInput `json:"targets"`
	DocNo   string       `json:"doc_no,omitempty" maxLength:"100"`
}

// TargetsInput are the targets of a year, one per indicator (0 or
// omitted: none).
type TargetsInput struct {
	FiscalFen              int64 `json:"fiscal_fen,omitempty" doc:"财政援助资金, 分"`
	SocialFen              int64 `json:"social_fen,omitempty" doc:"社会帮扶, 分"`
	ConsumptionFen         int64 `json:"consumption_fen,omitempty" doc:"消费帮扶, 分"`
	PersonsEmployed        int64 `json:"persons_employed,omitempty" doc:"劳务协作转移就业, persons"`
	PovertyPersonsEmployed int64 `json:"poverty_persons_employed,omitempty" doc:"of whom people lifted out of poverty"`
	Enterprises            int64 `json:"enterprises,omitempty" doc:"enterprises investing (investment records)"`
	InvestmentFen          int64 `json:"investment_fen,omitempty" doc:"investment actually made, 分"`
	Staff                  int64 `json:"staff,omitempty" doc:"persons seconded by the donor"`
	StaffPersons           int64 `json:"staff_persons,omitempty" doc:"deprecated: the former name of staff"`
	Visits                 int64 `json:"visits,omitempty"`
	Trainees               int64 `json:"trainees,omitempty" doc:"training participants (人次)"`
	Projects               int64 `json:"projects,omitempty" doc:"aid projects"`
}

// SetTargets sets a pairing's targets for a year (replacing earlier ones).
// Targets are plans: no figure ever counts them as achieved.
func (l *Ledger) SetTargets(ctx context.Context, req Request, pairingID string, cmd SetTargets) (*Written, error) {
	today := l.today()
	if _, err := cmd.event(today, pairingID); err != nil {
		return nil, err
	}
	pr, err := l.writablePairing(ctx, req.Principal, pairingTarget("pairing_id", pairingID), pairingID)
	if err != nil {
		return nil, err
	}
	stream := targetsStream(pairingID)
	return l.run(ctx, req, "SetTargets/"+pairingID, cmd, Written{PairingID: pairingID}, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		_, version, err := l.store.ReadStream(ctx, stream)
		if err != nil {
			return nil, err
		}
		return cmd.decide(today, pr, version)
	})
}

func (cmd SetTargets) event(today events.Date, pairingID string) (events.AnnualTargetsSet, error) {
	c := &check{today: today}
	c.year("year", cmd.Year)
	in := cmd.Targets
	staff := in.Staff
	if in.StaffPersons != 0 {
		if staff != 0 && staff != in.StaffPersons {
			c.fail(invalid("targets.staff_persons", "targets.staff_persons is the former name of targets.staff: give one of them",
				"targets.staff_persons 与 targets.staff 只填其一(前者为旧名)"))
		}
		staff = in.StaffPersons
	}
	t := events.Targets{FiscalFen: in.FiscalFen, SocialFen: in.SocialFen, ConsumptionFen: in.ConsumptionFen,
		PersonsEmployed: in.PersonsEmployed, PovertyPersonsEmployed: in.PovertyPersonsEmployed, Enterprises: in.Enterprises,
		InvestmentFen: in.InvestmentFen, Staff: staff, Visits: in.Visits, Trainees: in.Trainees, Projects: in.Projects}
	for _, f := range []struct {
		name string
		v    int64
	}{{"targets.fiscal_fen", t.FiscalFen}, {"targets.social_fen", t.SocialFen}, {"targets.consumption_fen", t.ConsumptionFen},
		{"targets.investment_fen", t.InvestmentFen}} {
		c.nonNegative(f.name, f.v, MaxAmountFen)
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"targets.persons_employed", t.PersonsEmployed}, {"targets.poverty_persons_employed", t.PovertyPersonsEmployed},
		{"targets.enterprises", t.Enterprises}, {"targets.staff", t.Staff}, {"targets.visits", t.Visits}, {"targets.trainees", t.Trainees},
		{"targets.projects", t.Projects}} {
		c.nonNegative(f.name, f.v, maxPersons)
	}
	c.ofWhich("targets.poverty_persons_employed", t.PovertyPersonsEmployed, "targets.persons_employed", t.PersonsEmployed)
	c.optionalText("doc_no", cmd.DocNo, 100)
	return events.AnnualTargetsSet{PairingID: pairingID, Year: cmd.Year, Targets: t, DocNo: cmd.DocNo}, c.result()
}

// decide sets the targets of a year in which pairing pr is in force (the
// targets stream at version).
func (cmd SetTargets) decide(today events.Date, pr events.PairingEstablished, version int64) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today, pr.PairingID)
	if err != nil {
		return nil, err
	}
	if pr.ValidFrom.Year() > cmd.Year || pr.ValidTo.Year() < cmd.Year {
		return nil, rule(CodePairingNotValid, "year",
			fmt.Sprintf("pairing %s (%s–%s) is not in force in %d", pr.PairingID, pr.ValidFrom, pr.ValidTo, cmd.Year),
			fmt.Sprintf("结对关系 %s 的有效期为 %s 至 %s,不含 %d 年", pr.PairingID, pr.ValidFrom, pr.ValidTo, cmd.Year))
	}
	return &eventstore.AppendRequest{StreamID: targetsStream(pr.PairingID), ExpectedVersion: version, Events: []events.Event{ev},
		DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code}, nil
}

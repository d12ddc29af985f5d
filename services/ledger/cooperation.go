package ledger

import (
	"context"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// maxPersons bounds counts of people and sessions: larger figures are
// typing errors.
const maxPersons = 10_000_000

// RecordLabourTransfer records a LabourTransferRecorded (劳务协作).
type RecordLabourTransfer struct {
	LabourTransferID string                   `json:"labour_transfer_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	PairingID        string                   `json:"pairing_id"`
	PeriodFrom       string                   `json:"period_from" format:"date"`
	PeriodTo         string                   `json:"period_to" format:"date" doc:"the transfer counts in the year this period ends"`
	Destination      events.LabourDestination `json:"destination" enum:"donor_area,other_east,near_home" doc:"donor_area 到援助方就业, other_east 其他东部地区, near_home 就地就近"`
	Persons          int64                    `json:"persons" doc:"persons employed (人)"`
	PovertyPersons   int64                    `json:"poverty_persons" doc:"of whom people lifted out of poverty (脱贫人口); at most persons"`
	TrainingSessions int64                    `json:"training_sessions,omitempty" doc:"skills-training sessions held for them (期)"`
	Trainees         int64                    `json:"trainees,omitempty" doc:"trainees (人次)"`
	DocNo            string                   `json:"doc_no" maxLength:"100" doc:"the document or ledger the figures come from; with the pairing, period and destination it identifies the record"`
}

// RecordLabourTransfer records workers of the partner county helped into
// work over a period.
func (l *Ledger) RecordLabourTransfer(ctx context.Context, req Request, cmd RecordLabourTransfer) (*Written, error) {
	in := cmd
	in.LabourTransferID = assignID(cmd.LabourTransferID)
	return l.recordEntry(ctx, req, "RecordLabourTransfer", cmd, in, Written{LabourTransferID: in.LabourTransferID})
}

func (cmd RecordLabourTransfer) pairing() string { return cmd.PairingID }

func (cmd RecordLabourTransfer) check(today events.Date) error {
	_, err := cmd.event(today)
	return err
}

func (cmd RecordLabourTransfer) event(today events.Date) (events.LabourTransferRecorded, error) {
	c := &check{today: today}
	c.id("labour_transfer_id", cmd.LabourTransferID)
	from := c.date("period_from", cmd.PeriodFrom)
	to := c.date("period_to", cmd.PeriodTo)
	c.notBefore("period_to", to, "period_from", from)
	c.past("period_to", to)
	oneOf(c, "destination", cmd.Destination, events.LabourDestinations)
	c.count("persons", cmd.Persons, maxPersons)
	c.nonNegative("poverty_persons", cmd.PovertyPersons, maxPersons)
	c.ofWhich("poverty_persons", cmd.PovertyPersons, "persons", cmd.Persons)
	c.nonNegative("training_sessions", cmd.TrainingSessions, maxPersons)
	c.nonNegative("trainees", cmd.Trainees, maxPersons)
	c.text("doc_no", cmd.DocNo, 100)
	return events.LabourTransferRecorded{LabourTransferID: cmd.LabourTransferID, PairingID: cmd.PairingID, PeriodFrom: from, PeriodTo: to,
		Destination: cmd.Destination, Persons: cmd.Persons, PovertyPersons: cmd.PovertyPersons, TrainingSessions: cmd.TrainingSessions,
		Trainees: cmd.Trainees, DocNo: cmd.DocNo}, c.result()
}

// decide records the transfer for pairing pr, in force at the period's
// end; (period, destination, document no) is claimed within the pairing.
func (cmd RecordLabourTransfer) decide(today events.Date, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today)
	if err != nil {
		return nil, err
	}
	if err := inForce(pr, ev.PeriodTo, "period_to"); err != nil {
		return nil, err
	}
	return entryAppend(pr, "labour_transfer", ev.LabourTransferID, ev, labourKey(ev)), nil
}

// RecordInvestment records an EnterpriseInvestmentRecorded (产业合作).
type RecordInvestment struct {
	InvestmentID   string `json:"investment_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	PairingID      string `json:"pairing_id"`
	EnterpriseName string `json:"enterprise_name" maxLength:"200"`
	CreditCode     string `json:"credit_code" maxLength:"18" doc:"the enterprise's unified social credit code (统一社会信用代码), check character verified"`
	ProjectName    string `json:"project_name" maxLength:"200" doc:"with the credit code it identifies the investment within the pairing"`
	Sector         string `json:"sector" maxLength:"100"`
	AmountFen      int64  `json:"amount_fen" doc:"investment actually made (实际到位投资) in 分 (fen)"`
	InvestedDate   string `json:"invested_date" format:"date"`
	Jobs           int64  `json:"jobs,omitempty" doc:"jobs created"`
	PovertyJobs    int64  `json:"poverty_jobs,omitempty" doc:"of which for people lifted out of poverty (脱贫人口); at most jobs"`
	ParkID         string `json:"park_id,omitempty" doc:"the co-built park of the pairing the enterprise settled in"`
}

// RecordInvestment records investment an enterprise made in the partner
// area.
func (l *Ledger) RecordInvestment(ctx context.Context, req Request, cmd RecordInvestment) (*Written, error) {
	in := cmd
	in.InvestmentID = assignID(cmd.InvestmentID)
	today := l.today()
	if _, err := in.event(today); err != nil {
		return nil, err
	}
	pr, err := l.writablePairing(ctx, req.Principal, pairingTarget("pairing_id", in.PairingID), in.PairingID)
	if err != nil {
		return nil, err
	}
	return l.run(ctx, req, "RecordInvestment", cmd, Written{InvestmentID: in.InvestmentID}, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		var park *siteState
		if in.ParkID != "" {
			if park, err = l.loadSite(ctx, "park", in.ParkID); err != nil {
				return nil, err
			}
		}
		return in.decide(today, pr, park)
	})
}

func (cmd RecordInvestment) event(today events.Date) (events.EnterpriseInvestmentRecorded, error) {
	c := &check{today: today}
	c.id("investment_id", cmd.InvestmentID)
	c.text("enterprise_name", cmd.EnterpriseName, 200)
	c.creditCode("credit_code", cmd.CreditCode)
	c.text("project_name", cmd.ProjectName, 200)
	c.text("sector", cmd.Sector, 100)
	c.amount("amount_fen", cmd.AmountFen)
	date := c.date("invested_date", cmd.InvestedDate)
	c.past("invested_date", date)
	c.nonNegative("jobs", cmd.Jobs, maxPersons)
	c.nonNegative("poverty_jobs", cmd.PovertyJobs, maxPersons)
	c.ofWhich("poverty_jobs", cmd.PovertyJobs, "jobs", cmd.Jobs)
	return events.EnterpriseInvestmentRecorded{InvestmentID: cmd.InvestmentID, PairingID: cmd.PairingID, EnterpriseName: cmd.EnterpriseName,
		CreditCode: cmd.CreditCode, ProjectName: cmd.ProjectName, Sector: cmd.Sector, AmountFen: cmd.AmountFen, InvestedDate: date,
		Jobs: cmd.Jobs, PovertyJobs: cmd.PovertyJobs, ParkID: cmd.ParkID}, c.result()
}

// decide records the investment for pairing pr, in force on its date, in
// park (when named: a live park of the same pairing, established by then);
// (credit code, project name) is claimed within the pairing.
func (cmd RecordInvestment) decide(today events.Date, pr events.PairingEstablished, park *siteState) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today)
	if err != nil {
		return nil, err
	}
	if err := inForce(pr, ev.InvestedDate, "invested_date"); err != nil {
		return nil, err
	}
	if park != nil {
		if err := park.usableBy(pr.PairingID, ev.InvestedDate, "park_id", "invested_date"); err != nil {
			return nil, err
		}
	}
	return entryAppend(pr, "investment", ev.InvestmentID, ev, investmentKey(ev)), nil
}

// RecordTraining records a TrainingHeld (干部人才培训).
type RecordTraining struct {
	TrainingID   string              `json:"training_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	PairingID    string              `json:"pairing_id"`
	Kind         events.TrainingKind `json:"kind" enum:"cadre,technical,labour_skills" doc:"cadre 党政干部, technical 专业技术人才, labour_skills 劳动力技能"`
	StartDate    string              `json:"start_date" format:"date"`
	EndDate      string              `json:"end_date" format:"date" doc:"the training counts in the year it ends"`
	Participants int64               `json:"participants" doc:"participants (人次)"`
	Organiser    string              `json:"organiser" maxLength:"200"`
}

// RecordTraining records a training held for the partner side.
func (l *Ledger) RecordTraining(ctx context.Context, req Request, cmd RecordTraining) (*Written, error) {
	in := cmd
	in.TrainingID = assignID(cmd.TrainingID)
	return l.recordEntry(ctx, req, "RecordTraining", cmd, in, Written{TrainingID: in.TrainingID})
}

func (cmd RecordTraining) pairing() string { return cmd.PairingID }

func (cmd RecordTraining) check(today events.Date) error {
	_, err := cmd.event(today)
	return err
}

func (cmd RecordTraining) event(today events.Date) (events.TrainingHeld, error) {
	c := &check{today: today}
	c.id("training_id", cmd.TrainingID)
	oneOf(c, "kind", cmd.Kind, events.TrainingKinds)
	start := c.date("start_date", cmd.StartDate)
	end := c.date("end_date", cmd.EndDate)
	c.notBefore("end_date", end, "start_date", start)
	c.past("end_date", end)
	c.count("participants", cmd.Participants, maxPersons)
	c.text("organiser", cmd.Organiser, 200)
	return events.TrainingHeld{TrainingID: cmd.TrainingID, PairingID: cmd.PairingID, Kind: cmd.Kind, StartDate: start, EndDate: end,
		Participants: cmd.Participants, Organiser: cmd.Organiser}, c.result()
}

// decide records the training for pairing pr, in force on its last day.
func (cmd RecordTraining) decide(today events.Date, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today)
	if err != nil {
		return nil, err
	}
	if err := inForce(pr, ev.EndDate, "end_date"); err != nil {
		return nil, err
	}
	return entryAppend(pr, "training", ev.TrainingID, ev), nil
}

// SignAgreement records an AgreementSigned (合作协议).
type SignAgreement struct {
	AgreementID string `json:"agreement_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	PairingID   string `json:"pairing_id"`
	Title       string `json:"title" maxLength:"200"`
	DocNo       string `json:"doc_no" maxLength:"100" doc:"unique within the pairing"`
	SignedDate  string `json:"signed_date" format:"date"`
	Mechanism   string `json:"mechanism,omitempty" maxLength:"500" doc:"the working mechanism it sets up, e.g. 联席会议"`
}

// SignAgreement records a cooperation agreement of a pairing.
func (l *Ledger) SignAgreement(ctx context.Context, req Request, cmd SignAgreement) (*Written, error) {
	in := cmd
	in.AgreementID = assignID(cmd.AgreementID)
	return l.recordEntry(ctx, req, "SignAgreement", cmd, in, Written{AgreementID: in.AgreementID})
}

func (cmd SignAgreement) pairing() string { return cmd.PairingID }

func (cmd SignAgreement) check(today events.Date) error {
	_, err := cmd.event(today)
	return err
}

func (cmd SignAgreement) event(today events.Date) (events.AgreementSigned, error) {
	c := &check{today: today}
	c.id("agreement_id", cmd.AgreementID)
	c.text("title", cmd.Title, 200)
	c.text("doc_no", cmd.DocNo, 100)
	date := c.date("signed_date", cmd.SignedDate)
	c.past("signed_date", date)
	c.optionalText("mechanism", cmd.Mechanism, 500)
	return events.AgreementSigned{AgreementID: cmd.AgreementID, PairingID: cmd.PairingID, Title: cmd.Title, DocNo: cmd.DocNo,
		SignedDate: date, Mechanism: cmd.Mechanism}, c.result()
}

// decide records the agreement of pairing pr, in force when signed; its
// document number is claimed within the pairing.
func (cmd SignAgreement) decide(today events.Date, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today)
	if err != nil {
		return nil, err
	}
	if err := inForce(pr, ev.SignedDate, "signed_date"); err != nil {
		return nil, err
	}
	return entryAppend(pr, "agreement", ev.AgreementID, ev, agreementKey(ev)), nil
}

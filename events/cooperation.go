package events

// LabourTransferRecorded (劳务协作): rural workers of the partner county
// helped into work over a period, by destination. Counted in the year the
// period ends. (Pairing, period, destination, document no) identifies a
// record.
type LabourTransferRecorded struct {
	LabourTransferID string            `json:"labour_transfer_id"`
	PairingID        string            `json:"pairing_id"`
	PeriodFrom       Date              `json:"period_from"`
	PeriodTo         Date              `json:"period_to"`
	Destination      LabourDestination `json:"destination"`
	// Persons employed, of whom PovertyPersons are people lifted out of
	// poverty (脱贫人口): PovertyPersons ≤ Persons.
	Persons        int64 `json:"persons"`
	PovertyPersons int64 `json:"poverty_persons"`
	// TrainingSessions (期) and Trainees (人次) of skills training held for
	// the transfer, when recorded with it.
	TrainingSessions int64  `json:"training_sessions,omitempty"`
	Trainees         int64  `json:"trainees,omitempty"`
	DocNo            string `json:"doc_no"`
}

// EventType implements Event.
func (LabourTransferRecorded) EventType() string { return "aid.labour_transfer_recorded" }

// PairingIDs implements PairingScoped.
func (e LabourTransferRecorded) PairingIDs() []string { return []string{e.PairingID} }

// EnterpriseInvestmentRecorded (产业合作: 引导企业投资): investment an
// enterprise actually made (实际到位) in the partner area, counted on the
// date invested. (Credit code, project name) identifies one per pairing.
type EnterpriseInvestmentRecorded struct {
	InvestmentID   string `json:"investment_id"`
	PairingID      string `json:"pairing_id"`
	EnterpriseName string `json:"enterprise_name"`
	// CreditCode is the enterprise's unified social credit code
	// (统一社会信用代码, 18 characters, GB 32100-2015 check character).
	CreditCode   string `json:"credit_code"`
	ProjectName  string `json:"project_name"`
	Sector       string `json:"sector"`
	AmountFen    int64  `json:"amount_fen"`
	InvestedDate Date   `json:"invested_date"`
	// Jobs created, of whom PovertyJobs went to people lifted out of
	// poverty: PovertyJobs ≤ Jobs.
	Jobs        int64 `json:"jobs,omitempty"`
	PovertyJobs int64 `json:"poverty_jobs,omitempty"`
	// ParkID is the co-built park the enterprise settled in, if any.
	ParkID string `json:"park_id,omitempty"`
}

// EventType implements Event.
func (EnterpriseInvestmentRecorded) EventType() string {
	return "aid.enterprise_investment_recorded"
}

// PairingIDs implements PairingScoped.
func (e EnterpriseInvestmentRecorded) PairingIDs() []string { return []string{e.PairingID} }

// TrainingHeld (干部人才培训): a training the donor side held or funded for
// the partner's cadres, technicians or workers, counted in the year it
// ended.
type TrainingHeld struct {
	TrainingID string       `json:"training_id"`
	PairingID  string       `json:"pairing_id"`
	Kind       TrainingKind `json:"kind"`
	StartDate  Date         `json:"start_date"`
	EndDate    Date         `json:"end_date"`
	// Participants in person-times (人次).
	Participants int64  `json:"participants"`
	Organiser    string `json:"organiser"`
}

// EventType implements Event.
func (TrainingHeld) EventType() string { return "aid.training_held" }

// PairingIDs implements PairingScoped.
func (e TrainingHeld) PairingIDs() []string { return []string{e.PairingID} }

// AgreementSigned (合作协议): a framework or cooperation agreement between
// the two sides of a pairing, with the working mechanism it sets up
// (联席会议 …). (Pairing, document no) identifies one.
type AgreementSigned struct {
	AgreementID string `json:"agreement_id"`
	PairingID   string `json:"pairing_id"`
	Title       string `json:"title"`
	DocNo       string `json:"doc_no"`
	SignedDate  Date   `json:"signed_date"`
	Mechanism   string `json:"mechanism,omitempty"`
}

// EventType implements Event.
func (AgreementSigned) EventType() string { return "aid.agreement_signed" }

// PairingIDs implements PairingScoped.
func (e AgreementSigned) PairingIDs() []string { return []string{e.PairingID} }

// CreatedID is the id of the entry an office-indicator event — or a visit —
// creates ("" for any other event): what its reversals name as original_id.
func CreatedID(e Event) string {
	switch e := e.(type) {
	case LabourTransferRecorded:
		return e.LabourTransferID
	case EnterpriseInvestmentRecorded:
		return e.InvestmentID
	case TrainingHeld:
		return e.TrainingID
	case AgreementSigned:
		return e.AgreementID
	case ParkEstablished:
		return e.ParkID
	case WorkshopEstablished:
		return e.WorkshopID
	case VisitConducted:
		return e.VisitID
	}
	return ""
}

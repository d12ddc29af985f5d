package events

// Unit is one side of a pairing: a donor unit (district, city, enterprise …)
// or a partner county identified by its 6-digit administrative division code.
type Unit struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
}

// PairingEstablished (建立结对关系): a donor and a partner are paired under a
// programme for a validity period. At most one pairing per (donor, partner,
// programme) is valid on any day.
type PairingEstablished struct {
	PairingID      string    `json:"pairing_id"`
	Donor          Unit      `json:"donor"`
	Partner        Unit      `json:"partner"`
	Programme      Programme `json:"programme"`
	AgreementDocNo string    `json:"agreement_doc_no"`
	ValidFrom      Date      `json:"valid_from"`
	ValidTo        Date      `json:"valid_to"`
}

// EventType implements Event.
func (PairingEstablished) EventType() string { return "aid.pairing_established" }

// PairingIDs implements PairingScoped.
func (e PairingEstablished) PairingIDs() []string { return []string{e.PairingID} }

// ValidOn reports whether the pairing is in force on day d (both ends inclusive).
func (e PairingEstablished) ValidOn(d Date) bool {
	return !d.Before(e.ValidFrom) && !d.After(e.ValidTo)
}

// Targets are the goals of one pairing for one year (0: none set). They
// are plans, never achievements: no report counts them as done.
//
// Schema v2 of AnnualTargetsSet added the office indicators and named
// staff_persons staff; v1 payloads are upcast.
type Targets struct {
	FiscalFen              int64 `json:"fiscal_fen"`               // 财政援助资金
	SocialFen              int64 `json:"social_fen"`               // 社会帮扶
	ConsumptionFen         int64 `json:"consumption_fen"`          // 消费帮扶
	PersonsEmployed        int64 `json:"persons_employed"`         // 劳务协作转移就业
	PovertyPersonsEmployed int64 `json:"poverty_persons_employed"` // 其中脱贫人口
	Enterprises            int64 `json:"enterprises"`              // 引导企业投资(家)
	InvestmentFen          int64 `json:"investment_fen"`           // 实际到位投资
	Staff                  int64 `json:"staff"`                    // 选派人才
	Visits                 int64 `json:"visits"`                   // 互访调研
	Trainees               int64 `json:"trainees"`                 // 培训(人次)
	Projects               int64 `json:"projects"`                 // 援建项目
}

// TargetKeys names the indicators of Targets (their json names), in the
// order reports list them.
var TargetKeys = []string{"fiscal_fen", "social_fen", "consumption_fen", "persons_employed", "poverty_persons_employed",
	"enterprises", "investment_fen", "staff", "visits", "trainees", "projects"}

// Target is the target for indicator key (one of TargetKeys; 0 for another).
func (t Targets) Target(key string) int64 {
	switch key {
	case "fiscal_fen":
		return t.FiscalFen
	case "social_fen":
		return t.SocialFen
	case "consumption_fen":
		return t.ConsumptionFen
	case "persons_employed":
		return t.PersonsEmployed
	case "poverty_persons_employed":
		return t.PovertyPersonsEmployed
	case "enterprises":
		return t.Enterprises
	case "investment_fen":
		return t.InvestmentFen
	case "staff":
		return t.Staff
	case "visits":
		return t.Visits
	case "trainees":
		return t.Trainees
	case "projects":
		return t.Projects
	}
	return 0
}

// AnnualTargetsSet (年度目标任务): the targets of a pairing for a year. A later
// event for the same pairing and year replaces the earlier targets.
type AnnualTargetsSet struct {
	PairingID string  `json:"pairing_id"`
	Year      int     `json:"year"`
	Targets   Targets `json:"targets"`
	DocNo     string  `json:"doc_no,omitempty"`
}

// EventType implements Event.
func (AnnualTargetsSet) EventType() string { return "aid.annual_targets_set" }

// PairingIDs implements PairingScoped.
func (e AnnualTargetsSet) PairingIDs() []string { return []string{e.PairingID} }

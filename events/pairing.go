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

// Targets are the goals of one pairing for one year. They are plans, never
// achievements: no report counts them as done.
type Targets struct {
	FiscalFen      int64 `json:"fiscal_fen"`
	SocialFen      int64 `json:"social_fen"`
	ConsumptionFen int64 `json:"consumption_fen"`
	StaffPersons   int64 `json:"staff_persons"`
	Visits         int64 `json:"visits"`
	Projects       int64 `json:"projects"`
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

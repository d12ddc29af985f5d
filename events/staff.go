package events

// SecondmentStarted (人才选派): a person starts working at the other side
// of the pairing — sent by the donor (outbound, 东部派出) or received from
// the partner (inbound, 西部来挂职、跟岗). PersonRef is a pseudonym, never a
// name or ID-card number. The secondments of one person never overlap.
//
// Schema v2 added Direction; v1 payloads (all outbound) are upcast.
type SecondmentStarted struct {
	SecondmentID   string              `json:"secondment_id"`
	PairingID      string              `json:"pairing_id"`
	PersonRef      string              `json:"person_ref"`
	Category       StaffCategory       `json:"category"`
	Direction      SecondmentDirection `json:"direction"`
	SendingOrg     string              `json:"sending_org"`
	HostOrg        string              `json:"host_org"`
	StartDate      Date                `json:"start_date"`
	PlannedEndDate Date                `json:"planned_end_date"`
}

// EventType implements Event.
func (SecondmentStarted) EventType() string { return "aid.secondment_started" }

// PairingIDs implements PairingScoped.
func (e SecondmentStarted) PairingIDs() []string { return []string{e.PairingID} }

// SecondmentEnded means the person's secondment ended (end ≥ start).
type SecondmentEnded struct {
	SecondmentID string `json:"secondment_id"`
	PairingID    string `json:"pairing_id"`
	PersonRef    string `json:"person_ref"`
	EndDate      Date   `json:"end_date"`
}

// EventType implements Event.
func (SecondmentEnded) EventType() string { return "aid.secondment_ended" }

// PairingIDs implements PairingScoped.
func (e SecondmentEnded) PairingIDs() []string { return []string{e.PairingID} }

// VisitConducted (互访调研): a delegation visit covering one or more pairings
// of the same donor.
type VisitConducted struct {
	VisitID        string         `json:"visit_id"`
	PairingIDList  []string       `json:"pairing_ids"`
	Direction      VisitDirection `json:"direction"`
	LeadLevel      string         `json:"lead_level,omitempty"`
	StartDate      Date           `json:"start_date"`
	EndDate        Date           `json:"end_date"`
	DelegationSize int            `json:"delegation_size,omitempty"`
	Purpose        string         `json:"purpose,omitempty"`
	// LedByPrincipal: the delegation was led by the principal Party or
	// government leader (党政主要负责同志带队).
	LedByPrincipal bool `json:"led_by_principal,omitempty"`
}

// EventType implements Event.
func (VisitConducted) EventType() string { return "aid.visit_conducted" }

// PairingIDs implements PairingScoped.
func (e VisitConducted) PairingIDs() []string { return e.PairingIDList }

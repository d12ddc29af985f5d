package events

// ParkEstablished (共建产业园区): an industrial park the two sides build
// together, in the partner area or, as an enclave (飞地), in the donor's
// area with returns paid to the partner. A park's reports follow it on its
// stream. (Pairing, name) identifies one.
type ParkEstablished struct {
	ParkID    string   `json:"park_id"`
	PairingID string   `json:"pairing_id"`
	Name      string   `json:"name"`
	Kind      ParkKind `json:"kind"`
	// LocationCode is the 6-digit division code of the county the park
	// lies in.
	LocationCode    string `json:"location_code"`
	EstablishedDate Date   `json:"established_date"`
}

// EventType implements Event.
func (ParkEstablished) EventType() string { return "aid.park_established" }

// PairingIDs implements PairingScoped.
func (e ParkEstablished) PairingIDs() []string { return []string{e.PairingID} }

// ParkReported (园区进展): a park's cumulative figures as of a day. As-of
// dates of one park only move forward, and no cumulative figure goes back.
type ParkReported struct {
	ParkID    string `json:"park_id"`
	PairingID string `json:"pairing_id"`
	AsOf      Date   `json:"as_of"`
	// Enterprises settled (入驻企业, cumulative) and InvestmentFen made in
	// the park (累计投资).
	Enterprises   int64 `json:"enterprises"`
	InvestmentFen int64 `json:"investment_fen"`
	// OutputFen (累计产值) and ReturnsFen (飞地返利: paid to the partner),
	// cumulative, when reported.
	OutputFen  int64 `json:"output_fen,omitempty"`
	ReturnsFen int64 `json:"returns_fen,omitempty"`
}

// EventType implements Event.
func (ParkReported) EventType() string { return "aid.park_reported" }

// PairingIDs implements PairingScoped.
func (e ParkReported) PairingIDs() []string { return []string{e.PairingID} }

// WorkshopEstablished (帮扶车间): a workshop set up in a partner village to
// employ people near home. Its reports follow it on its stream. (Pairing,
// village, name) identifies one.
type WorkshopEstablished struct {
	WorkshopID      string `json:"workshop_id"`
	PairingID       string `json:"pairing_id"`
	Name            string `json:"name"`
	Village         string `json:"village"`
	EstablishedDate Date   `json:"established_date"`
}

// EventType implements Event.
func (WorkshopEstablished) EventType() string { return "aid.workshop_established" }

// PairingIDs implements PairingScoped.
func (e WorkshopEstablished) PairingIDs() []string { return []string{e.PairingID} }

// WorkshopReported (车间用工): how many people a workshop employs as of a
// day, of whom PovertyEmployed are people lifted out of poverty
// (PovertyEmployed ≤ Employed). As-of dates of one workshop only move
// forward; the figures may go up or down.
type WorkshopReported struct {
	WorkshopID      string `json:"workshop_id"`
	PairingID       string `json:"pairing_id"`
	AsOf            Date   `json:"as_of"`
	Employed        int64  `json:"employed"`
	PovertyEmployed int64  `json:"poverty_employed"`
}

// EventType implements Event.
func (WorkshopReported) EventType() string { return "aid.workshop_reported" }

// PairingIDs implements PairingScoped.
func (e WorkshopReported) PairingIDs() []string { return []string{e.PairingID} }

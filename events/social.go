package events

// DonationItem is one line of an in-kind donation.
type DonationItem struct {
	Description string `json:"description"`
	Quantity    string `json:"quantity,omitempty"` // exact decimal, e.g. "12.5"
	Unit        string `json:"unit,omitempty"`
	ValueFen    int64  `json:"value_fen,omitempty"`
}

// DonationReceived (社会帮扶: 捐款捐物): a social donation channelled to a
// partner. In-kind gifts carry a valuation basis. Receipt numbers are
// unique per donor among live donations.
type DonationReceived struct {
	DonationID     string         `json:"donation_id"`
	PairingID      string         `json:"pairing_id"`
	DonorName      string         `json:"donor_name"`
	DonorType      DonorType      `json:"donor_type"`
	Kind           DonationKind   `json:"kind"`
	AmountFen      int64          `json:"amount_fen"`
	ValuationBasis string         `json:"valuation_basis,omitempty"`
	Items          []DonationItem `json:"items,omitempty"`
	ReceiptNo      string         `json:"receipt_no"`
	BusinessDate   Date           `json:"business_date"`
}

// EventType implements Event.
func (DonationReceived) EventType() string { return "aid.donation_received" }

// PairingIDs implements PairingScoped.
func (e DonationReceived) PairingIDs() []string { return []string{e.PairingID} }

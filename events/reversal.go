package events

// EntryReversal is the body shared by the reversals of donations, purchases,
// sales, visits, secondments, labour transfers, investments, trainings,
// agreements, parks and workshops (冲正). AmountFen is what is taken back: the
// whole remaining amount when the client gives none; zero for entries that
// carry no money. OriginalDate is the original's business
// date, so an entry_error reversal can be counted in the original's year.
type EntryReversal struct {
	OriginalID    string         `json:"original_id"`
	PairingIDList []string       `json:"pairing_ids"`
	Reason        ReversalReason `json:"reason"`
	AmountFen     int64          `json:"amount_fen"`
	BusinessDate  Date           `json:"business_date"`
	OriginalDate  Date           `json:"original_date"`
	DocNo         string         `json:"doc_no,omitempty"`
	Note          string         `json:"note,omitempty"`
}

// PairingIDs implements PairingScoped.
func (e EntryReversal) PairingIDs() []string { return e.PairingIDList }

// DonationReversed reverses a DonationReceived.
type DonationReversed struct{ EntryReversal }

// EventType implements Event.
func (DonationReversed) EventType() string { return "aid.donation_reversed" }

// PurchaseReversed reverses a ProductPurchased.
type PurchaseReversed struct{ EntryReversal }

// EventType implements Event.
func (PurchaseReversed) EventType() string { return "aid.purchase_reversed" }

// SaleReversed reverses a SalesFacilitated.
type SaleReversed struct{ EntryReversal }

// EventType implements Event.
func (SaleReversed) EventType() string { return "aid.sale_reversed" }

// VisitReversed reverses a VisitConducted (entry_error only).
type VisitReversed struct{ EntryReversal }

// EventType implements Event.
func (VisitReversed) EventType() string { return "aid.visit_reversed" }

// SecondmentReversed reverses a SecondmentStarted and its end, if any
// (entry_error only).
type SecondmentReversed struct{ EntryReversal }

// EventType implements Event.
func (SecondmentReversed) EventType() string { return "aid.secondment_reversed" }

// LabourTransferReversed reverses a LabourTransferRecorded (entry_error
// only).
type LabourTransferReversed struct{ EntryReversal }

// EventType implements Event.
func (LabourTransferReversed) EventType() string { return "aid.labour_transfer_reversed" }

// InvestmentReversed reverses an EnterpriseInvestmentRecorded, wholly or in
// part: entry_error, or funds_returned for capital withdrawn.
type InvestmentReversed struct{ EntryReversal }

// EventType implements Event.
func (InvestmentReversed) EventType() string { return "aid.investment_reversed" }

// TrainingReversed reverses a TrainingHeld (entry_error only).
type TrainingReversed struct{ EntryReversal }

// EventType implements Event.
func (TrainingReversed) EventType() string { return "aid.training_reversed" }

// AgreementReversed reverses an AgreementSigned (entry_error only).
type AgreementReversed struct{ EntryReversal }

// EventType implements Event.
func (AgreementReversed) EventType() string { return "aid.agreement_reversed" }

// ParkReversed reverses a ParkEstablished and its reports (entry_error
// only).
type ParkReversed struct{ EntryReversal }

// EventType implements Event.
func (ParkReversed) EventType() string { return "aid.park_reversed" }

// WorkshopReversed reverses a WorkshopEstablished and its reports
// (entry_error only).
type WorkshopReversed struct{ EntryReversal }

// EventType implements Event.
func (WorkshopReversed) EventType() string { return "aid.workshop_reversed" }

// Reversal returns the shared reversal body.
func (e EntryReversal) Reversal() EntryReversal { return e }

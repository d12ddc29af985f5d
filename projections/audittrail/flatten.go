package audittrail

import "github.com/aidledger/aidledger/events"

// Relations: how an event that acts on an earlier entity (its original_id)
// relates to it.
const (
	RelationReversal   = "reversal"   // any …Reversed event: the original is (partly) taken back
	RelationAdjustment = "adjustment" // CommitmentAdjusted: the commitment is raised or lowered
	RelationReceipt    = "receipt"    // FundsReceiptConfirmed: the disbursement arrived
	RelationProgress   = "progress"   // ProjectProgressReported: the project's state
	RelationEnd        = "end"        // SecondmentEnded: the secondment ended
	RelationReport     = "report"     // ParkReported, WorkshopReported: the site's figures
	RelationYearPlan   = "year_plan"  // ProjectYearPlanned: the project's plan for a year
	RelationAllocation = "allocation" // CommitmentAllocated: the shares of a commitment of several pairings
)

// Entity kinds (Entry.EntityKind).
const (
	KindPairing              = "pairing"
	KindProject              = "project"
	KindCommitment           = "commitment"
	KindDisbursement         = "disbursement"
	KindDisbursementReversal = "disbursement_reversal"
	KindDonation             = "donation"
	KindPurchase             = "purchase"
	KindSale                 = "sale"
	KindSecondment           = "secondment"
	KindVisit                = "visit"
	KindLabourTransfer       = "labour_transfer"
	KindInvestment           = "investment"
	KindTraining             = "training"
	KindAgreement            = "agreement"
	KindPark                 = "park"
	KindWorkshop             = "workshop"
)

// facts are the columns of a row that depend on the event's payload. Empty
// strings and a zero date are stored as NULL; hasAmount false stores a NULL
// amount.
type facts struct {
	pairingIDs     []string
	entityKind     string
	entityID       string
	relation       string
	originalID     string
	parentID       string
	businessDate   events.Date
	amountFen      int64
	hasAmount      bool
	reversalReason string
	documentKind   string
	documentNo     string
}

// money sets a signed amount.
func (f *facts) money(fen int64) { f.amountFen, f.hasAmount = fen, true }

// doc sets the document, if there is one.
func (f *facts) doc(kind, no string) {
	if no != "" {
		f.documentKind, f.documentNo = kind, no
	}
}

// flatten extracts the facts of one event payload. It is a pure function of
// the payload. The business date is the event's own (business_date,
// completed_date, period_to, start_date, as_of, received_date, valid_from,
// end_date, invested_date, signed_date, established_date; none for annual
// targets). The amount is signed as the event moves the ledger:
// commitments, disbursements, donations, purchases, sales and investments
// positive, adjustments signed, reversals negative; targets, planned
// totals, progress, site reports and receipts move nothing and have none. A type it does
// not know gives empty facts (the generic columns are still recorded).
func flatten(d events.Event) facts {
	var f facts
	if ps, ok := d.(events.PairingScoped); ok {
		f.pairingIDs = ps.PairingIDs()
	}
	switch e := d.(type) {
	case events.PairingEstablished:
		f.entityKind, f.entityID = KindPairing, e.PairingID
		f.businessDate = e.ValidFrom
		f.doc("agreement_doc_no", e.AgreementDocNo)
	case events.AnnualTargetsSet:
		f.entityKind, f.entityID = KindPairing, e.PairingID
		f.doc("doc_no", e.DocNo)
	case events.AidProjectRegistered:
		f.entityKind, f.entityID = KindProject, e.ProjectID
		f.businessDate = e.BusinessDate
	case events.ProjectProgressReported:
		f.entityKind, f.entityID = KindProject, e.ProjectID
		f.relation, f.originalID = RelationProgress, e.ProjectID
		f.businessDate = e.AsOf
	case events.ProjectYearPlanned:
		f.entityKind, f.entityID = KindProject, e.ProjectID
		f.relation, f.originalID = RelationYearPlan, e.ProjectID
		f.businessDate = e.BusinessDate
		f.money(e.PlannedFen)
	case events.FundsCommitted:
		f.entityKind, f.entityID = KindCommitment, e.CommitmentID
		f.parentID = e.ProjectID
		f.businessDate = e.BusinessDate
		f.money(e.AmountFen)
		f.doc("doc_no", e.DocNo)
	case events.CommitmentAllocated:
		f.entityKind, f.entityID = KindCommitment, e.CommitmentID
		f.relation, f.originalID = RelationAllocation, e.CommitmentID
		f.businessDate = e.BusinessDate
		f.doc("doc_no", e.DocNo)
	case events.CommitmentAdjusted:
		f.entityKind, f.entityID = KindCommitment, e.CommitmentID
		f.relation, f.originalID = RelationAdjustment, e.CommitmentID
		f.businessDate = e.BusinessDate
		f.money(e.DeltaFen)
		f.doc("doc_no", e.DocNo)
	case events.FundsDisbursed:
		f.entityKind, f.entityID = KindDisbursement, e.DisbursementID
		f.parentID = e.CommitmentID
		f.businessDate = e.BusinessDate
		f.money(e.AmountFen)
		f.doc("voucher_no", e.VoucherNo)
	case events.DisbursementReversed:
		f.entityKind, f.entityID = KindDisbursementReversal, e.ReversalID
		f.relation, f.originalID = RelationReversal, e.DisbursementID
		f.parentID = e.CommitmentID
		f.businessDate = e.BusinessDate
		f.money(-e.AmountFen)
		f.reversalReason = string(e.Reason)
		f.doc("doc_no", e.DocNo)
	case events.FundsReceiptConfirmed:
		f.entityKind, f.entityID = KindDisbursement, e.DisbursementID
		f.relation, f.originalID = RelationReceipt, e.DisbursementID
		f.parentID = e.CommitmentID
		f.businessDate = e.ReceivedDate
		f.doc("receipt_ref", e.ReceiptRef)
	case events.DonationReceived:
		f.entityKind, f.entityID = KindDonation, e.DonationID
		f.businessDate = e.BusinessDate
		f.money(e.AmountFen)
		f.doc("receipt_no", e.ReceiptNo)
	case events.ProductPurchased:
		f.entityKind, f.entityID = KindPurchase, e.PurchaseID
		f.businessDate = e.CompletedDate
		f.money(e.AmountFen)
		f.doc("order_no", e.OrderNo)
	case events.SalesFacilitated:
		f.entityKind, f.entityID = KindSale, e.SaleID
		f.businessDate = e.PeriodTo
		f.money(e.AmountFen)
		f.doc("order_no", e.OrderNo)
	case events.SecondmentStarted:
		f.entityKind, f.entityID = KindSecondment, e.SecondmentID
		f.businessDate = e.StartDate
	case events.SecondmentEnded:
		f.entityKind, f.entityID = KindSecondment, e.SecondmentID
		f.relation, f.originalID = RelationEnd, e.SecondmentID
		f.businessDate = e.EndDate
	case events.VisitConducted:
		f.entityKind, f.entityID = KindVisit, e.VisitID
		f.businessDate = e.StartDate
	case events.DonationReversed:
		f.entryReversal(KindDonation, e.EntryReversal)
	case events.PurchaseReversed:
		f.entryReversal(KindPurchase, e.EntryReversal)
	case events.SaleReversed:
		f.entryReversal(KindSale, e.EntryReversal)
	case events.VisitReversed:
		f.entryReversal(KindVisit, e.EntryReversal)
	case events.SecondmentReversed:
		f.entryReversal(KindSecondment, e.EntryReversal)
	case events.LabourTransferRecorded:
		f.entityKind, f.entityID = KindLabourTransfer, e.LabourTransferID
		f.businessDate = e.PeriodTo
		f.doc("doc_no", e.DocNo)
	case events.EnterpriseInvestmentRecorded:
		f.entityKind, f.entityID = KindInvestment, e.InvestmentID
		f.parentID = e.ParkID
		f.businessDate = e.InvestedDate
		f.money(e.AmountFen)
		f.doc("credit_code", e.CreditCode)
	case events.TrainingHeld:
		f.entityKind, f.entityID = KindTraining, e.TrainingID
		f.businessDate = e.EndDate
	case events.AgreementSigned:
		f.entityKind, f.entityID = KindAgreement, e.AgreementID
		f.businessDate = e.SignedDate
		f.doc("doc_no", e.DocNo)
	case events.ParkEstablished:
		f.entityKind, f.entityID = KindPark, e.ParkID
		f.businessDate = e.EstablishedDate
	case events.ParkReported:
		f.entityKind, f.entityID = KindPark, e.ParkID
		f.relation, f.originalID = RelationReport, e.ParkID
		f.businessDate = e.AsOf
	case events.WorkshopEstablished:
		f.entityKind, f.entityID = KindWorkshop, e.WorkshopID
		f.businessDate = e.EstablishedDate
	case events.WorkshopReported:
		f.entityKind, f.entityID = KindWorkshop, e.WorkshopID
		f.relation, f.originalID = RelationReport, e.WorkshopID
		f.businessDate = e.AsOf
	case events.LabourTransferReversed:
		f.entryReversal(KindLabourTransfer, e.EntryReversal)
	case events.InvestmentReversed:
		f.entryReversal(KindInvestment, e.EntryReversal)
	case events.TrainingReversed:
		f.entryReversal(KindTraining, e.EntryReversal)
	case events.AgreementReversed:
		f.entryReversal(KindAgreement, e.EntryReversal)
	case events.ParkReversed:
		f.entryReversal(KindPark, e.EntryReversal)
	case events.WorkshopReversed:
		f.entryReversal(KindWorkshop, e.EntryReversal)
	case events.SummaryGenerated:
		f.businessDate = e.Cutoff
		f.doc("text_sha256", e.TextSHA256)
	case events.ReportOrderSet:
		f.businessDate = e.BusinessDate
	case events.ReportStyleSet:
		f.businessDate = e.BusinessDate
	}
	return f
}

// entryReversal fills the facts of the reversal of an entry (donation,
// purchase, sale, visit, secondment, labour transfer, investment, training,
// agreement, park or workshop). Such a reversal has no id of its own: its
// entity is the original. Only donations, purchases, sales and investments
// carry money, so only their reversals have an amount.
func (f *facts) entryReversal(kind string, r events.EntryReversal) {
	f.entityKind, f.entityID = kind, r.OriginalID
	f.relation, f.originalID = RelationReversal, r.OriginalID
	f.businessDate = r.BusinessDate
	if kind == KindDonation || kind == KindPurchase || kind == KindSale || kind == KindInvestment {
		f.money(-r.AmountFen)
	}
	f.reversalReason = string(r.Reason)
	f.doc("doc_no", r.DocNo)
}

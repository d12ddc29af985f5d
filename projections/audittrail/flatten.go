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
// end_date; none for annual targets). The amount is signed as the event
// moves the ledger: commitments, disbursements, donations, purchases and
// sales positive, adjustments signed, reversals negative; targets, planned
// totals, progress and receipts move nothing and have none. A type it does
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
	case events.FundsCommitted:
		f.entityKind, f.entityID = KindCommitment, e.CommitmentID
		f.parentID = e.ProjectID
		f.businessDate = e.BusinessDate
		f.money(e.AmountFen)
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
	case events.SummaryGenerated:
		f.businessDate = e.Cutoff
		f.doc("text_sha256", e.TextSHA256)
	}
	return f
}

// entryReversal fills the facts of the reversal of a donation, purchase,
// sale, visit or secondment. Such a reversal has no id of its own: its
// entity is the original. Visits and secondments carry no money, so their
// reversals have no amount.
func (f *facts) entryReversal(kind string, r events.EntryReversal) {
	f.entityKind, f.entityID = kind, r.OriginalID
	f.relation, f.originalID = RelationReversal, r.OriginalID
	f.businessDate = r.BusinessDate
	if kind == KindDonation || kind == KindPurchase || kind == KindSale {
		f.money(-r.AmountFen)
	}
	f.reversalReason = string(r.Reason)
	f.doc("doc_no", r.DocNo)
}

package web

import (
	"net/http"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
)

// entryKind is one kind of entry a pairing's pages list.
type entryKind struct {
	Form    string // the form that records one; names the list in addresses
	Type    string // the event type that records one
	Key     string // the heading's message key
	Reverse string // the form that reverses one
	Report  string // the form that reports on one ("" when none)
}

// entryKinds are the kinds listed, in the order of the pairing's page.
var entryKinds = []entryKind{
	{Form: "donation", Type: "aid.donation_received", Key: "pairing.donations", Reverse: "donation_reversal"},
	{Form: "purchase", Type: "aid.product_purchased", Key: "pairing.purchases", Reverse: "purchase_reversal"},
	{Form: "sale", Type: "aid.sales_facilitated", Key: "pairing.sales", Reverse: "sale_reversal"},
	{Form: "secondment", Type: "aid.secondment_started", Key: "pairing.secondments", Reverse: "secondment_reversal"},
	{Form: "visit", Type: "aid.visit_conducted", Key: "pairing.visits", Reverse: "visit_reversal"},
	{Form: "labour_transfer", Type: "aid.labour_transfer_recorded", Key: "pairing.labour", Reverse: "labour_transfer_reversal"},
	{Form: "investment", Type: "aid.enterprise_investment_recorded", Key: "pairing.investments", Reverse: "investment_reversal"},
	{Form: "park", Type: "aid.park_established", Key: "pairing.parks", Reverse: "park_reversal", Report: "park_report"},
	{Form: "workshop", Type: "aid.workshop_established", Key: "pairing.workshops", Reverse: "workshop_reversal", Report: "workshop_report"},
	{Form: "training", Type: "aid.training_held", Key: "pairing.trainings", Reverse: "training_reversal"},
	{Form: "agreement", Type: "aid.agreement_signed", Key: "pairing.agreements", Reverse: "agreement_reversal"},
}

// entryList is entries of one kind of a pairing, from the audit trail, as
// the "entrytable" template shows them.
type entryList struct {
	entryKind
	PairingID string
	Entries   []audittrail.Entry
	// More: earlier entries exist than those listed.
	More bool
	// Writes: the user may record (and reverse) for the pairing.
	Writes bool
	L      lang
}

// entriesPage is how many entries a page of pairingEntries lists.
const entriesPage = 100

// entriesData is the page of one kind of a pairing's entries.
type entriesData struct {
	basePage
	Pairing  events.PairingEstablished
	Position int64
	List     entryList
	// After is where the page starts (0: the first); NextAfter where the
	// next one does (0: this is the last).
	After, NextAfter int64
	Writes           bool
}

// pairingEntries lists every entry of one kind of a pairing, oldest first,
// entriesPage at a time.
func (s *Server) pairingEntries(w http.ResponseWriter, r *http.Request, q *request) {
	var kind *entryKind
	for i := range entryKinds {
		if entryKinds[i].Form == r.PathValue("form") {
			kind = &entryKinds[i]
		}
	}
	if kind == nil {
		s.errorPage(w, r, q, http.StatusNotFound, "error.notfound")
		return
	}
	after, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if r.URL.Query().Has("after") && (err != nil || after < 0) {
		s.errorPage(w, r, q, http.StatusBadRequest, "error.badfilter")
		return
	}
	id := r.PathValue("id")
	pr, ok := s.readablePairing(w, r, q, id)
	if !ok {
		return
	}
	writes := q.principal().CanWrite(pr.Donor.Code)
	d := &entriesData{basePage: q.base(r, q.lang.T("entries.title", pr.Donor.ShortName, pr.Partner.Name, q.lang.T(kind.Key)), "dashboard"),
		Pairing: pr, After: after, Writes: writes, List: entryList{entryKind: *kind, PairingID: id, Writes: writes, L: q.lang}}
	ctx := r.Context()
	err = readOnly(ctx, s, func(tx pgx.Tx) error {
		var err error
		if d.Position, err = projections.Position(ctx, tx, audittrail.New()); err != nil {
			return err
		}
		page, err := audittrail.Query(ctx, tx, audittrail.Filter{PairingID: id, Type: kind.Type, AfterPosition: after, Limit: entriesPage})
		d.List.Entries, d.NextAfter = page.Entries, page.NextAfter
		return err
	})
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.render(w, r, http.StatusOK, "entries", d)
}

package web

import (
	"errors"
	"net/http"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/intake/forms"
	"github.com/aidledger/aidledger/services/ledger"
)

// entryList is one kind of entry of a pairing, from the audit trail.
type entryList struct {
	Key     string // the heading's message key
	Form    string // the form that records one ("" when none here)
	Reverse string // the form that reverses one
	Entries []audittrail.Entry
}

// pairingData is a pairing's page.
type pairingData struct {
	basePage
	Pairing     events.PairingEstablished
	Position    int64
	Years       []balances.YearFigures
	Commitments []*balances.CommitmentDetail
	Projects    []balances.ProjectDetail
	Lists       []entryList
	Timeline    []audittrail.Entry
	// Writes: the user may record for the pairing; Confirms: the user may
	// confirm receipts of its disbursements.
	Writes, Confirms bool
}

// timelineLength is how many of a pairing's latest events its page lists.
const timelineLength = 100

// pairing shows one pairing: its balances by year, commitments with their
// disbursements, projects, donations, purchases, sales, secondments,
// visits and the timeline of its events, with the actions the user may
// take on each.
func (s *Server) pairing(w http.ResponseWriter, r *http.Request, q *request) {
	id := r.PathValue("id")
	p := q.principal()
	pr, err := s.cfg.Ledger.Pairing(r.Context(), id)
	var rej *ledger.Rejection
	if errors.As(err, &rej) || (err == nil && !p.CanRead(pr.Donor.Code, pr.Partner.Code)) {
		s.errorPage(w, r, q, http.StatusNotFound, "error.notfound")
		return
	}
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.waitFor(r.Context(), positionParam(r), balances.New(), audittrail.New())
	d := &pairingData{basePage: q.base(r, q.lang.T("pairing.title", pr.Donor.ShortName, pr.Partner.Name, programmeName(string(pr.Programme), q.lang)), "dashboard"),
		Pairing: pr, Writes: p.CanWrite(pr.Donor.Code), Confirms: p.CanConfirmReceipt(pr.Partner.Code)}
	d.Flash = flash(r, q.lang)
	ctx := r.Context()
	err = pgx.BeginTxFunc(ctx, s.cfg.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		if d.Position, err = projections.Position(ctx, tx, balances.New()); err != nil {
			return err
		}
		if d.Years, err = balances.PairingYear(ctx, tx, id, 0); err != nil && !errors.Is(err, balances.ErrNotFound) {
			return err
		}
		list, err := balances.CommitmentList(ctx, tx, []string{id})
		if err != nil {
			return err
		}
		for _, c := range list {
			detail, err := balances.Commitment(ctx, tx, c.CommitmentID)
			if err != nil {
				return err
			}
			d.Commitments = append(d.Commitments, detail)
		}
		if d.Projects, err = balances.ProjectList(ctx, tx, []string{id}); err != nil {
			return err
		}
		for _, l := range []entryList{
			{Key: "pairing.donations", Form: "donation", Reverse: "donation_reversal"},
			{Key: "pairing.purchases", Form: "purchase", Reverse: "purchase_reversal"},
			{Key: "pairing.sales", Form: "sale", Reverse: "sale_reversal"},
			{Key: "pairing.secondments", Form: "secondment", Reverse: "secondment_reversal"},
			{Key: "pairing.visits", Form: "visit", Reverse: "visit_reversal"},
		} {
			typ := map[string]string{"donation": "aid.donation_received", "purchase": "aid.product_purchased", "sale": "aid.sales_facilitated",
				"secondment": "aid.secondment_started", "visit": "aid.visit_conducted"}[l.Form]
			page, err := audittrail.Query(ctx, tx, audittrail.Filter{PairingID: id, Type: typ, Limit: audittrail.MaxLimit})
			if err != nil {
				return err
			}
			l.Entries = page.Entries
			d.Lists = append(d.Lists, l)
		}
		page, err := audittrail.Query(ctx, tx, audittrail.Filter{PairingID: id, Limit: timelineLength, Latest: true})
		d.Timeline = page.Entries
		return err
	})
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.render(w, r, http.StatusOK, "pairing", d)
}

// programmeName is the programme's name in l.
func programmeName(p string, l lang) string { return forms.OptionName(forms.Programmes, p, l.code) }

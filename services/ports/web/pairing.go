package web

import (
	"context"
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

// pairingData is a pairing's page.
type pairingData struct {
	basePage
	Pairing     events.PairingEstablished
	Position    int64
	Years       []balances.YearFigures
	Commitments []*balances.CommitmentDetail
	// Partners names the partner county of each of the donor's pairings
	// (those a shared commitment funds).
	Partners map[string]string
	Projects []balances.ProjectDetail
	Lists    []entryList
	// Timeline is the pairing's latest events; TimelineMore: there are
	// earlier ones (in the audit trail).
	Timeline     []audittrail.Entry
	TimelineMore bool
	// Writes: the user may record for the pairing; Confirms: the user may
	// confirm receipts of its disbursements.
	Writes, Confirms bool
}

// timelineLength is how many of a pairing's latest events its page lists;
// listLength how many of the latest entries of each kind.
const (
	timelineLength = 50
	listLength     = 20
)

// pairing shows one pairing: its balances by year, commitments with their
// disbursements, projects, the latest donations, purchases, sales,
// secondments and visits (each kind paged in full on pairingEntries) and
// the latest of its events (all of them in the audit trail), with the
// actions the user may take on each.
func (s *Server) pairing(w http.ResponseWriter, r *http.Request, q *request) {
	id := r.PathValue("id")
	pr, ok := s.readablePairing(w, r, q, id)
	if !ok {
		return
	}
	p := q.principal()
	d := &pairingData{basePage: q.base(r, q.lang.T("pairing.title", pr.Donor.ShortName, pr.Partner.Name, programmeName(string(pr.Programme), q.lang)), "dashboard"),
		Pairing: pr, Writes: p.CanWrite(pr.Donor.Code), Confirms: p.CanConfirmReceipt(pr.Partner.Code)}
	d.Flash = flash(r, q.lang)
	ctx := r.Context()
	err := readOnly(ctx, s, func(tx pgx.Tx) error {
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
		if d.Partners, err = partnerNames(ctx, tx, pr.Donor.Code); err != nil {
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
		for _, k := range entryKinds {
			l := entryList{entryKind: k, PairingID: id, Writes: d.Writes, L: q.lang}
			if l.Entries, l.More, err = latest(ctx, tx, audittrail.Filter{PairingID: id, Type: k.Type}, listLength); err != nil {
				return err
			}
			d.Lists = append(d.Lists, l)
		}
		d.Timeline, d.TimelineMore, err = latest(ctx, tx, audittrail.Filter{PairingID: id}, timelineLength)
		return err
	})
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.render(w, r, http.StatusOK, "pairing", d)
}

// latest returns the last n rows f selects, in position order, and
// whether earlier ones exist.
func latest(ctx context.Context, tx pgx.Tx, f audittrail.Filter, n int) ([]audittrail.Entry, bool, error) {
	f.Limit, f.Latest = n+1, true
	page, err := audittrail.Query(ctx, tx, f)
	if err != nil || len(page.Entries) <= n {
		return page.Entries, false, err
	}
	return page.Entries[1:], true, nil
}

// readablePairing returns pairing id when the user may read it; otherwise
// it answers (not found, for a pairing that does not exist and one the
// user may not see alike) and returns false.
func (s *Server) readablePairing(w http.ResponseWriter, r *http.Request, q *request, id string) (events.PairingEstablished, bool) {
	pr, err := s.cfg.Ledger.Pairing(r.Context(), id)
	var rej *ledger.Rejection
	switch {
	case errors.As(err, &rej) || (err == nil && !q.principal().CanRead(pr.Donor.Code, pr.Partner.Code)):
		s.errorPage(w, r, q, http.StatusNotFound, "error.notfound")
		return pr, false
	case err != nil:
		s.fail(w, r, q, err)
		return pr, false
	}
	s.waitFor(r.Context(), positionParam(r), balances.New(), audittrail.New())
	return pr, true
}

// readOnly runs read in one read-only, repeatable-read transaction on the
// read models: every figure of a page from one snapshot.
func readOnly(ctx context.Context, s *Server, read func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.cfg.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, read)
}

// programmeName is the programme's name in l.
func programmeName(p string, l lang) string { return forms.OptionName(forms.Programmes, p, l.code) }

// partnerNames names the partner county of each of the donor's pairings.
func partnerNames(ctx context.Context, tx pgx.Tx, donor string) (map[string]string, error) {
	ps, err := balances.Pairings(ctx, tx, balances.PairingFilter{DonorCode: donor})
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(ps))
	for _, p := range ps {
		names[p.PairingID] = p.Partner.Name
	}
	return names, nil
}

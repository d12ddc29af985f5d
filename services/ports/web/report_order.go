package web

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aidledger/aidledger/services/ledger"
)

// reportOrder sets the order of the donor's pairings in its summaries
// from the report page's form: each pairing with its rank (ties keep the
// order the page showed), recorded as ledger.SetReportOrder under the
// form's idempotency key; then back to the report.
func (s *Server) reportOrder(w http.ResponseWriter, r *http.Request, q *request) {
	donor := r.PostFormValue("donor")
	ids := r.PostForm["pairing"]
	rank := func(id string) int {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("rank." + id)))
		if err != nil {
			return len(ids) + 1
		}
		return n
	}
	ordered := slices.Clone(ids)
	slices.SortStableFunc(ordered, func(a, b string) int { return cmp.Compare(rank(a), rank(b)) })
	_, err := s.cfg.Ledger.SetReportOrder(r.Context(), ledger.Request{Principal: q.principal(), IdempotencyKey: r.PostFormValue("idempotency_key")},
		donor, ledger.SetReportOrder{PairingIDs: ordered})
	var rej *ledger.Rejection
	switch {
	case errors.As(err, &rej):
		s.errorPage(w, r, q, rej.Status, "error.notfound")
		return
	case err != nil:
		s.fail(w, r, q, err)
		return
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

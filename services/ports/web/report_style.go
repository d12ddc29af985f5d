package web

import (
	"errors"
	"net/http"

	"github.com/aidledger/aidledger/services/ledger"
)

// reportStyle sets how the donor's summaries are written by default from
// the report page's form (the paragraph's style and lead-in), recorded as
// ledger.SetReportStyle under the form's idempotency key; then back to
// the report, which now shows that style.
func (s *Server) reportStyle(w http.ResponseWriter, r *http.Request, q *request) {
	_, err := s.cfg.Ledger.SetReportStyle(r.Context(), ledger.Request{Principal: q.principal(), IdempotencyKey: r.PostFormValue("idempotency_key")},
		r.PostFormValue("donor"), ledger.SetReportStyle{Paragraph: r.PostFormValue("paragraph"), Lead: r.PostFormValue("lead")})
	var rej *ledger.Rejection
	switch {
	case errors.As(err, &rej):
		s.rejectionPage(w, r, q, rej)
		return
	case err != nil:
		s.fail(w, r, q, err)
		return
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

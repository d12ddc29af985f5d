package web

import (
	"net/http"
	"strconv"

	"github.com/aidledger/aidledger/services/reporting/verify"
)

// verifyData is the verification page.
type verifyData struct {
	basePage
	Latest *verify.Recorded
}

// verifyPage shows the latest verification run and a button to run one
// (auditors and admins).
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request, q *request) {
	d := &verifyData{basePage: q.base(r, q.lang.T("verify.title"), "verify")}
	if !d.Audits() {
		s.errorPage(w, r, q, http.StatusForbidden, "verify.forbidden")
		return
	}
	var err error
	if d.Latest, err = verify.Latest(r.Context(), s.cfg.Pool); err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.render(w, r, http.StatusOK, "verify", d)
}

// verify runs a full verification — the hash chain, the stream against
// the log, every read model against its rebuild — records it in
// verify_runs and shows it.
func (s *Server) verify(w http.ResponseWriter, r *http.Request, q *request) {
	if b := q.base(r, "", ""); !b.Audits() {
		s.errorPage(w, r, q, http.StatusForbidden, "verify.forbidden")
		return
	}
	rep, err := verify.Run(r.Context(), verify.Config{Pool: s.cfg.Pool, NATSURL: s.cfg.NATSURL, Stream: true, Projections: true,
		ReadModels: s.cfg.ReadModels, Logger: s.cfg.Logger})
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	if _, err := verify.Record(r.Context(), s.cfg.Pool, q.principal().Actor(), rep); err != nil {
		s.fail(w, r, q, err)
		return
	}
	http.Redirect(w, r, "/verify?ran="+strconv.FormatBool(rep.OK), http.StatusSeeOther)
}

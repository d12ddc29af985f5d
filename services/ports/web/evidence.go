package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/reporting/evidence"
)

// evidence downloads the evidence bundle of the summary the report page
// shows (admins and auditors; see evidence.ExportFile, which records the
// export in the access log before the file is handed out).
func (s *Server) evidence(w http.ResponseWriter, r *http.Request, q *request) {
	req, _, ok := s.reportRequest(w, r, q)
	if !ok {
		return
	}
	path, b, remove, err := evidence.ExportTemp(r.Context(), s.cfg.Pool, auth.NewAccessLog(s.cfg.Pool), q.principal(), req)
	defer remove()
	var rej *ledger.Rejection
	switch {
	case errors.As(err, &rej):
		key := "error.notfound"
		if rej.Status == http.StatusForbidden {
			key = "error.forbidden"
		}
		s.errorPage(w, r, q, rej.Status, key)
		return
	case err != nil:
		s.fail(w, r, q, err)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	defer f.Close()
	name := b.Filename()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Length", strconv.FormatInt(b.Bytes, 10))
	w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(name)+"; filename*=UTF-8''"+url.PathEscape(name))
	if _, err := io.Copy(w, f); err != nil {
		s.cfg.Logger.Warn("sending an evidence bundle", "err", err)
	}
}

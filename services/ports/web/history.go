package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/reporting/history"
)

// historyData is an entity's history page.
type historyData struct {
	basePage
	History *history.History
}

// history shows every event that touched an entity, with the running
// figure after each step, read from the book of record. Every view is
// recorded in the access log first, as over the API: when that fails,
// nothing is shown.
func (s *Server) history(w http.ResponseWriter, r *http.Request, q *request) {
	id := r.PathValue("id")
	h, err := history.Of(r.Context(), s.cfg.Store, id)
	outcome, status := "shown", http.StatusOK
	switch {
	case errors.Is(err, history.ErrNotFound):
		outcome, status = "not found", http.StatusNotFound
	case err != nil:
		s.fail(w, r, q, err)
		return
	default:
		ok, err := h.VisibleTo(r.Context(), q.principal(), s.cfg.Ledger.Pairing)
		switch {
		case err != nil:
			s.fail(w, r, q, err)
			return
		case !ok:
			outcome, status = "hidden: out of the caller's scope", http.StatusNotFound
		default:
			outcome = h.Kind + ", " + strconv.Itoa(len(h.Steps)) + " steps (web)"
		}
	}
	if err := auth.NewAccessLog(s.cfg.Pool).Record(r.Context(), q.principal(), history.ReadAction, id, outcome); err != nil {
		s.fail(w, r, q, err)
		return
	}
	if status != http.StatusOK {
		s.errorPage(w, r, q, status, "error.notfound")
		return
	}
	d := &historyData{basePage: q.base(r, q.lang.T("history.title", id), ""), History: h}
	s.render(w, r, http.StatusOK, "history", d)
}

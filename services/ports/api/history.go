package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/reporting/history"
)

type historyInput struct {
	EntityID string `path:"entity_id" maxLength:"64" doc:"id of a pairing, commitment, disbursement, project, donation, purchase, sale, secondment or visit"`
}

type historyOutput struct {
	Body *history.History
}

// registerHistory serves GET /v1/history/{entity_id}: the entity's history
// read from the event store (history.Of). Read scope as everywhere:
// recorders see their donor's entities, partners their county's; whatever
// a caller may not read answers 404 as if it did not exist. Every request
// is written to the access log (who, what, outcome) before it is answered;
// when that write fails the request fails with 503 and shows nothing.
func (s *Server) registerHistory() {
	accessLog := auth.NewAccessLog(s.cfg.Pool)
	op := readOp("entity-history", "/v1/history/{entity_id}", "The history of an entity, from the book of record",
		"Every event that touched the entity, in ledger order, with actor, time, document numbers, amount and the running figure after each step. "+
			"Each read is recorded in the access log before it is answered.")
	op.Errors = append(op.Errors, http.StatusServiceUnavailable)
	huma.Register(s.api, op, func(ctx context.Context, in *historyInput) (*historyOutput, error) {
		p := principal(ctx)
		h, err := history.Of(ctx, s.cfg.Store, in.EntityID)
		var answer error
		outcome := "shown"
		switch {
		case errors.Is(err, history.ErrNotFound):
			outcome, answer = "not found", notVisible("entity", in.EntityID)
		case err != nil:
			outcome, answer = "failed", s.fail("entity-history", err)
		default:
			ok, err := h.VisibleTo(ctx, p, s.cfg.Ledger.Pairing)
			switch {
			case err != nil:
				outcome, answer = "failed", s.fail("entity-history", err)
			case !ok:
				outcome, answer = "hidden: out of the caller's scope", notVisible("entity", in.EntityID)
			default:
				outcome = h.Kind + ", " + strconv.Itoa(len(h.Steps)) + " steps"
			}
		}
		if err := accessLog.Record(ctx, p, history.ReadAction, in.EntityID, outcome); err != nil {
			s.cfg.Logger.Error("access log unavailable: history read refused", "entity_id", in.EntityID, "actor", p.Actor(), "err", err)
			return nil, &ledger.Rejection{Status: http.StatusServiceUnavailable, Code: ledger.CodeAccessLogUnavailable,
				Message:   "this read could not be recorded in the access log, so it is not answered; retry shortly",
				MessageZh: "本次查询无法记入访问日志,因此不予返回;请稍后重试"}
		}
		if answer != nil {
			return nil, answer
		}
		return &historyOutput{Body: h}, nil
	})
}

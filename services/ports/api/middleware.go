package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
)

type principalKey struct{}

// principal returns the authenticated caller of a request.
func principal(ctx context.Context) auth.Principal {
	p, _ := ctx.Value(principalKey{}).(auth.Principal)
	return p
}

// publicOp marks operations that need no token (health checks).
const publicOp = "public"

// attestOp marks (in an operation's Metadata) a POST that records no
// ledger entry but an attestation any signed-in role may make — a
// witness's cosignature — so read-only roles may send it.
const attestOp = "attest"

// authenticate resolves the bearer token of every non-public operation:
// no or an unknown token is 401; a role that never writes (auditor) gets
// 403 on every operation that is not a GET (or an attestation). Scope rules (which donor or
// partner) are the ledger's.
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	if op.Metadata[publicOp] == true {
		next(ctx)
		return
	}
	token, ok := strings.CutPrefix(ctx.Header("Authorization"), "Bearer ")
	if !ok || token == "" {
		_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "missing bearer token")
		return
	}
	p, err := s.cfg.Tokens.Authenticate(ctx.Context(), strings.TrimSpace(token))
	if errors.Is(err, auth.ErrInvalidToken) {
		_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "invalid token")
		return
	}
	if err != nil {
		s.cfg.Logger.Error("authenticate", "err", err)
		_ = huma.WriteErr(s.api, ctx, http.StatusServiceUnavailable, "unavailable")
		return
	}
	if op.Method != http.MethodGet && !p.Writes() && op.Metadata[attestOp] != true {
		writeRejection(s.api, ctx, &ledger.Rejection{Status: http.StatusForbidden, Code: ledger.CodeForbidden,
			Message:   "the " + string(p.Role) + " role is read-only",
			MessageZh: "该角色(" + string(p.Role) + ")只能查询,不能写入"})
		return
	}
	next(huma.WithValue(ctx, principalKey{}, p))
}

func writeRejection(api huma.API, ctx huma.Context, r *ledger.Rejection) {
	ctx.SetHeader("Content-Type", "application/json")
	ctx.SetStatus(r.Status)
	_ = api.Marshal(ctx.BodyWriter(), "application/json", r)
}

// recoverPanics turns a panic in a handler into a logged 500 with the usual
// error body, instead of a dropped connection.
func (s *Server) recoverPanics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Logger.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "panic", v)
				writeJSON(w, http.StatusInternalServerError, newError(http.StatusInternalServerError, ""))
			}
		}()
		h.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fail converts an error from the ledger or the store into the API's answer:
// rejections pass through; an unreachable database is 503; anything else
// is logged and becomes a 500.
func (s *Server) fail(op string, err error) error {
	var r *ledger.Rejection
	if errors.As(err, &r) {
		return r
	}
	if unavailable(err) {
		s.cfg.Logger.Warn("database unavailable", "op", op, "err", err)
		return newError(http.StatusServiceUnavailable, "")
	}
	s.cfg.Logger.Error("request failed", "op", op, "err", err)
	return newError(http.StatusInternalServerError, "")
}

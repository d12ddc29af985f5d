package api

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

type healthOutput struct {
	Status int
	Body   struct {
		Status string `json:"status" doc:"ok, or what is not ready"`
	}
}

func (s *Server) registerHealth() {
	huma.Register(s.api, huma.Operation{
		OperationID: "healthz", Method: http.MethodGet, Path: "/healthz", Tags: []string{"health"},
		Summary: "Liveness: the process serves HTTP", Metadata: map[string]any{publicOp: true},
	}, func(context.Context, *struct{}) (*healthOutput, error) {
		out := &healthOutput{Status: http.StatusOK}
		out.Body.Status = "ok"
		return out, nil
	})
	huma.Register(s.api, huma.Operation{
		OperationID: "readyz", Method: http.MethodGet, Path: "/readyz", Tags: []string{"health"},
		Summary: "Readiness: every dependency answers (503 otherwise)", Metadata: map[string]any{publicOp: true},
	}, func(ctx context.Context, _ *struct{}) (*healthOutput, error) {
		out := &healthOutput{Status: http.StatusOK}
		out.Body.Status = "ok"
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		if err := s.cfg.Pool.Ping(ctx); err != nil {
			out.Status, out.Body.Status = http.StatusServiceUnavailable, "postgres: "+err.Error()
			return out, nil
		}
		for _, name := range slices.Sorted(maps.Keys(s.cfg.Ready)) {
			if err := s.cfg.Ready[name](ctx); err != nil {
				out.Status, out.Body.Status = http.StatusServiceUnavailable, name+": "+err.Error()
				return out, nil
			}
		}
		return out, nil
	})
}

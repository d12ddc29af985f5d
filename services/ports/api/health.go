package api

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aidledger/aidledger/projections"
)

// Defaults of the readiness thresholds.
const (
	DefaultMaxRelayLag      = 1000
	DefaultMaxProjectionLag = 1000
)

type healthOutput struct {
	Status int
	Body   struct {
		Status string `json:"status" doc:"ok, or the first thing that is not ready"`
	}
}

// readiness is /readyz's answer: every check, and its verdict.
type readiness struct {
	Status int
	Body   struct {
		Status string `json:"status" doc:"ok, or the first thing that is not ready"`
		// Postgres and NATS are "ok" or what is wrong.
		Checks map[string]string `json:"checks" doc:"each dependency: ok, or what is wrong"`
		// Head is the ledger's last position.
		Head int64 `json:"head"`
		// RelayLag is how many committed events are not yet in the stream
		// (-1: unknown).
		RelayLag int64 `json:"relay_lag"`
		// ProjectionLag is, per read model, how many events it has not yet
		// applied.
		ProjectionLag map[string]int64 `json:"projection_lag"`
		// Thresholds above which the lags make the service not ready.
		MaxRelayLag      int64 `json:"max_relay_lag"`
		MaxProjectionLag int64 `json:"max_projection_lag"`
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
		Summary: "Readiness: every dependency answers and the relay and read models keep up (503 otherwise)",
		Description: "The relay lag is the committed events not yet in the stream; a read model's lag is the events it has " +
			"not yet applied. Either above its threshold (Config.MaxRelayLag, MaxProjectionLag) makes the service not ready.",
		Metadata: map[string]any{publicOp: true},
	}, func(ctx context.Context, _ *struct{}) (*readiness, error) {
		return s.ready(ctx), nil
	})
}

// ready runs every readiness check; the first failure names the answer.
func (s *Server) ready(ctx context.Context) *readiness {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	out := &readiness{Status: http.StatusOK}
	b := &out.Body
	b.Status, b.Checks, b.RelayLag = "ok", map[string]string{}, -1
	b.MaxRelayLag, b.MaxProjectionLag = s.cfg.MaxRelayLag, s.cfg.MaxProjectionLag
	fail := func(what string) {
		if out.Status == http.StatusOK {
			out.Status, b.Status = http.StatusServiceUnavailable, what
		}
	}
	b.Checks["postgres"] = "ok"
	head, _, err := s.cfg.Store.Head(ctx)
	if err != nil {
		b.Checks["postgres"] = err.Error()
		fail("postgres: " + err.Error())
		return out
	}
	b.Head = head
	for _, name := range slices.Sorted(maps.Keys(s.cfg.Ready)) {
		b.Checks[name] = "ok"
		if err := s.cfg.Ready[name](ctx); err != nil {
			b.Checks[name] = err.Error()
			fail(name + ": " + err.Error())
		}
	}
	if s.cfg.StreamHead != nil {
		b.Checks["stream"] = "ok"
		if last, err := s.cfg.StreamHead(ctx); err != nil {
			b.Checks["stream"] = err.Error()
			fail("stream: " + err.Error())
		} else if b.RelayLag = max(0, head-last); b.RelayLag > s.cfg.MaxRelayLag {
			fail(fmt.Sprintf("relay: %d events behind the ledger (threshold %d)", b.RelayLag, s.cfg.MaxRelayLag))
		}
	}
	lags, err := projections.Behind(ctx, s.cfg.Pool, head, s.cfg.ReadModels...)
	if err != nil {
		b.Checks["read_models"] = err.Error()
		fail("read models: " + err.Error())
		return out
	}
	b.ProjectionLag = lags
	for _, name := range slices.Sorted(maps.Keys(lags)) {
		if lags[name] > s.cfg.MaxProjectionLag {
			fail(fmt.Sprintf("read model %s: %d events behind the ledger (threshold %d)", name, lags[name], s.cfg.MaxProjectionLag))
		}
	}
	return out
}

package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ports/api"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// readyz is 503 while any dependency is down, the stream cannot be read,
// or the relay or a read model lags beyond its threshold — and says which
// and by how much; 200 when all holds; healthz only says the process
// serves.
func TestReadinessFollowsDependencies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, p := range []projections.Projection{balances.New(), audittrail.New()} {
		if err := projections.Migrate(context.Background(), e.pool, p); err != nil {
			t.Fatal(err)
		}
	}
	natsDown := errors.New("not connected")
	var natsErr, streamErr error
	var streamLast int64
	a, err := api.New(api.Config{Pool: e.pool, Store: e.store, Ledger: testenv.Ledger(t, e.store),
		Tokens: auth.NewTokens(e.pool), Ready: map[string]func(context.Context) error{"nats": func(context.Context) error { return natsErr }},
		StreamHead:  func(context.Context) (int64, error) { return streamLast, streamErr },
		MaxRelayLag: 2, MaxProjectionLag: 3})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	defer srv.Close()
	type answer struct {
		Status        string
		RelayLag      int64            `json:"relay_lag"`
		ProjectionLag map[string]int64 `json:"projection_lag"`
	}
	status := func(s *httptest.Server, path string) (int, answer) {
		res, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body answer
		_ = json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body
	}
	if code, a := status(srv, "/readyz"); code != http.StatusOK || a.RelayLag != 0 || a.ProjectionLag["balances"] != 0 {
		t.Fatalf("all up: readyz %d %+v", code, a)
	}
	natsErr = natsDown
	if code, a := status(srv, "/readyz"); code != http.StatusServiceUnavailable || a.Status != "nats: not connected" {
		t.Fatalf("NATS down: readyz %d %+v", code, a)
	}
	natsErr, streamErr = nil, errors.New("insufficient resources")
	if code, a := status(srv, "/readyz"); code != http.StatusServiceUnavailable || a.Status != "stream: insufficient resources" {
		t.Fatalf("NATS store failing: readyz %d %+v", code, a)
	}
	streamErr = nil
	e.fixture() // 4 events the relay (streamLast 0) and the read models (never run) have not seen
	if code, a := status(srv, "/readyz"); code != http.StatusServiceUnavailable || a.RelayLag != 4 ||
		a.Status != "relay: 4 events behind the ledger (threshold 2)" {
		t.Fatalf("relay behind: readyz %d %+v", code, a)
	}
	streamLast = 4
	if code, a := status(srv, "/readyz"); code != http.StatusServiceUnavailable || a.ProjectionLag["audittrail"] != 4 ||
		a.Status != "read model audittrail: 4 events behind the ledger (threshold 3)" {
		t.Fatalf("read models behind: readyz %d %+v", code, a)
	}
	// Postgres unreachable: a pool on a closed port.
	dead, err := pgxpool.New(context.Background(), "postgres://postgres@127.0.0.1:1/x?connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	deadAPI, err := api.New(api.Config{Pool: dead, Store: eventstore.New(dead), Ledger: testenv.Ledger(t, eventstore.New(dead)), Tokens: auth.NewTokens(dead)})
	if err != nil {
		t.Fatal(err)
	}
	down := httptest.NewServer(deadAPI)
	defer down.Close()
	if code, _ := status(down, "/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("Postgres down: readyz %d", code)
	}
	if code, _ := status(down, "/healthz"); code != http.StatusOK {
		t.Fatalf("Postgres down: healthz %d", code)
	}
}

// TestMetricsNeedAReaderOfEverything: /metrics counts every donor's
// commands: no token is 401, a recorder's or partner's 403, an admin's or
// auditor's the Prometheus text.
func TestMetricsNeedAReaderOfEverything(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if r := e.do("", http.MethodGet, "/metrics", nil); r.Status != http.StatusUnauthorized {
		t.Errorf("no token: %d", r.Status)
	}
	for role, want := range map[string]int{"recorder": 403, "partner": 403, "admin": 200, "auditor": 200} {
		r := e.do(role, http.MethodGet, "/metrics", nil)
		if r.Status != want || (want == 200 && !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain")) {
			t.Errorf("%s: %d, want %d", role, r.Status, want)
		}
	}
}

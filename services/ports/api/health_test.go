package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/ports/api"
)

// readyz is 503 while any dependency is down, 200 when all answer; healthz
// only says the process serves.
func TestReadinessFollowsDependencies(t *testing.T) {
	e := newEnv(t)
	natsDown := errors.New("not connected")
	var natsErr error
	srv := httptest.NewServer(api.New(api.Config{Pool: e.pool, Store: e.store, Ledger: ledger.New(e.store, ledger.Config{}),
		Tokens: auth.NewTokens(e.pool), Ready: map[string]func(context.Context) error{"nats": func(context.Context) error { return natsErr }}}))
	defer srv.Close()
	status := func(s *httptest.Server, path string) (int, string) {
		res, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body struct{ Status string }
		_ = json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body.Status
	}
	if code, _ := status(srv, "/readyz"); code != http.StatusOK {
		t.Fatalf("all up: readyz %d", code)
	}
	natsErr = natsDown
	if code, why := status(srv, "/readyz"); code != http.StatusServiceUnavailable || why != "nats: not connected" {
		t.Fatalf("NATS down: readyz %d %q", code, why)
	}
	// Postgres unreachable: a pool on a closed port.
	dead, err := pgxpool.New(context.Background(), "postgres://postgres@127.0.0.1:1/x?connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	down := httptest.NewServer(api.New(api.Config{Pool: dead, Store: eventstore.New(dead), Ledger: ledger.New(eventstore.New(dead), ledger.Config{}), Tokens: auth.NewTokens(dead)}))
	defer down.Close()
	if code, _ := status(down, "/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("Postgres down: readyz %d", code)
	}
	if code, _ := status(down, "/healthz"); code != http.StatusOK {
		t.Fatalf("Postgres down: healthz %d", code)
	}
}

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
	"github.com/aidledger/aidledger/services/ports/api"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// readyz is 503 while any dependency is down, 200 when all answer; healthz
// only says the process serves.
func TestReadinessFollowsDependencies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	natsDown := errors.New("not connected")
	var natsErr error
	a, err := api.New(api.Config{Pool: e.pool, Store: e.store, Ledger: testenv.Ledger(t, e.store),
		Tokens: auth.NewTokens(e.pool), Ready: map[string]func(context.Context) error{"nats": func(context.Context) error { return natsErr }}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
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

package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/events/relay"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/intake/demo"
	"github.com/aidledger/aidledger/services/ports/api"
	"github.com/aidledger/aidledger/services/ports/web"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// stack is the whole ledger: Postgres, embedded NATS, relay, projector,
// and the web interface with the HTTP API behind it.
type stack struct {
	t     testing.TB
	pool  *pgxpool.Pool
	store *eventstore.Store
	srv   *httptest.Server
	nats  string
	token string
	keys  atomic.Int64
}

// newDemoStack is a stack holding the demo data set, with its read models
// caught up.
func newDemoStack(t testing.TB) *stack {
	t.Helper()
	s := newStack(t)
	if _, err := demo.Load(context.Background(), s.store); err != nil {
		t.Fatal(err)
	}
	s.waitProjected()
	return s
}

// withoutProjector leaves the read models unfed: they stay behind the
// ledger.
type withoutProjector struct{}

func newStack(t testing.TB, opts ...withoutProjector) *stack {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pool := testenv.MigratedPool(t)
	_, natsURL := testenv.NATS(t)
	store := eventstore.New(pool)
	s := &stack{t: t, pool: pool, store: store, nats: natsURL}
	var err error
	if s.token, err = auth.NewTokens(pool).Create(ctx, auth.Principal{Name: "e2e", Role: auth.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	ensureStream(t, natsURL) // before the projector looks for it
	r, err := relay.New(relay.Config{Store: store, Pool: pool, NATSURL: natsURL})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{}, 2)
	go func() { _ = r.Run(ctx); done <- struct{}{} }()
	go func() {
		if len(opts) == 0 {
			_ = projections.Run(ctx, projections.RunnerConfig{Pool: pool, NATSURL: natsURL,
				Projections: []projections.Projection{balances.New(), audittrail.New(), yearend.New()}})
		}
		done <- struct{}{}
	}()
	for _, p := range []projections.Projection{balances.New(), audittrail.New(), yearend.New()} {
		if err := projections.Migrate(ctx, pool, p); err != nil {
			t.Fatal(err)
		}
	}
	l := testenv.Ledger(t, store)
	a, err := api.New(api.Config{Pool: pool, Store: store, Ledger: l, Tokens: auth.NewTokens(pool), NATSURL: natsURL})
	if err != nil {
		t.Fatal(err)
	}
	w, err := web.New(web.Config{Pool: pool, Store: store, Ledger: l, Users: auth.NewUsers(pool), NATSURL: natsURL,
		ReadModels: []projections.Projection{balances.New(), audittrail.New(), yearend.New()}, API: a})
	if err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(w)
	t.Cleanup(func() {
		s.srv.Close()
		cancel()
		<-done
		<-done
		pool.Close()
	})
	return s
}

// do sends a request as admin and decodes the JSON answer into out (if
// not nil); it returns the status.
func (s *stack) do(method, path string, body, out any) int {
	s.t.Helper()
	return s.doAs(s.token, method, path, body, out)
}

// doAs is do with another bearer token.
func (s *stack) doAs(token, method, path string, body, out any) int {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.srv.URL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if method == http.MethodPost || method == http.MethodPut {
		req.Header.Set("Idempotency-Key", fmt.Sprintf("e2e-key-%07d", s.keys.Add(1)))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 {
		s.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			s.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return res.StatusCode
}

// establish records, as admin, a pairing of donor (code, name: the short
// name is its first character) with partner county code under programme,
// in force 2021–2030, and returns its id.
func (s *stack) establish(donorCode, donorName, code, name, programme string) string {
	s.t.Helper()
	var w map[string]any
	if st := s.do(http.MethodPost, "/v1/pairings", obj{"donor": obj{"code": donorCode, "name": donorName, "short_name": donorName[:3]},
		"partner": obj{"code": code, "name": name, "short_name": name[:3]}, "programme": programme,
		"agreement_doc_no": "协议" + code, "valid_from": "2021-01-01", "valid_to": "2030-12-31"}, &w); st != http.StatusCreated {
		s.t.Fatalf("pairing %s: %d", code, st)
	}
	return w["pairing_id"].(string)
}

// waitProjected waits until both read models have applied the ledger head.
func (s *stack) waitProjected() int64 {
	s.t.Helper()
	head, _, err := s.store.Head(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	for _, p := range []projections.Projection{balances.New(), audittrail.New(), yearend.New()} {
		if _, err := projections.WaitFor(context.Background(), s.pool, p, head, 60*time.Second); err != nil {
			s.t.Fatal(err)
		}
	}
	return head
}

// get fetches path as admin and returns the status, body and headers.
func (s *stack) get(path string) (int, []byte, http.Header) {
	s.t.Helper()
	return s.getAs(s.token, path)
}

// getAs fetches path with token and returns the status, body and headers.
func (s *stack) getAs(token, path string) (int, []byte, http.Header) {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body, res.Header
}

// ensureStream creates the LEDGER stream, as aidledger does at start.
func ensureStream(t testing.TB, url string) {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := relay.EnsureStream(context.Background(), js, relay.StreamConfig{}); err != nil {
		t.Fatal(err)
	}
}

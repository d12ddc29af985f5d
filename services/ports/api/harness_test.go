package api_test

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

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ports/api"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// env is a ledger served over real HTTP on a real Postgres database, with a
// token for each role.
type env struct {
	t      testing.TB
	srv    *httptest.Server
	api    *api.Server
	pool   *pgxpool.Pool
	store  *eventstore.Store
	tokens map[string]string // "admin", "recorder" (donor D1), "recorder2" (donor D2), "auditor", "partner" (632624)
	keys   atomic.Int64
}

func newEnv(t testing.TB) *env { return newEnvWith(t, nil) }

// newEnvWith is newEnv with the API's Config changed by configure.
func newEnvWith(t testing.TB, configure func(*api.Config)) *env {
	t.Helper()
	ctx := context.Background()
	pool := testenv.MigratedPool(t)
	store := eventstore.New(pool)
	tokens := auth.NewTokens(pool)
	cfg := api.Config{Pool: pool, Store: store, Ledger: testenv.Ledger(t, store), Tokens: tokens}
	if configure != nil {
		configure(&cfg)
	}
	a, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, api: a, pool: pool, store: store, tokens: map[string]string{}}
	for name, p := range map[string]auth.Principal{
		"admin":     {Name: "admin", Role: auth.RoleAdmin},
		"recorder":  {Name: "张会计", Role: auth.RoleRecorder, DonorCode: "D1"},
		"recorder2": {Name: "李会计", Role: auth.RoleRecorder, DonorCode: "D2"},
		"auditor":   {Name: "审计员", Role: auth.RoleAuditor},
		"partner":   {Name: "班玛县财政局", Role: auth.RolePartner, PartnerCode: "632624"},
		"partner2":  {Name: "镇坪县财政局", Role: auth.RolePartner, PartnerCode: "610927"},
	} {
		if e.tokens[name], err = tokens.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	e.srv = httptest.NewServer(a)
	t.Cleanup(e.srv.Close)
	return e
}

// response is an HTTP answer decoded as JSON.
type response struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    []byte
}

func (r response) str(k string) string { s, _ := r.Body[k].(string); return s }
func (r response) num(k string) int64  { f, _ := r.Body[k].(float64); return int64(f) }

// do sends method path with body (a value marshalled as JSON, or []byte
// sent as is) as the given role; headers are extra "Name: value" pairs.
func (e *env) do(role, method, path string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	out := response{Status: res.StatusCode, Header: res.Header}
	out.Raw, _ = io.ReadAll(res.Body)
	_ = json.Unmarshal(out.Raw, &out.Body)
	return out
}

// post sends a command with a fresh idempotency key.
func (e *env) post(role, path string, body any) response {
	e.t.Helper()
	return e.do(role, http.MethodPost, path, body, "Idempotency-Key", fmt.Sprintf("test-key-%06d", e.keys.Add(1)))
}

// mustPost is post that must answer 201; it returns the answer.
func (e *env) mustPost(role, path string, body any) response {
	e.t.Helper()
	r := e.post(role, path, body)
	if r.Status != http.StatusCreated {
		e.t.Fatalf("POST %s: %d %s", path, r.Status, r.Raw)
	}
	return r
}

// head is the ledger position.
func (e *env) head() int64 {
	e.t.Helper()
	pos, _, err := e.store.Head(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return pos
}

// expectRejected posts body and requires the status and code, and that
// the log did not move.
func (e *env) expectRejected(role, path string, body any, status int, code string) response {
	e.t.Helper()
	before := e.head()
	r := e.post(role, path, body)
	if r.Status != status || r.str("code") != code {
		e.t.Fatalf("POST %s: got %d %s, want %d %s", path, r.Status, r.Raw, status, code)
	}
	if r.str("message") == "" || r.str("message_zh") == "" {
		e.t.Fatalf("POST %s: rejection without message/message_zh: %s", path, r.Raw)
	}
	if after := e.head(); after != before {
		e.t.Fatalf("POST %s was rejected but the log moved from %d to %d", path, before, after)
	}
	return r
}

// fixture is a donor D1 paired with 班玛县 (632624) and 镇坪县 (610927), a
// 1,000,000 元 commitment and a 300,000 元 disbursement against it.
type fixture struct {
	pairing, pairing2, commitment, disbursement string
}

func pairingBody(donor, partner, programme, from, to string) map[string]any {
	return map[string]any{
		"donor":     map[string]any{"code": donor, "name": "甲区 " + donor, "short_name": "甲"},
		"partner":   map[string]any{"code": partner, "name": "乙县 " + partner, "short_name": "乙"},
		"programme": programme, "agreement_doc_no": "协议〔2021〕1号", "valid_from": from, "valid_to": to,
	}
}

func (e *env) fixture() fixture {
	e.t.Helper()
	var f fixture
	f.pairing = e.mustPost("recorder", "/v1/pairings", pairingBody("D1", "632624", "east_west", "2021-01-01", "2030-12-31")).str("pairing_id")
	f.pairing2 = e.mustPost("recorder", "/v1/pairings", pairingBody("D1", "610927", "mountain_sea", "2021-01-01", "2025-06-30")).str("pairing_id")
	f.commitment = e.mustPost("recorder", "/v1/commitments", map[string]any{
		"pairing_id": f.pairing, "amount_fen": 100_000_000, "budget_year": 2025, "source_level": "district",
		"doc_no": "甲财〔2025〕12号", "business_date": "2025-03-01"}).str("commitment_id")
	f.disbursement = e.mustPost("recorder", "/v1/disbursements", map[string]any{
		"commitment_id": f.commitment, "amount_fen": 30_000_000, "business_date": "2025-04-01",
		"payee_name": "乙县财政局", "voucher_no": "PZ-2025-0001"}).str("disbursement_id")
	return f
}

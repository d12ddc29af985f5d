package history_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/ports/api"
	"github.com/aidledger/aidledger/services/reporting/history"
)

// TestHistoryHTTP covers GET /v1/history/{entity_id}: read scope (hidden
// as 404), the access log written for every read, and 503 when it cannot be.
func TestHistoryHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tokens := auth.NewTokens(e.pool)
	srv, err := api.New(api.Config{Pool: e.pool, Store: e.store, Ledger: e.l, Tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	if srv.OpenAPI().Paths["/v1/history/{entity_id}"] == nil {
		t.Fatal("GET /v1/history/{entity_id} is not registered: api.New must call s.registerHistory()")
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	tok := map[string]string{}
	for name, p := range map[string]auth.Principal{
		"auditor":   {Name: "审计员", Role: auth.RoleAuditor},
		"recorder":  recorder,
		"recorder2": {Name: "李会计", Role: auth.RoleRecorder, DonorCode: "D2"},
		"partner":   partner,
		"partner2":  {Name: "镇坪县财政局", Role: auth.RolePartner, PartnerCode: "610927"},
		"partner3":  {Name: "某县财政局", Role: auth.RolePartner, PartnerCode: "513331"},
	} {
		var err error
		if tok[name], err = tokens.Create(e.ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	get := func(role, id string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, hs.URL+"/v1/history/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+tok[role])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		return res.StatusCode, body
	}
	accessLog := auth.NewAccessLog(e.pool)
	lastEntry := func() auth.AccessEntry {
		t.Helper()
		es, err := accessLog.List(e.ctx, 1)
		if err != nil || len(es) != 1 {
			t.Fatalf("access log: %v %v", es, err)
		}
		return es[0]
	}

	pairing, pairing2 := e.pairing("632624"), e.pairing("610927")
	c := e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.CommitFunds(ctx, r, ledger.CommitFunds{PairingID: pairing, AmountFen: 100_000_000, BudgetYear: 2025,
			SourceLevel: events.SourceLevel("district"), DocNo: "甲财〔2025〕12号", BusinessDate: "2025-03-01"})
	}).CommitmentID
	visit := e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.RecordVisit(ctx, r, ledger.RecordVisit{PairingIDs: []string{pairing, pairing2}, Direction: events.VisitOutbound, StartDate: "2025-03-03"})
	}).VisitID

	for _, tc := range []struct {
		role, id string
		status   int
	}{
		{"auditor", c, 200}, {"recorder", c, 200}, {"partner", c, 200},
		{"recorder2", c, 404}, {"partner2", c, 404},
		{"partner2", visit, 200}, {"partner3", visit, 404},
		{"auditor", events.NewID(), 404}, {"auditor", "nonsense", 404},
	} {
		n := len(must(accessLog.List(e.ctx, 1000)))
		status, body := get(tc.role, tc.id)
		if status != tc.status {
			t.Errorf("%s GET history %s: %d %v, want %d", tc.role, tc.id, status, body, tc.status)
			continue
		}
		if after := len(must(accessLog.List(e.ctx, 1000))); after != n+1 {
			t.Errorf("%s GET history %s: access log grew by %d, want 1", tc.role, tc.id, after-n)
		}
		entry := lastEntry()
		if entry.Action != history.ReadAction || entry.Target != tc.id || entry.Detail == "" {
			t.Errorf("%s GET history %s: logged %+v", tc.role, tc.id, entry)
		}
		if status == 404 && (body["code"] != "not_found" || body["message_zh"] == "") {
			t.Errorf("404 body %v", body)
		}
	}
	status, body := get("auditor", c)
	steps, _ := body["steps"].([]any)
	if status != 200 || body["kind"] != "commitment" || len(steps) != 1 {
		t.Fatalf("auditor history: %d %v", status, body)
	}
	if entry := lastEntry(); entry.Actor != "审计员" || entry.Role != auth.RoleAuditor {
		t.Errorf("logged %+v", entry)
	}
	fig := steps[0].(map[string]any)["figure"].(map[string]any)["commitment"].(map[string]any)
	if fig["outstanding_fen"] != float64(100_000_000) {
		t.Errorf("figure %v", fig)
	}

	// Without an access log nothing is shown.
	if _, err := e.pool.Exec(e.ctx, `ALTER TABLE access_log RENAME TO access_log_away`); err != nil {
		t.Fatal(err)
	}
	status, body = get("auditor", c)
	if status != http.StatusServiceUnavailable || body["code"] != "access_log_unavailable" || body["steps"] != nil {
		t.Errorf("history without an access log: %d %v", status, body)
	}
	if _, err := e.pool.Exec(e.ctx, `ALTER TABLE access_log_away RENAME TO access_log`); err != nil {
		t.Fatal(err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

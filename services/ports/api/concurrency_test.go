package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
)

// copies is how many copies of one request are sent at once.
const copies = 20

// sendCopies sends the same command, under the same Idempotency-Key, copies
// times at once (a client retrying while its first request still runs),
// and returns the answers.
func (e *env) sendCopies(role, path string, body any) []response {
	e.t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		e.t.Fatal(err)
	}
	key := fmt.Sprintf("copies-key-%06d", e.keys.Add(1))
	out := make([]response, copies)
	errs := make([]error, copies)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range copies {
		wg.Go(func() {
			<-start
			req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(raw))
			if err != nil {
				errs[i] = err
				return
			}
			req.Header.Set("Authorization", "Bearer "+e.tokens[role])
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", key)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			defer res.Body.Close()
			out[i] = response{Status: res.StatusCode, Header: res.Header}
			out[i].Raw, errs[i] = io.ReadAll(res.Body)
			_ = json.Unmarshal(out[i].Raw, &out[i].Body)
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			e.t.Fatal(err)
		}
	}
	return out
}

// TestConcurrentCopiesGetOneAnswer: copies of one write sent at once —
// every kind of write, each one that a second recording would refuse
// (the pairing would overlap, the commitment be overspent, the voucher
// taken, the receipt confirmed twice …) — all answer 201 with the same
// ids, events and position; one records, the others replay it; the log
// grows once.
func TestConcurrentCopiesGetOneAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	project := e.mustPost("recorder", "/v1/projects", map[string]any{"pairing_id": f.pairing, "name": "学校", "sector": "教育",
		"delivery_mode": "turnkey", "planned_total_fen": 50_000_000, "plan_year": 2025, "business_date": "2025-02-01"}).str("project_id")
	donation := e.mustPost("recorder", "/v1/donations", map[string]any{"pairing_id": f.pairing, "donor_name": "某企业",
		"donor_type": "enterprise", "kind": "cash", "amount_fen": 5_000_000, "receipt_no": "JZ-1", "business_date": "2025-02-01"}).str("donation_id")
	secondment := e.mustPost("recorder", "/v1/secondments", map[string]any{"pairing_id": f.pairing, "person_ref": "P-9",
		"category": "doctor", "sending_org": "区医院", "host_org": "县医院", "start_date": "2024-01-01"}).str("secondment_id")

	for _, c := range []struct {
		name, role, path string
		body             any
	}{
		{"pairing", "recorder", "/v1/pairings", pairingBody("D1", "522701", "east_west", "2021-01-01", "2030-12-31")},
		{"targets", "recorder", "/v1/pairings/" + f.pairing + "/targets", map[string]any{"year": 2025,
			"targets": map[string]any{"fiscal_fen": 200_000_000, "social_fen": 0, "consumption_fen": 0, "staff_persons": 2,
				"visits": 4, "projects": 1}}},
		{"project", "recorder", "/v1/projects", map[string]any{"pairing_id": f.pairing, "name": "医院", "sector": "医疗",
			"delivery_mode": "cheque", "planned_total_fen": 10_000_000, "plan_year": 2025}},
		{"progress", "recorder", "/v1/projects/" + project + "/progress", map[string]any{"as_of": "2025-05-01",
			"status": "in_progress", "completed_investment_fen": 1_000_000}},
		{"commitment", "recorder", "/v1/commitments", map[string]any{"pairing_id": f.pairing, "amount_fen": 1_000_000,
			"budget_year": 2025, "source_level": "city", "doc_no": "市财〔2025〕3号", "business_date": "2025-03-02"}},
		{"adjustment to exactly the disbursed", "recorder", "/v1/commitments/" + f.commitment + "/adjustments", map[string]any{
			"delta_fen": -60_000_000, "reason": "调减", "doc_no": "甲财〔2025〕13号", "business_date": "2025-05-01"}},
		{"disbursement of all that is left", "recorder", "/v1/disbursements", map[string]any{"commitment_id": f.commitment,
			"amount_fen": 10_000_000, "business_date": "2025-05-02", "payee_name": "乙县财政局", "voucher_no": "PZ-2025-0002"}},
		{"receipt", "partner", "/v1/disbursements/" + f.disbursement + "/receipt", map[string]any{"received_date": "2025-04-03",
			"receipt_ref": "乙财收〔2025〕1号"}},
		{"whole reversal", "recorder", "/v1/disbursements/" + f.disbursement + "/reversals", map[string]any{"amount_fen": 30_000_000,
			"reason": "funds_returned", "business_date": "2025-05-03"}},
		{"donation", "recorder", "/v1/donations", map[string]any{"pairing_id": f.pairing, "donor_name": "某基金会",
			"donor_type": "social_org", "kind": "cash", "amount_fen": 2_000_000, "receipt_no": "JZ-2", "business_date": "2025-02-03"}},
		{"purchase", "recorder", "/v1/purchases", map[string]any{"pairing_id": f.pairing, "buyer_name": "区机关食堂",
			"supplier_name": "合作社", "product": "牦牛肉", "amount_fen": 3_000_000, "channel": "canteen", "order_no": "CG-1",
			"completed_date": "2025-03-03"}},
		{"sale", "recorder", "/v1/sales", map[string]any{"pairing_id": f.pairing, "channel": "fair", "order_no": "XS-1",
			"period_from": "2025-04-01", "period_to": "2025-04-03", "amount_fen": 4_000_000}},
		{"secondment", "recorder", "/v1/secondments", map[string]any{"pairing_id": f.pairing, "person_ref": "P-10",
			"category": "teacher", "sending_org": "区教育局", "host_org": "县中学", "start_date": "2025-03-01"}},
		{"secondment end", "recorder", "/v1/secondments/" + secondment + "/end", map[string]any{"end_date": "2025-01-31"}},
		{"visit", "recorder", "/v1/visits", map[string]any{"pairing_ids": []string{f.pairing, f.pairing2}, "direction": "outbound",
			"start_date": "2025-03-10", "delegation_size": 8}},
		{"entry reversal", "recorder", "/v1/donations/" + donation + "/reversals", map[string]any{"reason": "entry_error",
			"business_date": "2025-02-05"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := e.head()
			answers := e.sendCopies(c.role, c.path, c.body)
			var first map[string]any
			recorded := 0
			for i, a := range answers {
				if a.Status != http.StatusCreated {
					t.Fatalf("copy %d: %d %s", i, a.Status, a.Raw)
				}
				if a.Body["replayed"] == false {
					recorded++
				}
				delete(a.Body, "replayed")
				if first == nil {
					first = a.Body
				} else if fmt.Sprint(a.Body) != fmt.Sprint(first) {
					t.Fatalf("copy %d answered %v, another %v", i, a.Body, first)
				}
			}
			events := len(first["event_ids"].([]any))
			if recorded != 1 || e.head() != before+int64(events) {
				t.Fatalf("%d copies recorded, the log moved from %d to %d for %d events", recorded, before, e.head(), events)
			}
		})
	}
}

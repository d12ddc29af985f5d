package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// FuzzCommandDecoding posts arbitrary bytes to command endpoints of one
// ledger (a real server on a real database, created once per fuzzing
// process). Whatever the body, the answer is never a 5xx; every refusal
// carries {code, message, message_zh} and leaves the log where it was.
//
//	go test ./services/ports/api -run '^$' -fuzz FuzzCommandDecoding -fuzztime 30s
func FuzzCommandDecoding(f *testing.F) {
	e := newEnv(f)
	fx := e.fixture()
	donation := e.mustPost("recorder", "/v1/donations", donationBody(fx.pairing, "FZ-SJ-0", 1_000_000, "2025-05-01")).str("donation_id")
	project := e.mustPost("recorder", "/v1/projects", projectBody(fx.pairing, "2025-01-10")).str("project_id")
	secondment := e.mustPost("recorder", "/v1/secondments", secondmentBody(fx.pairing, "FZ-P-0", "2025-01-01")).str("secondment_id")

	targets := []string{
		"/v1/disbursements",
		"/v1/donations",
		"/v1/pairings",
		"/v1/commitments",
		"/v1/commitments/" + fx.commitment + "/adjustments",
		"/v1/disbursements/" + fx.disbursement + "/reversals",
		"/v1/donations/" + donation + "/reversals",
		"/v1/purchases",
		"/v1/sales",
		"/v1/visits",
		"/v1/secondments",
		"/v1/secondments/" + secondment + "/end",
		"/v1/projects/" + project + "/progress",
	}
	roles := []string{"recorder", "admin", "recorder2", "partner"}

	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		return string(b)
	}
	valid := []string{
		js(disburseBody(fx.commitment, 1_000, "FZ-PZ-1", "2025-05-01")),
		js(with(donationBody(fx.pairing, "FZ-SJ-1", 5_300_000, "2025-05-01"), "kind", "in_kind", "valuation_basis", "发票",
			"items", []obj{{"description": "课桌椅", "quantity": "200", "unit": "套", "value_fen": 5_300_000}})),
		js(pairingBody("D1", "632624", "three_gorges", "2021-01-01", "2021-12-31")),
		js(commitBody(fx.pairing, 1_000, "2025-05-01")),
		js(adjustBody(-1_000, "2025-05-01")),
		js(reversalBody(1_000, "entry_error", "2025-05-01")),
		js(obj{"reason": "funds_returned", "amount_fen": 100, "business_date": "2025-05-02"}),
		js(purchaseBody(fx.pairing, "platform_832", "FZ-O-1", 1_000, "2025-05-01")),
		js(saleBody(fx.pairing, "fair", "FZ-O-2", 1_000, "2025-05-01", "2025-05-31")),
		js(visitBody(fx.pairing, "2025-05-01")),
		js(with(secondmentBody(fx.pairing, "FZ-P-1", "2025-02-01"), "planned_end_date", "2025-12-31")),
		js(obj{"end_date": "2025-06-30"}),
		js(progressBody("2025-03-01", "in_progress", 1_000)),
	}
	for i, b := range valid {
		f.Add(uint8(i), []byte(b))
	}
	for i, b := range []string{
		``, `{`, `}`, `null`, `[]`, `"x"`, `0`, `{}`, `{"":null}`,
		`{"commitment_id":"` + fx.commitment + `","amount_fen":"100","business_date":"2025-05-01","payee_name":"x","voucher_no":"v"}`,
		`{"commitment_id":"` + fx.commitment + `","amount_fen":1e30,"business_date":"2025-05-01","payee_name":"x","voucher_no":"v"}`,
		`{"commitment_id":"` + fx.commitment + `","amount_fen":99999999999999999999,"business_date":"2025-05-01","payee_name":"x","voucher_no":"v"}`,
		`{"commitment_id":"` + fx.commitment + `","amount_fen":-1.5,"business_date":"2025-13-01","payee_name":"x","voucher_no":"v"}`,
		`{"commitment_id":"` + fx.commitment + `","amount_fen":1,"business_date":"2025-05-01","payee_name":"\u4e59\u53bf\u8d22\u653f\u5c40","voucher_no":"v","over_commitment":{"justification":"","approved_by":null}}`,
		`{"pairing_id":"` + fx.pairing + `","donor_name":"x","donor_type":"enterprise","kind":"in_kind","amount_fen":1,"receipt_no":"r","business_date":"2025-05-01","items":[null,{}]}`,
		`{"donor":{"code":"D1","name":"a","short_name":"b","x":1},"partner":{"code":"632624"},"programme":"east_west","valid_from":"2030-01-01","valid_to":"2020-01-01"}`,
		`{"delta_fen":-9223372036854775808,"reason":"r","doc_no":"d","business_date":"2025-05-01"}`,
		`{"amount_fen":0,"reason":"entry_error","business_date":"2025-05-01","reversal_id":"01ARZ3NDEKTSV4RRFFQ69G5FAV"}`,
		`{"reason":"funds_returned","amount_fen":99999999,"business_date":""}`,
		`{"pairing_ids":["` + fx.pairing + `","` + fx.pairing2 + `"],"direction":"inbound","start_date":"2025-06-01","end_date":"2025-05-01","delegation_size":-1}`,
		`{"pairing_id":"` + fx.pairing + `","person_ref":"../../etc","category":"cadre","sending_org":"a","host_org":"b","start_date":"2025-02-29"}`,
		`{"as_of":"2025-03-01","status":"accepted","completed_investment_fen":1,"as_of":"2024-01-01"}`,
	} {
		f.Add(uint8(i), []byte(b))
	}

	client := &http.Client{Timeout: 30 * time.Second}
	var seq atomic.Int64
	head := func(t *testing.T) int64 {
		pos, _, err := e.store.Head(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return pos
	}
	f.Fuzz(func(t *testing.T, target uint8, body []byte) {
		path := targets[int(target)%len(targets)]
		role := roles[int(target)/len(targets)%len(roles)]
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", fmt.Sprintf("fuzz-%d-%d", os.Getpid(), seq.Add(1)))
		before := head(t)
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		raw, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatalf("POST %s: reading the answer: %v", path, err)
		}
		if res.StatusCode >= 500 {
			t.Fatalf("POST %s as %s with %q: %d %s", path, role, body, res.StatusCode, raw)
		}
		if res.StatusCode >= 200 && res.StatusCode < 300 {
			return
		}
		var rej struct{ Code, Message, MessageZh string }
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("POST %s as %s with %q: %d, body is not JSON: %s", path, role, body, res.StatusCode, raw)
		}
		rej.Code, _ = m["code"].(string)
		rej.Message, _ = m["message"].(string)
		rej.MessageZh, _ = m["message_zh"].(string)
		if rej.Code == "" || rej.Message == "" || rej.MessageZh == "" {
			t.Fatalf("POST %s as %s with %q: %d without code/message/message_zh: %s", path, role, body, res.StatusCode, raw)
		}
		if after := head(t); after != before {
			t.Fatalf("POST %s as %s with %q: refused (%d %s) but the log moved from %d to %d", path, role, body, res.StatusCode, rej.Code, before, after)
		}
	})
}

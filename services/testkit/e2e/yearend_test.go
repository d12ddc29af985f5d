package e2e_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aidledger/aidledger/services/auth"
)

// The worked example of docs/domain.md §11, recorded through the HTTP API and read back
// as the year-end summary after relay, JetStream and projector.
func TestYearEndWorkedExampleThroughTheStack(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	pairing := func(partner, name, short string) string {
		var w map[string]any
		if st := s.do(http.MethodPost, "/v1/pairings", obj{"donor": obj{"code": "JIA", "name": "甲区", "short_name": "甲"},
			"partner": obj{"code": partner, "name": name, "short_name": short}, "programme": "east_west",
			"agreement_doc_no": "协议", "valid_from": "2021-01-01", "valid_to": "2030-12-31"}, &w); st != http.StatusCreated {
			t.Fatalf("pairing: %d", st)
		}
		return w["pairing_id"].(string)
	}
	post := func(path string, body obj) map[string]any {
		t.Helper()
		var w map[string]any
		if st := s.do(http.MethodPost, path, body, &w); st != http.StatusCreated {
			t.Fatalf("POST %s: %d", path, st)
		}
		return w
	}
	yi, bing := pairing("510001", "乙县", "乙"), pairing("510002", "丙县", "丙")
	for i := range 3 {
		post("/v1/visits", obj{"pairing_ids": []string{yi}, "direction": "outbound", "start_date": fmt.Sprintf("2025-0%d-10", 3+i)})
	}
	post("/v1/visits", obj{"pairing_ids": []string{bing}, "direction": "inbound", "start_date": "2025-05-10"})
	for i := range 12 {
		post("/v1/secondments", obj{"pairing_id": yi, "person_ref": fmt.Sprintf("T%02d", i), "category": []string{"teacher", "doctor"}[i%2],
			"sending_org": "甲区教育局", "host_org": "乙县中学", "start_date": "2025-03-01"})
	}
	commit := func(pid string, fen int64) string {
		return post("/v1/commitments", obj{"pairing_id": pid, "amount_fen": fen, "budget_year": 2025, "source_level": "district",
			"doc_no": "甲财〔2025〕1号", "business_date": "2025-02-01"})["commitment_id"].(string)
	}
	c := commit(yi, 300_000_000)
	disburse := func(c string, fen int64, voucher string) string {
		return post("/v1/disbursements", obj{"commitment_id": c, "amount_fen": fen, "business_date": "2025-04-01",
			"payee_name": "乙县财政局", "voucher_no": voucher})["disbursement_id"].(string)
	}
	disburse(c, 240_000_000, "PZ-1")
	wrong := disburse(c, 20_000_000, "PZ-2")
	post("/v1/disbursements/"+wrong+"/reversals", obj{"amount_fen": 20_000_000, "reason": "entry_error", "business_date": "2025-04-02"})
	disburse(c, 20_000_000, "PZ-2") // re-entered under the freed voucher
	disburse(commit(bing, 100_000_000), 100_000_000, "PZ-3")
	post("/v1/donations", obj{"pairing_id": yi, "donor_name": "某集团", "donor_type": "enterprise", "kind": "cash",
		"amount_fen": 43_600_000, "receipt_no": "SJ-1", "business_date": "2025-06-01"})
	post("/v1/purchases", obj{"pairing_id": yi, "buyer_name": "甲区机关食堂", "supplier_name": "乙县合作社", "supplier_county_code": "510001",
		"product": "牦牛肉", "amount_fen": 50_500_000, "channel": "canteen", "order_no": "O-1", "completed_date": "2025-07-01"})
	post("/v1/sales", obj{"pairing_id": yi, "channel": "store", "period_from": "2025-01-01", "period_to": "2025-09-30", "amount_fen": 40_000_000})
	head := s.waitProjected()

	const want = "开展甲-乙区县互访调研3次，选派专业技术人才12名，完成对乙县财政帮扶260万元、社会帮扶40余万元、采购、帮助销售当地农副产品90余万元；" +
		"开展甲-丙区县互访调研1次，完成对丙县财政帮扶100万元。"
	st, first, hdr := s.get("/v1/reports/yearend?donor=JIA&year=2025")
	if st != http.StatusOK || !strings.Contains(string(first), want) {
		t.Fatalf("summary %d:\n%s\nwant the paragraph\n%s", st, first, want)
	}
	if hdr.Get("X-Ledger-Position") != fmt.Sprint(head) {
		t.Fatalf("computed at %s, ledger head %d", hdr.Get("X-Ledger-Position"), head)
	}
	_, again, _ := s.get("/v1/reports/yearend?donor=JIA&year=2025")
	if !bytes.Equal(first, again) {
		t.Fatal("the same summary at the same position differs")
	}
	// One more event: the summary read right after it (the read waits for
	// the read model to catch up with the ledger as the request found it)
	// changes and says where it was computed.
	post("/v1/visits", obj{"pairing_ids": []string{bing}, "direction": "outbound", "start_date": "2025-08-10"})
	_, later, hdr2 := s.get("/v1/reports/yearend?donor=JIA&year=2025")
	if bytes.Equal(first, later) || hdr2.Get("X-Ledger-Position") == hdr.Get("X-Ledger-Position") ||
		!strings.Contains(string(later), "开展甲-丙区县互访调研2次") {
		t.Fatalf("after one more visit the summary did not move:\n%s", later)
	}
	// The earlier state can still be reproduced byte for byte.
	_, old, _ := s.get(fmt.Sprintf("/v1/reports/yearend?donor=JIA&year=2025&at_position=%d", head))
	if !bytes.Equal(first, old) {
		t.Fatal("at_position did not reproduce the earlier summary")
	}
	// Reading records nothing; publishing records one SummaryGenerated
	// per distinct summary, a repeat nothing new.
	summaries := func() int {
		var log struct {
			Events []struct {
				Type string `json:"type"`
			} `json:"events"`
		}
		s.do(http.MethodGet, "/v1/events?limit=1000", nil, &log)
		n := 0
		for _, e := range log.Events {
			if e.Type == "aid.summary_generated" {
				n++
			}
		}
		return n
	}
	if n := summaries(); n != 0 {
		t.Fatalf("%d SummaryGenerated events after reading summaries, want 0: a GET writes nothing", n)
	}
	var pub struct {
		Position   int64  `json:"position"`
		TextSHA256 string `json:"text_sha256"`
		Recorded   struct {
			Replayed bool `json:"replayed"`
		} `json:"recorded"`
	}
	publish := obj{"donor": "JIA", "year": 2025, "format": "text", "at_position": head}
	for i, replayed := range []bool{false, true} {
		if st := s.do(http.MethodPost, "/v1/reports/yearend/publications", publish, &pub); st != http.StatusCreated ||
			pub.Recorded.Replayed != replayed || pub.Position != head {
			t.Fatalf("publication %d: %d %+v", i+1, st, pub)
		}
	}
	if sum := sha256.Sum256(first); pub.TextSHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("published %s, the bytes read at that position hash to %x", pub.TextSHA256, sum)
	}
	if n := summaries(); n != 1 {
		t.Fatalf("%d SummaryGenerated events after publishing one summary twice, want 1", n)
	}
	// An auditor reads summaries but does not publish them; another
	// donor's recorder is told the donor does not exist.
	tokens := auth.NewTokens(s.pool)
	auditor, err := tokens.Create(context.Background(), auth.Principal{Name: "审计员", Role: auth.RoleAuditor})
	if err != nil {
		t.Fatal(err)
	}
	other, err := tokens.Create(context.Background(), auth.Principal{Name: "乙会计", Role: auth.RoleRecorder, DonorCode: "YI"})
	if err != nil {
		t.Fatal(err)
	}
	for token, want := range map[string]int{auditor: http.StatusForbidden, other: http.StatusNotFound} {
		if st := s.doAs(token, http.MethodPost, "/v1/reports/yearend/publications", publish, nil); st != want {
			t.Errorf("publication by another principal: %d, want %d", st, want)
		}
	}
	if st, body, h := s.get("/v1/reports/yearend?donor=JIA&year=2025&format=xlsx"); st != http.StatusOK ||
		!strings.Contains(h.Get("Content-Type"), "spreadsheetml") || !bytes.HasPrefix(body, []byte("PK")) {
		t.Fatalf("xlsx: %d %s", st, h.Get("Content-Type"))
	}
	if st, body, h := s.get("/v1/reports/yearend?donor=JIA&year=2025&format=pdf"); st != http.StatusOK ||
		h.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Fatalf("pdf: %d %s", st, h.Get("Content-Type"))
	}
	if st, _, _ := s.get("/v1/reports/yearend?donor=JIA&year=2025&format=docx"); st != http.StatusUnprocessableEntity {
		t.Fatalf("unknown format: %d", st)
	}
}

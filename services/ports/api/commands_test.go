package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
)

func TestWriteAnswersIDsEventsAndPosition(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	r := e.mustPost("recorder", "/v1/donations", map[string]any{"pairing_id": f.pairing, "donor_name": "某某集团", "donor_type": "enterprise",
		"kind": "cash", "amount_fen": 43_600_000, "receipt_no": "SJ-001", "business_date": "2025-05-01"})
	if !events.ValidID(r.str("donation_id")) || r.num("position") != 5 {
		t.Fatalf("answer %s: want a donation_id and position 5", r.Raw)
	}
	ids, _ := r.Body["event_ids"].([]any)
	if len(ids) != 1 {
		t.Fatalf("answer %s: want one event id", r.Raw)
	}
	s := e.do("admin", http.MethodGet, "/v1/streams/donation-"+r.str("donation_id"), nil)
	if s.Status != 200 || s.num("version") != 1 {
		t.Fatalf("stream: %d %s", s.Status, s.Raw)
	}
}

func TestConcurrentIdenticalRequestsWriteOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	before := e.head()
	body := map[string]any{"commitment_id": f.commitment, "amount_fen": 1_000_000, "business_date": "2025-06-01",
		"payee_name": "乙县教育局", "voucher_no": "PZ-2025-0100"}
	var wg sync.WaitGroup
	answers := make([]response, 20)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = e.do("recorder", http.MethodPost, "/v1/disbursements", body, "Idempotency-Key", "same-key-0001")
		}()
	}
	wg.Wait()
	for i, a := range answers {
		if a.Status != http.StatusCreated || a.str("disbursement_id") != answers[0].str("disbursement_id") || a.num("position") != answers[0].num("position") {
			t.Fatalf("answer %d: %d %s; first %s", i, a.Status, a.Raw, answers[0].Raw)
		}
	}
	if got := e.head(); got != before+1 {
		t.Fatalf("20 identical requests moved the log by %d, want 1", got-before)
	}
	body["amount_fen"] = 2_000_000
	r := e.do("recorder", http.MethodPost, "/v1/disbursements", body, "Idempotency-Key", "same-key-0001")
	if r.Status != http.StatusUnprocessableEntity || r.str("code") != "idempotency_key_reused" {
		t.Fatalf("changed body with the same key: %d %s", r.Status, r.Raw)
	}
	if got := e.head(); got != before+1 {
		t.Fatalf("a reused key moved the log")
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	if r := e.do("", http.MethodGet, "/v1/events", nil); r.Status != 401 || r.str("code") != "unauthorized" {
		t.Fatalf("no token: %d %s", r.Status, r.Raw)
	}
	if r := e.do("", http.MethodGet, "/v1/events", nil, "Authorization", "Bearer ald_nope"); r.Status != 401 {
		t.Fatalf("bad token: %d %s", r.Status, r.Raw)
	}
	// another donor's recorder may not write for D1's pairing, and is
	// answered as if it did not exist: the same 404 as an id never used
	commitment := func(pairing string) map[string]any {
		return map[string]any{"pairing_id": pairing, "amount_fen": 100, "budget_year": 2025, "source_level": "city", "doc_no": "x",
			"business_date": "2025-03-01"}
	}
	unknown := events.NewID()
	other := e.expectRejected("recorder2", "/v1/commitments", commitment(f.pairing), 404, "not_found")
	none := e.expectRejected("recorder2", "/v1/commitments", commitment(unknown), 404, "not_found")
	if a, b := strings.ReplaceAll(string(other.Raw), f.pairing, "ID"), strings.ReplaceAll(string(none.Raw), unknown, "ID"); a != b {
		t.Errorf("another tenant's pairing answered %s, an unknown one %s", a, b)
	}
	// the auditor writes nothing
	e.expectRejected("auditor", "/v1/pairings", pairingBody("D1", "632624", "three_gorges", "2021-01-01", "2021-12-31"), 403, "forbidden")
	// only the partner county confirms receipt
	body := map[string]any{"received_date": "2025-04-03", "receipt_ref": "DZ-01"}
	e.expectRejected("recorder", "/v1/disbursements/"+f.disbursement+"/receipt", body, 403, "forbidden")
	e.expectRejected("partner2", "/v1/disbursements/"+f.disbursement+"/receipt", body, 404, "not_found") // not its county's
	e.mustPost("partner", "/v1/disbursements/"+f.disbursement+"/receipt", body)
	e.expectRejected("partner", "/v1/disbursements/"+f.disbursement+"/receipt", body, 409, "receipt_already_confirmed")
	// the actor lands in the metadata
	log := e.do("auditor", http.MethodGet, "/v1/events?limit=1000", nil)
	evs := log.Body["events"].([]any)
	last := evs[len(evs)-1].(map[string]any)
	if last["actor"] != "班玛县财政局 (partner)" || last["type"] != "aid.funds_receipt_confirmed" {
		t.Fatalf("last event %v", last)
	}
	// read scopes: D2's recorder sees nothing of D1; the partner sees its county only
	if r := e.do("recorder2", http.MethodGet, "/v1/events", nil); len(r.Body["events"].([]any)) != 0 {
		t.Fatalf("recorder of D2 sees D1's events: %s", r.Raw)
	}
	for _, ev := range e.do("partner2", http.MethodGet, "/v1/events", nil).Body["events"].([]any) {
		if ev.(map[string]any)["partner_code"] != "610927" {
			t.Fatalf("partner 610927 sees %v", ev)
		}
	}
}

// A reader paging GET /v1/events?after= sees every event exactly once and
// in order while slow and fast commits interleave.
func TestLogPagingWhileCommitsInterleave(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	const writers, each = 4, 12
	done := make(chan struct{})
	var seen []int64
	go func() {
		defer close(done)
		var after int64
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && len(seen) < 4+writers*each; {
			r := e.do("auditor", http.MethodGet, fmt.Sprintf("/v1/events?after=%d&limit=5", after), nil)
			for _, ev := range r.Body["events"].([]any) {
				seen = append(seen, int64(ev.(map[string]any)["position"].(float64)))
			}
			after = r.num("next")
		}
	}()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if w == 0 { // slow commits: hold the transaction open after appending
					slowAppend(t, e, f.pairing, 20*time.Millisecond)
					continue
				}
				e.mustPost("recorder", "/v1/visits", map[string]any{"pairing_ids": []string{f.pairing}, "direction": "outbound",
					"start_date": fmt.Sprintf("2025-%02d-%02d", 1+w, 1+i)})
			}
		}()
	}
	wg.Wait()
	<-done
	if len(seen) != 4+writers*each {
		t.Fatalf("reader saw %d events, want %d", len(seen), 4+writers*each)
	}
	for i, p := range seen {
		if p != int64(i+1) {
			t.Fatalf("reader saw position %d at index %d", p, i)
		}
	}
}

// TestIdempotencyKeyNoOracle: another tenant sending a key already used
// (with its own body, to an entity it may not see) is answered 404 like
// any other request for that entity — never idempotency_key_reused,
// which would tell it the key exists; the key's owner still gets its
// replay.
func TestIdempotencyKeyNoOracle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	body := map[string]any{"commitment_id": f.commitment, "amount_fen": 100, "business_date": "2025-05-01",
		"payee_name": "乙县财政局", "voucher_no": "PZ-ORACLE"}
	first := e.do("recorder", http.MethodPost, "/v1/disbursements", body, "Idempotency-Key", "tenant-key-0001")
	if first.Status != http.StatusCreated {
		t.Fatalf("first: %d %s", first.Status, first.Raw)
	}
	head := e.head()
	other := e.do("recorder2", http.MethodPost, "/v1/disbursements", body, "Idempotency-Key", "tenant-key-0001")
	if other.Status != http.StatusNotFound || other.str("code") != "not_found" {
		t.Errorf("another tenant with the same key: %d %s, want 404 not_found", other.Status, other.Raw)
	}
	again := e.do("recorder", http.MethodPost, "/v1/disbursements", body, "Idempotency-Key", "tenant-key-0001")
	if again.Status != http.StatusCreated || again.str("disbursement_id") != first.str("disbursement_id") || e.head() != head {
		t.Errorf("the owner's repeat: %d %s", again.Status, again.Raw)
	}
}

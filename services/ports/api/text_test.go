package api_test

import (
	"net/http"
	"testing"
)

// TestInvalidTextIsRefused: text that is not valid UTF-8 — raw bytes, an
// overlong form, a lone surrogate — or a NUL, in a body field, a nested
// field, a query parameter or the path, is refused with 400 invalid_text
// naming where; nothing is written, nothing is silently replaced by
// U+FFFD, nothing answers 500 or 503.
func TestInvalidTextIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	donation := func(donorName string) []byte {
		return []byte(`{"pairing_id":"` + f.pairing + `","donor_name":"` + donorName + `","donor_type":"enterprise","kind":"cash",` +
			`"amount_fen":100,"receipt_no":"TXT-1","business_date":"2025-02-01"}`)
	}
	for _, c := range []struct {
		name, path string
		body       []byte
		field      string
	}{
		{"raw 0xFF", "/v1/donations", donation("某\xff企业"), "donor_name"},
		{"overlong slash", "/v1/donations", donation("a\xc0\xafb"), "donor_name"},
		{"lone surrogate", "/v1/donations", donation(`a\ud800b`), "donor_name"},
		{"NUL", "/v1/donations", donation(`a\u0000b`), "donor_name"},
		{"in a nested field", "/v1/donations", []byte(`{"pairing_id":"` + f.pairing + `","donor_name":"某企业","donor_type":"enterprise",` +
			`"kind":"in_kind","valuation_basis":"发票","amount_fen":100,"receipt_no":"TXT-2","business_date":"2025-02-01",` +
			`"items":[{"description":"ok"},{"description":"` + "\xff" + `"}]}`), "items[1].description"},
	} {
		before := e.head()
		r := e.do("recorder", http.MethodPost, c.path, c.body, "Idempotency-Key", "text-key-"+c.name)
		if r.Status != http.StatusBadRequest || r.str("code") != "invalid_text" || r.str("field") != c.field || r.str("message_zh") == "" {
			t.Errorf("%s: %d %s, want 400 invalid_text on %s", c.name, r.Status, r.Raw, c.field)
		}
		if e.head() != before {
			t.Errorf("%s: the log moved", c.name)
		}
	}
	for _, path := range []string{"/v1/audit?document_no=%FF", "/v1/audit?document_no=a%00b", "/v1/pairings?%FF=1",
		"/v1/history/%00abc", "/v1/streams/commitment-%C0%AF"} {
		r := e.do("admin", http.MethodGet, path, nil)
		if r.Status != http.StatusBadRequest || r.str("code") != "invalid_text" {
			t.Errorf("GET %s: %d %s, want 400 invalid_text", path, r.Status, r.Raw)
		}
	}
	// Valid text passes: Chinese, emoji, escaped non-ASCII.
	r := e.do("recorder", http.MethodPost, "/v1/donations", donation(`某企业 \u4e2d 😀`), "Idempotency-Key", "text-key-valid")
	if r.Status != http.StatusCreated {
		t.Fatalf("valid text: %d %s", r.Status, r.Raw)
	}
}

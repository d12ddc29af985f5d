package e2e_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// Point-in-time views through the whole stack: a disbursement, then its
// entry_error reversal; the audit trail and the year-end report read as
// recorded before the reversal show the original figure, after it the
// corrected one, and as of a business date the corrected view of it.
func TestPointInTimeThroughTheStack(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	post := func(path string, body obj) map[string]any {
		t.Helper()
		var w map[string]any
		if st := s.do(http.MethodPost, path, body, &w); st != http.StatusCreated {
			t.Fatalf("POST %s: %d", path, st)
		}
		return w
	}
	pairing := post("/v1/pairings", obj{"donor": obj{"code": "JIA", "name": "甲区", "short_name": "甲"},
		"partner": obj{"code": "510001", "name": "乙县", "short_name": "乙"}, "programme": "east_west",
		"agreement_doc_no": "协议", "valid_from": "2021-01-01", "valid_to": "2030-12-31"})["pairing_id"].(string)
	c := post("/v1/commitments", obj{"pairing_id": pairing, "amount_fen": 50_000_000, "budget_year": 2025, "source_level": "district",
		"doc_no": "甲财〔2025〕1号", "business_date": "2025-02-01"})["commitment_id"].(string)
	d := post("/v1/disbursements", obj{"commitment_id": c, "amount_fen": 20_000_000, "business_date": "2025-04-01",
		"payee_name": "乙县财政局", "voucher_no": "PZ-1"})["disbursement_id"].(string)
	dPos := s.waitProjected()
	time.Sleep(20 * time.Millisecond)
	before := time.Now()
	time.Sleep(20 * time.Millisecond)
	post("/v1/disbursements/"+d+"/reversals", obj{"amount_fen": 20_000_000, "reason": "entry_error", "business_date": "2025-06-15"})
	rPos := s.waitProjected()
	after := time.Now()
	instant := func(t time.Time) string { return url.QueryEscape(t.Format(time.RFC3339Nano)) }

	type auditAnswer struct {
		Position int64 `json:"position"`
		Data     struct {
			Entries []struct {
				Position     int64  `json:"position"`
				Relation     string `json:"relation"`
				NetAmountFen *int64 `json:"net_amount_fen"`
				Links        []struct {
					Position int64 `json:"position"`
				} `json:"links"`
			} `json:"entries"`
		} `json:"data"`
	}
	// audit returns the answer's position and its rows of disbursement d as
	// "position" (original with no links), "position[links]=net".
	audit := func(query string) (int64, []string) {
		t.Helper()
		var a auditAnswer
		if st := s.do(http.MethodGet, "/v1/audit?entity_id="+d+"&"+query, nil, &a); st != http.StatusOK {
			t.Fatalf("audit %s: %d", query, st)
		}
		var rows []string
		for _, e := range a.Data.Entries {
			r := fmt.Sprint(e.Position)
			for _, l := range e.Links {
				r += fmt.Sprintf("[%d]", l.Position)
			}
			if e.NetAmountFen != nil {
				r += fmt.Sprintf("=%d", *e.NetAmountFen)
			}
			rows = append(rows, r)
		}
		return a.Position, rows
	}
	original := []string{fmt.Sprint(dPos)}
	corrected := []string{fmt.Sprintf("%d[%d]=0", dPos, rPos), fmt.Sprint(rPos)}
	for _, tc := range []struct {
		query string
		pos   int64 // -1: the checkpoint (at least rPos)
		rows  []string
	}{
		{"as_recorded_at=" + instant(before), dPos, original},
		{"as_recorded_at=" + instant(before.In(time.FixedZone("", 8*3600))), dPos, original},
		{"at_position=" + fmt.Sprint(dPos), dPos, original},
		{"as_recorded_at=" + instant(after), rPos, corrected},
		{"as_recorded_at=2000-01-01", 0, nil},                                                            // the end of that day, UTC+8: nothing yet
		{"as_recorded_at=" + after.In(time.FixedZone("", 8*3600)).Format("2006-01-02"), rPos, corrected}, // the end of today in China
		{"as_of_date=2025-04-30", -1, corrected},                                                         // the reversal dated 15 June corrects the 1 April entry
		{"as_of_date=2025-03-31", -1, nil},                                                               // the disbursement is dated after the day
		{"as_of_date=2025-04-30&as_recorded_at=" + instant(before), dPos, original},
		{"to=2025-04-30", -1, []string{fmt.Sprintf("%d[%d]=0", dPos, rPos)}}, // a plain date bound drops the reversal row
	} {
		pos, rows := audit(tc.query)
		if (tc.pos >= 0 && pos != tc.pos) || (tc.pos < 0 && pos < rPos) {
			t.Errorf("audit %s: position %d, want %d", tc.query, pos, tc.pos)
		}
		if !slices.Equal(rows, tc.rows) {
			t.Errorf("audit %s: rows %v, want %v", tc.query, rows, tc.rows)
		}
	}
	for _, q := range []string{"at_position=1&as_recorded_at=" + instant(after), "as_of_date=2025-04-30&to=2025-05-01",
		"as_recorded_at=yesterday", "at_position=1000000"} {
		if st, body, _ := s.get("/v1/audit?" + q); st != http.StatusUnprocessableEntity {
			t.Errorf("audit %s: %d %s, want 422", q, st, body)
		}
	}

	// disbursed returns the year-end total disbursed and the position the
	// report was computed at.
	disbursed := func(query string) (int64, string) {
		t.Helper()
		st, body, hdr := s.get("/v1/reports/yearend?donor=JIA&year=2025&format=json&" + query)
		if st != http.StatusOK {
			t.Fatalf("yearend %s: %d %s", query, st, body)
		}
		var r struct {
			Report struct {
				Totals struct {
					FiscalDisbursedFen struct {
						Value int64 `json:"value"`
					} `json:"fiscal_disbursed_fen"`
				} `json:"totals"`
			} `json:"report"`
		}
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatalf("yearend %s: %v in %s", query, err, body)
		}
		return r.Report.Totals.FiscalDisbursedFen.Value, hdr.Get("X-Ledger-Position")
	}
	for _, tc := range []struct {
		query string
		fen   int64
		pos   int64 // 0: any
	}{
		{"as_recorded_at=" + instant(before), 20_000_000, dPos},
		{"as_recorded_at=" + instant(after), 0, rPos},
		{"at_position=" + fmt.Sprint(dPos), 20_000_000, dPos},
		{"as_of_date=2025-04-30", 0, 0},                                               // corrected since
		{"as_of_date=2025-04-30&as_recorded_at=" + instant(before), 20_000_000, dPos}, // as it then stood
		{"as_of_date=2025-03-31", 0, 0},
		{"cutoff=2025-04-30&as_of_date=2025-04-30", 0, 0},
	} {
		fen, pos := disbursed(tc.query)
		if fen != tc.fen || (tc.pos != 0 && pos != fmt.Sprint(tc.pos)) {
			t.Errorf("yearend %s: disbursed %d at position %s, want %d at %d", tc.query, fen, pos, tc.fen, tc.pos)
		}
	}
	for _, q := range []string{"as_recorded_at=2000-01-01"} {
		if st, body, _ := s.get("/v1/reports/yearend?donor=JIA&year=2025&" + q); st != http.StatusNotFound {
			t.Errorf("yearend %s: %d %s, want 404", q, st, body)
		}
	}
	for _, q := range []string{"at_position=1&as_recorded_at=" + instant(after), "cutoff=2025-04-30&as_of_date=2025-05-01",
		"as_of_date=2024-12-31", "as_recorded_at=soon"} {
		if st, body, _ := s.get("/v1/reports/yearend?donor=JIA&year=2025&" + q); st != http.StatusUnprocessableEntity {
			t.Errorf("yearend %s: %d %s, want 422", q, st, body)
		}
	}
}

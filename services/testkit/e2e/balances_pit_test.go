package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aidledger/aidledger/services/auth"
)

// Point-in-time balances through the whole stack: a commitment, a
// disbursement, then its entry_error reversal. The pairing's and the
// donor's balances at_position / as_recorded_at before the reversal show
// the original disbursement, after it the corrected figures; as_of_date
// counts business dates up to a day, as corrected since; only admin and
// auditor may ask; bad combinations are 422; no scratch schema survives.
func TestPointInTimeBalancesThroughTheStack(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
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
	pPos := s.waitProjected()
	c := post("/v1/commitments", obj{"pairing_id": pairing, "amount_fen": 50_000_000, "budget_year": 2025, "source_level": "district",
		"doc_no": "甲财〔2025〕1号", "business_date": "2025-02-01"})["commitment_id"].(string)
	cPos := s.waitProjected()
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

	type fiscal struct {
		CommittedFen          int64 `json:"committed_fen"`
		DisbursedFen          int64 `json:"disbursed_fen"`
		ReversedEntryErrorFen int64 `json:"reversed_entry_error_fen"`
		NetDisbursedFen       int64 `json:"net_disbursed_fen"`
	}
	var (
		committed = fiscal{CommittedFen: 50_000_000}
		original  = fiscal{CommittedFen: 50_000_000, DisbursedFen: 20_000_000, NetDisbursedFen: 20_000_000}
		corrected = fiscal{CommittedFen: 50_000_000, DisbursedFen: 20_000_000, ReversedEntryErrorFen: 20_000_000}
	)
	// pairingFiscal and donorFiscal return the answer's position and the
	// 2025 fiscal figures of the pairing and of the donor's totals.
	pairingFiscal := func(query string) (int64, fiscal) {
		t.Helper()
		var a struct {
			Position int64 `json:"position"`
			Data     []struct {
				Year   int    `json:"year"`
				Fiscal fiscal `json:"fiscal"`
			} `json:"data"`
		}
		if st := s.do(http.MethodGet, "/v1/pairings/"+pairing+"/balances?year=2025&"+query, nil, &a); st != http.StatusOK {
			t.Fatalf("pairing balances %s: %d", query, st)
		}
		if len(a.Data) != 1 || a.Data[0].Year != 2025 {
			t.Fatalf("pairing balances %s: %+v", query, a.Data)
		}
		return a.Position, a.Data[0].Fiscal
	}
	donorFiscal := func(query string) (int64, fiscal) {
		t.Helper()
		var a struct {
			Position int64 `json:"position"`
			Data     struct {
				Totals struct {
					Fiscal fiscal `json:"fiscal"`
				} `json:"totals"`
			} `json:"data"`
		}
		if st := s.do(http.MethodGet, "/v1/balances?donor=JIA&year=2025&"+query, nil, &a); st != http.StatusOK {
			t.Fatalf("donor balances %s: %d", query, st)
		}
		return a.Position, a.Data.Totals.Fiscal
	}
	for _, tc := range []struct {
		query string
		pos   int64 // -1: the live checkpoint (at least rPos)
		want  fiscal
	}{
		{"", -1, corrected},
		{"at_position=" + fmt.Sprint(pPos), pPos, fiscal{}}, // the pairing, nothing in it yet
		{"at_position=" + fmt.Sprint(cPos), cPos, committed},
		{"at_position=" + fmt.Sprint(dPos), dPos, original},
		{"at_position=" + fmt.Sprint(rPos), rPos, corrected},
		{"as_recorded_at=" + instant(before), dPos, original},
		{"as_recorded_at=" + instant(before.In(time.FixedZone("", 8*3600))), dPos, original},
		{"as_recorded_at=" + instant(after), rPos, corrected},
		{"as_recorded_at=" + after.In(time.FixedZone("", 8*3600)).Format("2006-01-02"), rPos, corrected}, // the end of today in China
		{"at_position=" + fmt.Sprint(dPos) + "&min_position=" + fmt.Sprint(rPos), dPos, original},
		// Business dates up to a day, as corrected since: the reversal
		// dated 15 June corrects a disbursement of 1 April, so it counts
		// as of any day from 1 April, once recorded.
		{"as_of_date=2025-03-01", rPos, committed},
		{"as_of_date=2025-04-01", rPos, corrected},
		{"as_of_date=2025-04-01&at_position=" + fmt.Sprint(dPos), dPos, original},
		{"as_of_date=2025-05-01&as_recorded_at=" + instant(before), dPos, original},
		{"as_of_date=2025-12-31&as_recorded_at=" + instant(after), rPos, corrected},
	} {
		for name, read := range map[string]func(string) (int64, fiscal){"pairing": pairingFiscal, "donor": donorFiscal} {
			pos, got := read(tc.query)
			if (tc.pos >= 0 && pos != tc.pos) || (tc.pos < 0 && pos < rPos) {
				t.Errorf("%s balances %q: position %d, want %d", name, tc.query, pos, tc.pos)
			}
			if got != tc.want {
				t.Errorf("%s balances %q: %+v, want %+v", name, tc.query, got, tc.want)
			}
		}
	}

	// Who may ask, and what is refused.
	tokens := auth.NewTokens(s.pool)
	token := func(p auth.Principal) string {
		t.Helper()
		tok, err := tokens.Create(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	auditor := token(auth.Principal{Name: "audit", Role: auth.RoleAuditor})
	recorder := token(auth.Principal{Name: "rec", Role: auth.RoleRecorder, DonorCode: "JIA"})
	partner := token(auth.Principal{Name: "part", Role: auth.RolePartner, PartnerCode: "510001"})
	getAs := func(tok, path string) (int, string) {
		t.Helper()
		st, body, _ := s.getAs(tok, path)
		return st, string(body)
	}
	pit := "at_position=" + fmt.Sprint(dPos)
	paths := []string{"/v1/pairings/" + pairing + "/balances?year=2025&", "/v1/balances?donor=JIA&year=2025&"}
	for _, path := range paths {
		st, body := getAs(auditor, path+pit)
		var a struct {
			Position int64 `json:"position"`
		}
		if err := json.Unmarshal([]byte(body), &a); st != http.StatusOK || err != nil || a.Position != dPos {
			t.Errorf("auditor %s: %d %s, want 200 at %d", path+pit, st, body, dPos)
		}
		for who, tok := range map[string]string{"recorder": recorder, "partner": partner} {
			if st, body := getAs(tok, path+pit); st != http.StatusForbidden {
				t.Errorf("%s %s: %d %s, want 403", who, path+pit, st, body)
			}
			if st, body := getAs(tok, path); st != http.StatusOK && !(who == "partner" && path == paths[1]) {
				t.Errorf("%s %s (live): %d %s, want 200", who, path, st, body)
			}
		}
		if st, body := getAs(recorder, path+"as_of_date=2025-05-01"); st != http.StatusForbidden {
			t.Errorf("recorder %s as_of_date: %d %s, want 403", path, st, body)
		}
		for _, q := range []string{"at_position=1&as_recorded_at=" + instant(after), "at_position=" + fmt.Sprint(rPos+1000),
			"as_recorded_at=yesterday", "as_of_date=2025-13-01"} {
			if st, body := getAs(s.token, path+q); st != http.StatusUnprocessableEntity {
				t.Errorf("admin %s: %d %s, want 422", path+q, st, body)
			}
		}
		if st, body := getAs(s.token, path+"as_recorded_at=2000-01-01"); st != http.StatusNotFound {
			t.Errorf("admin %s: %d %s, want 404 (nothing recorded yet)", path+"as_recorded_at=2000-01-01", st, body)
		}
	}
	var left int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'pit\_balances\_%'`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d point-in-time schemas left behind", left)
	}
	// The live model is untouched by all this.
	if pos, got := pairingFiscal(""); pos < rPos || got != corrected {
		t.Errorf("live pairing balances after the point-in-time reads: %d %+v", pos, got)
	}
}

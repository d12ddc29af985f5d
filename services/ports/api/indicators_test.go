package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// The office indicators through HTTP (docs/domain.md I-43 … I-51): each
// command's rules refused with their documented status and code and the
// log unchanged, a repeated key answered without a second write, the
// natural keys, reversals, and the history showing them.

func labourBody(pairing, doc string) obj {
	return obj{"pairing_id": pairing, "period_from": "2025-01-01", "period_to": "2025-06-30", "destination": "donor_area",
		"persons": 136, "poverty_persons": 58, "trainees": 212, "doc_no": doc}
}

func investmentBody(pairing, project string) obj {
	return obj{"pairing_id": pairing, "enterprise_name": "常州牧原食品科技有限公司", "credit_code": "91320412MA1N7B2C3R",
		"project_name": project, "sector": "农产品加工", "amount_fen": 1_850_000_000, "invested_date": "2025-08-18",
		"jobs": 64, "poverty_jobs": 27}
}

func TestOfficeIndicatorsThroughHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()

	// Labour transfers: the rules, the natural key, one write per key.
	e.expectRejected("recorder", "/v1/labour-transfers", with(labourBody(f.pairing, "钟人社〔2025〕31号"), "poverty_persons", 137),
		http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", "/v1/labour-transfers", with(labourBody(f.pairing, "钟人社〔2025〕31号"), "destination", "abroad"),
		http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", "/v1/labour-transfers", with(labourBody(f.pairing2, "钟人社〔2025〕31号"), "period_from", "2025-06-01",
		"period_to", "2025-07-31"), http.StatusUnprocessableEntity, "pairing_not_valid")
	e.expectRejected("recorder", "/v1/labour-transfers", with(labourBody(f.pairing, "钟人社〔2025〕31号"), "period_to", chinaDay(1)),
		http.StatusUnprocessableEntity, "future_date")
	e.expectRejected("recorder2", "/v1/labour-transfers", labourBody(f.pairing, "钟人社〔2025〕31号"), http.StatusNotFound, "not_found")
	key := []string{"Idempotency-Key", "labour-transfer-once"}
	first := e.do("recorder", http.MethodPost, "/v1/labour-transfers", labourBody(f.pairing, "钟人社〔2025〕31号"), key...)
	head := e.head()
	again := e.do("recorder", http.MethodPost, "/v1/labour-transfers", labourBody(f.pairing, "钟人社〔2025〕31号"), key...)
	if first.Status != http.StatusCreated || again.Status != http.StatusCreated || again.str("labour_transfer_id") != first.str("labour_transfer_id") ||
		e.head() != head {
		t.Fatalf("a repeated key: %d %s, then %d %s, head %d → %d", first.Status, first.Raw, again.Status, again.Raw, head, e.head())
	}
	labour := first.str("labour_transfer_id")
	r := e.expectRejected("recorder", "/v1/labour-transfers", labourBody(f.pairing, "钟人社〔2025〕31号"), http.StatusConflict, "duplicate_entry")
	if r.str("field") != "doc_no" {
		t.Errorf("field %q: %s", r.str("field"), r.Raw)
	}
	e.mustPost("recorder", "/v1/labour-transfers", with(labourBody(f.pairing, "钟人社〔2025〕31号"), "destination", "near_home"))

	// Investments: the credit code's check character, the key, a park of
	// the pairing.
	e.expectRejected("recorder", "/v1/enterprise-investments", with(investmentBody(f.pairing, "加工线"), "credit_code", "91320412MA1N7B2C3T"),
		http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", "/v1/enterprise-investments", with(investmentBody(f.pairing, "加工线"), "poverty_jobs", 65),
		http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", "/v1/enterprise-investments", with(investmentBody(f.pairing, "加工线"), "park_id", nowhere),
		http.StatusNotFound, "not_found")
	park := e.mustPost("recorder", "/v1/parks", obj{"pairing_id": f.pairing, "name": "飞地产业园", "kind": "enclave",
		"location_code": "320404", "established_date": "2024-05-20"}).str("park_id")
	e.expectRejected("recorder", "/v1/parks", obj{"pairing_id": f.pairing, "name": "飞地产业园", "kind": "co_built_park",
		"location_code": "632624", "established_date": "2024-06-01"}, http.StatusConflict, "duplicate_entry")
	otherPark := e.mustPost("recorder", "/v1/parks", obj{"pairing_id": f.pairing2, "name": "飞地产业园", "kind": "co_built_park",
		"location_code": "610927", "established_date": "2024-06-01"}).str("park_id")
	e.expectRejected("recorder", "/v1/enterprise-investments", with(investmentBody(f.pairing, "加工线"), "park_id", otherPark),
		http.StatusUnprocessableEntity, "validation_failed")
	investment := e.mustPost("recorder", "/v1/enterprise-investments", with(investmentBody(f.pairing, "加工线"), "park_id", park)).str("investment_id")
	e.expectRejected("recorder", "/v1/enterprise-investments", investmentBody(f.pairing, "加工线"), http.StatusConflict, "duplicate_entry")

	// Park reports: as of days that never go back, cumulative figures that
	// never fall, returns only from an enclave.
	reports := "/v1/parks/" + park + "/reports"
	e.expectRejected("recorder", reports, obj{"as_of": "2024-05-19", "enterprises": 1, "investment_fen": 1}, http.StatusUnprocessableEntity,
		"validation_failed")
	e.mustPost("recorder", reports, obj{"as_of": "2025-06-30", "enterprises": 7, "investment_fen": 4_620_000_000, "returns_fen": 180_000_000})
	e.expectRejected("recorder", reports, obj{"as_of": "2025-05-31", "enterprises": 8, "investment_fen": 4_700_000_000},
		http.StatusUnprocessableEntity, "as_of_not_monotonic")
	r = e.expectRejected("recorder", reports, obj{"as_of": "2025-09-30", "enterprises": 6, "investment_fen": 4_700_000_000},
		http.StatusUnprocessableEntity, "cumulative_decreased")
	if r.str("field") != "enterprises" {
		t.Errorf("field %q: %s", r.str("field"), r.Raw)
	}
	e.expectRejected("recorder", "/v1/parks/"+otherPark+"/reports", obj{"as_of": "2025-06-30", "enterprises": 1, "investment_fen": 1,
		"returns_fen": 1}, http.StatusUnprocessableEntity, "validation_failed")

	// Workshops, trainings, agreements.
	workshop := e.mustPost("recorder", "/v1/workshops", obj{"pairing_id": f.pairing, "name": "藏毯编织车间", "village": "东科村",
		"established_date": "2025-04-16"}).str("workshop_id")
	e.expectRejected("recorder", "/v1/workshops/"+workshop+"/reports", obj{"as_of": "2025-06-30", "employed": 38, "poverty_employed": 39},
		http.StatusUnprocessableEntity, "validation_failed")
	e.mustPost("recorder", "/v1/workshops/"+workshop+"/reports", obj{"as_of": "2025-06-30", "employed": 38, "poverty_employed": 21})
	e.expectRejected("recorder", "/v1/trainings", obj{"pairing_id": f.pairing, "kind": "cadre", "start_date": "2025-09-08",
		"end_date": "2025-09-12", "participants": 0, "organiser": "组织部"}, http.StatusUnprocessableEntity, "validation_failed")
	training := e.mustPost("recorder", "/v1/trainings", obj{"pairing_id": f.pairing, "kind": "cadre", "start_date": "2025-09-08",
		"end_date": "2025-09-12", "participants": 48, "organiser": "组织部"}).str("training_id")
	e.mustPost("recorder", "/v1/agreements", obj{"pairing_id": f.pairing, "title": "框架协议", "doc_no": "钟班协〔2025〕1号",
		"signed_date": "2025-03-03"})
	e.expectRejected("recorder", "/v1/agreements", obj{"pairing_id": f.pairing, "title": "另一协议", "doc_no": "钟班协〔2025〕1号",
		"signed_date": "2025-03-04"}, http.StatusConflict, "duplicate_entry")

	// Reversals: entries without money wholly, as entry errors; an
	// investment in part, as capital withdrawn; a reversed park takes no
	// more reports.
	e.expectRejected("recorder", "/v1/trainings/"+training+"/reversals", obj{"reason": "funds_returned"}, http.StatusUnprocessableEntity,
		"validation_failed")
	e.mustPost("recorder", "/v1/trainings/"+training+"/reversals", obj{"reason": "entry_error", "note": "培训延期"})
	e.expectRejected("recorder", "/v1/trainings/"+training+"/reversals", obj{"reason": "entry_error"}, http.StatusUnprocessableEntity,
		"already_reversed")
	e.mustPost("recorder", "/v1/enterprise-investments/"+investment+"/reversals", obj{"reason": "funds_returned", "amount_fen": 150_000_000,
		"business_date": "2025-12-05"})
	e.expectRejected("recorder", "/v1/enterprise-investments/"+investment+"/reversals", obj{"reason": "entry_error",
		"amount_fen": 1_800_000_000}, http.StatusUnprocessableEntity, "reversal_exceeds_original")
	e.mustPost("recorder", "/v1/labour-transfers/"+labour+"/reversals", obj{"reason": "entry_error"})
	e.mustPost("recorder", "/v1/parks/"+park+"/reversals", obj{"reason": "entry_error"})
	e.expectRejected("recorder", reports, obj{"as_of": "2025-09-30", "enterprises": 9, "investment_fen": 5_000_000_000},
		http.StatusUnprocessableEntity, "already_reversed")
	// its name is free again for the corrected entry
	e.mustPost("recorder", "/v1/parks", obj{"pairing_id": f.pairing, "name": "飞地产业园", "kind": "enclave", "location_code": "320404",
		"established_date": "2024-05-21"})

	// The history shows them (the audit trail's rows: projections/audittrail).
	for id, want := range map[string]string{park: `"site":{"kind":"park","counted":false`, investment: `"net_fen":1700000000`,
		labour: `"counted":{"counted":false}`, workshop: `"employed":38`} {
		h := e.do("auditor", http.MethodGet, "/v1/history/"+id, nil)
		if h.Status != http.StatusOK || !strings.Contains(string(h.Raw), want) {
			t.Errorf("history of %s: %d, want %s in %s", id, h.Status, want, h.Raw)
		}
	}
}

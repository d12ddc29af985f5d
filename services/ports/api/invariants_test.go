package api_test

// Invariant tests: the invariants of docs/domain.md §6 (I-1 … I-42 and
// I-54 here, I-43 … I-51 in indicators_test.go) are attacked through the
// HTTP API and must be refused with their documented status and code while
// the log stays where it was (expectRejected checks both); where it matters
// the positive counterpart shows the rule is not stricter than documented.
// I-52 and I-53 are table-tested in services/ledger's decide_test.go.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type obj = map[string]any

// absent, as a value given to with, removes the field.
var absent = &struct{}{}

// with returns a shallow copy of base with the given field/value pairs set
// (or removed, for the value absent).
func with(base obj, kv ...any) obj {
	out := make(obj, len(base)+len(kv)/2)
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == absent {
			delete(out, k)
		} else {
			out[k] = kv[i+1]
		}
	}
	return out
}

var uniqSeq atomic.Int64

// uniq returns a natural key (voucher, receipt, order number) not used before
// in this test binary.
func uniq(prefix string) string { return fmt.Sprintf("%s-%06d", prefix, uniqSeq.Add(1)) }

// chinaDay is the business day offset by days from today in China time, the
// zone in which the ledger decides what "future" means.
func chinaDay(days int) string {
	return time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, days).Format(time.DateOnly)
}

// subtest runs fn as a subtest with the env's helpers failing that subtest
// (they call e.t); subtests must not run in parallel.
func (e *env) subtest(t *testing.T, name string, fn func(t *testing.T)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		prev := e.t
		e.t = t
		defer func() { e.t = prev }()
		fn(t)
	})
}

// lastPayload is the payload of the last event of a stream.
func (e *env) lastPayload(stream string) map[string]any {
	e.t.Helper()
	r := e.do("admin", http.MethodGet, "/v1/streams/"+stream, nil)
	evs, _ := r.Body["events"].([]any)
	if r.Status != http.StatusOK || len(evs) == 0 {
		e.t.Fatalf("GET stream %s: %d %s", stream, r.Status, r.Raw)
	}
	return evs[len(evs)-1].(map[string]any)["payload"].(map[string]any)
}

// ---- command bodies (valid unless changed) ----

func commitBody(pairing string, amount int64, date string) obj {
	return obj{"pairing_id": pairing, "amount_fen": amount, "budget_year": 2025, "source_level": "district",
		"doc_no": "甲财〔2025〕" + uniq("号"), "business_date": date}
}

func adjustBody(delta int64, date string) obj {
	return obj{"delta_fen": delta, "reason": "预算调整", "doc_no": "甲财〔2025〕调1号", "business_date": date}
}

func disburseBody(commitment string, amount int64, voucher, date string) obj {
	return obj{"commitment_id": commitment, "amount_fen": amount, "business_date": date,
		"payee_name": "乙县财政局", "voucher_no": voucher}
}

func reversalBody(amount int64, reason, date string) obj {
	return obj{"amount_fen": amount, "reason": reason, "business_date": date}
}

func donationBody(pairing, receipt string, amount int64, date string) obj {
	return obj{"pairing_id": pairing, "donor_name": "某某集团", "donor_type": "enterprise", "kind": "cash",
		"amount_fen": amount, "receipt_no": receipt, "business_date": date}
}

func purchaseBody(pairing, channel, order string, amount int64, date string) obj {
	return obj{"pairing_id": pairing, "buyer_name": "甲区机关食堂", "supplier_name": "乙县牧业合作社", "product": "牦牛肉",
		"quantity": "120.5", "unit": "kg", "amount_fen": amount, "channel": channel, "order_no": order, "completed_date": date}
}

func saleBody(pairing, channel, order string, amount int64, from, to string) obj {
	b := obj{"pairing_id": pairing, "channel": channel, "period_from": from, "period_to": to, "amount_fen": amount,
		"seller": "乙县电商中心", "evidence": "销售台账"}
	if order != "" {
		b["order_no"] = order
	}
	return b
}

func secondmentBody(pairing, person, start string) obj {
	return obj{"pairing_id": pairing, "person_ref": person, "category": "teacher", "sending_org": "甲区第一中学",
		"host_org": "乙县民族中学", "start_date": start}
}

func visitBody(pairing, start string) obj {
	return obj{"pairing_ids": []string{pairing}, "direction": "outbound", "lead_level": "区委书记", "start_date": start,
		"delegation_size": 8}
}

func projectBody(pairing, date string) obj {
	return obj{"pairing_id": pairing, "name": "乙县民族中学教学楼", "sector": "教育", "delivery_mode": "turnkey",
		"planned_total_fen": 500_000_000, "plan_year": 2025, "business_date": date}
}

func progressBody(asOf, status string, invested int64) obj {
	return obj{"as_of": asOf, "status": status, "completed_investment_fen": invested}
}

const nowhere = "01ARZ3NDEKTSV4RRFFQ69G5FAV" // a well-formed ULID that names nothing

// ---- Σ disbursed ≤ committed ----

func TestInvariantDisbursedNeverExceedsCommitted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture() // 1,000,000 元 committed, 300,000 元 disbursed: 70,000,000 fen left

	e.expectRejected("recorder", "/v1/disbursements", disburseBody(f.commitment, 70_000_001, uniq("PZ"), "2025-05-01"),
		http.StatusUnprocessableEntity, "over_commitment")
	// the boundary itself is allowed
	e.mustPost("recorder", "/v1/disbursements", disburseBody(f.commitment, 70_000_000, uniq("PZ"), "2025-05-01"))
	over := disburseBody(f.commitment, 1, uniq("PZ"), "2025-05-02")
	e.expectRejected("recorder", "/v1/disbursements", over, http.StatusUnprocessableEntity, "over_commitment")

	for name, oc := range map[string]obj{
		"empty justification":      {"justification": "", "approved_by": "王局长"},
		"blank justification":      {"justification": "  \t ", "approved_by": "王局长"},
		"missing justification":    {"approved_by": "王局长"},
		"empty approver":           {"justification": "县医院急需设备款,区政府常务会同意", "approved_by": ""},
		"missing approver":         {"justification": "县医院急需设备款,区政府常务会同意"},
		"over-long justification":  {"justification": strings.Repeat("理", 1001), "approved_by": "王局长"},
		"control char in approver": {"justification": "j", "approved_by": "王\x01局长"},
	} {
		e.subtest(t, name, func(t *testing.T) {
			r := e.expectRejected("recorder", "/v1/disbursements", with(over, "over_commitment", oc),
				http.StatusUnprocessableEntity, "validation_failed")
			if !strings.HasPrefix(r.str("field"), "over_commitment") {
				t.Fatalf("field %q, want over_commitment.*: %s", r.str("field"), r.Raw)
			}
		})
	}

	// with an explicit, justified and approved flag the same disbursement passes
	// and the flag is kept in the event
	oc := obj{"justification": "县医院急需设备款,区政府常务会同意", "approved_by": "王局长"}
	e.mustPost("recorder", "/v1/disbursements", with(over, "over_commitment", oc))
	p := e.lastPayload("commitment-" + f.commitment)
	if got, _ := p["over_commitment"].(map[string]any); got["justification"] != oc["justification"] || got["approved_by"] != oc["approved_by"] {
		t.Fatalf("over_commitment not kept in the event: %v", p)
	}
	// and the commitment stays over: the next unflagged fen is refused again
	e.expectRejected("recorder", "/v1/disbursements", disburseBody(f.commitment, 1, uniq("PZ"), "2025-05-03"),
		http.StatusUnprocessableEntity, "over_commitment")

	// a reversal frees room: exactly the freed amount passes without a flag
	e.mustPost("recorder", "/v1/disbursements/"+f.disbursement+"/reversals", reversalBody(5_000_001, "funds_returned", "2025-06-01"))
	e.expectRejected("recorder", "/v1/disbursements", disburseBody(f.commitment, 5_000_001, uniq("PZ"), "2025-06-02"),
		http.StatusUnprocessableEntity, "over_commitment") // 1 fen of the freed room went to cover the flagged fen
	e.mustPost("recorder", "/v1/disbursements", disburseBody(f.commitment, 5_000_000, uniq("PZ"), "2025-06-02"))

	// an upward adjustment frees room too
	e.mustPost("recorder", "/v1/commitments/"+f.commitment+"/adjustments", adjustBody(2_000_000, "2025-06-03"))
	e.expectRejected("recorder", "/v1/disbursements", disburseBody(f.commitment, 2_000_001, uniq("PZ"), "2025-06-04"),
		http.StatusUnprocessableEntity, "over_commitment")
	e.mustPost("recorder", "/v1/disbursements", disburseBody(f.commitment, 2_000_000, uniq("PZ"), "2025-06-04"))
}

// ---- committed never below net disbursed ----

func TestInvariantAdjustmentNeverBelowDisbursed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture() // 100,000,000 committed, 30,000,000 disbursed
	path := "/v1/commitments/" + f.commitment + "/adjustments"

	e.expectRejected("recorder", path, adjustBody(-70_000_001, "2025-05-01"), http.StatusUnprocessableEntity, "below_disbursed")
	e.expectRejected("recorder", path, adjustBody(-100_000_000, "2025-05-01"), http.StatusUnprocessableEntity, "below_disbursed")
	e.expectRejected("recorder", path, adjustBody(-10_000_000_000_000, "2025-05-01"), http.StatusUnprocessableEntity, "below_disbursed")
	e.expectRejected("recorder", path, adjustBody(0, "2025-05-01"), http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", path, adjustBody(-10_000_000_000_001, "2025-05-01"), http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", "/v1/commitments/"+nowhere+"/adjustments", adjustBody(1, "2025-05-01"), http.StatusNotFound, "not_found")
	// a disbursement id is not a commitment
	e.expectRejected("recorder", "/v1/commitments/"+f.disbursement+"/adjustments", adjustBody(1, "2025-05-01"), http.StatusNotFound, "not_found")

	// down to exactly what was disbursed is fine; one fen more is not
	e.mustPost("recorder", path, adjustBody(-70_000_000, "2025-05-01"))
	e.expectRejected("recorder", path, adjustBody(-1, "2025-05-02"), http.StatusUnprocessableEntity, "below_disbursed")

	// reversals free room, whatever their reason
	e.mustPost("recorder", "/v1/disbursements/"+f.disbursement+"/reversals", reversalBody(10_000_000, "funds_returned", "2025-06-01"))
	e.expectRejected("recorder", path, adjustBody(-10_000_001, "2025-06-02"), http.StatusUnprocessableEntity, "below_disbursed")
	e.mustPost("recorder", path, adjustBody(-10_000_000, "2025-06-02"))
	e.mustPost("recorder", "/v1/disbursements/"+f.disbursement+"/reversals", reversalBody(20_000_000, "entry_error", "2025-06-03"))
	e.expectRejected("recorder", path, adjustBody(-20_000_001, "2025-06-04"), http.StatusUnprocessableEntity, "below_disbursed")
	e.mustPost("recorder", path, adjustBody(-20_000_000, "2025-06-04")) // committed 0, disbursed 0

	// and nothing can be disbursed against a zero commitment without the flag
	e.expectRejected("recorder", "/v1/disbursements", disburseBody(f.commitment, 1, uniq("PZ"), "2025-06-05"),
		http.StatusUnprocessableEntity, "over_commitment")
}

// ---- reversals of a disbursement ----

func TestInvariantDisbursementReversalsNeverExceedOriginal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture() // disbursement of 30,000,000 on 2025-04-01
	path := "/v1/disbursements/" + f.disbursement + "/reversals"

	var reversalIDs []string
	for i, rv := range []obj{
		reversalBody(10_000_000, "entry_error", "2025-04-02"),
		reversalBody(10_000_000, "funds_returned", "2025-05-02"),
	} {
		r := e.mustPost("recorder", path, rv)
		if r.str("reversal_id") == "" || r.str("disbursement_id") != f.disbursement {
			t.Fatalf("reversal %d answered %s", i, r.Raw)
		}
		reversalIDs = append(reversalIDs, r.str("reversal_id"))
	}
	e.expectRejected("recorder", path, reversalBody(10_000_001, "funds_returned", "2025-06-01"),
		http.StatusUnprocessableEntity, "reversal_exceeds_original")
	e.expectRejected("recorder", path, reversalBody(30_000_000, "entry_error", "2025-06-01"),
		http.StatusUnprocessableEntity, "reversal_exceeds_original")
	reversalIDs = append(reversalIDs, e.mustPost("recorder", path, reversalBody(10_000_000, "funds_returned", "2025-06-01")).str("reversal_id"))
	e.expectRejected("recorder", path, reversalBody(1, "entry_error", "2025-06-02"),
		http.StatusUnprocessableEntity, "reversal_exceeds_original")

	// a reversal is never itself reversed, whatever the amount or reason
	for _, id := range reversalIDs {
		for _, reason := range []string{"entry_error", "funds_returned"} {
			e.expectRejected("recorder", "/v1/disbursements/"+id+"/reversals", reversalBody(1, reason, "2025-06-03"),
				http.StatusUnprocessableEntity, "cannot_reverse_reversal")
		}
	}
	// nor is receipt confirmed of a reversal, nor a commitment reversed as a disbursement
	e.expectRejected("partner", "/v1/disbursements/"+reversalIDs[0]+"/receipt", obj{"received_date": "2025-06-03", "receipt_ref": "DZ-1"},
		http.StatusNotFound, "not_found")
	e.expectRejected("recorder", "/v1/disbursements/"+f.commitment+"/reversals", reversalBody(1, "entry_error", "2025-06-03"),
		http.StatusNotFound, "not_found")
	e.expectRejected("recorder", "/v1/disbursements/"+nowhere+"/reversals", reversalBody(1, "entry_error", "2025-06-03"),
		http.StatusNotFound, "not_found")

	// other rules of a reversal
	d := e.mustPost("recorder", "/v1/disbursements", disburseBody(f.commitment, 1_000, uniq("PZ"), "2025-05-10")).str("disbursement_id")
	dpath := "/v1/disbursements/" + d + "/reversals"
	e.expectRejected("recorder", dpath, reversalBody(1, "entry_error", "2025-05-09"), http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", dpath, reversalBody(0, "entry_error", "2025-05-10"), http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", dpath, reversalBody(-1, "entry_error", "2025-05-10"), http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", dpath, reversalBody(1, "typo", "2025-05-10"), http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", dpath, with(reversalBody(1, "entry_error", "2025-05-10"), "reversal_id", "R-1"), http.StatusUnprocessableEntity, "validation_failed")
	// a client-chosen reversal id that is taken is a conflict
	e.expectRejected("recorder", dpath, with(reversalBody(1, "entry_error", "2025-05-10"), "reversal_id", reversalIDs[0]), http.StatusConflict, "duplicate_id")
	// another donor's recorder may not reverse
	e.expectRejected("recorder2", dpath, reversalBody(1, "entry_error", "2025-05-10"), http.StatusNotFound, "not_found")
	// the same day as the disbursement is fine
	e.mustPost("recorder", dpath, reversalBody(1_000, "entry_error", "2025-05-10"))
}

func TestVoucherFreedOnlyByWholeEntryErrorReversal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()

	// partially reversed (entry_error): the voucher stays taken
	va := uniq("PZ-A")
	a := e.mustPost("recorder", "/v1/disbursements", disburseBody(f.commitment, 1_000, va, "2025-05-01")).str("disbursement_id")
	e.mustPost("recorder", "/v1/disbursements/"+a+"/reversals", reversalBody(400, "entry_error", "2025-05-02"))
	r := e.expectRejected("recorder", "/v1/disbursements", disburseBody(f.commitment, 600, va, "2025-05-02"), http.StatusConflict, "duplicate_voucher")
	if r.str("field") != "voucher_no" || !strings.Contains(r.str("message"), a) {
		t.Fatalf("duplicate voucher rejection should name the field and the holder %s: %s", a, r.Raw)
	}
	// the rest reversed as an entry error: the voucher is free for the corrected entry
	e.mustPost("recorder", "/v1/disbursements/"+a+"/reversals", reversalBody(600, "entry_error", "2025-05-03"))
	corrected := e.mustPost("recorder", "/v1/disbursements", disburseBody(f.commitment, 600, va, "2025-05-03")).str("disbursement_id")
	// and taken again by the corrected entry
	e.expectRejected("recorder", "/v1/disbursements", disburseBody(f.commitment, 600, va, "2025-05-03"), http.StatusConflict, "duplicate_voucher")
	if corrected == a {
		t.Fatal("the corrected entry reused the original's id")
	}

	// wholly reversed as funds returned: real money moved, the voucher stays taken
	vb := uniq("PZ-B")
	b := e.mustPost("recorder", "/v1/disbursements", disburseBody(f.commitment, 1_000, vb, "2025-05-01")).str("disbursement_id")
	e.mustPost("recorder", "/v1/disbursements/"+b+"/reversals", reversalBody(1_000, "funds_returned", "2025-05-02"))
	e.expectRejected("recorder", "/v1/disbursements", disburseBody(f.commitment, 1_000, vb, "2025-05-02"), http.StatusConflict, "duplicate_voucher")

	// the fixture's disbursement, partially reversed as funds returned
	e.mustPost("recorder", "/v1/disbursements/"+f.disbursement+"/reversals", reversalBody(1_000_000, "funds_returned", "2025-05-02"))
	e.expectRejected("recorder", "/v1/disbursements", disburseBody(f.commitment, 1_000, "PZ-2025-0001", "2025-05-02"), http.StatusConflict, "duplicate_voucher")
}

// ---- in-kind donations ----

func TestInvariantInKindDonationNeedsValuationBasis(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	inKind := with(donationBody(f.pairing, uniq("SJ"), 5_300_000, "2025-05-01"), "kind", "in_kind",
		"items", []obj{{"description": "课桌椅", "quantity": "200", "unit": "套", "value_fen": 5_300_000}})
	r := e.expectRejected("recorder", "/v1/donations", inKind, http.StatusUnprocessableEntity, "valuation_basis_required")
	if r.str("field") != "valuation_basis" {
		t.Fatalf("field %q: %s", r.str("field"), r.Raw)
	}
	e.expectRejected("recorder", "/v1/donations", with(inKind, "valuation_basis", ""), http.StatusUnprocessableEntity, "valuation_basis_required")
	e.mustPost("recorder", "/v1/donations", with(inKind, "valuation_basis", "按采购发票价值认定"))
	// cash needs none
	e.mustPost("recorder", "/v1/donations", donationBody(f.pairing, uniq("SJ"), 1_000_000, "2025-05-01"))
	// and the kind is an enum
	e.expectRejected("recorder", "/v1/donations", with(inKind, "kind", "gold", "valuation_basis", "x"), http.StatusUnprocessableEntity, "validation_failed")
}

// ---- business dates in the future ----

func TestInvariantNoFutureBusinessDates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	tomorrow, today := chinaDay(1), chinaDay(0)

	project := e.mustPost("recorder", "/v1/projects", projectBody(f.pairing, "2025-01-10")).str("project_id")
	donation := e.mustPost("recorder", "/v1/donations", donationBody(f.pairing, uniq("SJ"), 1_000, "2025-05-01")).str("donation_id")
	purchase := e.mustPost("recorder", "/v1/purchases", purchaseBody(f.pairing, "canteen", uniq("O"), 1_000, "2025-05-01")).str("purchase_id")
	sale := e.mustPost("recorder", "/v1/sales", saleBody(f.pairing, "ecommerce", "", 1_000, "2025-05-01", "2025-05-31")).str("sale_id")
	visit := e.mustPost("recorder", "/v1/visits", visitBody(f.pairing, "2025-05-01")).str("visit_id")
	secondment := e.mustPost("recorder", "/v1/secondments", secondmentBody(f.pairing, "T-001", "2025-03-01")).str("secondment_id")

	cases := []struct {
		name, role, path string
		body             obj
		field            string
	}{
		{"register project", "recorder", "/v1/projects", projectBody(f.pairing, tomorrow), "business_date"},
		{"report progress", "recorder", "/v1/projects/" + project + "/progress", progressBody(tomorrow, "in_progress", 1), "as_of"},
		{"commit funds", "recorder", "/v1/commitments", commitBody(f.pairing, 1_000, tomorrow), "business_date"},
		{"adjust commitment", "recorder", "/v1/commitments/" + f.commitment + "/adjustments", adjustBody(1_000, tomorrow), "business_date"},
		{"disburse", "recorder", "/v1/disbursements", disburseBody(f.commitment, 1_000, uniq("PZ"), tomorrow), "business_date"},
		{"reverse disbursement", "recorder", "/v1/disbursements/" + f.disbursement + "/reversals", reversalBody(1_000, "funds_returned", tomorrow), "business_date"},
		{"confirm receipt", "partner", "/v1/disbursements/" + f.disbursement + "/receipt", obj{"received_date": tomorrow, "receipt_ref": "DZ-1"}, "received_date"},
		{"donation", "recorder", "/v1/donations", donationBody(f.pairing, uniq("SJ"), 1_000, tomorrow), "business_date"},
		{"purchase", "recorder", "/v1/purchases", purchaseBody(f.pairing, "fair", uniq("O"), 1_000, tomorrow), "completed_date"},
		{"sale ending tomorrow", "recorder", "/v1/sales", saleBody(f.pairing, "fair", uniq("O"), 1_000, "2025-05-01", tomorrow), "period_to"},
		{"sale wholly in the future", "recorder", "/v1/sales", saleBody(f.pairing, "fair", uniq("O"), 1_000, tomorrow, tomorrow), "period_to"},
		{"start secondment", "recorder", "/v1/secondments", secondmentBody(f.pairing, "T-002", tomorrow), "start_date"},
		{"end secondment", "recorder", "/v1/secondments/" + secondment + "/end", obj{"end_date": tomorrow}, "end_date"},
		{"visit", "recorder", "/v1/visits", visitBody(f.pairing, tomorrow), "start_date"},
		{"far future", "recorder", "/v1/visits", visitBody(f.pairing, "2099-01-01"), "start_date"},
		{"reverse donation", "recorder", "/v1/donations/" + donation + "/reversals", obj{"reason": "funds_returned", "business_date": tomorrow}, "business_date"},
		{"reverse purchase", "recorder", "/v1/purchases/" + purchase + "/reversals", obj{"reason": "entry_error", "business_date": tomorrow}, "business_date"},
		{"reverse sale", "recorder", "/v1/sales/" + sale + "/reversals", obj{"reason": "entry_error", "business_date": tomorrow}, "business_date"},
		{"reverse visit", "recorder", "/v1/visits/" + visit + "/reversals", obj{"reason": "entry_error", "business_date": tomorrow}, "business_date"},
		{"reverse secondment", "recorder", "/v1/secondments/" + secondment + "/reversals", obj{"reason": "entry_error", "business_date": tomorrow}, "business_date"},
	}
	for _, c := range cases {
		e.subtest(t, c.name, func(t *testing.T) {
			r := e.expectRejected(c.role, c.path, c.body, http.StatusUnprocessableEntity, "future_date")
			if r.str("field") != c.field {
				t.Fatalf("field %q, want %q: %s", r.str("field"), c.field, r.Raw)
			}
		})
	}

	// today is not the future
	e.mustPost("recorder", "/v1/visits", visitBody(f.pairing, today))
	e.mustPost("recorder", "/v1/donations", donationBody(f.pairing, uniq("SJ"), 1_000, today))
	e.mustPost("recorder", "/v1/projects/"+project+"/progress", progressBody(today, "in_progress", 1))
	e.mustPost("recorder", "/v1/projects", with(projectBody(f.pairing, ""), "business_date", absent)) // defaults to today
	// a planned end, or a pairing's validity, may lie ahead
	e.mustPost("recorder", "/v1/secondments", with(secondmentBody(f.pairing, "T-003", today), "planned_end_date", chinaDay(365)))
	e.mustPost("recorder", "/v1/pairings", pairingBody("D1", "632624", "counterpart_support", today, chinaDay(3650)))
}

// A visit is recorded once it has happened: its end date, like every
// business date, cannot lie in the future.
func TestVisitEndDateNotInFuture(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	r := e.expectRejected("recorder", "/v1/visits", with(visitBody(f.pairing, chinaDay(0)), "end_date", chinaDay(1)),
		http.StatusUnprocessableEntity, "future_date")
	if r.str("field") != "end_date" {
		t.Fatalf("field %q: %s", r.str("field"), r.Raw)
	}
}

// ---- pairings: existence and validity on the business date ----

func TestInvariantPairingMustExistAndBeInForce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture() // pairing2 (D1 × 610927, mountain_sea) is in force 2021-01-01 … 2025-06-30
	c2 := e.mustPost("recorder", "/v1/commitments", commitBody(f.pairing2, 10_000_000, "2025-06-30")).str("commitment_id")

	type cmd struct {
		name, path string
		body       func(pairing, date string) obj
		field      string // the date field pairing_not_valid names
	}
	cmds := []cmd{
		{"commit funds", "/v1/commitments", func(p, d string) obj { return commitBody(p, 1_000, d) }, "business_date"},
		{"register project", "/v1/projects", func(p, d string) obj { return projectBody(p, d) }, "business_date"},
		{"donation", "/v1/donations", func(p, d string) obj { return donationBody(p, uniq("SJ"), 1_000, d) }, "business_date"},
		{"purchase", "/v1/purchases", func(p, d string) obj { return purchaseBody(p, "platform_832", uniq("O"), 1_000, d) }, "completed_date"},
		{"sale", "/v1/sales", func(p, d string) obj { return saleBody(p, "union", uniq("O"), 1_000, d, d) }, "period_to"},
		{"secondment", "/v1/secondments", func(p, d string) obj { return secondmentBody(p, uniq("P"), d) }, "start_date"},
		{"visit", "/v1/visits", func(p, d string) obj { return visitBody(p, d) }, "start_date"},
	}
	for _, c := range cmds {
		e.subtest(t, c.name, func(t *testing.T) {
			e.expectRejected("recorder", c.path, c.body(nowhere, "2025-06-01"), http.StatusNotFound, "not_found")
			e.expectRejected("recorder", c.path, c.body("", "2025-06-01"), http.StatusNotFound, "not_found")
			// an id of another kind is no pairing either
			e.expectRejected("recorder", c.path, c.body(f.commitment, "2025-06-01"), http.StatusNotFound, "not_found")
			r := e.expectRejected("recorder", c.path, c.body(f.pairing2, "2025-07-01"), http.StatusUnprocessableEntity, "pairing_not_valid")
			if r.str("field") != c.field {
				t.Fatalf("field %q, want %q: %s", r.str("field"), c.field, r.Raw)
			}
			e.expectRejected("recorder", c.path, c.body(f.pairing, "2020-12-31"), http.StatusUnprocessableEntity, "pairing_not_valid")
			// both ends of the validity are inclusive
			e.mustPost("recorder", c.path, c.body(f.pairing2, "2025-06-30"))
			e.mustPost("recorder", c.path, c.body(f.pairing2, "2021-01-01"))
		})
	}

	// a visit for several pairings needs every one in force
	e.expectRejected("recorder", "/v1/visits", with(visitBody(f.pairing, "2025-07-01"), "pairing_ids", []string{f.pairing, f.pairing2}),
		http.StatusUnprocessableEntity, "pairing_not_valid")
	e.expectRejected("recorder", "/v1/visits", with(visitBody(f.pairing, "2025-06-01"), "pairing_ids", []string{f.pairing, nowhere}),
		http.StatusNotFound, "not_found")
	e.expectRejected("recorder", "/v1/visits", with(visitBody(f.pairing, "2025-06-01"), "pairing_ids", []string{}),
		http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", "/v1/visits", with(visitBody(f.pairing, "2025-06-01"), "pairing_ids", []string{f.pairing, f.pairing}),
		http.StatusUnprocessableEntity, "validation_failed")
	e.mustPost("recorder", "/v1/visits", with(visitBody(f.pairing, "2025-06-01"), "pairing_ids", []string{f.pairing, f.pairing2}))

	// a disbursement is dated against its commitment's pairing
	e.expectRejected("recorder", "/v1/disbursements", disburseBody(c2, 1_000, uniq("PZ"), "2025-07-01"), http.StatusUnprocessableEntity, "pairing_not_valid")
	e.mustPost("recorder", "/v1/disbursements", disburseBody(c2, 1_000, uniq("PZ"), "2025-06-30"))
	e.expectRejected("recorder", "/v1/disbursements", disburseBody(nowhere, 1_000, uniq("PZ"), "2025-06-30"), http.StatusNotFound, "not_found")
	e.expectRejected("recorder", "/v1/disbursements", disburseBody(f.pairing, 1_000, uniq("PZ"), "2025-06-30"), http.StatusNotFound, "not_found")

	// targets are set for a year the pairing covers
	targets := obj{"year": 2026, "targets": obj{"fiscal_fen": 1, "social_fen": 0, "consumption_fen": 0, "staff_persons": 0, "visits": 0, "projects": 0}}
	e.expectRejected("recorder", "/v1/pairings/"+f.pairing2+"/targets", targets, http.StatusUnprocessableEntity, "pairing_not_valid")
	e.expectRejected("recorder", "/v1/pairings/"+nowhere+"/targets", targets, http.StatusNotFound, "not_found")
	e.mustPost("recorder", "/v1/pairings/"+f.pairing2+"/targets", with(targets, "year", 2025))

	// entities named in the path must exist
	for _, p := range []string{"/v1/projects/" + nowhere + "/progress", "/v1/secondments/" + nowhere + "/end",
		"/v1/disbursements/" + nowhere + "/receipt"} {
		body := obj{"as_of": "2025-06-01", "status": "in_progress", "completed_investment_fen": 1}
		switch {
		case strings.HasSuffix(p, "/end"):
			body = obj{"end_date": "2025-06-01"}
		case strings.HasSuffix(p, "/receipt"):
			body = obj{"received_date": "2025-06-01", "receipt_ref": "DZ-1"}
		}
		e.expectRejected("admin", p, body, http.StatusNotFound, "not_found")
	}
}

// ---- secondments of one person never overlap ----

func TestInvariantSecondmentsNeverOverlap(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	start := func(person, from string, kv ...any) response {
		return e.mustPost("recorder", "/v1/secondments", with(secondmentBody(f.pairing, person, from), kv...))
	}
	end := func(id string) string { return "/v1/secondments/" + id + "/end" }

	running := start("P-1", "2024-01-01").str("secondment_id") // open-ended
	for _, from := range []string{"2024-01-01", "2024-06-01", "2025-03-01", "2023-01-01"} {
		r := e.expectRejected("recorder", "/v1/secondments", secondmentBody(f.pairing, "P-1", from), http.StatusConflict, "secondment_overlap")
		if !strings.Contains(r.str("message"), running) {
			t.Fatalf("overlap rejection should name %s: %s", running, r.Raw)
		}
	}
	// a planned end does not end a running secondment
	e.expectRejected("recorder", "/v1/secondments", with(secondmentBody(f.pairing, "P-1", "2025-03-01"), "planned_end_date", "2025-06-30"),
		http.StatusConflict, "secondment_overlap")
	// other people, and the same pseudonym at another donor, are not affected
	start("P-2", "2024-06-01")
	p2 := e.mustPost("recorder2", "/v1/pairings", pairingBody("D2", "632624", "east_west", "2021-01-01", "2030-12-31")).str("pairing_id")
	e.mustPost("recorder2", "/v1/secondments", secondmentBody(p2, "P-1", "2024-06-01"))

	// ending: not before the start, once only
	e.expectRejected("recorder", end(running), obj{"end_date": "2023-12-31"}, http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", end(running), obj{"end_date": "2024-13-01"}, http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder2", end(running), obj{"end_date": "2024-12-31"}, http.StatusNotFound, "not_found")
	e.mustPost("recorder", end(running), obj{"end_date": "2024-12-31"})
	e.expectRejected("recorder", end(running), obj{"end_date": "2024-12-31"}, http.StatusConflict, "secondment_already_ended")
	e.expectRejected("recorder", end(running), obj{"end_date": "2025-01-31"}, http.StatusConflict, "secondment_already_ended")

	// the ended period [2024-01-01, 2024-12-31] still blocks, both ends inclusive
	for _, c := range []struct{ from, planned string }{
		{"2024-12-31", ""}, {"2024-05-01", "2024-05-31"}, {"2023-06-01", "2024-01-01"}, {"2023-06-01", "2025-06-01"}, {"2023-06-01", ""},
	} {
		body := secondmentBody(f.pairing, "P-1", c.from)
		if c.planned != "" {
			body["planned_end_date"] = c.planned
		}
		e.expectRejected("recorder", "/v1/secondments", body, http.StatusConflict, "secondment_overlap")
	}
	// the day after is free; the new one then runs and blocks in turn
	next := start("P-1", "2025-01-01").str("secondment_id")
	e.expectRejected("recorder", "/v1/secondments", secondmentBody(f.pairing, "P-1", "2025-02-01"), http.StatusConflict, "secondment_overlap")
	e.mustPost("recorder", end(next), obj{"end_date": "2025-01-31"})

	// planned end before start
	e.expectRejected("recorder", "/v1/secondments", with(secondmentBody(f.pairing, "P-3", "2025-03-01"), "planned_end_date", "2025-02-28"),
		http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", "/v1/secondments", with(secondmentBody(f.pairing, "P-3", "2025-03-01"), "person_ref", "张 三"),
		http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", "/v1/secondments", with(secondmentBody(f.pairing, "P-3", "2025-03-01"), "category", "chef"),
		http.StatusUnprocessableEntity, "validation_failed")

	// a reversed secondment no longer blocks, and can no longer be ended
	wrong := start("P-4", "2025-02-01").str("secondment_id")
	e.expectRejected("recorder", "/v1/secondments", secondmentBody(f.pairing, "P-4", "2025-03-01"), http.StatusConflict, "secondment_overlap")
	e.mustPost("recorder", "/v1/secondments/"+wrong+"/reversals", obj{"reason": "entry_error", "business_date": "2025-03-01"})
	right := start("P-4", "2025-03-01").str("secondment_id")
	e.expectRejected("recorder", end(wrong), obj{"end_date": "2025-03-31"}, http.StatusUnprocessableEntity, "already_reversed")
	e.mustPost("recorder", end(right), obj{"end_date": "2025-03-31"})
}

// A secondment recorded late, starting before one that is still running,
// runs itself (until its end is recorded): the person may never end up with
// two secondments at once. Either the late start is refused, or it must not
// stand in the way of ending the running one.
func TestSecondmentBackdatedBeforeRunningOneNeverOverlaps(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	running := e.mustPost("recorder", "/v1/secondments", secondmentBody(f.pairing, "P-9", "2024-01-01")).str("secondment_id")
	late := e.post("recorder", "/v1/secondments", with(secondmentBody(f.pairing, "P-9", "2023-01-01"), "planned_end_date", "2023-06-30"))
	switch late.Status {
	case http.StatusConflict:
		if late.str("code") != "secondment_overlap" {
			t.Fatalf("late start: %s", late.Raw)
		}
	case http.StatusCreated:
		if r := e.post("recorder", "/v1/secondments/"+running+"/end", obj{"end_date": "2024-12-31"}); r.Status != http.StatusCreated {
			t.Fatalf("a secondment started 2023-01-01 (planned to end 2023-06-30, not ended) was accepted while %s was running since 2024-01-01; "+
				"now the running one cannot be ended: %d %s", running, r.Status, r.Raw)
		}
	default:
		t.Fatalf("late start: %d %s", late.Status, late.Raw)
	}
}

// ---- natural keys ----

func TestInvariantNaturalKeysUnique(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	p2 := e.mustPost("recorder2", "/v1/pairings", pairingBody("D2", "632624", "east_west", "2021-01-01", "2030-12-31")).str("pairing_id")
	c2 := e.mustPost("recorder2", "/v1/commitments", commitBody(p2, 100_000_000, "2025-03-01")).str("commitment_id")

	e.subtest(t, "voucher", func(t *testing.T) {
		// the fixture's voucher PZ-2025-0001, on the same or another commitment of D1
		e.expectRejected("recorder", "/v1/disbursements", disburseBody(f.commitment, 1_000, "PZ-2025-0001", "2025-05-01"), http.StatusConflict, "duplicate_voucher")
		c1b := e.mustPost("recorder", "/v1/commitments", commitBody(f.pairing2, 1_000_000, "2025-03-01")).str("commitment_id")
		e.expectRejected("recorder", "/v1/disbursements", disburseBody(c1b, 1_000, "PZ-2025-0001", "2025-05-01"), http.StatusConflict, "duplicate_voucher")
		// even with an over-commitment flag, or by an admin
		e.expectRejected("admin", "/v1/disbursements", with(disburseBody(c1b, 1_000, "PZ-2025-0001", "2025-05-01"),
			"over_commitment", obj{"justification": "j", "approved_by": "a"}), http.StatusConflict, "duplicate_voucher")
		// another donor's voucher numbering is its own
		e.mustPost("recorder2", "/v1/disbursements", disburseBody(c2, 1_000, "PZ-2025-0001", "2025-05-01"))
		e.expectRejected("recorder2", "/v1/disbursements", disburseBody(c2, 1_000, "PZ-2025-0001", "2025-05-02"), http.StatusConflict, "duplicate_voucher")
		// voucher numbers compare exactly
		e.mustPost("recorder", "/v1/disbursements", disburseBody(f.commitment, 1_000, "pz-2025-0001", "2025-05-01"))
	})

	e.subtest(t, "receipt", func(t *testing.T) {
		rn := uniq("SJ")
		e.mustPost("recorder", "/v1/donations", donationBody(f.pairing, rn, 1_000, "2025-05-01"))
		r := e.expectRejected("recorder", "/v1/donations", donationBody(f.pairing2, rn, 2_000, "2025-05-02"), http.StatusConflict, "duplicate_receipt")
		if r.str("field") != "receipt_no" {
			t.Fatalf("field %q: %s", r.str("field"), r.Raw)
		}
		e.expectRejected("recorder", "/v1/donations", with(donationBody(f.pairing, rn, 2_000, "2025-05-02"), "kind", "in_kind", "valuation_basis", "发票"),
			http.StatusConflict, "duplicate_receipt")
		e.mustPost("recorder2", "/v1/donations", donationBody(p2, rn, 1_000, "2025-05-01"))
	})

	e.subtest(t, "order", func(t *testing.T) {
		o := uniq("832-ORDER")
		e.mustPost("recorder", "/v1/purchases", purchaseBody(f.pairing, "platform_832", o, 1_000, "2025-05-01"))
		r := e.expectRejected("recorder", "/v1/purchases", purchaseBody(f.pairing, "platform_832", o, 2_000, "2025-05-02"), http.StatusConflict, "duplicate_order")
		if r.str("field") != "order_no" {
			t.Fatalf("field %q: %s", r.str("field"), r.Raw)
		}
		// an order is counted once, whoever records it
		e.expectRejected("recorder2", "/v1/purchases", purchaseBody(p2, "platform_832", o, 1_000, "2025-05-01"), http.StatusConflict, "duplicate_order")
		// a facilitated sale may never be the same order as a purchase
		e.expectRejected("recorder", "/v1/sales", saleBody(f.pairing, "platform_832", o, 1_000, "2025-05-01", "2025-05-31"), http.StatusConflict, "duplicate_order")
		// … nor the other way round
		so := uniq("SALE-ORDER")
		e.mustPost("recorder", "/v1/sales", saleBody(f.pairing, "ecommerce", so, 1_000, "2025-05-01", "2025-05-31"))
		e.expectRejected("recorder", "/v1/purchases", purchaseBody(f.pairing, "ecommerce", so, 1_000, "2025-05-01"), http.StatusConflict, "duplicate_order")
		e.expectRejected("recorder", "/v1/sales", saleBody(f.pairing, "ecommerce", so, 1_000, "2025-06-01", "2025-06-30"), http.StatusConflict, "duplicate_order")
		// the same order number on another channel is another order
		e.mustPost("recorder", "/v1/purchases", purchaseBody(f.pairing, "fair", o, 1_000, "2025-05-01"))
		e.mustPost("recorder", "/v1/sales", saleBody(f.pairing, "canteen", o, 1_000, "2025-05-01", "2025-05-31"))
		// sales without an order number are not keyed
		e.mustPost("recorder", "/v1/sales", saleBody(f.pairing, "store", "", 1_000, "2025-05-01", "2025-05-31"))
		e.mustPost("recorder", "/v1/sales", saleBody(f.pairing, "store", "", 1_000, "2025-05-01", "2025-05-31"))
	})

	e.subtest(t, "client ids", func(t *testing.T) {
		e.expectRejected("recorder", "/v1/disbursements", with(disburseBody(f.commitment, 1_000, uniq("PZ"), "2025-05-01"), "disbursement_id", f.disbursement),
			http.StatusConflict, "duplicate_id")
		e.expectRejected("recorder", "/v1/donations", with(donationBody(f.pairing, uniq("SJ"), 1_000, "2025-05-01"), "donation_id", f.commitment),
			http.StatusConflict, "duplicate_id")
		e.expectRejected("recorder", "/v1/pairings", with(pairingBody("D1", "632624", "three_gorges", "2021-01-01", "2021-12-31"), "pairing_id", f.pairing),
			http.StatusConflict, "duplicate_id")
	})

	e.subtest(t, "freed by entry error only", func(t *testing.T) {
		// donation receipts and purchase orders, like vouchers, come free when
		// the entry is wholly reversed as an entry error
		rn := uniq("SJ")
		d := e.mustPost("recorder", "/v1/donations", donationBody(f.pairing, rn, 1_000, "2025-05-01")).str("donation_id")
		e.mustPost("recorder", "/v1/donations/"+d+"/reversals", obj{"reason": "funds_returned", "amount_fen": 100, "business_date": "2025-05-02"})
		e.expectRejected("recorder", "/v1/donations", donationBody(f.pairing, rn, 900, "2025-05-02"), http.StatusConflict, "duplicate_receipt")
		rn2 := uniq("SJ")
		d2 := e.mustPost("recorder", "/v1/donations", donationBody(f.pairing, rn2, 1_000, "2025-05-01")).str("donation_id")
		e.mustPost("recorder", "/v1/donations/"+d2+"/reversals", obj{"reason": "entry_error", "business_date": "2025-05-02"})
		e.mustPost("recorder", "/v1/donations", donationBody(f.pairing, rn2, 900, "2025-05-02"))

		o := uniq("O")
		p := e.mustPost("recorder", "/v1/purchases", purchaseBody(f.pairing, "union", o, 1_000, "2025-05-01")).str("purchase_id")
		e.mustPost("recorder", "/v1/purchases/"+p+"/reversals", obj{"reason": "entry_error", "amount_fen": 999, "business_date": "2025-05-02"})
		e.expectRejected("recorder", "/v1/sales", saleBody(f.pairing, "union", o, 1_000, "2025-05-01", "2025-05-31"), http.StatusConflict, "duplicate_order")
		e.mustPost("recorder", "/v1/purchases/"+p+"/reversals", obj{"reason": "entry_error", "business_date": "2025-05-02"})
		e.mustPost("recorder", "/v1/sales", saleBody(f.pairing, "union", o, 1_000, "2025-05-01", "2025-05-31"))
	})
}

// ---- one pairing per (donor, partner, programme) on any day ----

func TestInvariantOnePairingPerDonorPartnerProgramme(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture() // D1 × 632624 east_west 2021-01-01 … 2030-12-31; D1 × 610927 mountain_sea … 2025-06-30

	for _, c := range []struct{ from, to string }{
		{"2021-01-01", "2030-12-31"}, // identical
		{"2025-01-01", "2025-12-31"}, // inside
		{"2019-01-01", "2040-12-31"}, // around
		{"2019-01-01", "2021-01-01"}, // touching the start
		{"2030-12-31", "2035-12-31"}, // touching the end
	} {
		r := e.expectRejected("recorder", "/v1/pairings", pairingBody("D1", "632624", "east_west", c.from, c.to), http.StatusConflict, "pairing_overlap")
		if !strings.Contains(r.str("message"), f.pairing) {
			t.Fatalf("%v: overlap rejection should name %s: %s", c, f.pairing, r.Raw)
		}
	}
	// periods before and after are fine, and then block in turn
	e.mustPost("recorder", "/v1/pairings", pairingBody("D1", "632624", "east_west", "2031-01-01", "2035-12-31"))
	e.mustPost("recorder", "/v1/pairings", pairingBody("D1", "632624", "east_west", "2016-01-01", "2020-12-31"))
	e.expectRejected("recorder", "/v1/pairings", pairingBody("D1", "632624", "east_west", "2035-12-31", "2036-12-31"), http.StatusConflict, "pairing_overlap")
	e.expectRejected("recorder", "/v1/pairings", pairingBody("D1", "632624", "east_west", "2018-01-01", "2018-12-31"), http.StatusConflict, "pairing_overlap")
	// the renewal of pairing2 after it lapsed
	e.mustPost("recorder", "/v1/pairings", pairingBody("D1", "610927", "mountain_sea", "2025-07-01", "2027-12-31"))
	// another programme, partner or donor is another pairing
	e.mustPost("recorder", "/v1/pairings", pairingBody("D1", "632624", "counterpart_support", "2021-01-01", "2030-12-31"))
	e.mustPost("recorder", "/v1/pairings", pairingBody("D1", "610927", "east_west", "2021-01-01", "2030-12-31"))
	e.mustPost("recorder2", "/v1/pairings", pairingBody("D2", "632624", "east_west", "2021-01-01", "2030-12-31"))

	// the validity itself
	e.expectRejected("recorder", "/v1/pairings", pairingBody("D1", "632624", "three_gorges", "2025-01-01", "2024-12-31"), http.StatusUnprocessableEntity, "validation_failed")
	e.mustPost("recorder", "/v1/pairings", pairingBody("D1", "632624", "three_gorges", "2025-01-01", "2025-01-01")) // one day
	// and who may pair
	e.expectRejected("recorder", "/v1/pairings", pairingBody("D2", "632624", "three_gorges", "2021-01-01", "2021-12-31"), http.StatusForbidden, "forbidden")
	e.expectRejected("partner", "/v1/pairings", pairingBody("D1", "632624", "intra_province", "2021-01-01", "2021-12-31"), http.StatusForbidden, "forbidden")
	// codes and enums
	e.expectRejected("recorder", "/v1/pairings", pairingBody("D1", "63262", "intra_province", "2021-01-01", "2021-12-31"), http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", "/v1/pairings", pairingBody("D1", "632624", "west_east", "2021-01-01", "2021-12-31"), http.StatusUnprocessableEntity, "validation_failed")
}

// ---- reversals of donations, purchases, sales, visits, secondments ----

func TestInvariantEntryReversals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()

	money := []struct {
		kind   string
		create func() string
	}{
		{"donation", func() string {
			return e.mustPost("recorder", "/v1/donations", donationBody(f.pairing, uniq("SJ"), 1_000, "2025-05-01")).str("donation_id")
		}},
		{"purchase", func() string {
			return e.mustPost("recorder", "/v1/purchases", purchaseBody(f.pairing, "fair", uniq("O"), 1_000, "2025-05-01")).str("purchase_id")
		}},
		{"sale", func() string {
			return e.mustPost("recorder", "/v1/sales", saleBody(f.pairing, "fair", uniq("O"), 1_000, "2025-04-01", "2025-05-01")).str("sale_id")
		}},
	}
	for _, m := range money {
		e.subtest(t, m.kind, func(t *testing.T) {
			id := m.create()
			path := "/v1/" + m.kind + "s/" + id + "/reversals"
			stream := m.kind + "-" + id
			e.mustPost("recorder", path, obj{"reason": "entry_error", "amount_fen": 300, "business_date": "2025-05-02"})
			e.mustPost("recorder", path, obj{"reason": "funds_returned", "amount_fen": 200, "business_date": "2025-05-03"})
			e.expectRejected("recorder", path, obj{"reason": "funds_returned", "amount_fen": 501, "business_date": "2025-05-04"},
				http.StatusUnprocessableEntity, "reversal_exceeds_original")
			e.expectRejected("recorder", path, obj{"reason": "entry_error", "amount_fen": -1, "business_date": "2025-05-04"},
				http.StatusUnprocessableEntity, "validation_failed")
			e.expectRejected("recorder", path, obj{"reason": "entry_error", "business_date": "2025-04-30"},
				http.StatusUnprocessableEntity, "validation_failed") // before the original
			e.expectRejected("recorder", path, obj{"reason": "oops", "business_date": "2025-05-04"},
				http.StatusUnprocessableEntity, "validation_failed")
			e.expectRejected("recorder2", path, obj{"reason": "entry_error", "business_date": "2025-05-04"},
				http.StatusNotFound, "not_found")
			// without an amount, the rest
			e.mustPost("recorder", path, obj{"reason": "entry_error", "business_date": "2025-05-04"})
			if p := e.lastPayload(stream); p["amount_fen"] != float64(500) || p["original_id"] != id {
				t.Fatalf("full reversal payload %v: want amount_fen 500 of %s", p, id)
			}
			e.expectRejected("recorder", path, obj{"reason": "entry_error", "business_date": "2025-05-05"},
				http.StatusUnprocessableEntity, "already_reversed")
			e.expectRejected("recorder", path, obj{"reason": "funds_returned", "amount_fen": 1, "business_date": "2025-05-05"},
				http.StatusUnprocessableEntity, "already_reversed")
			// an id of another kind, or of nothing
			other := "visits"
			if m.kind != "donation" {
				other = "donations"
			}
			e.expectRejected("recorder", "/v1/"+other+"/"+id+"/reversals", obj{"reason": "entry_error"}, http.StatusNotFound, "not_found")
			e.expectRejected("recorder", "/v1/"+m.kind+"s/"+nowhere+"/reversals", obj{"reason": "entry_error"}, http.StatusNotFound, "not_found")
		})
	}

	// a single full reversal with an explicit amount
	d := money[0].create()
	e.expectRejected("recorder", "/v1/donations/"+d+"/reversals", obj{"reason": "entry_error", "amount_fen": 1_001}, http.StatusUnprocessableEntity, "reversal_exceeds_original")
	e.mustPost("recorder", "/v1/donations/"+d+"/reversals", obj{"reason": "funds_returned", "amount_fen": 1_000})
	e.expectRejected("recorder", "/v1/donations/"+d+"/reversals", obj{"reason": "funds_returned"}, http.StatusUnprocessableEntity, "already_reversed")

	noMoney := []struct {
		kind   string
		create func() string
	}{
		{"visit", func() string {
			return e.mustPost("recorder", "/v1/visits", visitBody(f.pairing, "2025-05-01")).str("visit_id")
		}},
		{"secondment", func() string {
			return e.mustPost("recorder", "/v1/secondments", secondmentBody(f.pairing, uniq("P"), "2025-05-01")).str("secondment_id")
		}},
	}
	for _, m := range noMoney {
		e.subtest(t, m.kind, func(t *testing.T) {
			id := m.create()
			path := "/v1/" + m.kind + "s/" + id + "/reversals"
			e.expectRejected("recorder", path, obj{"reason": "funds_returned"}, http.StatusUnprocessableEntity, "validation_failed")
			e.expectRejected("recorder", path, obj{"reason": "funds_returned", "business_date": "2025-05-02"}, http.StatusUnprocessableEntity, "validation_failed")
			r := e.expectRejected("recorder", path, obj{"reason": "entry_error", "amount_fen": 100}, http.StatusUnprocessableEntity, "validation_failed")
			if r.str("field") != "amount_fen" {
				t.Fatalf("field %q: %s", r.str("field"), r.Raw)
			}
			e.expectRejected("recorder", path, obj{"reason": "entry_error", "business_date": "2025-04-30"}, http.StatusUnprocessableEntity, "validation_failed")
			e.mustPost("recorder", path, obj{"reason": "entry_error", "business_date": "2025-05-02", "note": "录入重复"})
			if m.kind == "visit" {
				if p := e.lastPayload("visit-" + id); p["amount_fen"] != float64(0) || p["reason"] != "entry_error" || p["original_id"] != id {
					t.Fatalf("visit reversal payload %v", p)
				}
			}
			e.expectRejected("recorder", path, obj{"reason": "entry_error"}, http.StatusUnprocessableEntity, "already_reversed")
		})
	}
}

// ---- project progress ----

func TestInvariantProjectProgressMonotonic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	project := e.mustPost("recorder", "/v1/projects", projectBody(f.pairing, "2025-01-10")).str("project_id")
	path := "/v1/projects/" + project + "/progress"

	e.expectRejected("recorder", path, progressBody("2025-01-09", "not_started", 0), http.StatusUnprocessableEntity, "validation_failed") // before registration
	e.mustPost("recorder", path, progressBody("2025-01-10", "not_started", 0))
	e.mustPost("recorder", path, progressBody("2025-03-01", "in_progress", 100_000_000))
	r := e.expectRejected("recorder", path, progressBody("2025-02-28", "in_progress", 100_000_000), http.StatusUnprocessableEntity, "as_of_not_monotonic")
	if r.str("field") != "as_of" {
		t.Fatalf("field %q: %s", r.str("field"), r.Raw)
	}
	e.expectRejected("recorder", path, progressBody("2025-02-28", "completed", 100_000_000), http.StatusUnprocessableEntity, "as_of_not_monotonic")
	// the same day again is fine, and the status may move on
	e.mustPost("recorder", path, progressBody("2025-03-01", "in_progress", 150_000_000))
	e.mustPost("recorder", path, progressBody("2025-03-01", "completed", 500_000_000))
	for _, back := range []string{"in_progress", "not_started"} {
		r := e.expectRejected("recorder", path, progressBody("2025-04-01", back, 500_000_000), http.StatusUnprocessableEntity, "status_not_monotonic")
		if r.str("field") != "status" {
			t.Fatalf("field %q: %s", r.str("field"), r.Raw)
		}
	}
	e.expectRejected("recorder", path, progressBody("2025-04-01", "finished", 1), http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", path, progressBody("2025-04-01", "accepted", -1), http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder2", path, progressBody("2025-04-01", "accepted", 1), http.StatusNotFound, "not_found")
	e.mustPost("recorder", path, progressBody("2025-04-01", "accepted", 500_000_000))
	e.mustPost("recorder", path, progressBody("2025-05-01", "accepted", 500_000_000))
	e.expectRejected("recorder", path, progressBody("2025-06-01", "completed", 500_000_000), http.StatusUnprocessableEntity, "status_not_monotonic")

	// a commitment's project must belong to its pairing
	e.expectRejected("recorder", "/v1/commitments", with(commitBody(f.pairing2, 1_000, "2025-03-01"), "project_id", project),
		http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", "/v1/commitments", with(commitBody(f.pairing, 1_000, "2025-03-01"), "project_id", nowhere),
		http.StatusNotFound, "not_found")
	e.mustPost("recorder", "/v1/commitments", with(commitBody(f.pairing, 1_000, "2025-03-01"), "project_id", project))
}

// ---- bad input: always a 4xx with a code, never a 5xx, never a write ----

// send posts body (bytes sent as they are) as role with the given headers:
// by default a fresh Idempotency-Key and Content-Type: application/json; a
// header given as "" is left out.
func (e *env) send(role, method, path string, body []byte, headers map[string]string) response {
	e.t.Helper()
	h := map[string]string{"Idempotency-Key": fmt.Sprintf("raw-key-%06d", e.keys.Add(1)), "Content-Type": "application/json"}
	for k, v := range headers {
		h[k] = v
	}
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	for k, v := range h {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out := response{Status: res.StatusCode, Header: res.Header}
	out.Raw, _ = io.ReadAll(res.Body)
	_ = json.Unmarshal(out.Raw, &out.Body)
	return out
}

// rejectRaw sends a request as the recorder (see send) and requires a 4xx
// with {code, message, message_zh} — the status and code exactly when given
// — and an unmoved log.
func (e *env) rejectRaw(method, path string, body []byte, headers map[string]string, status int, code string) response {
	e.t.Helper()
	before := e.head()
	r := e.send("recorder", method, path, body, headers)
	if r.Status < 400 || r.Status > 499 {
		e.t.Fatalf("%s %s: got %d %s, want a 4xx", method, path, r.Status, r.Raw)
	}
	if (status != 0 && r.Status != status) || (code != "" && r.str("code") != code) {
		e.t.Fatalf("%s %s: got %d %s, want %d %s", method, path, r.Status, r.Raw, status, code)
	}
	if r.str("code") == "" || r.str("message") == "" || r.str("message_zh") == "" {
		e.t.Fatalf("%s %s: %d without code/message/message_zh: %s", method, path, r.Status, r.Raw)
	}
	if after := e.head(); after != before {
		e.t.Fatalf("%s %s was rejected (%d) but the log moved from %d to %d", method, path, r.Status, before, after)
	}
	return r
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBadInputIsRejectedWithACode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	valid := disburseBody(f.commitment, 1_000, "PZ-BAD-INPUT", "2025-05-01")
	js := func(b obj) []byte { return mustJSON(t, b) }
	const unprocessable, bad = http.StatusUnprocessableEntity, http.StatusBadRequest

	cases := []struct {
		name    string
		path    string
		body    []byte
		headers map[string]string
		status  int
		code    string
	}{
		// not JSON
		{"malformed JSON", "/v1/disbursements", []byte(`{"commitment_id": "` + f.commitment + `", "amount_fen": `), nil, bad, "malformed_request"},
		{"trailing garbage", "/v1/disbursements", append(js(valid), []byte(" }{")...), nil, bad, "malformed_request"},
		{"single quotes", "/v1/disbursements", []byte(`{'amount_fen': 1}`), nil, bad, "malformed_request"},
		{"bare string", "/v1/disbursements", []byte(`"hello"`), nil, unprocessable, "validation_failed"},
		{"null body", "/v1/disbursements", []byte(`null`), nil, unprocessable, "validation_failed"},
		{"array body", "/v1/disbursements", []byte(`[]`), nil, unprocessable, "validation_failed"},
		{"empty body", "/v1/disbursements", []byte{}, nil, bad, "malformed_request"},
		{"deep nesting", "/v1/disbursements", []byte(strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)), nil, bad, "malformed_request"},
		{"invalid UTF-8", "/v1/disbursements", []byte("{\"commitment_id\": \"\xff\xfe\"}"), nil, 0, ""},
		// wrong types
		{"amount as string", "/v1/disbursements", js(with(valid, "amount_fen", "100")), nil, unprocessable, "validation_failed"},
		{"amount as bool", "/v1/disbursements", js(with(valid, "amount_fen", true)), nil, unprocessable, "validation_failed"},
		{"amount null", "/v1/disbursements", js(with(valid, "amount_fen", nil)), nil, unprocessable, "validation_failed"},
		{"date as number", "/v1/disbursements", js(with(valid, "business_date", 20250501)), nil, unprocessable, "validation_failed"},
		{"id as number", "/v1/disbursements", js(with(valid, "commitment_id", 42)), nil, unprocessable, "validation_failed"},
		{"object as string", "/v1/disbursements", js(with(valid, "over_commitment", "yes")), nil, unprocessable, "validation_failed"},
		{"array as string", "/v1/visits", js(with(visitBody(f.pairing, "2025-05-01"), "pairing_ids", f.pairing)), nil, unprocessable, "validation_failed"},
		{"array of numbers", "/v1/visits", js(with(visitBody(f.pairing, "2025-05-01"), "pairing_ids", []int{1})), nil, unprocessable, "validation_failed"},
		{"nested wrong type", "/v1/pairings", js(with(pairingBody("D1", "632624", "three_gorges", "2021-01-01", "2021-12-31"), "donor", "D1")), nil, unprocessable, "validation_failed"},
		// missing required fields
		{"missing amount", "/v1/disbursements", js(with(valid, "amount_fen", absent)), nil, unprocessable, "validation_failed"},
		{"missing voucher", "/v1/disbursements", js(with(valid, "voucher_no", absent)), nil, unprocessable, "validation_failed"},
		{"empty object", "/v1/disbursements", []byte(`{}`), nil, unprocessable, "validation_failed"},
		{"blank voucher", "/v1/disbursements", js(with(valid, "voucher_no", "   ")), nil, unprocessable, "validation_failed"},
		// unknown enum values
		{"unknown source level", "/v1/commitments", js(with(commitBody(f.pairing, 1_000, "2025-05-01"), "source_level", "county")), nil, unprocessable, "validation_failed"},
		{"unknown programme", "/v1/pairings", js(pairingBody("D1", "632624", "north_south", "2021-01-01", "2021-12-31")), nil, unprocessable, "validation_failed"},
		{"unknown channel", "/v1/purchases", js(purchaseBody(f.pairing, "taobao", "O-1", 1_000, "2025-05-01")), nil, unprocessable, "validation_failed"},
		{"unknown donor type", "/v1/donations", js(with(donationBody(f.pairing, "R-1", 1_000, "2025-05-01"), "donor_type", "alien")), nil, unprocessable, "validation_failed"},
		{"unknown direction", "/v1/visits", js(with(visitBody(f.pairing, "2025-05-01"), "direction", "sideways")), nil, unprocessable, "validation_failed"},
		{"unknown delivery mode", "/v1/projects", js(with(projectBody(f.pairing, "2025-05-01"), "delivery_mode", "drone")), nil, unprocessable, "validation_failed"},
		{"enum in another case", "/v1/commitments", js(with(commitBody(f.pairing, 1_000, "2025-05-01"), "source_level", "District")), nil, unprocessable, "validation_failed"},
		// unknown fields
		{"unknown field", "/v1/disbursements", js(with(valid, "approved", true)), nil, unprocessable, "validation_failed"},
		{"misspelt field", "/v1/disbursements", js(with(valid, "amount_fen", absent, "amountFen", 1_000)), nil, unprocessable, "validation_failed"},
		{"unknown nested field", "/v1/disbursements", js(with(valid, "over_commitment", obj{"justification": "j", "approved_by": "a", "level": 2})), nil, unprocessable, "validation_failed"},
		{"server-owned field", "/v1/disbursements", js(with(valid, "position", 5)), nil, unprocessable, "validation_failed"},
		// amounts
		{"zero amount", "/v1/disbursements", js(with(valid, "amount_fen", 0)), nil, unprocessable, "validation_failed"},
		{"negative amount", "/v1/disbursements", js(with(valid, "amount_fen", -1_000)), nil, unprocessable, "validation_failed"},
		{"negative commitment", "/v1/commitments", js(commitBody(f.pairing, -1, "2025-05-01")), nil, unprocessable, "validation_failed"},
		{"zero donation", "/v1/donations", js(donationBody(f.pairing, "R-2", 0, "2025-05-01")), nil, unprocessable, "validation_failed"},
		{"negative purchase", "/v1/purchases", js(purchaseBody(f.pairing, "fair", "O-2", -5, "2025-05-01")), nil, unprocessable, "validation_failed"},
		{"zero sale", "/v1/sales", js(saleBody(f.pairing, "fair", "O-3", 0, "2025-05-01", "2025-05-02")), nil, unprocessable, "validation_failed"},
		{"negative item value", "/v1/donations", js(with(donationBody(f.pairing, "R-3", 1, "2025-05-01"), "items", []obj{{"description": "x", "value_fen": -1}})), nil, unprocessable, "validation_failed"},
		{"1e30", "/v1/disbursements", []byte(strings.Replace(string(js(valid)), `"amount_fen":1000`, `"amount_fen":1e30`, 1)), nil, unprocessable, "validation_failed"},
		{"20 digits", "/v1/disbursements", []byte(strings.Replace(string(js(valid)), `"amount_fen":1000`, `"amount_fen":99999999999999999999`, 1)), nil, unprocessable, "validation_failed"},
		{"max int64", "/v1/disbursements", js(with(valid, "amount_fen", int64(9223372036854775807))), nil, unprocessable, "validation_failed"},
		{"min int64 delta", "/v1/commitments/" + f.commitment + "/adjustments", js(adjustBody(-9223372036854775808, "2025-05-01")), nil, unprocessable, "validation_failed"},
		{"above 1000亿元", "/v1/disbursements", js(with(valid, "amount_fen", int64(10_000_000_000_001))), nil, unprocessable, "validation_failed"},
		{"fractional amount", "/v1/disbursements", []byte(strings.Replace(string(js(valid)), `"amount_fen":1000`, `"amount_fen":1000.5`, 1)), nil, unprocessable, "validation_failed"},
		{"yuan with decimals", "/v1/disbursements", []byte(strings.Replace(string(js(valid)), `"amount_fen":1000`, `"amount_fen":0.01`, 1)), nil, unprocessable, "validation_failed"},
		{"huge year", "/v1/commitments", js(with(commitBody(f.pairing, 1_000, "2025-05-01"), "budget_year", 99999999999)), nil, unprocessable, "validation_failed"},
		{"implausible year", "/v1/commitments", js(with(commitBody(f.pairing, 1_000, "2025-05-01"), "budget_year", 1999)), nil, unprocessable, "validation_failed"},
		// dates, ids, text
		{"impossible date", "/v1/disbursements", js(with(valid, "business_date", "2025-02-30")), nil, unprocessable, "validation_failed"},
		{"slashed date", "/v1/disbursements", js(with(valid, "business_date", "2025/05/01")), nil, unprocessable, "validation_failed"},
		{"timestamp", "/v1/disbursements", js(with(valid, "business_date", "2025-05-01T00:00:00Z")), nil, unprocessable, "validation_failed"},
		{"empty date", "/v1/disbursements", js(with(valid, "business_date", "")), nil, unprocessable, "validation_failed"},
		{"non-ULID client id", "/v1/disbursements", js(with(valid, "disbursement_id", "disb-0001")), nil, unprocessable, "validation_failed"},
		{"ULID too long", "/v1/disbursements", js(with(valid, "disbursement_id", nowhere+"0")), nil, unprocessable, "validation_failed"},
		{"ULID overflow", "/v1/disbursements", js(with(valid, "disbursement_id", "80000000000000000000000000")), nil, unprocessable, "validation_failed"},
		{"non-ULID pairing id", "/v1/pairings", js(with(pairingBody("D1", "632624", "three_gorges", "2021-01-01", "2021-12-31"), "pairing_id", "P1")), nil, unprocessable, "validation_failed"},
		{"over-long voucher", "/v1/disbursements", js(with(valid, "voucher_no", strings.Repeat("9", 101))), nil, unprocessable, "validation_failed"},
		{"control char in text", "/v1/disbursements", js(with(valid, "payee_name", "乙县\x07财政局")), nil, unprocessable, "validation_failed"},
		{"bad credit code", "/v1/disbursements", js(with(valid, "payee_credit_code", "12345")), nil, unprocessable, "validation_failed"},
		{"bad quantity", "/v1/purchases", js(with(purchaseBody(f.pairing, "fair", "O-4", 1_000, "2025-05-01"), "quantity", "1e3")), nil, unprocessable, "validation_failed"},
		{"over-long path id", "/v1/disbursements/" + strings.Repeat("A", 65) + "/reversals", js(reversalBody(1, "entry_error", "2025-05-01")), nil, unprocessable, "validation_failed"},
		// transport
		{"10 MB body", "/v1/disbursements", []byte(`{"payee_name": "` + strings.Repeat("甲", 10<<20/3) + `"}`), nil, http.StatusRequestEntityTooLarge, "body_too_large"},
		{"missing Idempotency-Key", "/v1/disbursements", js(valid), map[string]string{"Idempotency-Key": ""}, bad, "idempotency_key_required"},
		{"short Idempotency-Key", "/v1/disbursements", js(valid), map[string]string{"Idempotency-Key": "k1"}, bad, "idempotency_key_required"},
		{"Idempotency-Key with a space", "/v1/disbursements", js(valid), map[string]string{"Idempotency-Key": "key with spaces"}, bad, "idempotency_key_required"},
		{"Idempotency-Key too long", "/v1/disbursements", js(valid), map[string]string{"Idempotency-Key": strings.Repeat("k", 129)}, bad, "idempotency_key_required"},
		{"Content-Type text/plain", "/v1/disbursements", js(valid), map[string]string{"Content-Type": "text/plain"}, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"Content-Type form", "/v1/disbursements", []byte("amount_fen=1"), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"over-long correlation id", "/v1/disbursements", js(valid), map[string]string{"X-Correlation-ID": strings.Repeat("c", 129)}, unprocessable, "validation_failed"},
		{"unknown endpoint", "/v1/disbursal", js(valid), nil, http.StatusNotFound, "not_found"},
	}
	for _, c := range cases {
		e.subtest(t, c.name, func(t *testing.T) {
			e.rejectRaw(http.MethodPost, c.path, c.body, c.headers, c.status, c.code)
		})
	}
	e.subtest(t, "wrong method", func(t *testing.T) {
		for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
			e.rejectRaw(m, "/v1/disbursements", js(valid), nil, 0, "")
		}
	})

	// the valid body itself passes: every case above broke exactly one thing
	e.mustPost("recorder", "/v1/disbursements", valid)
}

// Every sweep value in every field of every command's body: the answer is
// never a 5xx, and a refusal always carries a code and leaves the log alone.
func TestNoFieldValueCausesServerError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	project := e.mustPost("recorder", "/v1/projects", projectBody(f.pairing, "2025-01-10")).str("project_id")
	bodies := []struct {
		path string
		body obj
	}{
		{"/v1/pairings", pairingBody("D1", "632624", "three_gorges", "2021-01-01", "2021-12-31")},
		{"/v1/commitments", commitBody(f.pairing, 1_000, "2025-05-01")},
		{"/v1/commitments/" + f.commitment + "/adjustments", adjustBody(1_000, "2025-05-01")},
		{"/v1/disbursements", with(disburseBody(f.commitment, 1_000, "PZ-SWEEP", "2025-05-01"), "over_commitment", obj{"justification": "j", "approved_by": "a"})},
		{"/v1/disbursements/" + f.disbursement + "/reversals", reversalBody(1, "entry_error", "2025-05-01")},
		{"/v1/donations", with(donationBody(f.pairing, "SJ-SWEEP", 1_000, "2025-05-01"), "items", []obj{{"description": "x", "value_fen": 1}})},
		{"/v1/purchases", purchaseBody(f.pairing, "fair", "O-SWEEP", 1_000, "2025-05-01")},
		{"/v1/sales", saleBody(f.pairing, "fair", "S-SWEEP", 1_000, "2025-05-01", "2025-05-02")},
		{"/v1/secondments", secondmentBody(f.pairing, "SWEEP", "2025-05-01")},
		{"/v1/visits", visitBody(f.pairing, "2025-05-01")},
		{"/v1/projects", projectBody(f.pairing, "2025-05-01")},
		{"/v1/projects/" + project + "/progress", progressBody("2025-05-01", "in_progress", 1)},
		{"/v1/pairings/" + f.pairing + "/targets", obj{"year": 2025, "targets": obj{"fiscal_fen": 1, "social_fen": 0, "consumption_fen": 0, "staff_persons": 0, "visits": 0, "projects": 0}}},
	}
	values := []any{nil, true, 0, -1, 1.5, 1e30, int64(9223372036854775807), "", " ", "x", "2025-05-01", nowhere, strings.Repeat("长", 2000),
		"\u202e\ufeff", []any{}, []any{nil}, obj{}, obj{"a": 1}}
	for _, b := range bodies {
		for field := range b.body {
			for i, v := range values {
				body := with(b.body, field, v)
				before := e.head()
				r := e.post("recorder", b.path, body)
				switch {
				case r.Status >= 500:
					t.Errorf("POST %s with %s = %#v (value %d): %d %s", b.path, field, v, i, r.Status, r.Raw)
				case r.Status >= 400:
					if r.str("code") == "" || r.str("message") == "" || r.str("message_zh") == "" {
						t.Errorf("POST %s with %s = %#v: %d without code/message/message_zh: %s", b.path, field, v, r.Status, r.Raw)
					}
					if e.head() != before {
						t.Errorf("POST %s with %s = %#v: rejected (%d) but the log moved", b.path, field, v, r.Status)
					}
				}
			}
		}
	}
}

// Text that Postgres cannot store (NUL characters; bytes that are not
// UTF-8) must be refused as bad input, never answered with a 500.
func TestUnstorableTextIsRejectedNotServerError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	project := e.mustPost("recorder", "/v1/projects", projectBody(f.pairing, "2025-01-10")).str("project_id")
	nul := "01ARZ3NDEKTSV4RRFFQ69G\x00FAV"
	cases := []struct {
		name, path string
		body       obj
	}{
		{"commitment_id", "/v1/disbursements", disburseBody(nul, 1_000, uniq("PZ"), "2025-05-01")},
		{"pairing_id", "/v1/donations", donationBody(nul, uniq("SJ"), 1_000, "2025-05-01")},
		{"pairing_ids", "/v1/visits", with(visitBody(f.pairing, "2025-05-01"), "pairing_ids", []string{nul})},
		{"project_id", "/v1/commitments", with(commitBody(f.pairing, 1_000, "2025-05-01"), "project_id", nul)},
		{"path id (reversal)", "/v1/disbursements/%00/reversals", reversalBody(1, "entry_error", "2025-05-01")},
		{"path id (adjustment)", "/v1/commitments/%00/adjustments", adjustBody(1, "2025-05-01")},
		{"path id (entry reversal)", "/v1/donations/%00/reversals", obj{"reason": "entry_error"}},
		{"path id (progress)", "/v1/projects/" + project + "%00/progress", progressBody("2025-05-01", "in_progress", 1)},
		{"path id (targets)", "/v1/pairings/%00/targets", obj{"year": 2025, "targets": obj{"fiscal_fen": 1, "social_fen": 0, "consumption_fen": 0, "staff_persons": 0, "visits": 0, "projects": 0}}},
	}
	for _, c := range cases {
		e.subtest(t, c.name, func(t *testing.T) {
			before := e.head()
			r := e.post("recorder", c.path, c.body)
			if r.Status < 400 || r.Status > 499 || r.str("code") == "" {
				t.Fatalf("POST %s with NUL in %s: %d %s, want a 4xx (not_found or validation_failed)", c.path, c.name, r.Status, r.Raw)
			}
			if e.head() != before {
				t.Fatal("log moved")
			}
		})
	}
	e.subtest(t, "stream id", func(t *testing.T) {
		if r := e.do("admin", http.MethodGet, "/v1/streams/commitment-%00", nil); r.Status != http.StatusBadRequest || r.str("code") != "invalid_text" {
			t.Fatalf("GET stream with NUL: %d %s, want 400 invalid_text", r.Status, r.Raw)
		}
	})
	e.subtest(t, "correlation id", func(t *testing.T) {
		before := e.head()
		r := e.do("recorder", http.MethodPost, "/v1/visits", visitBody(f.pairing, "2025-05-01"),
			"Idempotency-Key", uniq("corr-key"), "X-Correlation-ID", "req-\xff\xfe")
		if r.Status >= 500 {
			t.Fatalf("X-Correlation-ID that is not UTF-8: %d %s, want a 4xx (or the id dropped/escaped and 201)", r.Status, r.Raw)
		}
		if r.Status >= 400 && e.head() != before {
			t.Fatal("log moved")
		}
	})
}

// amount_fen may be left out of an entry reversal to take back the whole
// rest; an explicit 0 is not "everything" but a mistake, as it is for a
// disbursement reversal.
func TestEntryReversalExplicitZeroAmountIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	d := e.mustPost("recorder", "/v1/donations", donationBody(f.pairing, uniq("SJ"), 1_000, "2025-05-01")).str("donation_id")
	e.expectRejected("recorder", "/v1/donations/"+d+"/reversals", obj{"reason": "entry_error", "amount_fen": 0, "business_date": "2025-05-02"},
		http.StatusUnprocessableEntity, "validation_failed")
}

// TestStreamSpanningPartners: a person's stream holds secondments under
// pairings of two partner counties; each partner reads only its own
// county's events of it (and the version of the last one it sees), and a
// partner with none of them gets 404.
func TestStreamSpanningPartners(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	first := e.mustPost("recorder", "/v1/secondments", secondmentBody(f.pairing2, "SPAN-1", "2024-01-01")).str("secondment_id")
	e.mustPost("recorder", "/v1/secondments/"+first+"/end", obj{"end_date": "2024-12-31"})
	e.mustPost("recorder", "/v1/secondments", secondmentBody(f.pairing, "SPAN-1", "2025-01-01"))
	stream := "/v1/streams/person-D1.SPAN-1"
	versions := func(role string) (int64, []int64) {
		t.Helper()
		r := e.do(role, http.MethodGet, stream, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("%s reads the stream: %d %s", role, r.Status, r.Raw)
		}
		var got []int64
		for _, ev := range r.Body["events"].([]any) {
			got = append(got, int64(ev.(map[string]any)["stream_version"].(float64)))
		}
		return r.num("version"), got
	}
	for role, want := range map[string][]int64{"recorder": {1, 2, 3}, "auditor": {1, 2, 3}, "partner2": {1, 2}, "partner": {3}} {
		version, got := versions(role)
		if !slices.Equal(got, want) || version != want[len(want)-1] {
			t.Errorf("%s sees versions %v (stream version %d), want %v", role, got, version, want)
		}
	}
	if r := e.do("recorder2", http.MethodGet, stream, nil); r.Status != http.StatusNotFound {
		t.Errorf("another donor's recorder: %d, want 404", r.Status)
	}
}

// wan is 1万元 in fen.
const wan = 1_000_000

// TestInvariantSharedCommitments (I-54): a commitment may fund several
// pairings of one donor and programme, with shares that never exceed it;
// a disbursement names which of them it pays; an allocation names them
// all; the commitment is never lowered below what is allocated.
func TestInvariantSharedCommitments(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	third := e.mustPost("recorder", "/v1/pairings", pairingBody("D1", "610928", "east_west", "2021-01-01", "2030-12-31")).str("pairing_id")
	shared := func(shares ...obj) obj {
		return obj{"pairing_id": f.pairing, "amount_fen": 300 * wan, "budget_year": 2025, "source_level": "city",
			"doc_no": "市财〔2025〕8号", "business_date": "2025-03-01", "shares": shares}
	}
	share := func(p string, fen int64) obj { return obj{"pairing_id": p, "amount_fen": fen} }
	e.expectRejected("recorder", "/v1/commitments", shared(share(f.pairing, 100*wan), share(f.pairing2, 0)),
		http.StatusUnprocessableEntity, "validation_failed") // another programme
	e.expectRejected("recorder", "/v1/commitments", shared(share(third, 0), share(f.pairing, 0)),
		http.StatusUnprocessableEntity, "validation_failed") // pairing_id not first
	e.expectRejected("recorder", "/v1/commitments", shared(share(f.pairing, 200*wan), share(third, 101*wan)),
		http.StatusUnprocessableEntity, "validation_failed") // more than committed
	e.expectRejected("recorder", "/v1/commitments", shared(share(f.pairing, 0)), http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder2", "/v1/commitments", shared(share(f.pairing, 0), share(third, 0)), http.StatusNotFound, "not_found")
	c := e.mustPost("recorder", "/v1/commitments", shared(share(f.pairing, 100*wan), share(third, 0))).str("commitment_id")
	if p := e.lastPayload("commitment-" + c); len(p["shares"].([]any)) != 2 {
		t.Fatalf("shares recorded: %v", p["shares"])
	}
	disburse := func(pairing string) obj {
		b := obj{"commitment_id": c, "amount_fen": 10 * wan, "business_date": "2025-04-01", "payee_name": "丙县财政局",
			"voucher_no": "PZ-SH-" + pairing[len(pairing)-4:]}
		if pairing != "" {
			b["pairing_id"] = pairing
		}
		return b
	}
	e.expectRejected("recorder", "/v1/disbursements", obj{"commitment_id": c, "amount_fen": 10 * wan, "business_date": "2025-04-01",
		"payee_name": "x", "voucher_no": "PZ-SH-0"}, http.StatusUnprocessableEntity, "validation_failed") // which pairing?
	e.expectRejected("recorder", "/v1/disbursements", disburse(f.pairing2), http.StatusUnprocessableEntity, "validation_failed")
	paid := e.mustPost("recorder", "/v1/disbursements", disburse(third)).str("disbursement_id")
	if p := e.lastPayload("commitment-" + c); p["pairing_id"] != third {
		t.Errorf("the disbursement %s is of pairing %v, want %s", paid, p["pairing_id"], third)
	}
	// the county of the pairing paid, not the commitment's first, confirms it
	e.expectRejected("partner", "/v1/disbursements/"+paid+"/receipt", obj{"received_date": "2025-04-03", "receipt_ref": "DZ"},
		http.StatusNotFound, "not_found")
	alloc := "/v1/commitments/" + c + "/allocation"
	e.expectRejected("recorder", alloc, obj{"shares": []obj{share(f.pairing, 200*wan), share(third, 101*wan)}},
		http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", alloc, obj{"shares": []obj{share(f.pairing, 200*wan)}}, http.StatusUnprocessableEntity, "validation_failed")
	e.expectRejected("recorder", "/v1/commitments/"+f.commitment+"/allocation", obj{"shares": []obj{share(f.pairing, 1)}},
		http.StatusUnprocessableEntity, "validation_failed") // funds one pairing
	e.mustPost("recorder", alloc, obj{"shares": []obj{share(third, 120*wan), share(f.pairing, 150*wan)}, "doc_no": "市财〔2025〕9号",
		"business_date": "2025-05-01"})
	if p := e.lastPayload("commitment-" + c); p["shares"].([]any)[0].(map[string]any)["pairing_id"] != f.pairing {
		t.Errorf("the allocation is not recorded in the commitment's order: %v", p["shares"])
	}
	e.expectRejected("recorder", "/v1/commitments/"+c+"/adjustments", obj{"delta_fen": -31 * wan, "reason": "调减", "doc_no": "X",
		"business_date": "2025-06-01"}, http.StatusUnprocessableEntity, "validation_failed") // below the 270万 allocated
	e.mustPost("recorder", "/v1/commitments/"+c+"/adjustments", obj{"delta_fen": -30 * wan, "reason": "调减", "doc_no": "X",
		"business_date": "2025-06-01"})
}

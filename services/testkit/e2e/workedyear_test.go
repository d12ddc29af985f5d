package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
)

// TestWorkedYearEveryFamily records a year of a district with every family
// of the catalogue through the HTTP API — two 山海协作 partners and one
// 对口支援 partner; fiscal aid, a project of plan year 2021 completed in
// 2023 with its annual plan, labour cooperation, an investment, a park and
// a workshop with their reports, a training, an agreement, staff sent in
// 2022 and 2023, a visit led by the principal leader, and targets — and
// asserts the 2021, 2022 and 2023 year-end reports in JSON: every
// non-zero figure of every pairing and programme, the targets against
// results, and the projects counted by calendar year.
func TestWorkedYearEveryFamily(t *testing.T) {
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
	lastEvent := func(w map[string]any) string {
		ids := w["event_ids"].([]any)
		return ids[len(ids)-1].(string)
	}
	pairing := func(code, name, short, programme string) string {
		return post("/v1/pairings", obj{"donor": obj{"code": "DING", "name": "丁区", "short_name": "丁"},
			"partner": obj{"code": code, "name": name, "short_name": short}, "programme": programme,
			"agreement_doc_no": "协议〔2021〕" + code, "valid_from": "2021-01-01", "valid_to": "2030-12-31"})["pairing_id"].(string)
	}
	wu, ji, geng := pairing("330001", "戊县", "戊", "mountain_sea"), pairing("330002", "己县", "己", "mountain_sea"),
		pairing("540001", "庚县", "庚", "counterpart_support")

	post("/v1/pairings/"+wu+"/targets", obj{"year": 2023, "targets": obj{"fiscal_fen": 200 * wan, "persons_employed": 100,
		"projects": 1, "staff": 2, "visits": 2}, "doc_no": "丁协办〔2023〕1号"})

	// A school of plan year 2021: started 10 May 2021, 300万 planned for
	// 2023, completed on 28 November 2023 (stated by the report as of 31
	// December).
	school := post("/v1/projects", obj{"pairing_id": wu, "name": "戊县中心小学", "sector": "教育", "delivery_mode": "turnkey",
		"planned_total_fen": 500 * wan, "plan_year": 2021, "business_date": "2021-03-01", "tier": "county"})["project_id"].(string)
	started := lastEvent(post("/v1/projects/"+school+"/progress", obj{"as_of": "2021-12-31", "status": "in_progress",
		"completed_investment_fen": 100 * wan, "started_on": "2021-05-10"}))
	plan := lastEvent(post("/v1/projects/"+school+"/year-plans", obj{"year": 2023, "planned_fen": 300 * wan,
		"business_date": "2023-01-10"}))
	midyear := lastEvent(post("/v1/projects/"+school+"/progress", obj{"as_of": "2023-06-30", "status": "in_progress",
		"completed_investment_fen": 380 * wan}))
	accepted := lastEvent(post("/v1/projects/"+school+"/progress", obj{"as_of": "2023-12-31", "status": "accepted",
		"completed_investment_fen": 490 * wan, "completed_on": "2023-11-28"}))

	fiscal := func(pairing string, fen int64, voucher string) {
		c := post("/v1/commitments", obj{"pairing_id": pairing, "amount_fen": 2 * fen, "budget_year": 2023, "source_level": "district",
			"doc_no": "丁财〔2023〕" + voucher, "business_date": "2023-02-01"})["commitment_id"].(string)
		post("/v1/disbursements", obj{"commitment_id": c, "amount_fen": fen, "business_date": "2023-04-01",
			"payee_name": "财政局", "voucher_no": voucher})
	}
	fiscal(wu, 150*wan, "PZ-1")
	fiscal(ji, 80*wan, "PZ-2")
	fiscal(geng, 50*wan, "PZ-3")
	// 山海协作 funds for 戊县 and 己县 together: 100万, of which 40万 for 戊县
	// is known at first; later 50万 is allocated to 己县; 10万 stays
	// unallocated.
	shared := post("/v1/commitments", obj{"pairing_id": wu, "amount_fen": 100 * wan, "budget_year": 2023, "source_level": "city",
		"doc_no": "市财〔2023〕5号", "business_date": "2023-03-01",
		"shares": []obj{{"pairing_id": wu, "amount_fen": 40 * wan}, {"pairing_id": ji, "amount_fen": 0}}})["commitment_id"].(string)
	post("/v1/commitments/"+shared+"/allocation", obj{"shares": []obj{{"pairing_id": wu, "amount_fen": 40 * wan},
		{"pairing_id": ji, "amount_fen": 50 * wan}}, "doc_no": "市财〔2023〕9号", "business_date": "2023-06-01"})

	post("/v1/labour-transfers", obj{"pairing_id": wu, "period_from": "2023-01-01", "period_to": "2023-06-30",
		"destination": "donor_area", "persons": 120, "poverty_persons": 45, "doc_no": "丁人社〔2023〕1号"})
	park := post("/v1/parks", obj{"pairing_id": wu, "name": "丁戊共建产业园", "kind": "co_built_park", "location_code": "330001",
		"established_date": "2023-03-01"})["park_id"].(string)
	post("/v1/parks/"+park+"/reports", obj{"as_of": "2023-12-31", "enterprises": 5, "investment_fen": 3000 * wan})
	post("/v1/enterprise-investments", obj{"pairing_id": wu, "enterprise_name": "常州牧原食品科技有限公司",
		"credit_code": "91320412MA1N7B2C3R", "project_name": "加工线", "sector": "食品", "amount_fen": 2000 * wan,
		"invested_date": "2023-05-01", "jobs": 30, "poverty_jobs": 10, "park_id": park})
	post("/v1/trainings", obj{"pairing_id": ji, "kind": "cadre", "start_date": "2023-09-01", "end_date": "2023-09-05",
		"participants": 40, "organiser": "丁区委组织部"})
	post("/v1/agreements", obj{"pairing_id": ji, "title": "山海协作框架协议", "doc_no": "丁己协〔2023〕1号", "signed_date": "2023-02-01"})
	workshop := post("/v1/workshops", obj{"pairing_id": ji, "name": "来料加工车间", "village": "某村",
		"established_date": "2023-04-01"})["workshop_id"].(string)
	post("/v1/workshops/"+workshop+"/reports", obj{"as_of": "2023-12-31", "employed": 38, "poverty_employed": 21})
	post("/v1/secondments", obj{"pairing_id": wu, "person_ref": "C1", "category": "cadre", "sending_org": "丁区委组织部",
		"host_org": "戊县人民政府", "start_date": "2022-03-01"})
	post("/v1/secondments", obj{"pairing_id": wu, "person_ref": "T1", "category": "teacher", "sending_org": "丁区教育局",
		"host_org": "戊县中学", "start_date": "2023-09-01"})
	post("/v1/visits", obj{"pairing_ids": []string{wu, ji}, "direction": "outbound", "start_date": "2023-05-10",
		"led_by_principal": true})
	s.waitProjected()

	// the shared commitment shows its split and what no share holds
	var got struct{ Data balances.CommitmentDetail }
	st := s.do(http.MethodGet, "/v1/commitments/"+shared, nil, &got)
	if sc := got.Data; st != http.StatusOK || len(sc.Shares) != 2 ||
		sc.Shares[0].PairingID != wu || sc.Shares[1].AmountFen != 50*wan || sc.UnallocatedFen != 10*wan {
		t.Errorf("shared commitment: %d %+v", st, got.Data)
	}
	// 己县 reads the commitment it has a share of; 庚县 does not
	for code, want := range map[string]int{"330002": http.StatusOK, "540001": http.StatusNotFound} {
		tok, err := auth.NewTokens(s.pool).Create(context.Background(), auth.Principal{Name: code, Role: auth.RolePartner, PartnerCode: code})
		if err != nil {
			t.Fatal(err)
		}
		if st, body, _ := s.getAs(tok, "/v1/commitments/"+shared); st != want {
			t.Errorf("partner %s reads the shared commitment: %d %s, want %d", code, st, body, want)
		}
	}

	// the by_programme paragraph, asked per request
	st, body, _ := s.get("/v1/reports/yearend?donor=DING&year=2023&format=json&style=by_programme")
	var doc struct {
		Rendered struct {
			Paragraph string `json:"paragraph_zh"`
		}
	}
	if st != http.StatusOK || json.Unmarshal(body, &doc) != nil {
		t.Fatalf("by_programme: %d %s", st, body)
	}
	if want := "落实山海协作结对地区戊县和己县援建资金230万元，实施援建项目1个（其中竣工1个），帮助农村劳动力转移就业120人，其中脱贫人口45人，" +
		"引导1家企业实际到位投资2000万元，共建产业园区1个，建设帮扶车间1个。落实对口支援庚县财政援助资金50万元。"; doc.Rendered.Paragraph != want {
		t.Errorf("by_programme:\n got %s\nwant %s", doc.Rendered.Paragraph, want)
	}
	if st, _, _ := s.get("/v1/reports/yearend?donor=DING&year=2023&style=by_county"); st != http.StatusUnprocessableEntity {
		t.Errorf("an unknown style: %d", st)
	}

	type figures = map[string]int64
	report := func(year int) *yearend.Report {
		t.Helper()
		st, body, _ := s.get(fmt.Sprintf("/v1/reports/yearend?donor=DING&year=%d&format=json", year))
		var out struct{ Report yearend.Report }
		if st != http.StatusOK || json.Unmarshal(body, &out) != nil {
			t.Fatalf("report %d: %d %s", year, st, body)
		}
		return &out.Report
	}
	// nonZero is every figure and rate of f that is not zero.
	nonZero := func(f yearend.Figures) figures {
		b, _ := json.Marshal(f)
		var all map[string]json.RawMessage
		if err := json.Unmarshal(b, &all); err != nil {
			t.Fatal(err)
		}
		out := figures{}
		for name, raw := range all {
			var fg yearend.Figure
			var n int64
			if json.Unmarshal(raw, &fg) == nil && fg.Value != 0 {
				out[name] = fg.Value
			} else if json.Unmarshal(raw, &n) == nil && n != 0 {
				out[name] = n
			}
		}
		return out
	}
	check := func(what string, got yearend.Figures, want figures) {
		t.Helper()
		if g := nonZero(got); !maps.Equal(g, want) {
			for _, k := range slices.Sorted(maps.Keys(g)) {
				if g[k] != want[k] {
					t.Errorf("%s %s = %d, want %d", what, k, g[k], want[k])
				}
			}
			for _, k := range slices.Sorted(maps.Keys(want)) {
				if _, ok := g[k]; !ok {
					t.Errorf("%s %s missing, want %d", what, k, want[k])
				}
			}
		}
	}

	r23 := report(2023)
	if len(r23.Pairings) != 3 || r23.Pairings[0].PairingID != wu || r23.Pairings[1].PairingID != ji || r23.Pairings[2].PairingID != geng {
		t.Fatalf("2023 pairings %+v", r23.Pairings)
	}
	check("2023 戊县", r23.Pairings[0].Figures, figures{
		"visits": 1, "visits_led_by_principal": 1, "staff_teacher": 1, "staff_professional": 1,
		"staff_in_post": 2, "staff_year_or_more": 1, "staff_anniversary": 1,
		"fiscal_disbursed_fen": 150 * wan, "fiscal_committed_fen": 340 * wan, "disbursal_rate_bp": 4412, // 150/340
		"labour_persons": 120, "labour_poverty_persons": 45,
		"investment_records": 1, "investment_fen": 2000 * wan, "investment_jobs": 30, "investment_poverty_jobs": 10,
		"parks": 1, "park_enterprises": 5, "park_investment_fen": 3000 * wan,
		// The school: continuing from 2021, completed in 2023; 390万 of the
		// 300万 planned for 2023 invested in it (130%), started.
		"projects_under_way": 1, "projects_continuing": 1, "projects_finished": 1,
		"year_planned_fen": 300 * wan, "year_invested_fen": 390 * wan, "year_completion_rate_bp": 13000,
		"year_planned_projects": 1, "year_planned_started": 1, "start_rate_bp": 10000,
	})
	check("2023 己县", r23.Pairings[1].Figures, figures{
		"visits": 1, "visits_led_by_principal": 1, "fiscal_disbursed_fen": 80 * wan, "fiscal_committed_fen": 210 * wan,
		"disbursal_rate_bp": 3810 /* 80/210 */, "trainings": 1, "training_participants": 40, "agreements": 1,
		"workshops": 1, "workshop_employed": 38, "workshop_poverty_employed": 21,
	})
	check("2023 庚县", r23.Pairings[2].Figures, figures{"fiscal_disbursed_fen": 50 * wan, "fiscal_committed_fen": 100 * wan,
		"disbursal_rate_bp": 5000})
	// 竣工 in 2023 by the report that stated it, not in the plan year.
	if ids := r23.Pairings[0].ProjectsFinished.EventIDs; !slices.Equal(ids, []string{accepted}) {
		t.Errorf("2023 projects finished by %v, want the report %s", ids, accepted)
	}
	if ids := r23.Pairings[0].YearInvestedFen.EventIDs; !slices.Equal(ids, sortedIDs(midyear, accepted)) {
		t.Errorf("2023 invested by %v, want the reports %s %s", ids, midyear, accepted)
	}
	if ids := r23.Pairings[0].YearPlannedFen.EventIDs; !slices.Equal(ids, []string{plan}) {
		t.Errorf("2023 planned by %v, want %s", ids, plan)
	}

	// Targets against results, at a cut-off of 31 December (100% of the year).
	wantProgress := []yearend.TargetProgress{
		{Indicator: "fiscal_fen", Target: 200 * wan, Result: 150 * wan, RateBP: 7500, ExpectedBP: 10000, Behind: true},
		{Indicator: "persons_employed", Target: 100, Result: 120, RateBP: 12000, ExpectedBP: 10000},
		{Indicator: "staff", Target: 2, Result: 1, RateBP: 5000, ExpectedBP: 10000, Behind: true},
		{Indicator: "visits", Target: 2, Result: 1, RateBP: 5000, ExpectedBP: 10000, Behind: true},
		{Indicator: "projects", Target: 1, Result: 0, RateBP: 0, ExpectedBP: 10000, Behind: true},
	}
	if p := r23.Pairings[0]; p.Targets == nil || p.Targets.FiscalFen != 200*wan || !reflect.DeepEqual(p.Progress, wantProgress) {
		t.Errorf("2023 戊县 targets %+v\nprogress %+v\nwant %+v", p.Targets, p.Progress, wantProgress)
	}
	if r23.Pairings[1].Targets != nil || r23.Pairings[1].Progress != nil {
		t.Errorf("己县 has no targets, yet %+v", r23.Pairings[1].Progress)
	}

	// Programme totals: 山海协作 across 戊县 and 己县, 对口支援 for 庚县.
	if len(r23.Programmes) != 2 || r23.Programmes[0].Programme != "mountain_sea" ||
		!slices.Equal(r23.Programmes[0].PairingIDs, []string{wu, ji}) || r23.Programmes[1].Programme != "counterpart_support" {
		t.Fatalf("programmes %+v", r23.Programmes)
	}
	if p := r23.Programmes[0]; p.Partners[0].Name != "戊县" || p.Partners[1].Name != "己县" {
		t.Errorf("山海协作 partners %+v", p.Partners)
	}
	mountainSea := nonZero(r23.Pairings[0].Figures)
	for k, v := range nonZero(r23.Pairings[1].Figures) {
		mountainSea[k] += v
	}
	// 230万 disbursed of 550万 allocated and 10万 not yet
	mountainSea["disbursal_rate_bp"], mountainSea["fiscal_unallocated_fen"] = 4107, 10*wan
	check("2023 山海协作", r23.Programmes[0].Figures, mountainSea)
	check("2023 对口支援", r23.Programmes[1].Figures, nonZero(r23.Pairings[2].Figures))
	if r23.Totals.FiscalDisbursedFen.Value != 280*wan || r23.Totals.Visits.Value != 2 || r23.Totals.FiscalUnallocatedFen.Value != 10*wan {
		t.Errorf("totals disbursed %d, visits %d, unallocated %d", r23.Totals.FiscalDisbursedFen.Value, r23.Totals.Visits.Value,
			r23.Totals.FiscalUnallocatedFen.Value)
	}

	// 2021: the school is registered (plan year) and started; in the
	// plan-year view it is the year's completed project.
	r21 := report(2021)
	check("2021 戊县", r21.Pairings[0].Figures, figures{
		"projects_registered": 1, "planned_investment_fen": 500 * wan, "projects_completed": 1, "completed_investment_fen": 490 * wan,
		"projects_started": 1, "projects_under_way": 1, "year_invested_fen": 100 * wan,
	})
	if ids := r21.Pairings[0].ProjectsStarted.EventIDs; !slices.Equal(ids, []string{started}) {
		t.Errorf("2021 started by %v, want %s", ids, started)
	}
	// 2022: the school continues; the cadre is sent and in post.
	r22 := report(2022)
	check("2022 戊县", r22.Pairings[0].Figures, figures{
		"projects_continuing": 1, "projects_under_way": 1, "staff_cadre": 1, "staff_in_post": 1,
	})
}

// wan is 1万元 in fen.
const wan = 1_000_000

// sortedIDs returns ids sorted.
func sortedIDs(ids ...string) []string { return slices.Sorted(slices.Values(ids)) }

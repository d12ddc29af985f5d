package e2e_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// TestWebPairingPagesPage: a pairing with more entries than its page
// shows lists the latest of each kind and of its events, and links to the
// rest; the page of one kind goes through every entry, a hundred at a
// time, none twice and none left out.
func TestWebPairingPagesPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	l := testenv.Ledger(t, s.store)
	admin := auth.Principal{Name: "管理员", Role: auth.RoleAdmin}
	req := func(key string) ledger.Request {
		return ledger.Request{Principal: admin, IdempotencyKey: "pages-" + key}
	}
	pw, err := l.EstablishPairing(ctx, req("pairing"), ledger.EstablishPairing{
		Donor:     ledger.UnitInput{Code: "320404", Name: "常州市钟楼区", ShortName: "钟楼"},
		Partner:   ledger.UnitInput{Code: "632624", Name: "班玛县", ShortName: "班玛"},
		Programme: events.ProgrammeCounterpartSupport, AgreementDocNo: "钟楼协〔2021〕24号", ValidFrom: "2021-01-01", ValidTo: "2030-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	const donations = 125
	var at int64
	for i := range donations {
		w, err := l.RecordDonation(ctx, req(fmt.Sprintf("donation-%03d", i)), ledger.RecordDonation{PairingID: pw.PairingID, DonorName: "区慈善总会",
			DonorType: events.DonorSocialOrg, Kind: events.DonationCash, AmountFen: int64(100_00 + i), ReceiptNo: fmt.Sprintf("JZ-%03d", i),
			BusinessDate: "2025-06-01"})
		if err != nil {
			t.Fatal(err)
		}
		at = w.Position
	}
	if err := auth.NewUsers(s.pool).Create(ctx, auth.System, auth.User{Login: "admin", Principal: admin}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	u := signInHTTP(t, s.srv.URL, "admin", "a long enough password")
	receipts := regexp.MustCompile(`JZ-\d{3}`)
	rows := func(page string) []string {
		var out []string
		for _, row := range strings.Split(page, "<tr data-entry=")[1:] {
			out = append(out, receipts.FindString(row))
		}
		return out
	}

	page := u.get(fmt.Sprintf("/pairings/%s?at=%d", pw.PairingID, at))
	listed := rows(page)
	if len(listed) != 20 || listed[0] != "JZ-105" || listed[19] != "JZ-124" {
		t.Errorf("the pairing's page lists donations %v, want the latest 20 (JZ-105 … JZ-124)", listed)
	}
	all := "/pairings/" + pw.PairingID + "/entries/donation"
	for _, want := range []string{`href="` + all + `"`, "最近 20 条", "全部事件见审计追踪", `/audit?pairing_id=` + pw.PairingID} {
		if !strings.Contains(page, want) {
			t.Errorf("the pairing's page does not show %q", want)
		}
	}
	if n := strings.Count(page[strings.Index(page, `id="timeline"`):], "<tr><td>"); n != 50 {
		t.Errorf("the timeline lists %d events, want the latest 50", n)
	}

	seen := map[string]bool{}
	next := regexp.MustCompile(`href="(/pairings/[^"]+\?after=\d+)" id="entries-next"`)
	pages := 0
	for path := all; path != ""; pages++ {
		page := u.get(path)
		for _, r := range rows(page) {
			if seen[r] {
				t.Errorf("%s listed twice", r)
			}
			seen[r] = true
		}
		path = ""
		if m := next.FindStringSubmatch(page); m != nil {
			path = m[1]
		}
		if pages > 5 {
			t.Fatal("the pages do not end")
		}
	}
	if len(seen) != donations || pages != 2 {
		t.Errorf("the donation pages list %d distinct donations on %d pages, want %d on 2", len(seen), pages, donations)
	}

	for path, want := range map[string]int{all + "?after=-1": http.StatusBadRequest, all + "?after=x": http.StatusBadRequest,
		"/pairings/" + pw.PairingID + "/entries/commitment": http.StatusNotFound, "/pairings/nosuch/entries/donation": http.StatusNotFound} {
		res, err := u.client.Get(s.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, res.StatusCode, want)
		}
	}
	if err := auth.NewUsers(s.pool).Create(ctx, auth.System, auth.User{Login: "linan",
		Principal: auth.Principal{Name: "临安区财政局", Role: auth.RoleRecorder, DonorCode: "330112"}}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	other := signInHTTP(t, s.srv.URL, "linan", "a long enough password")
	if res, err := other.client.Get(s.srv.URL + all); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("another donor's recorder reads the list: %v %v", res.StatusCode, err)
	}
}

// TestWebTargetsAgainstResults: a pairing's targets for a year stand beside
// its results — through the API's balances and on the pairing's page, with
// the completion rate, the share of the year elapsed (all of it, for a
// past year) and the indicators behind it; targets never count as results.
func TestWebTargetsAgainstResults(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	var w map[string]any
	if st := s.do(http.MethodPost, "/v1/pairings", obj{"donor": obj{"code": "320404", "name": "常州市钟楼区", "short_name": "钟楼"},
		"partner": obj{"code": "632624", "name": "班玛县", "short_name": "班玛"}, "programme": "counterpart_support",
		"agreement_doc_no": "钟楼协〔2021〕24号", "valid_from": "2021-01-01", "valid_to": "2030-12-31"}, &w); st != http.StatusCreated {
		t.Fatalf("pairing: %d", st)
	}
	pairing := w["pairing_id"].(string)
	for path, body := range map[string]obj{
		"/v1/pairings/" + pairing + "/targets": {"year": 2025, "targets": obj{"fiscal_fen": 100_000_000, "persons_employed": 200,
			"visits": 2, "trainees": 100}},
		"/v1/labour-transfers": {"pairing_id": pairing, "period_from": "2025-01-01", "period_to": "2025-06-30", "destination": "donor_area",
			"persons": 150, "poverty_persons": 60, "doc_no": "钟人社〔2025〕31号"},
		"/v1/trainings": {"pairing_id": pairing, "kind": "cadre", "start_date": "2025-09-08", "end_date": "2025-09-12", "participants": 120,
			"organiser": "组织部"},
		"/v1/visits": {"pairing_ids": []string{pairing}, "direction": "outbound", "start_date": "2025-05-05", "led_by_principal": true},
	} {
		if st := s.do(http.MethodPost, path, body, &w); st != http.StatusCreated {
			t.Fatalf("POST %s: %d %v", path, st, w)
		}
	}
	head := s.waitProjected()

	var bal struct {
		Data []struct {
			Targets map[string]int64 `json:"targets"`
			Labour  struct {
				Persons int64 `json:"persons"`
			} `json:"labour"`
			VisitsLedByPrincipal int64 `json:"visits_led_by_principal"`
			Fiscal               struct {
				NetDisbursedFen int64 `json:"net_disbursed_fen"`
			} `json:"fiscal"`
		} `json:"data"`
	}
	if st := s.do(http.MethodGet, fmt.Sprintf("/v1/pairings/%s/balances?year=2025&min_position=%d", pairing, head), nil, &bal); st != http.StatusOK ||
		len(bal.Data) != 1 {
		t.Fatalf("balances: %d %+v", st, bal)
	}
	if y := bal.Data[0]; y.Targets["fiscal_fen"] != 100_000_000 || y.Targets["persons_employed"] != 200 || y.Labour.Persons != 150 ||
		y.VisitsLedByPrincipal != 1 || y.Fiscal.NetDisbursedFen != 0 {
		t.Errorf("balances for 2025: %+v (targets are plans, never results)", y)
	}

	if err := auth.NewUsers(s.pool).Create(context.Background(), auth.System, auth.User{Login: "zl",
		Principal: auth.Principal{Name: "钟楼区财政局", Role: auth.RoleRecorder, DonorCode: "320404"}}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	page := signInHTTP(t, s.srv.URL, "zl", "a long enough password").get(fmt.Sprintf("/pairings/%s?at=%d", pairing, head))
	for _, want := range []string{"2025 年目标任务完成情况", `data-indicator="persons_employed"`, "75.00%", "120.00%", "0.00%",
		"100.00%", "落后序时进度", "达到序时进度"} {
		if !strings.Contains(page, want) {
			t.Errorf("the pairing's page lacks %q", want)
		}
	}
	rows := regexp.MustCompile(`(?s)<tr data-indicator="(\w+)">.*?</tr>`).FindAllStringSubmatch(page, -1)
	status := map[string]bool{}
	for _, r := range rows {
		status[r[1]] = strings.Contains(r[0], "落后序时进度")
	}
	if want := map[string]bool{"fiscal_fen": true, "persons_employed": true, "visits": true, "trainees": false}; !maps.Equal(status, want) {
		t.Errorf("behind schedule: %v, want %v", status, want)
	}
}

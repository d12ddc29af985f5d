package e2e_test

import (
	"context"
	"fmt"
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

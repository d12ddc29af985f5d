package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
)

// A donor's pairings appear in its summary in the order they were
// established, or in the order the donor set (PUT report-order), the
// pairings it did not name following; a summary at an earlier position
// keeps the order it had; only the donor's recorders and admins set it.
func TestReportOrder(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	pairing := func(code, name string) string { return s.establish("REN", "壬区", code, name, "east_west") }
	c, a, b := pairing("520003", "丙县"), pairing("520001", "甲县"), pairing("520002", "乙县")
	order := func(at int64) []string {
		t.Helper()
		s.waitProjected()
		path := "/v1/reports/yearend?donor=REN&year=2025&format=json"
		if at > 0 {
			path += fmt.Sprintf("&at_position=%d", at)
		}
		st, body, _ := s.get(path)
		var out struct{ Report yearend.Report }
		if st != http.StatusOK || json.Unmarshal(body, &out) != nil {
			t.Fatalf("report: %d %s", st, body)
		}
		var ids []string
		for _, p := range out.Report.Pairings {
			ids = append(ids, p.PairingID)
		}
		return ids
	}
	if got := order(0); !slices.Equal(got, []string{c, a, b}) {
		t.Fatalf("default order %v, want as established %v", got, []string{c, a, b})
	}
	before := s.waitProjected()
	var w map[string]any
	if st := s.do(http.MethodPut, "/v1/donors/REN/report-order", obj{"pairing_ids": []string{b, a}}, &w); st != http.StatusCreated {
		t.Fatalf("set the order: %d", st)
	}
	if got := order(0); !slices.Equal(got, []string{b, a, c}) {
		t.Errorf("order %v, want %v", got, []string{b, a, c})
	}
	if got := order(before); !slices.Equal(got, []string{c, a, b}) {
		t.Errorf("the summary at the earlier position %d: %v", before, got)
	}
	if st := s.do(http.MethodPut, "/v1/donors/REN/report-order", obj{"pairing_ids": []string{b, b}}, nil); st != http.StatusUnprocessableEntity {
		t.Errorf("a pairing twice: %d", st)
	}
	tokens := auth.NewTokens(s.pool)
	for _, c := range []struct {
		p    auth.Principal
		want int
	}{
		{auth.Principal{Name: "审计", Role: auth.RoleAuditor}, http.StatusForbidden},
		{auth.Principal{Name: "他区", Role: auth.RoleRecorder, DonorCode: "GUI"}, http.StatusNotFound},
		{auth.Principal{Name: "壬区", Role: auth.RoleRecorder, DonorCode: "REN"}, http.StatusCreated},
	} {
		tok, err := tokens.Create(ctx, c.p)
		if err != nil {
			t.Fatal(err)
		}
		if st := s.doAs(tok, http.MethodPut, "/v1/donors/REN/report-order", obj{"pairing_ids": []string{}}, nil); st != c.want {
			t.Errorf("%s sets the order: %d, want %d", c.p.Name, st, c.want)
		}
	}
	if got := order(0); !slices.Equal(got, []string{c, a, b}) {
		t.Errorf("after [] the order is %v, want the default", got)
	}
}

// The report page's order form: numbers per pairing, saved once however
// often sent, and the page then lists the pairings in that order.
func TestWebReportOrder(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	a, b := s.establish("REN", "壬区", "520001", "甲县", "east_west"), s.establish("REN", "壬区", "520002", "乙县", "east_west")
	rec := auth.Principal{Name: "壬会计", Role: auth.RoleRecorder, DonorCode: "REN"}
	if err := auth.NewUsers(s.pool).Create(ctx, auth.System, auth.User{Login: "ren", Principal: rec}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	s.waitProjected()
	u := signInHTTP(t, s.srv.URL, "ren", "a long enough password")
	page := u.get("/report?donor=REN&year=2025")
	if !strings.Contains(page, `id="report-order"`) || strings.Index(page, "甲县") > strings.Index(page, "乙县") {
		t.Fatal("the report page has no order form, or does not list the pairings as established")
	}
	form := url.Values{"csrf": {u.csrf}, "idempotency_key": {"web-order-1"}, "donor": {"REN"}, "next": {"/report?donor=REN&year=2025"},
		"pairing": {a, b}, "rank." + a: {"2"}, "rank." + b: {"1"}}
	head, _, _ := s.store.Head(ctx)
	for range 2 {
		if res := u.post("/report/order", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save the order: %d", res.StatusCode)
		}
	}
	if h, _, _ := s.store.Head(ctx); h != head+1 {
		t.Fatalf("the order form sent twice wrote %d events", h-head)
	}
	s.waitProjected()
	page = u.get("/report?donor=REN&year=2025")
	if i, j := strings.Index(page, `<p class="paragraph" id="paragraph"`), strings.Index(page, `id="summary-table"`); i < 0 || j < 0 {
		t.Fatal("no report on the page")
	}
	table := page[strings.Index(page, `id="summary-table"`):]
	if strings.Index(table, "乙县") > strings.Index(table, "甲县") {
		t.Error("the table does not list 乙县 first")
	}
}

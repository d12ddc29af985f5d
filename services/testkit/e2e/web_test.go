package e2e_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events/transparency"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/intake/demo"
)

// webUser is a signed-in web session: a cookie jar and the session's
// CSRF token.
type webUser struct {
	t      *testing.T
	base   string
	client *http.Client
	csrf   string
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signInHTTP signs in through the sign-in form and returns the session.
func signInHTTP(t *testing.T, base, login, password string) *webUser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u := &webUser{t: t, base: base, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	page := u.get("/login")
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the sign-in page")
	}
	res := u.post("/login", url.Values{"csrf": {m[1]}, "login": {login}, "password": {password}, "next": {"/dashboard"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/dashboard" {
		t.Fatalf("sign in as %s: %d %s", login, res.StatusCode, res.Header.Get("Location"))
	}
	for _, c := range res.Cookies() {
		if c.Name == "aidledger_session" && (!c.HttpOnly || c.SameSite != http.SameSiteLaxMode) {
			t.Errorf("session cookie %+v: want HttpOnly and SameSite=Lax", c)
		}
	}
	d := u.get("/dashboard")
	if m = csrfRe.FindStringSubmatch(d); m == nil {
		t.Fatalf("no CSRF token on the dashboard")
	}
	u.csrf = m[1]
	return u
}

func (u *webUser) get(path string) string {
	u.t.Helper()
	res, err := u.client.Get(u.base + path)
	if err != nil {
		u.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 {
		u.t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return string(b)
}

// postPage posts form and returns the page answered.
func (u *webUser) postPage(path string, form url.Values) string {
	u.t.Helper()
	res, err := u.client.PostForm(u.base+path, form)
	if err != nil {
		u.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 {
		u.t.Fatalf("POST %s: %d %s", path, res.StatusCode, b)
	}
	return string(b)
}

func (u *webUser) post(path string, form url.Values) *http.Response {
	u.t.Helper()
	res, err := u.client.PostForm(u.base+path, form)
	if err != nil {
		u.t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// CSRF: a form without the session's token, or with another session's,
// is refused and records nothing; a session acts only as its own user.
func TestWebCSRFAndSessions(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s.store); err != nil {
		t.Fatal(err)
	}
	head := s.waitProjected()
	users := auth.NewUsers(s.pool)
	for _, u := range []auth.User{
		{Login: "zhonglou", Principal: auth.Principal{Name: "钟楼财政", Role: auth.RoleRecorder, DonorCode: "320404"}},
		{Login: "linan", Principal: auth.Principal{Name: "临安财政", Role: auth.RoleRecorder, DonorCode: "330112"}},
	} {
		if err := users.Create(ctx, auth.System, u, "a long enough password"); err != nil {
			t.Fatal(err)
		}
	}
	var pairing string // a pairing of 钟楼
	if err := s.pool.QueryRow(ctx, `SELECT pairing_id FROM proj_balances.pairings WHERE donor_code = '320404' LIMIT 1`).Scan(&pairing); err != nil {
		t.Fatal(err)
	}
	zl, la := signInHTTP(t, s.srv.URL, "zhonglou", "a long enough password"), signInHTTP(t, s.srv.URL, "linan", "a long enough password")
	visit := func(csrf, key string) url.Values {
		return url.Values{"csrf": {csrf}, "idempotency_key": {key}, "pairing_ids": {pairing}, "direction": {"outbound"}, "start_date": {"2025-05-05"}}
	}
	for name, c := range map[string]struct {
		u    *webUser
		form url.Values
	}{
		"no token":                {zl, func() url.Values { v := visit("", "web-csrf-1"); v.Del("csrf"); return v }()},
		"another session's token": {zl, visit(la.csrf, "web-csrf-2")},
		"a forged token":          {zl, visit(zl.csrf+"x", "web-csrf-3")},
	} {
		if res := c.u.post("/record/visit", c.form); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, res.StatusCode)
		}
	}
	// 临安's session with its own token cannot record for 钟楼's pairing,
	// which it is answered does not exist.
	if res := la.post("/record/visit", visit(la.csrf, "web-csrf-4")); res.StatusCode != http.StatusNotFound {
		t.Errorf("临安 recording for 钟楼: %d, want 404", res.StatusCode)
	}
	if h, _, _ := s.store.Head(ctx); h != head {
		t.Fatalf("refused posts wrote: head %d → %d", head, h)
	}
	// With its own token the same form records, once however often sent.
	for range 2 {
		if res := zl.post("/record/visit", visit(zl.csrf, "web-csrf-ok")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a good post: %d", res.StatusCode)
		}
	}
	if h, _, _ := s.store.Head(ctx); h != head+1 {
		t.Fatalf("a form sent twice wrote %d events", h-head)
	}
	var actor string
	if err := s.pool.QueryRow(ctx, `SELECT actor FROM events WHERE position = $1`, head+1).Scan(&actor); err != nil || actor != "钟楼财政 (recorder)" {
		t.Errorf("recorded as %q (%v)", actor, err)
	}
	// Sign-out ends the session: its cookie no longer works.
	if res := zl.post("/logout", url.Values{"csrf": {zl.csrf}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", res.StatusCode)
	}
	if res := zl.post("/record/visit", visit(zl.csrf, "web-csrf-5")); res.StatusCode != http.StatusForbidden {
		t.Errorf("after sign-out: %d, want 403", res.StatusCode)
	}
	// A wrong password five times makes the next attempt wait, with the
	// right password too — for a login that does not exist as for one
	// that does. The failures count against the address too, which then
	// holds 临安 back as well.
	for failures := 0; failures < auth.MaxFailures; {
		if status, _ := attemptSignIn(t, s.srv.URL, "nobody", "wrong password"); status == http.StatusTooManyRequests {
			time.Sleep(time.Second) // throttled: not counted; wait it out
		}
		if err := s.pool.QueryRow(ctx, `SELECT coalesce((SELECT failures FROM sign_in_failures WHERE key = 'login:nobody'), 0)`).
			Scan(&failures); err != nil {
			t.Fatal(err)
		}
	}
	for _, login := range []string{"nobody", "linan"} {
		// The wait doubles with each further failure; fail again until
		// what is left of it outlasts a loaded machine's slow request.
		keys := []string{"login:" + login, "address:127.0.0.1"}
		for {
			var ms int64
			if err := s.pool.QueryRow(ctx, `SELECT coalesce(extract(epoch FROM max(retry_at) - now()) * 1000, 0)::bigint
				FROM sign_in_failures WHERE key = ANY($1)`, keys).Scan(&ms); err != nil {
				t.Fatal(err)
			}
			if left := time.Duration(ms) * time.Millisecond; left > 5*time.Second {
				break
			} else {
				time.Sleep(left + 100*time.Millisecond)
			}
			attemptSignIn(t, s.srv.URL, "nobody", "wrong password")
		}
		if status, body := attemptSignIn(t, s.srv.URL, login, "a long enough password"); status != http.StatusTooManyRequests ||
			!strings.Contains(body, "秒后再试") {
			t.Errorf("%s throttled, with the right password: %d", login, status)
		}
	}
}

// attemptSignIn posts the sign-in form once, in a fresh cookie jar, and
// returns the answer's status and body.
func attemptSignIn(t *testing.T, base, login, password string) (int, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(page.Body)
	page.Body.Close()
	res, err := c.PostForm(base+"/login", url.Values{"csrf": {csrfRe.FindStringSubmatch(string(b))[1]}, "login": {login}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// The import page: a template downloads, a dry run of a file with bad rows
// lists them and writes nothing, the import writes, importing again
// writes nothing new.
func TestWebImport(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s.store); err != nil {
		t.Fatal(err)
	}
	head := s.waitProjected()
	if err := auth.NewUsers(s.pool).Create(ctx, auth.System, auth.User{Login: "zl", Principal: auth.Principal{Name: "钟楼财政", Role: auth.RoleRecorder,
		DonorCode: "320404"}}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	u := signInHTTP(t, s.srv.URL, "zl", "a long enough password")
	if tpl := u.get("/import/template/donation.xlsx"); !strings.HasPrefix(tpl, "PK") {
		t.Fatal("the donation template is not a workbook")
	}
	var pairing string
	if err := s.pool.QueryRow(ctx, `SELECT pairing_id FROM proj_balances.pairings WHERE donor_code = '320404' LIMIT 1`).Scan(&pairing); err != nil {
		t.Fatal(err)
	}
	csv := "结对关系*,捐赠方*,捐赠方类型*,捐赠形式*,金额或折价(元)*,折价依据,捐赠票据号*,捐赠日期*\n" +
		pairing + ",常州某企业,企业,捐款,\"10,000.00\",,JZ-WEB-1,2025-03-01\n" +
		pairing + ",常州某基金会,社会组织,捐物,5000,,JZ-WEB-2,2025-03-02\n" + // in kind without a valuation basis
		pairing + ",个人,个人,捐款,abc,,JZ-WEB-3,2025-03-03\n"
	upload := func(dry bool, onError string) string {
		t.Helper()
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("csrf", u.csrf)
		_ = mw.WriteField("type", "donation")
		_ = mw.WriteField("on_error", onError)
		if dry {
			_ = mw.WriteField("dry_run", "1")
		}
		fw, _ := mw.CreateFormFile("file", "捐赠.csv")
		_, _ = fw.Write([]byte(csv))
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := u.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("upload: %d %s", res.StatusCode, b)
		}
		return string(b)
	}
	page := upload(true, "stop")
	if !strings.Contains(page, "共 3 行:新增 1,已导入过 0,出错 2") || !strings.Contains(page, "valuation_basis_required") ||
		!strings.Contains(page, "<td>3</td>") || !strings.Contains(page, "<td>4</td>") {
		t.Fatalf("dry run page:\n%s", page)
	}
	if h, _, _ := s.store.Head(ctx); h != head {
		t.Fatal("the dry run wrote")
	}
	if page = upload(false, "skip"); !strings.Contains(page, "已写入账本") {
		t.Fatalf("import page:\n%s", page)
	}
	if page = upload(false, "skip"); !strings.Contains(page, "新增 0,已导入过 1,出错 2") {
		t.Fatalf("second import page:\n%s", page)
	}
	if h, _, _ := s.store.Head(ctx); h != head+1 {
		t.Fatalf("head %d → %d, want one donation", head, h)
	}
}

// TestWebSaysWhenReadModelsAreBehind: with the read models behind the
// ledger (no projector running), every page says so and by how much; once
// they catch up, the notice goes.
func TestWebSaysWhenReadModelsAreBehind(t *testing.T) {
	t.Parallel()
	s := newStack(t, withoutProjector{})
	ctx := context.Background()
	loaded, err := demo.Load(ctx, s.store)
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.NewUsers(s.pool).Create(ctx, auth.System, auth.User{Login: "admin", Principal: auth.Principal{Name: "管理员", Role: auth.RoleAdmin}},
		"a long enough password"); err != nil {
		t.Fatal(err)
	}
	u := signInHTTP(t, s.srv.URL, "admin", "a long enough password")
	want := fmt.Sprintf("读模型尚有 %d 条记录未更新", loaded.Position)
	for _, path := range []string{"/dashboard", "/audit"} {
		if page := u.get(path); !strings.Contains(page, want) {
			t.Errorf("%s does not say %q", path, want)
		}
	}
	for _, p := range []projections.Projection{balances.New(), audittrail.New(), yearend.New()} {
		if _, err := projections.Rebuild(ctx, projections.RebuildConfig{Pool: s.pool, NATSURL: s.nats, Projection: p,
			Logger: slog.New(slog.DiscardHandler)}); err != nil {
			t.Fatal(err)
		}
	}
	if page := u.get("/dashboard"); strings.Contains(page, "读模型尚有") {
		t.Error("the notice stays once the read models caught up")
	}
}

// TestWebAdministration: an administrator manages users and tokens from
// the page — creates a user who can then sign in, sets a password (which
// signs that user out), disables and enables them, issues a token (shown
// once, and it authenticates), revokes it (it no longer does); refused
// input comes back as a message in the page's language; every action is in
// the access log under the administrator; a recorder may not see the page
// nor post to it.
func TestWebAdministration(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	users := auth.NewUsers(s.pool)
	for _, u := range []auth.User{
		{Login: "admin", Principal: auth.Principal{Name: "王管理", Role: auth.RoleAdmin}},
		{Login: "zl", Principal: auth.Principal{Name: "钟楼财政", Role: auth.RoleRecorder, DonorCode: "320404"}},
	} {
		if err := users.Create(ctx, auth.System, u, "a long enough password"); err != nil {
			t.Fatal(err)
		}
	}
	admin := signInHTTP(t, s.srv.URL, "admin", "a long enough password")
	act := func(action string, form url.Values) *http.Response {
		t.Helper()
		form.Set("csrf", admin.csrf)
		return admin.post("/admin/"+action, form)
	}
	if res := act("user-create", url.Values{"login": {"li"}, "name": {"李会计"}, "role": {"recorder"}, "scope": {"320404"},
		"password": {"correct horse battery"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin?done=admin.user_created" {
		t.Fatalf("create user: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if page := admin.get("/admin?done=admin.user_created"); !strings.Contains(page, "已创建用户") || !strings.Contains(page, "李会计") {
		t.Fatal("the page does not show the new user")
	}
	li := signInHTTP(t, s.srv.URL, "li", "correct horse battery")
	if res := act("user-create", url.Values{"login": {"li2"}, "name": {"李二"}, "role": {"recorder"}, "password": {"correct horse battery"}}); res.Header.Get("Location") != "/admin?failed=admin.err.principal" {
		t.Fatalf("a recorder without a donor: %s", res.Header.Get("Location"))
	}
	if page := admin.get("/admin?failed=admin.err.principal"); !strings.Contains(page, "记账员须填写援助方代码") {
		t.Fatal("the refusal is not explained")
	}
	if page := admin.get("/admin?failed=<script>"); strings.Contains(page, "<script>") {
		t.Fatal("the page says what its URL says")
	}
	act("user-password", url.Values{"login": {"li"}, "password": {"a brand new password"}})
	if res, _ := li.client.Get(s.srv.URL + "/dashboard"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("li's session after the password changed: %d, want the sign-in page", res.StatusCode)
	}
	act("user-disable", url.Values{"login": {"li"}})
	if code, _ := attemptSignIn(t, s.srv.URL, "li", "a brand new password"); code == http.StatusSeeOther {
		t.Fatal("a disabled user signed in")
	}
	act("user-enable", url.Values{"login": {"li"}})
	signInHTTP(t, s.srv.URL, "li", "a brand new password")

	res, err := admin.client.PostForm(s.srv.URL+"/admin/token-create", url.Values{"csrf": {admin.csrf}, "name": {"镇坪县财政局"},
		"role": {"partner"}, "scope": {"610927"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := regexp.MustCompile(`<code>(ald_[a-z0-9]+)</code>`).FindSubmatch(page)
	if res.StatusCode != http.StatusOK || token == nil {
		t.Fatalf("create token: %d, no token shown", res.StatusCode)
	}
	if code, _, _ := s.getAs(string(token[1]), "/v1/pairings"); code != http.StatusOK {
		t.Fatalf("the new token: %d", code)
	}
	if strings.Contains(admin.get("/admin"), string(token[1])) {
		t.Fatal("the token is shown again")
	}
	list, err := auth.NewTokens(s.pool).List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, ti := range list {
		if ti.Principal.Name == "镇坪县财政局" {
			id = ti.ID
		}
	}
	act("token-revoke", url.Values{"id": {id}})
	if code, _, _ := s.getAs(string(token[1]), "/v1/pairings"); code != http.StatusUnauthorized {
		t.Fatalf("the revoked token: %d", code)
	}

	var logged int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM access_log WHERE actor = '王管理' AND action <> $1`, auth.SignInAction).Scan(&logged); err != nil || logged != 6 {
		t.Errorf("%d administrative actions in the access log (%v), want 6", logged, err)
	}
	zl := signInHTTP(t, s.srv.URL, "zl", "a long enough password")
	if res, _ := zl.client.Get(s.srv.URL + "/admin"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a recorder opening the page: %d", res.StatusCode)
	}
	if res := zl.post("/admin/user-disable", url.Values{"csrf": {zl.csrf}, "login": {"admin"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a recorder disabling the admin: %d", res.StatusCode)
	}
}

// TestWebVerificationRunsInTheBackground: starting a verification answers
// at once; the page shows it running, with its progress, and refreshes
// itself; the result is recorded and shown when it is done; a second start
// meanwhile starts nothing more.
func TestWebVerificationRunsInTheBackground(t *testing.T) {
	t.Parallel()
	s := newDemoStack(t)
	ctx := context.Background()
	if err := auth.NewUsers(s.pool).Create(ctx, auth.System, auth.User{Login: "auditor",
		Principal: auth.Principal{Name: "审计员", Role: auth.RoleAuditor}}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	u := signInHTTP(t, s.srv.URL, "auditor", "a long enough password")
	for range 2 {
		if res := u.post("/verify", url.Values{"csrf": {u.csrf}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("start: %d", res.StatusCode)
		}
	}
	if page := u.get("/verify"); !strings.Contains(page, `id="verify-running"`) || !strings.Contains(page, `http-equiv="refresh"`) {
		t.Fatal("the page does not show the verification running")
	}
	deadline := time.Now().Add(60 * time.Second)
	for page := u.get("/verify"); !strings.Contains(page, `id="verify-result"`); page = u.get("/verify") {
		if time.Now().After(deadline) {
			t.Fatal("the verification did not finish")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if page := u.get("/verify"); !strings.Contains(page, "通过") || strings.Contains(page, `id="verify-running"`) {
		t.Fatal("the finished verification is not shown as passed")
	}
	var runs int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM verify_runs`).Scan(&runs); err != nil || runs != 1 {
		t.Fatalf("%d runs recorded (%v), want 1", runs, err)
	}

	// the transparency log's latest checkpoint, once one is signed
	if page := u.get("/verify"); !strings.Contains(page, "尚未签发检查点") {
		t.Error("the page does not say no checkpoint is signed yet")
	}
	key, _, err := transparency.GenerateKey(t.TempDir(), "e2e-ledger")
	if err != nil {
		t.Fatal(err)
	}
	signer, _, err := transparency.LoadSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := transparency.New(s.store).Sign(ctx, signer)
	if err != nil {
		t.Fatal(err)
	}
	if page := u.get("/verify"); !strings.Contains(page, fmt.Sprintf("最新检查点:%d 条事件", c.Size)) || !strings.Contains(page, "— e2e-ledger ") {
		t.Error("the page does not show the signed checkpoint")
	}
}

// TestCSVFormulasNeutralised: text a user typed that a spreadsheet would
// run as a formula (a receipt number "=HYPERLINK(…)", a partner's name
// "@SUM(…)") reaches the audit trail's CSV and the year-end CSV with an
// apostrophe in front; negative amounts stay numbers.
func TestCSVFormulasNeutralised(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	var w map[string]any
	if st := s.do(http.MethodPost, "/v1/pairings", obj{"donor": obj{"code": "CSV", "name": "甲区", "short_name": "甲"},
		"partner": obj{"code": "510001", "name": "@SUM(1+1)*cmd", "short_name": "乙"}, "programme": "east_west",
		"agreement_doc_no": "协议", "valid_from": "2021-01-01", "valid_to": "2030-12-31"}, &w); st != http.StatusCreated {
		t.Fatalf("pairing: %d", st)
	}
	pairing := w["pairing_id"].(string)
	formula := `=HYPERLINK("http://evil.example","点击")`
	if st := s.do(http.MethodPost, "/v1/donations", obj{"pairing_id": pairing, "donor_name": "-2+3", "donor_type": "enterprise",
		"kind": "cash", "amount_fen": 100, "receipt_no": formula, "business_date": "2025-06-01"}, &w); st != http.StatusCreated {
		t.Fatalf("donation: %d", st)
	}
	donation := w["donation_id"].(string)
	if st := s.do(http.MethodPost, "/v1/donations/"+donation+"/reversals", obj{"amount_fen": 100, "reason": "funds_returned",
		"business_date": "2025-07-01"}, nil); st != http.StatusCreated {
		t.Fatalf("reversal: %d", st)
	}
	s.waitProjected()
	if err := auth.NewUsers(s.pool).Create(ctx, auth.System, auth.User{Login: "csv", Principal: auth.Principal{Name: "审计员",
		Role: auth.RoleAuditor}}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	u := signInHTTP(t, s.srv.URL, "csv", "a long enough password")
	rows := func(body string) [][]string {
		t.Helper()
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
		r.FieldsPerRecord = -1
		all, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%v in %s", err, body)
		}
		return all
	}
	cells := map[string]bool{}
	for _, row := range rows(u.get("/audit.csv")) {
		for _, c := range row {
			cells[c] = true
		}
	}
	if !cells["'"+formula] || cells[formula] {
		t.Errorf("the audit trail CSV does not neutralise the receipt number %s", formula)
	}
	if !cells["-100"] || cells["'-100"] {
		t.Error("the audit trail CSV does not keep the reversal's -100 fen a number")
	}
	_, body, _ := s.get("/v1/reports/yearend?donor=CSV&year=2025&format=csv")
	report := rows(string(body))
	if len(report) < 2 || report[1][0] != "'@SUM(1+1)*cmd" {
		t.Errorf("the year-end CSV's partner cell is %q, want it neutralised", report[1][0])
	}
}

// TestPartnerSeesItsOwnPairing: a partner county's dashboard and year-end
// summary hold its own pairing with the donor alone — totals, charts and
// report — never the donor's other partners, and never "no such donor".
func TestPartnerSeesItsOwnPairing(t *testing.T) {
	t.Parallel()
	s := newDemoStack(t)
	ctx := context.Background()
	banma := auth.Principal{Name: "班玛县财政局", Role: auth.RolePartner, PartnerCode: "632624"}
	token, err := auth.NewTokens(s.pool).Create(ctx, banma)
	if err != nil {
		t.Fatal(err)
	}
	st, body, _ := s.getAs(token, "/v1/reports/yearend?donor=320404&year=2025&format=json")
	var out struct{ Report yearend.Report }
	if st != http.StatusOK || json.Unmarshal(body, &out) != nil {
		t.Fatalf("the partner's summary: %d %s", st, body)
	}
	r := out.Report
	if len(r.Pairings) != 1 || r.Pairings[0].Partner.Code != "632624" ||
		r.Totals.FiscalDisbursedFen.Value != r.Pairings[0].FiscalDisbursedFen.Value || r.Totals.Visits.Value != r.Pairings[0].Visits.Value {
		t.Errorf("the partner's summary lists %+v, totals disbursed %d", r.Pairings, r.Totals.FiscalDisbursedFen.Value)
	}
	for _, li := range r.LineItems.All() {
		if li.PairingID != r.Pairings[0].PairingID {
			t.Fatalf("a line item of another pairing: %+v", li)
		}
	}
	if err := auth.NewUsers(s.pool).Create(ctx, auth.System, auth.User{Login: "banma", Principal: banma}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	u := signInHTTP(t, s.srv.URL, "banma", "a long enough password")
	page := u.get("/dashboard?donor=320404&year=2025")
	if !strings.Contains(page, "班玛县") || strings.Contains(page, "镇坪县") {
		t.Error("the partner's dashboard shows another partner, or not its own")
	}
	if page := u.get("/report?donor=320404&year=2025"); strings.Contains(page, "不存在") || !strings.Contains(page, "班玛县") ||
		strings.Contains(page, "镇坪县") {
		t.Error("the partner's report page is not the report of its own pairing")
	}
}

// A recorder records a commitment shared by two partner counties on the
// web form — a share ticked per county, one amount left blank — and then
// allocates it; the pairing page shows the split and what is unallocated.
func TestWebSharedCommitment(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	ren, gui := s.establish("XIN", "辛区", "330011", "壬县", "mountain_sea"), s.establish("XIN", "辛区", "330012", "癸县", "mountain_sea")
	rec := auth.Principal{Name: "辛会计", Role: auth.RoleRecorder, DonorCode: "XIN"}
	if err := auth.NewUsers(s.pool).Create(ctx, auth.System, auth.User{Login: "xin", Principal: rec}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	u := signInHTTP(t, s.srv.URL, "xin", "a long enough password")
	if page := u.get("/record/commitment"); !strings.Contains(page, `name="shares.`+gui+`"`) {
		t.Fatal("the commitment form has no share per pairing")
	}
	form := url.Values{"csrf": {u.csrf}, "idempotency_key": {"web-shared-1"}, "next": {"/pairings/" + ren},
		"pairing_id": {ren}, "amount_fen": {"1,000,000"}, "budget_year": {"2025"}, "source_level": {"city"},
		"doc_no": {"市财〔2025〕3号"}, "business_date": {"2025-03-01"},
		"shares": {gui, ren}, "shares." + gui: {""}, "shares." + ren: {"400,000"}}
	if res := u.post("/record/commitment", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("record the shared commitment: %d", res.StatusCode)
	}
	s.waitProjected()
	page := u.get("/pairings/" + gui)
	m := regexp.MustCompile(`/record/allocation\?target=([0-9A-Z]+)`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "多地共享:壬县 400,000.00、癸县 0.00;未分配 600,000.00") {
		t.Fatalf("癸县's pairing page does not show the shared commitment and its split: %s", page)
	}
	alloc := url.Values{"csrf": {u.csrf}, "idempotency_key": {"web-shared-2"}, "next": {"/pairings/" + ren}, "target": {m[1]},
		"shares": {ren, gui}, "shares." + ren: {"400,000"}, "shares." + gui: {"700,000"}, "business_date": {"2025-04-01"}}
	if page := u.postPage("/record/allocation", alloc); !strings.Contains(page, "超过计划金额") {
		t.Error("an allocation above the commitment is not refused on the form")
	}
	alloc.Set("shares."+gui, "550,000")
	if res := u.post("/record/allocation", alloc); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("allocate: %d", res.StatusCode)
	}
	s.waitProjected()
	page = u.get("/pairings/" + gui)
	if !strings.Contains(page, "多地共享:壬县 400,000.00、癸县 550,000.00;未分配 50,000.00") {
		t.Error("the allocation is not shown")
	}
	// a payment from 癸县's page is 癸县's
	link := regexp.MustCompile(`/record/disbursement\?commitment_id=[0-9A-Z]+&amp;pairing_id=` + gui).FindString(page)
	if link == "" || !strings.Contains(u.get(strings.ReplaceAll(link, "&amp;", "&")), `<option value="`+gui+`" selected>`) {
		t.Fatalf("the disburse link of 癸县's page does not name 癸县: %q", link)
	}
	pay := url.Values{"csrf": {u.csrf}, "idempotency_key": {"web-shared-3"}, "next": {"/pairings/" + gui}, "commitment_id": {m[1]},
		"pairing_id": {gui}, "amount_fen": {"100,000"}, "business_date": {"2025-05-01"}, "payee_name": {"癸县财政局"}, "voucher_no": {"PZ-G1"}}
	if res := u.post("/record/disbursement", pay); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disburse: %d", res.StatusCode)
	}
	s.waitProjected()
	var years struct{ Data []balances.YearFigures }
	if st := s.do(http.MethodGet, "/v1/pairings/"+gui+"/balances?year=2025", nil, &years); st != http.StatusOK ||
		len(years.Data) != 1 || years.Data[0].Fiscal.DisbursedFen != 100_000_00 {
		t.Errorf("癸县's 2025 balances: %d %+v", st, years.Data)
	}
}

// Publishing from the report page records the summary and downloads it:
// the bytes downloaded are the bytes whose hash was recorded, and
// publishing again records nothing new and downloads the same bytes.
func TestWebPublishDownloadsWhatWasRecorded(t *testing.T) {
	t.Parallel()
	s := newDemoStack(t)
	ctx := context.Background()
	if err := auth.NewUsers(s.pool).Create(ctx, auth.System, auth.User{Login: "zl", Principal: auth.Principal{Name: "钟楼财政", Role: auth.RoleRecorder,
		DonorCode: "320404"}}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	u := signInHTTP(t, s.srv.URL, "zl", "a long enough password")
	publish := func() []byte {
		res, err := u.client.PostForm(u.base+"/report/publish", url.Values{"csrf": {u.csrf}, "query": {"donor=320404&year=2025&format=xlsx"}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("PK")) {
			t.Fatalf("publish: %d, %d bytes, %v", res.StatusCode, len(body), err)
		}
		return body
	}
	first := publish()
	head, _, _ := s.store.Head(ctx)
	var recorded string
	if err := s.pool.QueryRow(ctx, `SELECT payload->>'text_sha256' FROM events WHERE type = 'aid.summary_generated' ORDER BY position DESC LIMIT 1`).
		Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(first); recorded != hex.EncodeToString(sum[:]) {
		t.Errorf("recorded %s, downloaded bytes hash to %x", recorded, sum)
	}
	if again := publish(); !bytes.Equal(again, first) {
		t.Error("publishing again downloaded other bytes")
	}
	if h, _, _ := s.store.Head(ctx); h != head {
		t.Errorf("publishing again wrote %d events", h-head)
	}
}

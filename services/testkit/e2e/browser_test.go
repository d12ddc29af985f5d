package e2e_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/intake/forms"
)

// chromium finds Debian's Chromium (or another Chrome). Browser tests fail
// without one: install it (apt-get install chromium); .ci/run does.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("AIDLEDGER_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium to run the browser tests: apt-get install chromium (or set AIDLEDGER_CHROMIUM)")
	return ""
}

// artifacts is where the browser tests leave their screenshots and PDF:
// $AIDLEDGER_ARTIFACTS, or a folder in the temporary directory.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("AIDLEDGER_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "aidledger-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser is a headless Chromium tab on a 1366×768 screen, with a profile
// of its own and no network but the test server.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "zh-CN"), chromedp.WindowSize(1366, 768), chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// do runs browser actions or fails the test.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("%s (at %s): %v", what, loc, err)
	}
}

// run runs one browser action with a value or fails the test.
func run[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// submit clicks a form's submit button and waits for the next page.
func submit(t *testing.T, ctx context.Context, what, button string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(button)))); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// signIn signs in on the sign-in page.
func signIn(t *testing.T, ctx context.Context, base, login, password string) {
	t.Helper()
	do(t, ctx, "open the sign-in page", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), login), chromedp.SendKeys(chromedp.ID("password"), password))
	submit(t, ctx, "sign in as "+login, "#signin")
	if loc := run(t, ctx, "location", chromedp.Location()); !strings.Contains(loc, "/dashboard") {
		t.Fatalf("signed in as %s, landed on %s", login, loc)
	}
}

// verificationResult waits for the verification started from the page to
// finish — the progress page refreshes itself until then — and returns the
// result it shows.
func verificationResult(t *testing.T, ctx context.Context) string {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		// Read in one evaluation: the page may reload between two queries.
		// Only a page loaded whole: a refresh's load must not be taken for
		// the next action's.
		res, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === 'complete' && document.getElementById('run-verify') && `+
			`document.getElementById('verify-result') ? document.getElementById('verify-result').textContent : ''`))
		if err == nil && res != "" {
			return res
		}
	}
	t.Fatal("the verification did not finish within a minute")
	return ""
}

// fen reads an amount in 元 shown by the page ("1,234.56 元").
func fen(t *testing.T, ctx context.Context, css string) int64 {
	t.Helper()
	text := run(t, ctx, "read "+css, chromedp.Text(chromedp.CSS(css)))
	v, err := forms.ParseYuan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "元")))
	if err != nil {
		t.Fatalf("%s shows %q: %v", css, text, err)
	}
	return v
}

// screenshot saves the page as name in the artifacts folder: the
// viewport as PNG, or (full) the whole page as JPEG.
func screenshot(t *testing.T, ctx context.Context, name string, full bool) {
	t.Helper()
	var shot []byte
	if full {
		shot = run(t, ctx, "screenshot", chromedp.FullScreenshot(90))
	} else {
		shot = run(t, ctx, "screenshot", chromedp.CaptureScreenshot())
	}
	path := filepath.Join(artifacts(t), name)
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s (%d bytes)", path, len(shot))
}

// fill sets the fields of a form (#f-<key>) to values.
func fill(t *testing.T, ctx context.Context, values [][2]string) {
	t.Helper()
	for _, kv := range values {
		do(t, ctx, "fill "+kv[0], chromedp.SetValue(chromedp.ID("f-"+kv[0]), kv[1]))
	}
}

// A finance officer signs in, records a commitment and a disbursement and
// sees the dashboard change, reverses the disbursement from the pairing's
// page, reads the year-end summary and downloads its XLSX; an auditor is
// offered no write form and a direct post is refused. Screenshots of the
// dashboard and the report page, and the report printed to PDF, are left
// in the artifacts folder.
func TestBrowserOfficerAndAuditor(t *testing.T) {
	t.Parallel()
	s := newDemoStack(t)
	ctx := context.Background()
	users := auth.NewUsers(s.pool)
	for _, u := range []auth.User{
		{Login: "zhonglou", Principal: auth.Principal{Name: "钟楼区财政局 张敏", Role: auth.RoleRecorder, DonorCode: "320404"}},
		{Login: "auditor", Principal: auth.Principal{Name: "区审计局 李审", Role: auth.RoleAuditor}},
		{Login: "admin", Principal: auth.Principal{Name: "区协作办 王管理", Role: auth.RoleAdmin}},
	} {
		if err := users.Create(ctx, auth.System, u, "a long enough password"); err != nil {
			t.Fatal(err)
		}
	}
	var pairing string
	if err := s.pool.QueryRow(ctx, `SELECT pairing_id FROM proj_balances.pairings WHERE donor_code = '320404' AND partner_code = '632624'`).
		Scan(&pairing); err != nil {
		t.Fatal(err)
	}
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	dash := s.srv.URL + "/dashboard?year=" + strconv.Itoa(year)
	b := browser(t)
	signIn(t, b, s.srv.URL, "zhonglou", "a long enough password")
	do(t, b, "open the dashboard", chromedp.Navigate(dash), chromedp.WaitVisible(chromedp.ID("totals")))
	committed0, disbursed0 := fen(t, b, "#totals dd.committed"), fen(t, b, "#totals dd.disbursed")

	// A commitment, from the form.
	do(t, b, "open the commitment form", chromedp.Navigate(s.srv.URL+"/record/commitment?pairing_id="+pairing+"&next=/dashboard%3Fyear%3D"+strconv.Itoa(year)),
		chromedp.WaitVisible(chromedp.ID("record-form")))
	fill(t, b, [][2]string{{"amount_fen", "500,000.00"}, {"budget_year", strconv.Itoa(year)}, {"source_level", "district"},
		{"doc_no", "钟财〔" + strconv.Itoa(year) + "〕99号"}, {"business_date", strconv.Itoa(year) + "-11-20"}})
	submit(t, b, "record the commitment", "#submit")
	if flash := run(t, b, "flash", chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(flash, "资金计划下达") {
		t.Fatalf("after the commitment the dashboard says %q", flash)
	}
	if got := fen(t, b, "#totals dd.committed"); got != committed0+50_000_000 {
		t.Fatalf("committed %d → %d, want +50,000,000 fen", committed0, got)
	}

	// A disbursement against it: first with a bad amount, then right.
	do(t, b, "open the disbursement form", chromedp.Navigate(s.srv.URL+"/record/disbursement?next=/dashboard%3Fyear%3D"+strconv.Itoa(year)),
		chromedp.WaitVisible(chromedp.ID("record-form")))
	commitment := run(t, b, "find the commitment", chromedp.Evaluate[string](`[...document.querySelectorAll('#f-commitment_id option')]
		.find(o => o.textContent.includes('〕99号')).value`))
	fill(t, b, [][2]string{{"commitment_id", commitment}, {"amount_fen", "12.345"}, {"business_date", strconv.Itoa(year) + "-11-25"},
		{"payee_name", "班玛县财政局"}, {"voucher_no", "PZ-UI-1"}})
	submit(t, b, "a disbursement with a bad amount", "#submit")
	if msg := run(t, b, "field error", chromedp.Text(chromedp.CSS(`label[data-field="amount_fen"] .error`))); !strings.Contains(msg, "两位小数") {
		t.Fatalf("the bad amount is explained as %q", msg)
	}
	screenshot(t, b, "form-error.png", false)
	fill(t, b, [][2]string{{"amount_fen", "200000"}})
	submit(t, b, "record the disbursement", "#submit")
	if got := fen(t, b, "#totals dd.disbursed"); got != disbursed0+20_000_000 {
		t.Fatalf("disbursed %d → %d, want +20,000,000 fen", disbursed0, got)
	}
	screenshot(t, b, "dashboard.png", false)
	screenshot(t, b, "dashboard-full.jpg", true)

	// Reverse it from the pairing's page.
	do(t, b, "open the pairing", chromedp.Navigate(s.srv.URL+"/pairings/"+pairing+"?year="+strconv.Itoa(year)), chromedp.WaitVisible(chromedp.ID("timeline")))
	reverse := run(t, b, "find the reversal link", chromedp.Evaluate[string](`[...document.querySelectorAll('tr[data-disbursement]')]
		.find(r => r.textContent.includes('PZ-UI-1')).querySelector('a[href^="/record/disbursement_reversal"]').getAttribute('href')`))
	do(t, b, "open the reversal form", chromedp.Navigate(s.srv.URL+reverse+"&next=/pairings/"+pairing), chromedp.WaitVisible(chromedp.ID("record-form")))
	fill(t, b, [][2]string{{"amount_fen", "200000"}, {"reason", "entry_error"}, {"business_date", strconv.Itoa(year) + "-11-26"}, {"doc_no", "钟财冲〔" + strconv.Itoa(year) + "〕1号"}})
	submit(t, b, "reverse the disbursement", "#submit")
	if row := run(t, b, "the reversed row", chromedp.Evaluate[string](`[...document.querySelectorAll('tr[data-disbursement]')]
		.find(r => r.textContent.includes('PZ-UI-1')).textContent`)); !strings.Contains(row, "已冲正") {
		t.Fatalf("the reversed disbursement shows %q", row)
	}
	screenshot(t, b, "pairing.png", false)
	do(t, b, "back to the dashboard", chromedp.Navigate(dash), chromedp.WaitVisible(chromedp.ID("totals")))
	if got := fen(t, b, "#totals dd.disbursed"); got != disbursed0 {
		t.Fatalf("after the reversal disbursed is %d, want %d", got, disbursed0)
	}

	// The year-end summary, printed and downloaded.
	do(t, b, "open the report", chromedp.Navigate(s.srv.URL+"/report?year="+strconv.Itoa(year)), chromedp.WaitVisible(chromedp.ID("paragraph")))
	if para := run(t, b, "paragraph", chromedp.Text(chromedp.ID("paragraph"))); !strings.Contains(para, "开展钟楼-") {
		t.Fatalf("the paragraph reads %q", para)
	}
	screenshot(t, b, "report.png", false)
	pdf := run(t, b, "print the report", chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFLandscape(), chromedp.PDFPreferCSSPageSize()))
	if err := os.WriteFile(filepath.Join(artifacts(t), "report.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, b, "print media", func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return chromedp.Void{}, err
	})
	if hidden := run(t, b, "toolbar in print", chromedp.Evaluate[string](`getComputedStyle(document.querySelector('header.top')).display`)); hidden != "none" {
		t.Errorf("the page header prints (display %s)", hidden)
	}
	screenshot(t, b, "report-print.jpg", true)
	do(t, b, "screen media", func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
		return chromedp.Void{}, err
	})
	xlsx := run(t, b, "download the XLSX", chromedp.Evaluate[string](`fetch(document.getElementById('download-xlsx').href)
		.then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status))
		.then(b => { let s = ''; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); return btoa(s); })`, chromedp.EvalAwaitPromise))
	raw, err := base64.StdEncoding.DecodeString(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the XLSX download is not a workbook (%d bytes): %v", len(raw), err)
	}
	if head, err := wb.GetCellValue(wb.GetSheetList()[0], "A3"); err != nil || head == "" {
		t.Errorf("the workbook's first sheet: %q %v", head, err)
	}

	// Sign out; the auditor is offered nothing to write.
	submit(t, b, "sign out", "header .me button")
	signIn(t, b, s.srv.URL, "auditor", "a long enough password")
	do(t, b, "open the record menu", chromedp.Navigate(s.srv.URL+"/record"), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if n := run(t, b, "forms offered", chromedp.Evaluate[int](`document.querySelectorAll('.menu a').length`)); n != 0 {
		t.Fatalf("the auditor is offered %d forms", n)
	}
	do(t, b, "open the pairing", chromedp.Navigate(s.srv.URL+"/pairings/"+pairing), chromedp.WaitVisible(chromedp.ID("timeline")))
	if n := run(t, b, "write links", chromedp.Evaluate[int](`document.querySelectorAll('a[href^="/record/"]').length`)); n != 0 {
		t.Fatalf("the auditor's pairing page offers %d write links", n)
	}
	screenshot(t, b, "pairing-full.jpg", true)
	do(t, b, "open the pairing's purchases", chromedp.Navigate(s.srv.URL+"/pairings/"+pairing+"/entries/purchase"), chromedp.WaitVisible(chromedp.CSS("tr[data-entry]")))
	screenshot(t, b, "entries.jpg", true)
	status := run(t, b, "post a commitment directly", chromedp.Evaluate[int](`(() => {
		const f = new FormData();
		f.set('csrf', document.querySelector('input[name=csrf]').value);
		f.set('idempotency_key', 'auditor-tries-1');
		f.set('pairing_id', '`+pairing+`'); f.set('amount_fen', '1'); f.set('budget_year', '`+strconv.Itoa(year)+`');
		f.set('source_level', 'district'); f.set('doc_no', 'x'); f.set('business_date', '`+strconv.Itoa(year)+`-01-01');
		return fetch('/record/commitment', {method: 'POST', body: new URLSearchParams(f)}).then(r => r.status);
	})()`, chromedp.EvalAwaitPromise))
	if status != 403 {
		t.Fatalf("the auditor's direct post answered %d, want 403", status)
	}
	do(t, b, "open verification", chromedp.Navigate(s.srv.URL+"/verify"), chromedp.WaitVisible(chromedp.ID("run-verify")))
	submit(t, b, "run verification", "#run-verify")
	if res := verificationResult(t, b); !strings.Contains(res, "通过") {
		t.Fatalf("verification says %q", res)
	}

	// The administrator issues a token from the users and tokens page: it
	// is shown once. (The dashboard first: no load of the verification
	// page may still be under way when signing out.)
	do(t, b, "open the dashboard", chromedp.Navigate(s.srv.URL+"/dashboard"), chromedp.WaitVisible(chromedp.CSS("header .me button")))
	submit(t, b, "sign out", "header .me button")
	signIn(t, b, s.srv.URL, "admin", "a long enough password")
	do(t, b, "open administration", chromedp.Navigate(s.srv.URL+"/admin"), chromedp.WaitVisible(chromedp.ID("token-create")))
	do(t, b, "fill the token form", chromedp.SetValue(chromedp.CSS(`#token-create input[name=name]`), "班玛县财政局"),
		chromedp.SetValue(chromedp.CSS(`#token-create input[name=scope]`), "632624"),
		chromedp.SetValue(chromedp.CSS(`#token-create select[name=role]`), "partner"))
	submit(t, b, "issue a token", "#token-create button[type=submit]")
	if tok := run(t, b, "the new token", chromedp.Text(chromedp.CSS("#new-token code"))); !strings.HasPrefix(tok, "ald_") {
		t.Fatalf("the new token shown is %q", tok)
	}
	screenshot(t, b, "admin.jpg", true)
	t.Logf("artifacts in %s", artifacts(t))
}

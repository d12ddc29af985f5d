package evidence

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/xuri/excelize/v2"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/reporting/report"
	"github.com/aidledger/aidledger/services/reporting/summary"
	"github.com/aidledger/aidledger/services/testkit/demoenv"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const (
	zhonglou = demoenv.Zhonglou
	linan    = demoenv.Linan
)

var auditor = auth.Principal{Name: "审计员", Role: auth.RoleAuditor}

// demoLedger is the demo ledger with the yearend read model built.
func demoLedger(t testing.TB) *pgxpool.Pool { return demoenv.New(t, yearend.New()).Pool }

// export returns the bundle of req, or fails the test.
func export(t testing.TB, pool *pgxpool.Pool, req summary.Request) ([]byte, *Manifest) {
	t.Helper()
	var buf bytes.Buffer
	b, err := Export(context.Background(), pool, auditor, req, &buf, nil)
	if err != nil {
		t.Fatalf("export %+v: %v", req, err)
	}
	if b.Bytes != int64(buf.Len()) || b.Seal != string(buf.Bytes()[buf.Len()-sealHexLen:]) {
		t.Fatalf("export says %d bytes sealed %s; wrote %d", b.Bytes, b.Seal, buf.Len())
	}
	return buf.Bytes(), b.Manifest
}

// check verifies b and returns the result.
func check(t testing.TB, b []byte) *Result {
	t.Helper()
	res, err := Verify(bytes.NewReader(b), int64(len(b)), Keys{})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return res
}

// wantProblem fails the test unless res is not OK and lists a problem of
// check (at position, when it is not 0) whose reason contains text.
func wantProblem(t *testing.T, res *Result, check string, position int64, text string) {
	t.Helper()
	if res.OK {
		t.Fatalf("verified OK; want a %s problem", check)
	}
	for _, p := range res.Problems {
		if p.Check == check && (position == 0 || p.Position == position) && strings.Contains(p.Reason, text) {
			return
		}
	}
	t.Fatalf("problems %+v; want %s at position %d mentioning %q", res.Problems, check, position, text)
}

func TestExportVerifiesOffline(t *testing.T) {
	t.Parallel()
	pool := demoLedger(t)
	for _, donor := range []string{zhonglou, linan} {
		b, m := export(t, pool, summary.Request{DonorCode: donor, Year: 2025})
		res := check(t, b)
		if !res.OK {
			t.Fatalf("%s: the fresh bundle does not verify: %+v", donor, res.Problems)
		}
		if m.Donor.Code != donor || m.Year != 2025 || m.Cutoff.String() != "2025-12-31" || m.Profile != "official" {
			t.Errorf("%s: manifest %+v", donor, m)
		}
		if m.Events != m.Chain.HeadPosition-m.Chain.FirstPosition+1 || m.DonorEvents == 0 || m.DonorEvents > m.Events {
			t.Errorf("%s: %d events (%d the donor's) for segment %+v", donor, m.Events, m.DonorEvents, m.Chain)
		}
		// The bundled report is the published summary: the same as the
		// year-end summary computed from the read model.
		var want *yearend.Report
		if err := pgx.BeginTxFunc(t.Context(), pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
			var err error
			want, err = summary.Compute(t.Context(), tx, auditor, summary.Request{DonorCode: donor, Year: 2025})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		wantJSON, _, _, err := report.Render(want, report.FormatJSON, report.LangZH)
		if err != nil {
			t.Fatal(err)
		}
		if got := member(t, b, MemberReport); !bytes.Equal(got, wantJSON) {
			t.Errorf("%s: report.json is not the summary", donor)
		}
		if m.Chain.HeadHash.String() != want.ChainHash || m.Chain.HeadPosition != want.Position {
			t.Errorf("%s: head %d %s, summary at %d %s", donor, m.Chain.HeadPosition, m.Chain.HeadHash, want.Position, want.ChainHash)
		}
		// The same export again is the same file.
		if again, _ := export(t, pool, summary.Request{DonorCode: donor, Year: 2025}); !bytes.Equal(again, b) {
			t.Errorf("%s: exporting twice gave different bytes", donor)
		}
	}
	// 临安's segment starts after 钟楼's events, anchored on a stored hash;
	// 钟楼's starts at position 1, on the zero hash.
	_, zl := export(t, pool, summary.Request{DonorCode: zhonglou, Year: 2025})
	_, la := export(t, pool, summary.Request{DonorCode: linan, Year: 2026, Cutoff: mustDate(t, "2026-06-30"), Profile: "exact", AtPosition: 300})
	if zl.Chain.FirstPosition != 1 || la.Chain.FirstPosition <= 1 || la.Chain.AnchorHash.String() == strings.Repeat("0", 64) {
		t.Errorf("segments: 钟楼 %+v, 临安 %+v", zl.Chain, la.Chain)
	}
	if la.Chain.HeadPosition != 300 || la.Profile != "exact" || la.Cutoff.String() != "2026-06-30" {
		t.Errorf("临安 at 300 to 30 June, exact: %+v", la)
	}
}

func TestExportRefuses(t *testing.T) {
	t.Parallel()
	pool := demoLedger(t)
	var buf bytes.Buffer
	for _, c := range []struct {
		who  auth.Principal
		req  summary.Request
		code string
	}{
		{auth.Principal{Name: "r", Role: auth.RoleRecorder, DonorCode: zhonglou}, summary.Request{DonorCode: zhonglou, Year: 2025}, "forbidden"},
		{auth.Principal{Name: "p", Role: auth.RolePartner, PartnerCode: "632624"}, summary.Request{DonorCode: zhonglou, Year: 2025}, "forbidden"},
		{auditor, summary.Request{DonorCode: "999999", Year: 2025}, "not_found"},
		{auditor, summary.Request{DonorCode: zhonglou, Year: 2025, Cutoff: mustDate(t, "2024-11-30")}, "validation_failed"},
		{auditor, summary.Request{DonorCode: zhonglou, Year: 2025, Profile: "rounded"}, "validation_failed"},
		{auditor, summary.Request{DonorCode: zhonglou, Year: 2025, AtPosition: 1 << 40}, "not_yet_projected"},
	} {
		_, err := Export(t.Context(), pool, c.who, c.req, &buf, nil)
		var r *ledger.Rejection
		if !asRejection(err, &r) || r.Code != c.code {
			t.Errorf("%s exporting %+v: %v, want %s", c.who.Role, c.req, err, c.code)
		}
	}
}

// member returns a member of bundle b.
func member(t testing.TB, b []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			body, err := readMember(f, 1<<30)
			if err != nil {
				t.Fatal(err)
			}
			return body
		}
	}
	t.Fatalf("no member %s", name)
	return nil
}

// rewrite rebuilds bundle b with change applied to its members (name →
// body, in order) and, when reseal, a fresh seal — what a forger with the
// format in hand would do.
func rewrite(t *testing.T, b []byte, change func(names []string, bodies map[string][]byte) []string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	bodies := map[string][]byte{}
	for _, f := range zr.File {
		names = append(names, f.Name)
		if bodies[f.Name], err = readMember(f, 1<<30); err != nil {
			t.Fatal(err)
		}
	}
	names = change(names, bodies)
	var out bytes.Buffer
	bw := newBundleWriter(&out, zr.File[0].Modified)
	for _, name := range names {
		if err := bw.member(name, bodies[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := bw.close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// asFormatVersion sets the manifest's format version to version and its
// checksums to the members' current ones.
func asFormatVersion(t *testing.T, bodies map[string][]byte, version int) {
	t.Helper()
	var m Manifest
	if err := json.Unmarshal(bodies[MemberManifest], &m); err != nil {
		t.Fatal(err)
	}
	m.Version = version
	relistInto(t, bodies, &m)
}

// relist sets the manifest's checksums to the members' current ones.
func relist(t *testing.T, bodies map[string][]byte) {
	t.Helper()
	var m Manifest
	if err := json.Unmarshal(bodies[MemberManifest], &m); err != nil {
		t.Fatal(err)
	}
	relistInto(t, bodies, &m)
}

// relistInto stores m as the manifest, its files' checksums set to the
// members' current ones.
func relistInto(t *testing.T, bodies map[string][]byte, m *Manifest) {
	t.Helper()
	files := make([]File, len(m.Files))
	for i, f := range m.Files {
		sum := sha256.Sum256(bodies[f.Name])
		files[i] = File{Name: f.Name, Bytes: int64(len(bodies[f.Name])), SHA256: hex.EncodeToString(sum[:])}
	}
	m.Files = files
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	bodies[MemberManifest] = append(b, '\n')
}

// donorLineWith is the number of the first line of events.jsonl that is
// an event of 临安 containing text.
func donorLineWith(t *testing.T, bodies map[string][]byte, text string) int {
	t.Helper()
	for i, l := range strings.Split(string(bodies[MemberEvents]), "\n") {
		if strings.Contains(l, `"donor_code":"`+linan+`"`) && strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("no line of %s with %s", linan, text)
	return 0
}

// rechain recomputes every line's prev_hash and hash from the anchor on,
// as a forger would, and returns the new head hash.
func rechain(t *testing.T, bodies map[string][]byte, anchor events.Hash) events.Hash {
	t.Helper()
	prev := anchor
	var out strings.Builder
	for _, l := range strings.SplitAfter(string(bodies[MemberEvents]), "\n") {
		if l == "" {
			continue
		}
		var pos int64
		if _, err := fmt.Sscanf(l, `{"position":%d,`, &pos); err != nil {
			t.Fatal(err)
		}
		canonical := l[strings.Index(l, `,"event":`)+len(`,"event":`) : len(l)-2]
		h := events.ChainHash(prev, pos, []byte(canonical))
		fmt.Fprintf(&out, `{"position":%d,"prev_hash":"%s","hash":"%s","event":%s}`+"\n", pos, prev, h, canonical)
		prev = h
	}
	bodies[MemberEvents] = []byte(out.String())
	return prev
}

func mustDate(t testing.TB, s string) events.Date {
	t.Helper()
	d, err := events.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func asRejection(err error, r **ledger.Rejection) bool { return errors.As(err, r) }

// editLine applies edit to line n (1-based) of events.jsonl.
func editLine(bodies map[string][]byte, n int, edit func(string) string) {
	lines := strings.SplitAfter(string(bodies[MemberEvents]), "\n")
	lines[n-1] = edit(lines[n-1])
	bodies[MemberEvents] = []byte(strings.Join(lines, ""))
}

func TestTamperedBundles(t *testing.T) {
	t.Parallel()
	pool := demoLedger(t)
	b, m := export(t, pool, summary.Request{DonorCode: linan, Year: 2025})
	first := m.Chain.FirstPosition
	keep := func(names []string, _ map[string][]byte) []string { return names }
	if res := check(t, rewrite(t, b, keep)); !res.OK {
		t.Fatalf("a faithful rewrite does not verify: %+v", res.Problems)
	}

	t.Run("one byte flipped, no reseal", func(t *testing.T) {
		c := bytes.Clone(b)
		c[len(c)/2] ^= 0x20
		res := check(t, c)
		wantProblem(t, res, CheckSeal, 0, "altered")
	})
	t.Run("truncated", func(t *testing.T) {
		wantProblem(t, check(t, b[:len(b)-1]), CheckSeal, 0, "")
	})
	t.Run("a member changed, resealed", func(t *testing.T) {
		res := check(t, rewrite(t, b, func(names []string, bodies map[string][]byte) []string {
			bodies[MemberReportZh] = append(bodies[MemberReportZh], ' ')
			return names
		}))
		wantProblem(t, res, CheckChecksum, 0, "the manifest says")
	})
	t.Run("an unlisted member added", func(t *testing.T) {
		res := check(t, rewrite(t, b, func(names []string, bodies map[string][]byte) []string {
			bodies["extra.txt"] = []byte("x")
			return append(names, "extra.txt")
		}))
		wantProblem(t, res, CheckArchive, 0, "not in the manifest")
	})
	t.Run("an event's payload altered, checksums fixed", func(t *testing.T) {
		res := check(t, rewrite(t, b, func(names []string, bodies map[string][]byte) []string {
			editLine(bodies, 5, func(l string) string { return strings.Replace(l, `"payload":{"`, `"payload":{ "`, 1) })
			relist(t, bodies)
			return names
		}))
		wantProblem(t, res, CheckChain, first+4, "")
	})
	t.Run("an amount altered, checksums fixed", func(t *testing.T) {
		res := check(t, rewrite(t, b, func(names []string, bodies map[string][]byte) []string {
			n := donorLineWith(t, bodies, `"amount_fen":`)
			editLine(bodies, n, func(l string) string { return strings.Replace(l, `"amount_fen":`, `"amount_fen":1`, 1) })
			relist(t, bodies)
			return names
		}))
		wantProblem(t, res, CheckChain, 0, "altered")
	})
	t.Run("an event removed", func(t *testing.T) {
		res := check(t, rewrite(t, b, func(names []string, bodies map[string][]byte) []string {
			editLine(bodies, 7, func(string) string { return "" })
			relist(t, bodies)
			return names
		}))
		wantProblem(t, res, CheckChain, first+6, "missing")
	})
	t.Run("the anchor changed", func(t *testing.T) {
		res := check(t, rewrite(t, b, func(names []string, bodies map[string][]byte) []string {
			m2 := *m
			m2.Chain.AnchorHash[0] ^= 1
			relistInto(t, bodies, &m2)
			return names
		}))
		wantProblem(t, res, CheckChain, first, "anchor")
	})
	t.Run("the chain forged from an altered event to the head", func(t *testing.T) {
		// Alter the donor's disbursement amount and re-hash every later
		// event, state the new head: the chain holds, the report does not.
		res := check(t, rewrite(t, b, func(names []string, bodies map[string][]byte) []string {
			n := donorLineWith(t, bodies, `"type":"aid.funds_disbursed"`)
			editLine(bodies, n, func(l string) string { return strings.Replace(l, `"amount_fen":`, `"amount_fen":1`, 1) })
			head := rechain(t, bodies, m.Chain.AnchorHash)
			m2 := *m
			m2.Chain.HeadHash = head
			relistInto(t, bodies, &m2)
			return names
		}))
		wantProblem(t, res, CheckReport, 0, "differs from the summary recomputed")
		for _, p := range res.Problems {
			if p.Check == CheckChain {
				t.Errorf("a consistently forged chain was reported as broken: %+v", p)
			}
		}
	})
	t.Run("the report altered, checksums fixed", func(t *testing.T) {
		res := check(t, rewrite(t, b, func(names []string, bodies map[string][]byte) []string {
			bodies[MemberReportEn] = bytes.Replace(bodies[MemberReportEn], []byte("2025"), []byte("2024"), 1)
			relist(t, bodies)
			return names
		}))
		wantProblem(t, res, CheckReport, 0, "differs")
		if res.Problems[0].Member != MemberReportEn {
			t.Errorf("problem names %q, want %s", res.Problems[0].Member, MemberReportEn)
		}
	})
	t.Run("not a bundle", func(t *testing.T) {
		wantProblem(t, check(t, []byte("hello")), CheckSeal, 0, "too short")
		res := check(t, bytes.Repeat([]byte("x"), 500))
		wantProblem(t, res, CheckArchive, 0, "not a readable ZIP")
	})
}

// TestEarlierFormatVersion: a version 1 bundle (made before the projects
// were counted by calendar year: its report.json lacks those figures and
// its renderings differ) still verifies, value by value, with a note; one
// value changed in its report.json is found.
func TestEarlierFormatVersion(t *testing.T) {
	t.Parallel()
	pool := demoLedger(t)
	b, _ := export(t, pool, summary.Request{DonorCode: linan, Year: 2025})
	asVersion1 := func(alter func(rep map[string]any)) []byte {
		return rewrite(t, b, func(names []string, bodies map[string][]byte) []string {
			var whole map[string]any
			if err := json.Unmarshal(bodies[MemberReport], &whole); err != nil {
				t.Fatal(err)
			}
			rep := whole["report"].(map[string]any)
			whole["rendered"].(map[string]any)["paragraph_zh"] = "(旧版渲染)"
			removed := 0
			for _, figs := range append([]any{rep["totals"]}, rep["pairings"].([]any)...) {
				for _, k := range []string{"projects_under_way", "projects_started", "projects_continuing", "projects_finished",
					"year_planned_fen", "year_invested_fen", "year_completion_rate_bp", "year_planned_projects",
					"year_planned_started", "start_rate_bp", "staff_in_post", "staff_year_or_more", "staff_left",
					"staff_anniversary", "staff_left_after_year", "targets", "progress"} {
					if _, ok := figs.(map[string]any)[k]; ok {
						delete(figs.(map[string]any), k)
						removed++
					}
				}
			}
			if removed == 0 {
				t.Fatal("the demo's report has no figure of projects by year")
			}
			alter(rep)
			body, err := json.MarshalIndent(whole, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			bodies[MemberReport] = body
			bodies[MemberReportZh] = append(bodies[MemberReportZh], "(旧版渲染)"...)
			asFormatVersion(t, bodies, 1)
			return names
		})
	}
	res := check(t, asVersion1(func(map[string]any) {}))
	if !res.OK || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "version 1") {
		t.Fatalf("a version 1 bundle: ok %v, problems %+v, notes %q", res.OK, res.Problems, res.Notes)
	}
	res = check(t, asVersion1(func(rep map[string]any) {
		fig := rep["totals"].(map[string]any)["fiscal_disbursed_fen"].(map[string]any)
		fig["value"] = fig["value"].(float64) + 1
	}))
	wantProblem(t, res, CheckReport, 0, "$.report.totals.fiscal_disbursed_fen.value")
	// an earlier release listed the pairings in another order
	res = check(t, asVersion1(func(rep map[string]any) {
		ps := rep["pairings"].([]any)
		slices.Reverse(ps)
	}))
	if !res.OK {
		t.Fatalf("an earlier bundle with its pairings in another order: %+v", res.Problems)
	}
}

// TestFormatVersion4: a version 4 bundle, whose XLSX an earlier release
// encoded differently, verifies when its cells are the recomputed ones,
// with a note; a cell changed in it is found.
func TestFormatVersion4(t *testing.T) {
	t.Parallel()
	pool := demoLedger(t)
	b, _ := export(t, pool, summary.Request{DonorCode: linan, Year: 2025})
	asVersion4 := func(alter func(f *excelize.File)) []byte {
		return rewrite(t, b, func(names []string, bodies map[string][]byte) []string {
			f, err := excelize.OpenReader(bytes.NewReader(bodies[MemberXLSX]))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			alter(f)
			var buf bytes.Buffer
			if err := f.Write(&buf); err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(buf.Bytes(), bodies[MemberXLSX]) {
				t.Fatal("excelize wrote the workbook in the same bytes")
			}
			bodies[MemberXLSX] = buf.Bytes()
			asFormatVersion(t, bodies, 4)
			return names
		})
	}
	res := check(t, asVersion4(func(*excelize.File) {}))
	if !res.OK || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "version 4") {
		t.Fatalf("a version 4 bundle: ok %v, problems %+v, notes %q", res.OK, res.Problems, res.Notes)
	}
	res = check(t, asVersion4(func(f *excelize.File) {
		if err := f.SetCellValue(f.GetSheetName(0), "A5", "改过的"); err != nil {
			t.Fatal(err)
		}
	}))
	wantProblem(t, res, CheckReport, 0, "cell A5")
}

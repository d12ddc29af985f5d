package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

var allFormats = []string{FormatText, FormatMD, FormatJSON, FormatCSV, FormatXLSX, FormatPDF}

// TestRenderDeterministic renders every format and language twice from
// separately built but equal reports and compares the bytes; then one
// more event (a later position, a new chain hash, one more visit) must
// change every output.
func TestRenderDeterministic(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{LangZH, LangEN} {
		for _, format := range allFormats {
			a, _, _, err := Render(workedExample(), format, lang)
			if err != nil {
				t.Fatalf("%s/%s: %v", format, lang, err)
			}
			b, _, _, err := Render(workedExample(), format, lang)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s/%s: two renders of the same report differ", format, lang)
			}
			later := workedExample()
			later.Position++
			later.ChainHash = "0a1b2c3d4e5f6071"
			later.Pairings[1].Visits = fig(2, "v4", "v5")
			later.Totals.Visits = fig(5)
			c, _, _, err := Render(later, format, lang)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(a, c) {
				t.Errorf("%s/%s: one more event left the output unchanged", format, lang)
			}
			if format == FormatText || format == FormatMD || format == FormatJSON {
				want := map[string]string{LangZH: "账本位置：1043", LangEN: "Ledger position: 1043"}[lang]
				if !bytes.Contains(c, []byte(want)) || !bytes.Contains(c, []byte("0a1b2c3d4e5f6071")) {
					t.Errorf("%s/%s: provenance does not state the new position and hash", format, lang)
				}
			}
		}
	}
}

func TestRenderMetadata(t *testing.T) {
	t.Parallel()
	r := workedExample()
	tests := []struct {
		format, lang, contentType, filename string
	}{
		{"", "", "text/plain; charset=utf-8", "年度总结-320404-2025.txt"},
		{FormatText, LangEN, "text/plain; charset=utf-8", "yearend-320404-2025.txt"},
		{FormatMD, LangZH, "text/markdown; charset=utf-8", "年度总结-320404-2025.md"},
		{FormatJSON, LangZH, "application/json", "年度总结-320404-2025.json"},
		{FormatCSV, LangZH, "text/csv; charset=utf-8", "年度总结-320404-2025.csv"},
		{FormatXLSX, LangZH, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "年度总结-320404-2025.xlsx"},
		{FormatPDF, LangEN, "application/pdf", "yearend-320404-2025.pdf"},
	}
	for _, tt := range tests {
		_, ct, fn, err := Render(r, tt.format, tt.lang)
		if err != nil || ct != tt.contentType || fn != tt.filename {
			t.Errorf("Render(%q, %q) = %q, %q, %v", tt.format, tt.lang, ct, fn, err)
		}
	}
	r.Cutoff = events.DateOf(2025, 11, 30)
	r.Donor.Code = "32/04 04"
	name, ascii := Filename(r, FormatXLSX, LangZH)
	if name != "年度总结-320404-2025-截至2025-11-30.xlsx" || ascii != "yearend-320404-2025-to-2025-11-30.xlsx" {
		t.Errorf("Filename = %q, %q", name, ascii)
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	if _, _, _, err := Render(workedExample(), "docx", LangZH); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("docx: %v", err)
	}
	if _, _, _, err := Render(workedExample(), FormatText, "fr"); !errors.Is(err, ErrUnknownLanguage) {
		t.Errorf("fr: %v", err)
	}
	if _, _, _, err := Render(nil, FormatText, LangZH); !errors.Is(err, ErrNoReport) {
		t.Errorf("nil: %v", err)
	}
}

func TestRenderText(t *testing.T) {
	t.Parallel()
	body, _, _, err := Render(workedExample(), FormatText, LangZH)
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	for _, want := range []string{
		"甲区2025年度对口帮扶工作总结\n\n开展甲-乙区县互访调研3次，",
		"\n汇总表\n结对地区  行政区划代码  协作类型",
		"\n注5：乙县：2025年4月2日接受捐物",
		"\n数据来源\n账本位置：1042\n链哈希：9f2c4e0b7a1d3c5e\n统计区间：2025-01-01至2025-12-31（统计截止日）\n" +
			"金额口径：公文口径（财政帮扶：精确到0.01万元（四舍五入）；社会帮扶：余（只舍不入）；消费帮扶：余（只舍不入））\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	// The table's rows line up in display columns.
	lines := strings.Split(s, "\n")
	var widths []int
	for _, l := range lines {
		if strings.HasPrefix(l, "结对地区") || strings.HasPrefix(l, "乙县") || strings.HasPrefix(l, "---") {
			widths = append(widths, displayWidth(l))
		}
	}
	if len(widths) != 3 || widths[0] != widths[1] || widths[1] != widths[2] {
		t.Errorf("table rows have display widths %v", widths)
	}
}

func TestRenderMarkdown(t *testing.T) {
	t.Parallel()
	r := workedExample()
	r.Pairings[0].Partner.Name = "乙|县*"
	body, _, _, err := Render(r, FormatMD, LangZH)
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	for _, want := range []string{
		"# 甲区2025年度对口帮扶工作总结\n\n开展甲-乙区县互访调研3次，",
		"| 结对地区 | 行政区划代码 | 协作类型 | 互访调研（次） |",
		"| --- | --- | --- | ---: |",
		"| 乙\\|县\\* | 522601 | 东西部协作 | 3 | 0 | 12 |",
		"| 合计 |  |  | 4 |",
		"\n## 附注\n\n- 注1：丙县：",
		"\n## 数据来源\n\n- 账本位置：1042\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

// parseWan turns an exact 万元 decimal back into fen with integer
// arithmetic only.
func parseWan(t *testing.T, s string) int64 {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if len(frac) > 6 {
		t.Fatalf("%q: more than six decimals of 万元", s)
	}
	v, err := strconv.ParseInt(whole+frac+strings.Repeat("0", 6-len(frac)), 10, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	if neg {
		v = -v
	}
	return v
}

func TestRenderCSV(t *testing.T) {
	t.Parallel()
	r := workedExample()
	r.Pairings[1].SocialFen = fig(1) // one fen survives the export
	body, _, _, err := Render(r, FormatCSV, LangZH)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(body, []byte(utf8BOM)) || !bytes.Contains(body, []byte("\r\n")) {
		t.Error("csv lacks the BOM or CRLF line ends")
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte(utf8BOM)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(r.Pairings)+2 {
		t.Fatalf("%d records, want header + %d pairings + totals", len(recs), len(r.Pairings))
	}
	header := recs[0]
	if header[0] != "结对地区" || !strings.Contains(strings.Join(header, ","), "财政帮扶拨付（万元）") {
		t.Errorf("header %q", header)
	}
	figs := []*yearend.Figures{&r.Pairings[0].Figures, &r.Pairings[1].Figures, &r.Totals}
	for i, f := range figs {
		rec := recs[i+1]
		for j, c := range columns {
			cell := rec[3+j]
			switch c.kind {
			case kindWan:
				if got := parseWan(t, cell); got != c.value(f) {
					t.Errorf("row %d %s = %s (%d fen), want %d fen", i+1, c.zh, cell, got, c.value(f))
				}
			case kindRate:
				if cell != RateDecimal(c.value(f)) {
					t.Errorf("row %d %s = %s", i+1, c.zh, cell)
				}
			default:
				if cell != strconv.FormatInt(c.value(f), 10) {
					t.Errorf("row %d %s = %s", i+1, c.zh, cell)
				}
			}
		}
	}
	if recs[2][3+colIndex(t, "social_fen")] != "0.000001" {
		t.Errorf("one fen exports as %q", recs[2][3+colIndex(t, "social_fen")])
	}
	if recs[3][0] != "合计" {
		t.Errorf("last row %q, want the totals", recs[3])
	}
	en, _, _, _ := Render(r, FormatCSV, LangEN)
	if !bytes.Contains(en, []byte("Fiscal aid disbursed (10k CNY)")) || !bytes.Contains(en, []byte("\r\nTotal,")) {
		t.Error("English csv lacks English headers or the Total row")
	}
}

// colIndex is the index in columns of the figure called key.
func colIndex(t *testing.T, key string) int {
	t.Helper()
	for i, c := range columns {
		if c.key == key {
			return i
		}
	}
	t.Fatalf("no column %q", key)
	return -1
}

func TestRenderJSON(t *testing.T) {
	t.Parallel()
	r := workedExample()
	body, _, _, err := Render(r, FormatJSON, LangZH)
	if err != nil {
		t.Fatal(err)
	}
	var doc Document
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Rendered.Paragraph != ChineseParagraph(r) || doc.Rendered.English != EnglishText(r) ||
		len(doc.Rendered.NotesZH) != 5 || len(doc.Rendered.NotesEN) != 5 || doc.Rendered.Profile.Name != "official" {
		t.Errorf("rendered texts: %+v", doc.Rendered)
	}
	// The embedded report round-trips exactly.
	want, _ := json.Marshal(r)
	got, _ := json.Marshal(doc.Report)
	if !bytes.Equal(got, want) {
		t.Errorf("report does not round-trip:\n got %s\nwant %s", got, want)
	}
	if !bytes.Contains(body, []byte(`"fiscal_disbursed_fen": {`+"\n"+`          "value": 260000000,`)) {
		t.Error("money is not an integer of fen in the JSON")
	}
	empty, _, _, err := Render(&yearend.Report{Year: 2025}, FormatJSON, LangEN)
	if err != nil || !bytes.Contains(empty, []byte(`"footnotes_zh": []`)) {
		t.Errorf("empty report json: %v\n%s", err, empty)
	}
}

// TestJSONIsEncodingJSON: the JSON, written with its line items encoded
// one by one, is byte for byte what encoding/json's indenting encoder
// (HTML unescaped) writes for the Document — with no line items, and with
// line items whose strings need escaping (quotes, backslashes, control
// characters, U+2028, HTML characters, Chinese, a replacement character)
// and a zero business date. (A report's strings are valid UTF-8: they
// come from PostgreSQL text or from decoded events.)
func TestJSONIsEncodingJSON(t *testing.T) {
	t.Parallel()
	oracle := func(r *yearend.Report) []byte {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(NewDocument(r)); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	r := workedExample()
	items := lineItems(r)
	for i, s := range []string{`甲财〔2025〕1号`, `a"b\c`, "tab\there\nnewline", "sep\u2028ara\u2029tor", "re\ufffdplaced", "<b>&amp;</b>", "\x01\x1f", ""} {
		items = append(items, yearend.LineItem{EventID: s, Position: int64(-i), Type: s, PairingID: s, Figure: s, DocumentNo: s,
			AmountFen: -1 << 62})
	}
	r.LineItems = yearend.LineItemsOf(items...)
	empty := &yearend.Report{Year: 2025}
	for name, rep := range map[string]*yearend.Report{"worked example": r, "empty": empty, "big": bigReport()} {
		got, _, _, err := Render(rep, FormatJSON, LangZH)
		if err != nil {
			t.Fatal(err)
		}
		if want := oracle(rep); !bytes.Equal(got, want) {
			t.Errorf("%s: differs from encoding/json %s", name, difference(string(got), string(want)))
		}
	}
}

// difference says where got first differs from want, and shows both
// around it.
func difference(got, want string) string {
	n := 0
	for n < min(len(got), len(want)) && got[n] == want[n] {
		n++
	}
	return fmt.Sprintf("at byte %d:\n got …%q…\nwant …%q…", n, got[max(0, n-120):min(len(got), n+120)], want[max(0, n-120):min(len(want), n+120)])
}

// TestOptionalColumns: a group of optional columns is in the table only
// when the totals have one of its figures non-zero.
func TestOptionalColumns(t *testing.T) {
	t.Parallel()
	keys := func(f yearend.Figures) []string {
		var out []string
		for _, c := range reportColumns(&yearend.Report{Totals: f}) {
			out = append(out, c.key)
		}
		return out
	}
	if got := keys(yearend.Figures{}); len(got) != len(columns) {
		t.Errorf("no optional figure: %d columns, want %d", len(got), len(columns))
	}
	got := keys(yearend.Figures{StaffYearOrMore: yearend.Figure{Value: 1}})
	if len(got) != len(columns)+len(staffColumns) || got[len(columns)] != "staff_in_post" {
		t.Errorf("staff in post: columns %v", got)
	}
	got = keys(yearend.Figures{StartRateBP: 5000, StaffInPost: yearend.Figure{Value: 2}})
	if len(got) != len(columns)+len(staffColumns)+len(yearColumns) || got[len(got)-1] != "start_rate_bp" {
		t.Errorf("both groups: columns %v", got)
	}
}

// TestProgrammeSubtotals: a programme of several pairings gets a subtotal
// row across its partners, before the totals; one of a single pairing
// does not.
func TestProgrammeSubtotals(t *testing.T) {
	t.Parallel()
	r := workedExample()
	sum := r.Totals
	r.Programmes = []yearend.ProgrammeFigures{{Programme: "east_west", Partners: []events.Unit{r.Pairings[0].Partner, r.Pairings[1].Partner},
		PairingIDs: []string{r.Pairings[0].PairingID, r.Pairings[1].PairingID}, Figures: sum}}
	_, rows := Table(r, LangZH)
	if len(rows) != 4 {
		t.Fatalf("%d rows, want the two pairings, the subtotal and the totals", len(rows))
	}
	if got := rows[2][:3]; !slices.Equal(got, []string{"乙县、丙县", "小计", "东西部协作"}) {
		t.Errorf("subtotal labels %v", got)
	}
	_, en := Table(r, LangEN)
	if en[2][0] != "乙县, 丙县" || en[2][1] != "Subtotal" {
		t.Errorf("English subtotal labels %v", en[2][:3])
	}
	r.Programmes[0].Partners, r.Programmes[0].PairingIDs = r.Programmes[0].Partners[:1], r.Programmes[0].PairingIDs[:1]
	if _, rows := Table(r, LangZH); len(rows) != 3 {
		t.Errorf("a programme of one pairing: %d rows, want 3", len(rows))
	}
}

// TestCSVCell: the OWASP rule for CSV injection, numbers left alone.
func TestCSVCell(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-A1": "'-A1", "@SUM(A1)": "'@SUM(A1)", "\t=1": "'\t=1", "\r=1": "'\r=1",
		"-120.5": "-120.5", "42": "42", "-0": "-0", "乙县": "乙县", "": "", "a=1": "a=1", "- 1": "'- 1",
	} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

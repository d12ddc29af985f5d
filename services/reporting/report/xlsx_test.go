package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/xuri/excelize/v2"
)

// openXLSX renders r as XLSX and opens it with excelize.
func openXLSX(t *testing.T, r *yearend.Report, lang string) *excelize.File {
	t.Helper()
	body, _, _, err := Render(r, FormatXLSX, lang)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("open rendered xlsx: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// rawNumber reads a cell that must be a number cell (not a string) and
// returns its stored decimal text.
func rawNumber(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Fatalf("%s!%s has cell type %v, want a number", sheet, cell, typ)
	}
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// numFmt is the custom number format of a cell.
func numFmt(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if s.CustomNumFmt == nil {
		return ""
	}
	return *s.CustomNumFmt
}

// columnByHeader is the column of the table whose header (in Chinese,
// the unit on its own line as the XLSX writes it) is h.
func columnByHeader(t *testing.T, h string) column {
	t.Helper()
	for _, c := range slices.Concat(append([][]column{columns}, optionalColumns...)...) {
		if strings.Replace(c.zh, "（", "\n（", 1) == h {
			return c
		}
	}
	t.Fatalf("no column is headed %q", h)
	return column{}
}

// TestXLSXNumbersEqualJSON opens the workbook and checks every figure of
// every printed table's sheet against the JSON export of the same report,
// every line item of the line-items sheet and every footnote of the notes
// sheet.
func TestXLSXNumbersEqualJSON(t *testing.T) {
	t.Parallel()
	r := workedExample()
	r.Pairings[1].SocialCashFen = fig(1) // a single fen must survive
	jsonBody, _, _, err := Render(r, FormatJSON, LangZH)
	if err != nil {
		t.Fatal(err)
	}
	var doc Document
	if err := json.Unmarshal(jsonBody, &doc); err != nil {
		t.Fatal(err)
	}
	want := doc.Report

	f := openXLSX(t, r, LangZH)
	if got := f.GetSheetList(); !slices.Equal(got, []string{"年度汇总", "人才与互访", "财政资金", "援建项目", "社会与消费帮扶", "事件明细", "附注"}) {
		t.Fatalf("sheets %q", got)
	}
	if v, _ := f.GetCellValue("年度汇总", "A1"); v != "甲区2025年度对口帮扶工作总结（年度汇总）" {
		t.Errorf("title %q", v)
	}
	if v, _ := f.GetCellValue("财政资金", "A2"); v != "统计区间：2025-01-01至2025-12-31（统计截止日）　金额单位：万元　账本位置：1042" {
		t.Errorf("unit line %q", v)
	}
	figs := []*yearend.Figures{&want.Pairings[0].Figures, &want.Pairings[1].Figures, &want.Totals}
	labels := []string{"乙县", "丙县", "合计"}
	checked := map[string]bool{}
	for _, sheet := range f.GetSheetList()[:5] {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		header := rows[titleRows]
		if header[0] != "结对地区" {
			t.Errorf("%s header %q", sheet, header)
		}
		for i, fg := range figs {
			row := firstRow + i
			if v, _ := f.GetCellValue(sheet, "A"+strconv.Itoa(row)); v != labels[i] {
				t.Errorf("%s row %d is %q, want %q", sheet, row, v, labels[i])
			}
			for j := labelColumns; j < len(header); j++ {
				c := columnByHeader(t, header[j])
				checked[c.key] = true
				cell, _ := excelize.CoordinatesToCellName(j+1, row)
				raw := rawNumber(t, f, sheet, cell)
				switch c.kind {
				case kindWan:
					if got := parseWan(t, raw); got != c.value(fg) {
						t.Errorf("%s!%s (%s) = %s 万元 = %d fen, JSON has %d", sheet, cell, c.zh, raw, got, c.value(fg))
					}
					if nf := numFmt(t, f, sheet, cell); nf != numFmtWan {
						t.Errorf("%s!%s number format %q", sheet, cell, nf)
					}
				case kindRate:
					// Stored as a fraction: basis points / 10000.
					if got := parseWan(t, raw) / 100; got != c.value(fg) {
						t.Errorf("%s!%s (%s) = %s, JSON has %d bp", sheet, cell, c.zh, raw, c.value(fg))
					}
				default:
					if raw != strconv.FormatInt(c.value(fg), 10) {
						t.Errorf("%s!%s (%s) = %s, JSON has %d", sheet, cell, c.zh, raw, c.value(fg))
					}
				}
			}
		}
	}
	for _, c := range columns {
		if !checked[c.key] {
			t.Errorf("no sheet shows %s", c.zh)
		}
	}
	if shown, _ := f.GetCellValue("年度汇总", "D4"); shown != "260.00" {
		t.Errorf("年度汇总!D4 shows %q, want 260.00", shown)
	}
	if raw := rawNumber(t, f, "社会与消费帮扶", "E5"); raw != "0.000001" {
		t.Errorf("one fen is stored as %q", raw)
	}
	if prov, _ := f.GetCellValue("年度汇总", "A"+strconv.Itoa(firstRow+len(figs)+1)); prov != "账本位置：1042" {
		t.Errorf("provenance under the table: %q", prov)
	}

	// Sheet 2: every line item with its document number.
	items, err := f.GetRows("事件明细")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != want.LineItems.Len()+firstRow-1 {
		t.Fatalf("%d line item rows, want %d", len(items)-1, want.LineItems.Len())
	}
	for i, li := range want.LineItems.All() {
		row := strconv.Itoa(firstRow + i)
		doc, _ := f.GetCellValue("事件明细", "I"+row)
		if got := items[firstRow-1+i]; got[0] != li.EventID || doc != li.DocumentNo || got[5] != li.BusinessDate.String() ||
			got[2] != eventTypeName(li.Type, LangZH) || got[9] != li.PairingID {
			t.Errorf("line item row %s = %q", row, got)
		}
		if got := rawNumber(t, f, "事件明细", "B"+row); got != strconv.FormatInt(li.Position, 10) {
			t.Errorf("B%s position %s", row, got)
		}
		if isMoneyFigure(li.Figure) {
			raw := rawNumber(t, f, "事件明细", "G"+row)
			if got := parseWan(t, raw) / 10000; got != li.AmountFen {
				t.Errorf("G%s = %s 元, want %d fen", row, raw, li.AmountFen)
			}
			if nf := numFmt(t, f, "事件明细", "G"+row); nf != numFmtYuan {
				t.Errorf("G%s number format %q", row, nf)
			}
		} else if raw := rawNumber(t, f, "事件明细", "H"+row); raw != strconv.FormatInt(li.AmountFen, 10) {
			t.Errorf("H%s = %s, want %d", row, raw, li.AmountFen)
		}
	}
	if rev := items[firstRow-1+3]; rev[6] != "-200,000.00" || rev[4] != "财政帮扶拨付" || rev[2] != "拨付冲正" {
		t.Errorf("the entry_error reversal row reads %q", rev)
	}

	// Sheet 3: the footnotes, numbered as in the texts.
	notes, err := f.GetRows("附注")
	if err != nil {
		t.Fatal(err)
	}
	zh := Footnotes(r, LangZH)
	var late []yearend.Footnote
	for _, fn := range r.Footnotes {
		if fn.Kind == yearend.FootLateEntry {
			late = append(late, fn)
		}
	}
	// the numbered notes, then a blank row, a title and every late entry
	if want := firstRow - 1 + len(zh) + 2 + len(late); len(notes) != want || len(late) == 0 {
		t.Fatalf("%d rows on the notes sheet, want %d (%d late entries)", len(notes), want, len(late))
	}
	if last := notes[len(notes)-1]; last[3] != late[len(late)-1].EventID {
		t.Errorf("the last late entry's row %q", last)
	}
	for i, n := range zh {
		got := notes[firstRow-1+i]
		if !strings.HasSuffix(n, got[6]) || got[0] != strconv.Itoa(i+1) {
			t.Errorf("footnote row %d = %q, want %q", i+1, got, n)
		}
	}

	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Created != fixedTimestamp || props.Modified != fixedTimestamp || props.Identifier != r.ChainHash {
		t.Errorf("document properties %+v", props)
	}
}

func TestXLSXEnglish(t *testing.T) {
	t.Parallel()
	f := openXLSX(t, workedExample(), LangEN)
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Summary", "Staff and visits", "Fiscal aid", "Aid projects",
		"Donations and consumption aid", "Line items", "Notes"}) {
		t.Fatalf("sheets %q", got)
	}
	if v, _ := f.GetCellValue("Summary", "A6"); v != "Total" {
		t.Errorf("A6 = %q", v)
	}
	if v, _ := f.GetCellValue("Line items", "C4"); v != "funds disbursed" {
		t.Errorf("Line items!C4 = %q", v)
	}
	if v, _ := f.GetCellValue("Notes", "G4"); !strings.HasPrefix(v, "Bing County (丙县): a disbursement on 30 June 2025") {
		t.Errorf("Notes!G4 = %q", v)
	}
}

// TestTargets: the targets against results, as the text's section and
// the workbook's fourth sheet (numbers, money in 万元, rates as fractions);
// neither when no pairing has targets.
func TestTargets(t *testing.T) {
	t.Parallel()
	r := workedExample()
	if _, rows := TargetsTable(r, LangZH); len(rows) != 0 {
		t.Fatalf("no targets set, yet rows %v", rows)
	}
	if strings.Contains(string(renderText(r, LangZH)), "目标任务完成情况") {
		t.Error("the text has a targets section without targets")
	}
	if idx, _ := openXLSX(t, r, LangZH).GetSheetIndex("目标任务"); idx >= 0 {
		t.Error("the workbook has a targets sheet without targets")
	}
	r.Pairings[0].Progress = []yearend.TargetProgress{
		{Indicator: "fiscal_fen", Target: 300000000, Result: 260000000, RateBP: 8667, ExpectedBP: 10000, Behind: true},
		{Indicator: "visits", Target: 3, Result: 3, RateBP: 10000, ExpectedBP: 10000},
	}
	header, rows := TargetsTable(r, LangZH)
	want := [][]string{{"乙县", "财政援助资金（万元）", "300", "260", "86.67", "100", "落后序时进度"},
		{"乙县", "互访调研（次）", "3", "3", "100", "100", "达到序时进度"}}
	if len(header) != 7 || !reflect.DeepEqual(rows, want) {
		t.Errorf("targets table %v %v, want %v", header, rows, want)
	}
	if text := string(renderText(r, LangEN)); !strings.Contains(text, "Targets against results") ||
		!strings.Contains(text, "behind schedule") {
		t.Errorf("the English text lacks the targets:\n%s", text)
	}
	f := openXLSX(t, r, LangZH)
	if got := rawNumber(t, f, "目标任务", "C4"); got != "300" {
		t.Errorf("target cell %s, want 300 (万元)", got)
	}
	if got := rawNumber(t, f, "目标任务", "E4"); got != "0.8667" {
		t.Errorf("rate cell %s, want 0.8667", got)
	}
	if got := numFmt(t, f, "目标任务", "D4"); got != numFmtWan {
		t.Errorf("result format %q", got)
	}
	if v, _ := f.GetCellValue("目标任务", "G5"); v != "达到序时进度" {
		t.Errorf("status %q", v)
	}
}

// yuanCell is what excelize's stream writer is given for a cell holding
// fen 分 in 元, the oracle of appendYuanCell: the float64 nearest
// YuanDecimal(fen), which the writer writes as the shortest decimal that
// reads back as it, or past maxExactCell the decimal as text.
func yuanCell(fen int64) any {
	d := YuanDecimal(fen)
	if fen > maxExactCell || fen < -maxExactCell {
		return d
	}
	v, err := strconv.ParseFloat(d, 64)
	if err != nil {
		return d
	}
	return v
}

// TestYuanCellIsExact: the number a line item's amount is handed to
// excelize as prints, the way excelize writes it, as a decimal of exactly
// that many 元 (YuanDecimal less any trailing zeros), up to the largest
// amount written as a number; beyond it the cell is the decimal as text.
func TestYuanCellIsExact(t *testing.T) {
	t.Parallel()
	fens := []int64{0, 1, -1, 10, 99, 100, 101, 123456789, 999_999_999_999_999, -999_999_999_999_999, 1<<53 - 1, 1 << 60}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		fens = append(fens, r.Int64N(2*maxExactCell+1)-maxExactCell, r.Int64N(1_000_000_00))
	}
	for _, fen := range fens {
		switch v := yuanCell(fen).(type) {
		case float64:
			got := strconv.FormatFloat(v, 'f', -1, 64)
			whole, frac, _ := strings.Cut(got, ".")
			if n, err := strconv.ParseInt(whole+(frac + "00")[:2], 10, 64); err != nil || len(frac) > 2 || n != fen {
				t.Fatalf("%d 分 is written as %s, want %s", fen, got, YuanDecimal(fen))
			}
		case string:
			if fen <= maxExactCell && fen >= -maxExactCell || v != YuanDecimal(fen) {
				t.Fatalf("%d 分 is written as the text %q", fen, v)
			}
		}
	}
}

// TestTextLines: a wrapped text takes as many lines as its column needs,
// Chinese characters counting twice and explicit line breaks kept.
func TestTextLines(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("乙县业务日期", 10) // 60 characters, 120 wide: 4 lines of 32
	for _, tc := range []struct {
		text  string
		lines int
	}{
		{"", 1}, {"short", 1}, {long, 4}, {"a\nb\nc", 3}, {strings.Repeat("x", 32), 1}, {strings.Repeat("x", 33), 2},
		{"甲\n" + long, 5},
	} {
		if got := textLines(tc.text, 34); got != tc.lines {
			t.Errorf("textLines(%q) = %d, want %d", tc.text, got, tc.lines)
		}
	}
}

// failingWriter accepts n bytes, then fails.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errors.New("connection reset")
	}
	w.n -= len(p)
	return len(p), nil
}

// TestXLSXFailedWriteLeavesNoFiles: a workbook whose client goes away
// part-way (here: after 1,000 bytes, while the spooled sheets are added)
// fails with the writer's error and leaves nothing in the temporary
// directory.
func TestXLSXFailedWriteLeavesNoFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	err := Write(&failingWriter{n: 1000}, bigReport(), FormatXLSX, LangZH)
	if err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("Write: %v, want the writer's error", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("left behind in the temporary directory: %v", left)
	}
}

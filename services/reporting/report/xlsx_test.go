package report

import (
	"bytes"
	"encoding/json"
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

// TestXLSXNumbersEqualJSON opens the workbook and checks every figure
// of sheet 1 against the JSON export of the same report, every line item
// of sheet 2 and every footnote of sheet 3.
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
	if got := f.GetSheetList(); !slices.Equal(got, []string{"年度汇总", "事件明细", "附注"}) {
		t.Fatalf("sheets %q", got)
	}
	rows, err := f.GetRows("年度汇总")
	if err != nil {
		t.Fatal(err)
	}
	header := rows[0]
	if header[0] != "结对地区" || header[3+colIndex(t, "fiscal_disbursed_fen")] != "财政帮扶拨付(万元)" {
		t.Errorf("summary header %q", header)
	}
	figs := []*yearend.Figures{&want.Pairings[0].Figures, &want.Pairings[1].Figures, &want.Totals}
	labels := []string{"乙县", "丙县", "合计"}
	for i, fg := range figs {
		row := i + 2
		if v, _ := f.GetCellValue("年度汇总", "A"+strconv.Itoa(row)); v != labels[i] {
			t.Errorf("row %d is %q, want %q", row, v, labels[i])
		}
		for j, c := range columns {
			cell, _ := excelize.CoordinatesToCellName(4+j, row)
			raw := rawNumber(t, f, "年度汇总", cell)
			switch c.kind {
			case kindWan:
				if got := parseWan(t, raw); got != c.value(fg) {
					t.Errorf("%s (%s) = %s 万元 = %d fen, JSON has %d", cell, c.zh, raw, got, c.value(fg))
				}
				if nf := numFmt(t, f, "年度汇总", cell); nf != numFmtWan {
					t.Errorf("%s number format %q", cell, nf)
				}
			case kindRate:
				// Stored as a fraction: basis points / 10000.
				if got := parseWan(t, raw) / 100; got != c.value(fg) {
					t.Errorf("%s (%s) = %s, JSON has %d bp", cell, c.zh, raw, c.value(fg))
				}
			default:
				if raw != strconv.FormatInt(c.value(fg), 10) {
					t.Errorf("%s (%s) = %s, JSON has %d", cell, c.zh, raw, c.value(fg))
				}
			}
		}
	}
	fiscal, _ := excelize.CoordinatesToCellName(4+colIndex(t, "fiscal_disbursed_fen"), 2)
	if shown, _ := f.GetCellValue("年度汇总", fiscal); shown != "260.00万元" {
		t.Errorf("%s shows %q, want 260.00万元", fiscal, shown)
	}
	cash, _ := excelize.CoordinatesToCellName(4+colIndex(t, "social_cash_fen"), 3)
	if raw := rawNumber(t, f, "年度汇总", cash); raw != "0.000001" {
		t.Errorf("one fen is stored as %q", raw)
	}
	if prov, _ := f.GetCellValue("年度汇总", "A"+strconv.Itoa(len(figs)+3)); prov != "账本位置:1042" {
		t.Errorf("provenance under the table: %q", prov)
	}

	// Sheet 2: every line item with its document number.
	items, err := f.GetRows("事件明细")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(want.LineItems)+1 {
		t.Fatalf("%d line item rows, want %d", len(items)-1, len(want.LineItems))
	}
	for i, li := range want.LineItems {
		row := strconv.Itoa(i + 2)
		doc, _ := f.GetCellValue("事件明细", "K"+row)
		if items[i+1][0] != li.EventID || doc != li.DocumentNo || items[i+1][7] != li.BusinessDate.String() {
			t.Errorf("line item row %s = %q", row, items[i+1])
		}
		if got := rawNumber(t, f, "事件明细", "B"+row); got != strconv.FormatInt(li.Position, 10) {
			t.Errorf("B%s position %s", row, got)
		}
		if isMoneyFigure(li.Figure) {
			raw := rawNumber(t, f, "事件明细", "I"+row)
			if got := parseWan(t, raw) / 10000; got != li.AmountFen {
				t.Errorf("I%s = %s 元, want %d fen", row, raw, li.AmountFen)
			}
			if nf := numFmt(t, f, "事件明细", "I"+row); nf != numFmtYuan {
				t.Errorf("I%s number format %q", row, nf)
			}
		} else if raw := rawNumber(t, f, "事件明细", "J"+row); raw != strconv.FormatInt(li.AmountFen, 10) {
			t.Errorf("J%s = %s, want %d", row, raw, li.AmountFen)
		}
	}
	if items[4][8] != "-200,000.00" || items[4][5] != "财政帮扶拨付" {
		t.Errorf("the entry_error reversal row reads %q", items[4])
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
	if want := 1 + len(zh) + 2 + len(late); len(notes) != want || len(late) == 0 {
		t.Fatalf("%d rows on the notes sheet, want %d (%d late entries)", len(notes), want, len(late))
	}
	if last := notes[len(notes)-1]; last[3] != late[len(late)-1].EventID {
		t.Errorf("the last late entry's row %q", last)
	}
	for i, n := range zh {
		text := notes[i+1][6]
		if !strings.HasSuffix(n, text) || notes[i+1][0] != strconv.Itoa(i+1) {
			t.Errorf("footnote row %d = %q, want %q", i+1, notes[i+1], n)
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
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Summary", "Line items", "Notes"}) {
		t.Fatalf("sheets %q", got)
	}
	if v, _ := f.GetCellValue("Summary", "A4"); v != "Total" {
		t.Errorf("A4 = %q", v)
	}
	if v, _ := f.GetCellValue("Notes", "G2"); !strings.HasPrefix(v, "丙县: a disbursement on 2025-06-30") {
		t.Errorf("Notes!G2 = %q", v)
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
	want := [][]string{{"乙县", "财政援助资金(万元)", "300", "260", "86.67", "100", "落后序时进度"},
		{"乙县", "互访调研(次)", "3", "3", "100", "100", "达到序时进度"}}
	if len(header) != 7 || !reflect.DeepEqual(rows, want) {
		t.Errorf("targets table %v %v, want %v", header, rows, want)
	}
	if text := string(renderText(r, LangEN)); !strings.Contains(text, "Targets against results") ||
		!strings.Contains(text, "behind schedule") {
		t.Errorf("the English text lacks the targets:\n%s", text)
	}
	f := openXLSX(t, r, LangZH)
	if got := rawNumber(t, f, "目标任务", "C2"); got != "300" {
		t.Errorf("target cell %s, want 300 (万元)", got)
	}
	if got := rawNumber(t, f, "目标任务", "E2"); got != "0.8667" {
		t.Errorf("rate cell %s, want 0.8667", got)
	}
	if got := numFmt(t, f, "目标任务", "D2"); got != numFmtWan {
		t.Errorf("result format %q", got)
	}
	if v, _ := f.GetCellValue("目标任务", "G3"); v != "达到序时进度" {
		t.Errorf("status %q", v)
	}
}

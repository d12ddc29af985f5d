package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/xuri/excelize/v2"
)

// XLSX layout and number formats.
//
// Exactness of numeric cells: a cell's value is written into the sheet XML
// as the exact decimal string computed from integer 分 (WanDecimal,
// YuanDecimal), through excelize's SetCellDefault, which stores a numeric
// string verbatim as a number cell (no float ever holds the amount on our
// side). A spreadsheet program parses that decimal exactly as if a person
// had typed it; every amount up to 10^9 万元 has at most 15 significant
// digits and so shows and copies back exactly.
//
// The rejected alternative was storing integer 分 with the format
// `0.00####,,"万元"` (each trailing comma divides by 1000, so two make
// 分 → 万元): exact as a binary value too, but the number a user adds up
// or exports would be in 分 while everything around it says 万元.
const (
	// numFmtWan shows a 万元 value with at least two and up to six
	// decimals (the 分 digit), so every value shows exactly; the unit is
	// in the column's header and the sheet's unit line.
	numFmtWan = `0.00####`
	// numFmtYuan shows a 元 value (line items, footnotes).
	numFmtYuan = `#,##0.00`
	// numFmtRate shows a rate stored as a fraction (0.8667) in percent.
	numFmtRate = `0.00%`
	// numFmtCount shows an integer count.
	numFmtCount = `0`
	// fixedTimestamp is the creation and modification time written into
	// the document properties in place of the wall clock: a fixed,
	// obviously-not-real instant (the ZIP epoch), so that two renders of
	// the same report are byte-identical. When the report was computed is
	// stated by its ledger position and chain hash, not by a clock.
	fixedTimestamp = "1980-01-01T00:00:00Z"
)

// sheetNames are the sheets after the printed tables, per language.
func sheetNames(lang string) (items, notes string) {
	if lang == LangEN {
		return "Line items", "Notes"
	}
	return "事件明细", "附注"
}

// Print layout: every sheet prints on A4 landscape, one page wide, with
// its title lines and header repeated on each page.
const (
	paperA4   = 9  // the OOXML paper size code of A4
	titleRows = 2  // the title and the period/unit line above a header
	titleSize = 14 // the title's font size (pt); the body keeps the default 11
)

// Column widths (characters) of the printed tables: an amount of 万元 with
// six decimals, a count or a rate, after the label columns. The widest
// printed table (11 counts, or 4 amounts and 5 other figures) stays under
// 170 characters, which prints on A4 landscape at a scale of no less
// than 0.85: 11 pt text prints at ≥ 9 pt.
var (
	labelWidths = []float64{12, 9, 11}
	kindWidths  = map[columnKind]float64{kindWan: 13, kindCount: 9, kindRate: 9}
)

// xlsxBook accumulates the first error of a sequence of excelize calls so
// the layout code reads as a list of cells.
type xlsxBook struct {
	f      *excelize.File
	err    error
	styles map[string]int // number format or "header" → style id
	// streams counts the sheets written through a StreamWriter.
	streams int
	// splices are the rows of the stream-written sheets, for the ZIP
	// writer to put in place of their marker rows (xlsxrows.go).
	splices []*sheetSplice
}

// fail records err (wrapped with what was being done) if it is the first.
func (b *xlsxBook) fail(what string, err error) {
	if err != nil && b.err == nil {
		b.err = fmt.Errorf("report: xlsx %s: %w", what, err)
	}
}

// style returns the id of a style: "title" (bold, larger), "header"
// (bold, wrapped, shaded), "wrap" (wrapped, top-aligned) or a number
// format code; any of them (or "") followed by "|top" is also aligned to
// the top of its cell.
func (b *xlsxBook) style(key string) int {
	if id, ok := b.styles[key]; ok {
		return id
	}
	s := &excelize.Style{}
	base, top := strings.CutSuffix(key, "|top")
	switch base {
	case "title":
		s.Font = &excelize.Font{Bold: true, Size: titleSize}
	case "wrap":
		s.Alignment = &excelize.Alignment{WrapText: true, Vertical: "top"}
	case "header":
		s.Font = &excelize.Font{Bold: true}
		s.Alignment = &excelize.Alignment{WrapText: true, Vertical: "center"}
		s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}
	case "":
	default:
		format := base
		s.CustomNumFmt = &format
	}
	if top {
		if s.Alignment == nil {
			s.Alignment = &excelize.Alignment{}
		}
		s.Alignment.Vertical = "top"
	}
	id, err := b.f.NewStyle(s)
	b.fail("style "+key, err)
	b.styles[key] = id
	return id
}

// cell is the name of the cell at 1-based column col and row.
func (b *xlsxBook) cell(col, row int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	b.fail("cell name", err)
	return name
}

// str writes a text cell.
func (b *xlsxBook) str(sheet string, col, row int, v string) {
	b.fail("write "+sheet, b.f.SetCellStr(sheet, b.cell(col, row), v))
}

// num writes a numeric cell from an exact decimal string, with a number
// format.
func (b *xlsxBook) num(sheet string, col, row int, decimal, format string) {
	c := b.cell(col, row)
	b.fail("write "+sheet, b.f.SetCellDefault(sheet, c, decimal))
	b.fail("style "+sheet, b.f.SetCellStyle(sheet, c, c, b.style(format)))
}

// headerRow writes the sheet's title (bold, larger) in row 1, the line
// under it (period, unit, ledger position) in row 2, and bold, wrapped
// headers in row 3 (tall enough for three lines); freezes the three, and
// sets the print layout (printLayout). Data starts at row firstRow.
func (b *xlsxBook) headerRow(sheet, title, subtitle string, headers []string) {
	b.str(sheet, 1, 1, title)
	b.fail("style "+sheet, b.f.SetCellStyle(sheet, "A1", "A1", b.style("title")))
	b.fail("row height "+sheet, b.f.SetRowHeight(sheet, 1, 22))
	b.str(sheet, 1, 2, subtitle)
	for i, h := range headers {
		// The unit on a line of its own: "援建项目\n（个）".
		b.str(sheet, i+1, titleRows+1, strings.Replace(h, "（", "\n（", 1))
	}
	last := b.cell(len(headers), titleRows+1)
	b.fail("style "+sheet, b.f.SetCellStyle(sheet, b.cell(1, titleRows+1), last, b.style("header")))
	b.fail("row height "+sheet, b.f.SetRowHeight(sheet, titleRows+1, 45))
	b.fail("panes "+sheet, b.f.SetPanes(sheet, frozenHeader(b)))
	b.printLayout(sheet)
}

// frozenHeader are the panes that keep a sheet's title lines and header
// in view.
func frozenHeader(b *xlsxBook) *excelize.Panes {
	return &excelize.Panes{Freeze: true, YSplit: titleRows + 1, TopLeftCell: b.cell(1, firstRow), ActivePane: "bottomLeft"}
}

// printLayout has the sheet's title lines and header printed at the top
// of every page, and the sheet printed on A4 landscape, one page wide.
func (b *xlsxBook) printLayout(sheet string) {
	b.fail("print titles "+sheet, b.f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$%d", sheet, titleRows+1), Scope: sheet,
	}))
	landscape, a4, wide, tall, fit := "landscape", paperA4, 1, 0, true
	b.fail("page layout "+sheet, b.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &a4, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall,
	}))
	b.fail("sheet properties "+sheet, b.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}))
}

// firstRow is the first data row under a sheet's header.
const firstRow = titleRows + 2

// widths sets the widths of consecutive columns starting at A.
func (b *xlsxBook) widths(sheet string, ws ...float64) {
	for i, w := range ws {
		col, err := excelize.ColumnNumberToName(i + 1)
		b.fail("column name", err)
		b.fail("width "+sheet, b.f.SetColWidth(sheet, col, col, w))
	}
}

// writeXLSX writes to w, as it is made, the workbook of r, every sheet titled (title, period,
// unit and ledger position above its header) and set to print on A4
// landscape:
//
//   - one sheet per printed table (printTables: 年度汇总 / Summary first,
//     then each family of figures), one row per pairing, programme
//     subtotals and a totals row; money as numbers in 万元 with the format
//     `0.00####`, counts as integers, rates as fractions formatted as
//     percent; below the first, the provenance lines;
//   - 事件明细 / Line items: every LineItem in r.LineItems order with its
//     event id, ledger position, type (named in lang), pairing, the
//     figure it counts in, business date, amount in 元 (money figures) or
//     count (count figures, ±1), and document/voucher number;
//   - 附注 / Notes: the numbered footnotes with their kind, partner, event,
//     date, amount involved (元) and text in both languages;
//   - 目标任务 / Targets, when any pairing has targets for the year:
//     TargetsTable, targets and results as numbers (money in 万元), rates
//     as fractions formatted as percent.
//
// The output is deterministic: the package parts are written in a fixed
// order (orderedZip) without file times, and the document properties
// carry fixedTimestamp and the provenance instead of the clock.
func writeXLSX(w io.Writer, r *yearend.Report, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	b := &xlsxBook{f: f, styles: map[string]int{}}
	var zw *orderedZip
	// excelize writes a workbook into a buffer of its own, then copies the
	// buffer out: the ZIP writer writes to w instead, so that the workbook
	// is sent as it is made and the buffer stays empty.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw = newOrderedZip(w, b.streams, b.splices)
		return zw
	})
	defer func() {
		if zw != nil {
			zw.discard() // a write that failed half-way leaves no spool behind
		}
	}()
	items, notes := sheetNames(lang)

	for i, t := range printTables(r, lang) {
		if i == 0 {
			b.fail("rename sheet", f.SetSheetName("Sheet1", t.name))
		} else {
			_, err := f.NewSheet(t.name)
			b.fail("new sheet", err)
		}
		xlsxPrintTable(b, r, lang, t, i == 0)
	}
	_, err := f.NewSheet(items)
	b.fail("new sheet", err)
	xlsxItems(b, r, lang, items)
	_, err = f.NewSheet(notes)
	b.fail("new sheet", err)
	xlsxNotes(b, r, lang, notes)
	if _, rows := TargetsTable(r, lang); len(rows) > 0 {
		sheet := targetsSheetName(lang)
		_, err = f.NewSheet(sheet)
		b.fail("new sheet", err)
		xlsxTargets(b, r, lang, sheet)
	}
	f.SetActiveSheet(0)

	b.fail("document properties", f.SetDocProps(&excelize.DocProperties{
		Title:          Title(r, lang),
		Subject:        "aidledger year-end summary",
		Creator:        "aidledger",
		LastModifiedBy: "aidledger",
		Identifier:     r.ChainHash,
		Description:    strings.Join(Provenance(r, lang), "\n"),
		Language:       docLanguage(lang),
		Created:        fixedTimestamp,
		Modified:       fixedTimestamp,
	}))
	if b.err != nil {
		return b.err
	}
	if _, err := f.WriteToBuffer(); err != nil { // to w (SetZipWriter above)
		return fmt.Errorf("report: xlsx write: %w", err)
	}
	return nil
}

// sheetTitle is the title row of a sheet named name: the report's title
// and, in brackets, the sheet.
func sheetTitle(r *yearend.Report, lang, name string) string {
	if lang == LangEN {
		return Title(r, lang) + " (" + name + ")"
	}
	return Title(r, lang) + "（" + name + "）"
}

// Subtitle is the line under a printed table's title: the period with its
// cut-off, the unit of money and the ledger position the figures are at.
func Subtitle(r *yearend.Report, lang string) string {
	pos := strconv.FormatInt(r.Position, 10)
	if lang == LangEN {
		return "Period " + periodStart(r).String() + " to " + effectiveCutoff(r).String() +
			" (statistical cut-off) · Amounts in 10,000 CNY · Ledger position " + pos
	}
	return "统计区间：" + periodStart(r).String() + "至" + effectiveCutoff(r).String() +
		"（统计截止日）　金额单位：万元　账本位置：" + pos
}

// xlsxPrintTable writes printed table t on its sheet, with the
// provenance lines under it when provenance is set.
func xlsxPrintTable(b *xlsxBook, r *yearend.Report, lang string, t printTable, provenance bool) {
	sheet := t.name
	b.headerRow(sheet, sheetTitle(r, lang, t.name), Subtitle(r, lang), t.header(lang))
	row := firstRow
	for _, tr := range tableRows(r, lang) {
		for i, l := range tr.labels {
			b.str(sheet, i+1, row, l)
		}
		for j, c := range t.cols {
			col := len(tr.labels) + j + 1
			v := c.value(tr.figures)
			switch c.kind {
			case kindWan:
				b.num(sheet, col, row, WanDecimal(v), numFmtWan)
			case kindRate:
				b.num(sheet, col, row, RateFraction(v), numFmtRate)
			default:
				b.num(sheet, col, row, strconv.FormatInt(v, 10), numFmtCount)
			}
		}
		row++
	}
	if provenance {
		row++
		for _, p := range Provenance(r, lang) {
			b.str(sheet, 1, row, p)
			row++
		}
	}
	ws := slices.Clone(labelWidths)
	for _, c := range t.cols {
		ws = append(ws, kindWidths[c.kind])
	}
	b.widths(sheet, ws...)
}

// streamSheet starts a sheet written through excelize's StreamWriter,
// which keeps its rows in a temporary file rather than as cells in
// memory: for the sheets that have a row per line item or footnote and so
// grow with the ledger. It sets the print layout (before the stream
// starts: the stream keeps it), the column widths from A, and frozen title
// lines and header as headerRow does; the caller writes rows from
// firstRow, in order, then Flush. Nil after a failure (b.err).
func (b *xlsxBook) streamSheet(sheet, title, subtitle string, headers []string, widths ...float64) *excelize.StreamWriter {
	b.printLayout(sheet)
	sw, err := b.f.NewStreamWriter(sheet)
	if err != nil {
		b.fail("stream "+sheet, err)
		return nil
	}
	b.streams++
	// Last to first: the stream writer puts each column before the
	// others, and a sheet's columns must be in order.
	for i := len(widths) - 1; i >= 0; i-- {
		b.fail("width "+sheet, sw.SetColWidth(i+1, i+1, widths[i]))
	}
	b.fail("panes "+sheet, sw.SetPanes(frozenHeader(b)))
	b.fail("write "+sheet, sw.SetRow("A1", []any{excelize.Cell{Value: title, StyleID: b.style("title")}}, excelize.RowOpts{Height: 22}))
	b.fail("write "+sheet, sw.SetRow("A2", []any{subtitle}))
	cells := make([]any, len(headers))
	for i, h := range headers {
		// The unit on a line of its own: "金额\n（元）".
		cells[i] = excelize.Cell{Value: strings.Replace(h, "（", "\n（", 1), StyleID: b.style("header")}
	}
	b.fail("write "+sheet, sw.SetRow(b.cell(1, titleRows+1), cells, excelize.RowOpts{Height: 45}))
	if b.err != nil {
		return nil
	}
	return sw
}

// xlsxItems starts the line-items sheet (streamSheet), with a marker row
// where the ZIP writer puts the line items (itemRows).
func xlsxItems(b *xlsxBook, r *yearend.Report, lang, sheet string) {
	headers := []string{"事件ID", "账本位置", "事件类型", "结对地区", "计入指标", "业务日期", "金额（元）", "数量", "凭证号/文号", "结对ID"}
	if lang == LangEN {
		headers = []string{"Event ID", "Ledger position", "Event type", "Partner", "Counts in", "Business date", "Amount (CNY)", "Count", "Document / voucher no.", "Pairing ID"}
	}
	sw := b.streamSheet(sheet, sheetTitle(r, lang, sheet), Subtitle(r, lang), headers, 29, 9, 16, 12, 16, 11, 14, 7, 20, 29)
	if sw == nil {
		return
	}
	rows := &itemRows{items: r.LineItems, first: firstRow, lang: lang, partners: make(map[string]string, len(r.Pairings)),
		count: b.style(numFmtCount), yuan: b.style(numFmtYuan)}
	for _, p := range r.Pairings {
		rows.partners[p.PairingID] = fullName(p.Partner)
	}
	b.splice(sw, sheet, rows.writeTo)
}

// splice ends stream-written sheet with a marker row in place of the rows
// that rows writes (sheetSplice).
func (b *xlsxBook) splice(sw *excelize.StreamWriter, sheet string, rows func(io.Writer) error) {
	sp, marker := newSheetSplice(firstRow, rows)
	b.fail("write "+sheet, sw.SetRow(b.cell(1, firstRow), marker))
	b.fail("write "+sheet, sw.Flush())
	b.splices = append(b.splices, sp)
}

// lineHeight is the height (pt) of a line of 11-point text in a sheet.
const lineHeight = 15

// textLines is how many lines text takes wrapped in a column width
// characters wide: a Chinese character is two characters wide, each line
// a little short of its column (for the cell's margins), and line breaks
// are kept.
func textLines(text string, width float64) int {
	fits := max(1, int(width)-2)
	n := 0
	for part := range strings.SplitSeq(text, "\n") {
		w := 0
		for _, r := range part {
			w++
			if r >= 0x1100 && wide(r) {
				w++
			}
		}
		n += max(1, (w+fits-1)/fits)
	}
	return n
}

// wide reports whether r takes two characters' width: CJK punctuation,
// full-width forms, and Han, Hangul, Hiragana and Katakana characters
// (the common Han block checked before the Unicode tables).
func wide(r rune) bool {
	return r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef || r >= 0x4e00 && r <= 0x9fa5 ||
		unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana)
}

// maxExactCell is the largest number of 分 appendYuanCell writes as a
// number: a decimal of at most 15 significant digits (under 10^13 元).
const maxExactCell = 1e15 - 1

// xlsxNotes starts the notes sheet (streamSheet: a late entry has a row
// of its own), with a marker row where the ZIP writer puts the notes.
func xlsxNotes(b *xlsxBook, r *yearend.Report, lang, sheet string) {
	headers := []string{"序号", "类型", "结对地区", "事件ID", "日期", "涉及金额（元）", "说明", "说明（英文）", "原始说明"}
	if lang == LangEN {
		headers = []string{"No.", "Kind", "Partner", "Event ID", "Date", "Amount involved (CNY)", "Note", "Note (Chinese)", "Detail as recorded"}
	}
	widths := []float64{5, 14, 8, 27, 11, 12, 34, 34, 18}
	sw := b.streamSheet(sheet, sheetTitle(r, lang, sheet), Subtitle(r, lang), headers, widths...)
	if sw == nil {
		return
	}
	other := LangEN
	if lang == LangEN {
		other = LangZH
	}
	// Every cell of a note's row at its top, the text ones wrapped.
	st := noteStyles{wrap: b.style("wrap"), top: b.style("|top"), count: b.style(numFmtCount + "|top"), yuan: b.style(numFmtYuan + "|top")}
	b.splice(sw, sheet, func(out io.Writer) error {
		row := firstRow
		var buf []byte
		put := func(nr *noteRow) error {
			buf = nr.appendTo(buf, row, st, widths)
			row++
			if len(buf) > 240<<10 {
				_, err := out.Write(buf)
				buf = buf[:0]
				return err
			}
			return nil
		}
		w := newNoteWriter(r)
		for i, n := range reportNotes(r) {
			nr := noteRow{no: i + 1, kind: footnoteKindName(n.Kind, lang), partner: w.partnerName(n.PairingID, LangZH),
				note: w.note(n, lang), other: w.note(n, other)}
			if n.late == nil {
				nr.facts = &n.Footnote
			}
			if err := put(&nr); err != nil {
				return err
			}
		}
		// Every late entry, one row each: the notes above gather a pairing's.
		title := "截止日后补录明细（每条记录一行）"
		if lang == LangEN {
			title = "Late entries, one row each"
		}
		first := true
		for i := range r.Footnotes {
			f := &r.Footnotes[i]
			if f.Kind != yearend.FootLateEntry {
				continue
			}
			if first {
				row++
				if err := put(&noteRow{title: title}); err != nil {
					return err
				}
				first = false
			}
			nr := noteRow{kind: footnoteKindName(f.Kind, lang), partner: w.partnerName(f.PairingID, LangZH), facts: f,
				note: w.footnote(*f, lang), other: w.footnote(*f, other)}
			if err := put(&nr); err != nil {
				return err
			}
		}
		_, err := out.Write(buf)
		return err
	})
}

// targetsSheetName is the name of sheet 4 in lang.
func targetsSheetName(lang string) string {
	if lang == LangEN {
		return "Targets"
	}
	return "目标任务"
}

// xlsxTargets writes the targets sheet.
func xlsxTargets(b *xlsxBook, r *yearend.Report, lang, sheet string) {
	header, rows := TargetsTable(r, lang)
	b.headerRow(sheet, sheetTitle(r, lang, sheet), Subtitle(r, lang), header)
	row := firstRow
	for i := range r.Pairings {
		for _, p := range r.Pairings[i].Progress {
			cells := rows[row-firstRow]
			b.str(sheet, 1, row, cells[0])
			b.str(sheet, 2, row, cells[1])
			format := numFmtCount
			if isMoneyFigure(p.Indicator) {
				format = numFmtWan
			}
			b.num(sheet, 3, row, cells[2], format)
			b.num(sheet, 4, row, cells[3], format)
			b.num(sheet, 5, row, RateFraction(p.RateBP), numFmtRate)
			b.num(sheet, 6, row, RateFraction(p.ExpectedBP), numFmtRate)
			b.str(sheet, 7, row, cells[6])
			row++
		}
	}
	b.widths(sheet, 16, 28, 14, 14, 12, 12, 16)
}

// isMoneyFigure reports whether the figure named key (a Figures json
// name) is an amount in 分 rather than a count.
func isMoneyFigure(key string) bool {
	return strings.HasSuffix(key, "_fen")
}

// docLanguage is the document-properties language tag of lang.
func docLanguage(lang string) string {
	if lang == LangEN {
		return "en-US"
	}
	return "zh-CN"
}

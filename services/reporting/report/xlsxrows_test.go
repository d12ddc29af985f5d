package report

import (
	"archive/zip"
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// streamWriterRows is the oracle of itemRows: the rows excelize's stream
// writer writes for the same cells, from row 1.
func streamWriterRows(t *testing.T, ir *itemRows) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	row := make([]any, 10)
	for i, li := range ir.items.All() {
		clear(row)
		row[0] = li.EventID
		row[1] = excelize.Cell{Value: li.Position, StyleID: ir.count}
		row[2] = eventTypeName(li.Type, ir.lang)
		row[3] = ir.partners[li.PairingID]
		row[4] = figureLabel(li.Figure, ir.lang)
		row[5] = li.BusinessDate.String()
		if isMoneyFigure(li.Figure) {
			row[6] = excelize.Cell{Value: yuanCell(li.AmountFen), StyleID: ir.yuan}
		} else {
			row[7] = excelize.Cell{Value: li.AmountFen, StyleID: ir.count}
		}
		row[8] = li.DocumentNo
		row[9] = li.PairingID
		cell, _ := excelize.CoordinatesToCellName(1, ir.first+i)
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	return streamedRows(t, f, sw)
}

// streamedRows flushes sw, a stream writer of the first sheet of f, and
// returns the rows of that sheet as f writes them.
func streamedRows(t *testing.T, f *excelize.File, sw *excelize.StreamWriter) string {
	t.Helper()
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	_, rows, _ := strings.Cut(string(sheet), "<sheetData>")
	rows, _, _ = strings.Cut(rows, "</sheetData>")
	return rows
}

// TestItemRowsAreStreamWriterRows: the line-items rows are byte for byte
// what excelize's stream writer writes for them — texts that need XML
// escapes, white space kept at their ends, what reads as an OOXML escape,
// invalid UTF-8, characters XML does not allow, a text too long for a
// cell, and amounts of every size — over random texts of such pieces too.
func TestItemRowsAreStreamWriterRows(t *testing.T) {
	t.Parallel()
	texts := []string{"", "甲财〔2025〕1号", "a&b<c>d\"e'f", " lead", "trail ", "\tt", "line\nbreak\r\n", "_x0041_", "_x005F_x0041_",
		"_x005F_", "_xD800_ and _x12G4_", "bad\xffutf8", "\x01\x1f\x7f", "\ufffe\uffff", "𝄞 music", strings.Repeat("长", 33000),
		strings.Repeat("𝄞", 17000), strings.Repeat("a", 32767) + " "}
	r := rand.New(rand.NewPCG(7, 8))
	pieces := []string{"_", "x", "0", "0", "5", "F", "D8", "a", " ", "\n", "\t", "&", "<", "\xff", "县", "_x0041_", "\x00"}
	for range 2000 {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	ir := &itemRows{first: 4, lang: LangZH, partners: map[string]string{}, count: 3, yuan: 5}
	fens := []int64{0, 1, -1, 150, 123456789, maxExactCell, -maxExactCell, maxExactCell + 1, -maxExactCell - 1, 1 << 62}
	figures := []string{"fiscal_disbursed_fen", "visits", "social_donations_fen", "staff_in_post", "unknown_figure"}
	var items []yearend.LineItem
	for i, s := range texts {
		pairing := "pr-" + string(rune('a'+i%5))
		ir.partners[pairing] = texts[(i*7)%len(texts)]
		items = append(items, yearend.LineItem{EventID: s, Position: int64(i) - 3, Type: []string{"aid.funds_disbursed", s}[i%2],
			PairingID: pairing, Figure: figures[i%len(figures)], BusinessDate: events.DateOf(2025, time.Month(1+i%12), 1+i%28),
			AmountFen:  []int64{fens[i%len(fens)] + int64(i%3), r.Int64N(2*maxExactCell+1) - maxExactCell, r.Int64N(100_000) - 50_000}[i%3],
			DocumentNo: texts[(i*3)%len(texts)]})
	}
	ir.items = yearend.LineItemsOf(append(items, yearend.LineItem{PairingID: "nobody's"})...)
	want := streamWriterRows(t, ir)
	var got bytes.Buffer
	if err := ir.writeTo(&got); err != nil {
		t.Fatal(err)
	}
	if got.String() != want {
		t.Fatalf("differs from the stream writer %s", difference(got.String(), want))
	}
}

// TestNoteRowsAreStreamWriterRows: the notes sheet's rows are byte for
// byte what excelize's stream writer writes for the same cells — a note's
// number or a title in column A, the texts in the wrap style, the facts
// at the top, an amount only for money — at the height of the text that
// takes the most lines, over the texts of TestItemRowsAreStreamWriterRows.
func TestNoteRowsAreStreamWriterRows(t *testing.T) {
	t.Parallel()
	texts := []string{"", "甲财〔2025〕1号", "a&b<c>d\"e'f", " lead", "trail ", "line\nbreak\r\n", "_x0041_", "bad\xffutf8",
		strings.Repeat("乙县业务日期", 30), strings.Repeat("长", 33000), strings.Repeat("a\n", 500)}
	st := noteStyles{wrap: 3, top: 4, count: 5, yuan: 6}
	widths := []float64{5, 14, 8, 27, 11, 12, 34, 34, 18}
	fens := []int64{0, 150, -1, maxExactCell, maxExactCell + 1, -maxExactCell - 1}
	figures := []string{"", "fiscal_disbursed_fen", "visits"}
	r := rand.New(rand.NewPCG(9, 10))
	text := func() string { return texts[r.IntN(len(texts))] }
	var rows []noteRow
	for i := range 600 {
		nr := noteRow{kind: text(), partner: text(), note: text(), other: text()}
		switch i % 4 {
		case 0:
			nr.no = i + 1
		case 1:
			nr.no = i + 1
			nr.facts = &yearend.Footnote{EventID: text(), Detail: text(), Figure: figures[i%3], AmountFen: fens[i%len(fens)],
				Date: []events.Date{{}, events.DateOf(2024, 12, 31)}[i%2]}
		case 2:
			nr.facts = &yearend.Footnote{EventID: text(), Detail: text(), Figure: figures[i%3], AmountFen: r.Int64N(1e9)}
		default:
			nr = noteRow{title: "截止日后补录明细（每条记录一行）"}
		}
		rows = append(rows, nr)
	}

	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	for i, nr := range rows {
		row := i + 4
		got = nr.appendTo(got, row, st, widths)
		cells := make([]any, 9)
		wrapped := func(col int, s string) { cells[col] = excelize.Cell{Value: s, StyleID: st.wrap} }
		if nr.title != "" {
			cells[0] = nr.title
		} else {
			if nr.no > 0 {
				cells[0] = excelize.Cell{Value: nr.no, StyleID: st.count}
			}
			wrapped(1, nr.kind)
			wrapped(2, nr.partner)
			wrapped(6, nr.note)
			wrapped(7, nr.other)
			if fn := nr.facts; fn != nil {
				cells[3], cells[4] = excelize.Cell{Value: fn.EventID, StyleID: st.top}, excelize.Cell{Value: fn.Date.String(), StyleID: st.top}
				if isMoney(*fn) {
					cells[5] = excelize.Cell{Value: yuanCell(fn.AmountFen), StyleID: st.yuan}
				}
				wrapped(8, fn.Detail)
			}
		}
		lines := 1
		for col, c := range cells {
			if cell, ok := c.(excelize.Cell); ok && cell.StyleID == st.wrap {
				lines = max(lines, textLines(cell.Value.(string), widths[col]))
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, cells, excelize.RowOpts{Height: min(float64(lines)*lineHeight, excelize.MaxRowHeight)}); err != nil {
			t.Fatal(err)
		}
	}
	if want := streamedRows(t, f, sw); string(got) != want {
		t.Fatalf("differs from the stream writer %s", difference(string(got), want))
	}
}

// TestXLSXLongNote: a note too long for the tallest row a sheet allows
// still renders, its row as tall as a row can be.
func TestXLSXLongNote(t *testing.T) {
	t.Parallel()
	r := workedExample()
	r.Footnotes = append(r.Footnotes, yearend.Footnote{Kind: yearend.FootOverCommitment, PairingID: "pr-bing", EventID: "d5",
		Detail: strings.Repeat("经区长办公会同意追加拨付。", 200)})
	f := openXLSX(t, r, LangZH)
	_, notes := sheetNames(LangZH)
	rows, err := f.GetRows(notes)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		if len(row) > 8 && strings.HasPrefix(row[8], "经区长办公会同意追加拨付。经区长") {
			if h, err := f.GetRowHeight(notes, i+1); err != nil || h != excelize.MaxRowHeight {
				t.Errorf("the long note's row is %v high (%v), want %v", h, err, excelize.MaxRowHeight)
			}
			return
		}
	}
	t.Fatal("the long note is not in the notes sheet")
}

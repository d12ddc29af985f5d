package report

import (
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// The line-items sheet has a row per line item, half a million for a large
// donor, and the notes sheet one per late entry. excelize's stream writer
// takes each row as cells in interfaces and writes it through its general
// cell path, which made it the larger part of a large workbook's time and
// garbage; so these sheets' headers go through the stream writer with a
// marker row where their rows go, and their rows are written here — the
// XML the stream writer writes for the same cells, byte for byte (tests
// hold the two equal) — when the ZIP writer splices them into the sheet
// (xlsxzip.go).

// sheetSplice is a stream-written sheet's marker row and what writes the
// rows that replace it.
type sheetSplice struct {
	marker []byte
	rows   func(io.Writer) error
}

// newSheetSplice returns the splice of rows at row, and the cells of its
// marker row, which the caller writes with the stream writer at that row:
// one text cell in column A, which the stream writer writes as
// appendTextCell does.
func newSheetSplice(row int, rows func(io.Writer) error) (*sheetSplice, []any) {
	marker := newMarker()
	b := append([]byte(`<row r="`), strconv.Itoa(row)...)
	b = append(b, `">`...)
	b = appendTextCell(b, 'A', row, 0, marker)
	return &sheetSplice{marker: append(b, "</row>"...), rows: rows}, []any{marker}
}

// itemRows are the line-items sheet's rows, from row first on.
type itemRows struct {
	items       yearend.LineItems
	first       int
	lang        string
	partners    map[string]string // pairing id → partner's full name
	count, yuan int               // the style ids of counts and amounts
}

// writeTo writes the rows to w.
func (ir *itemRows) writeTo(w io.Writer) error {
	labels := map[string]string{} // a type's or figure's name, and partners, escaped: few and repeated
	label := func(s string) string {
		t, ok := labels[s]
		if !ok {
			t = string(appendText(nil, s))
			labels[s] = t
		}
		return t
	}
	buf := make([]byte, 0, 256<<10)
	for i, li := range ir.items.All() {
		row := ir.first + i
		b := append(buf, `<row r="`...)
		b = strconv.AppendInt(b, int64(row), 10)
		b = append(b, `">`...)
		b = appendTextCell(b, 'A', row, 0, li.EventID)
		b = appendIntCell(b, 'B', row, ir.count, li.Position)
		b = appendEscapedCell(b, 'C', row, 0, label(eventTypeName(li.Type, ir.lang)))
		b = appendEscapedCell(b, 'D', row, 0, label(ir.partners[li.PairingID]))
		b = appendEscapedCell(b, 'E', row, 0, label(figureLabel(li.Figure, ir.lang)))
		b = appendDateCell(b, 'F', row, 0, li.BusinessDate)
		if isMoneyFigure(li.Figure) {
			b = appendYuanCell(b, 'G', row, ir.yuan, li.AmountFen)
		} else {
			b = appendIntCell(b, 'H', row, ir.count, li.AmountFen)
		}
		b = appendTextCell(b, 'I', row, 0, li.DocumentNo)
		b = appendTextCell(b, 'J', row, 0, li.PairingID)
		buf = append(b, "</row>"...)
		if len(buf) > 240<<10 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err := w.Write(buf)
	return err
}

// noteStyles are the style ids of the notes sheet's cells: texts that
// wrap, other cells at the top of their row, and counts and amounts there.
type noteStyles struct{ wrap, top, count, yuan int }

// noteRow is a row of the notes sheet (xlsxNotes): in column A a note's
// number (no > 0) or a title; then — unless it is a title's row — the
// kind and partner (B, C); when facts is set, its event, date, amount (of
// money only) and detail (D, E, F, I); and the note in the sheet's
// language and the other (G, H). The texts but the title wrap, and the
// row is tall enough for the most lines one of them takes (a spreadsheet
// program does not grow a row it reads for the text it wraps), up to the
// tallest a row can be; a title's row is one line tall.
type noteRow struct {
	no            int
	title         string
	kind, partner string
	facts         *yearend.Footnote
	note, other   string
}

// appendTo appends nr as row row of a sheet whose columns are widths
// characters wide, as the stream writer writes the same cells.
func (nr *noteRow) appendTo(b []byte, row int, st noteStyles, widths []float64) []byte {
	lines := 1
	if nr.title == "" {
		lines = max(textLines(nr.kind, widths[1]), textLines(nr.partner, widths[2]), textLines(nr.note, widths[6]),
			textLines(nr.other, widths[7]))
		if nr.facts != nil {
			lines = max(lines, textLines(nr.facts.Detail, widths[8]))
		}
	}
	b = append(b, `<row r="`...)
	b = strconv.AppendInt(b, int64(row), 10)
	b = append(b, `" ht="`...)
	b = strconv.AppendFloat(b, min(float64(lines)*lineHeight, excelize.MaxRowHeight), 'f', -1, 64)
	b = append(b, `" customHeight="1">`...)
	switch {
	case nr.no > 0:
		b = appendIntCell(b, 'A', row, st.count, int64(nr.no))
	case nr.title != "":
		b = appendTextCell(b, 'A', row, 0, nr.title)
		return append(b, "</row>"...)
	}
	b = appendTextCell(b, 'B', row, st.wrap, nr.kind)
	b = appendTextCell(b, 'C', row, st.wrap, nr.partner)
	f := nr.facts
	if f != nil {
		b = appendTextCell(b, 'D', row, st.top, f.EventID)
		b = appendDateCell(b, 'E', row, st.top, f.Date)
		if isMoney(*f) {
			b = appendYuanCell(b, 'F', row, st.yuan, f.AmountFen)
		}
	}
	b = appendTextCell(b, 'G', row, st.wrap, nr.note)
	b = appendTextCell(b, 'H', row, st.wrap, nr.other)
	if f != nil {
		b = appendTextCell(b, 'I', row, st.wrap, f.Detail)
	}
	return append(b, "</row>"...)
}

// appendCellStart appends a cell's start tag up to its type.
func appendCellStart(b []byte, col byte, row, style int) []byte {
	b = append(b, `<c r="`...)
	b = append(b, col)
	b = strconv.AppendInt(b, int64(row), 10)
	b = append(b, '"')
	if style != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	return b
}

// appendIntCell appends a number cell holding v.
func appendIntCell(b []byte, col byte, row, style int, v int64) []byte {
	b = appendCellStart(b, col, row, style)
	b = append(b, "><v>"...)
	b = strconv.AppendInt(b, v, 10)
	return append(b, "</v></c>"...)
}

// appendTextCell appends a cell holding s as an inline string.
func appendTextCell(b []byte, col byte, row, style int, s string) []byte {
	b = appendCellStart(b, col, row, style)
	b = append(b, ` t="inlineStr"><is>`...)
	b = appendText(b, s)
	return append(b, "</is></c>"...)
}

// appendYuan appends fen in 元 without trailing zeros, as
// signed(trimmedDecimal(|fen|, 2)) writes it.
func appendYuan(b []byte, fen int64) []byte {
	m, neg := magnitude(fen)
	if neg {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, m/100, 10)
	switch frac := m % 100; {
	case frac == 0:
	case frac%10 == 0:
		b = append(b, '.', byte('0'+frac/10))
	default:
		b = append(b, '.', byte('0'+frac/10), byte('0'+frac%10))
	}
	return b
}

// appendYuanCell appends a cell holding fen 分 in 元, exactly
// YuanDecimal(fen) in the sheet: a number cell whose text is that decimal
// without trailing zeros — what excelize's stream writer writes for the
// float64 nearest it, since a decimal of at most 15 significant digits
// reads back from that float unchanged (yuanCell in the tests) — or, past
// maxExactCell, the decimal as text. Nothing is computed in floating point.
func appendYuanCell(b []byte, col byte, row, style int, fen int64) []byte {
	if fen > maxExactCell || fen < -maxExactCell {
		return appendTextCell(b, col, row, style, YuanDecimal(fen))
	}
	b = appendCellStart(b, col, row, style)
	b = append(b, "><v>"...)
	b = appendYuan(b, fen)
	return append(b, "</v></c>"...)
}

// appendDateCell is appendTextCell of d.String(), without the string.
func appendDateCell(b []byte, col byte, row, style int, d events.Date) []byte {
	if d.IsZero() {
		return appendTextCell(b, col, row, style, "")
	}
	b = appendCellStart(b, col, row, style)
	b = append(b, ` t="inlineStr"><is><t>`...)
	b = d.Time().AppendFormat(b, time.DateOnly)
	return append(b, "</t></is></c>"...)
}

// appendEscapedCell is appendTextCell with the text element already made
// (appendText).
func appendEscapedCell(b []byte, col byte, row, style int, t string) []byte {
	b = appendCellStart(b, col, row, style)
	b = append(b, ` t="inlineStr"><is>`...)
	b = append(b, t...)
	return append(b, "</is></c>"...)
}

// appendText appends the text element of an inline string holding s, as
// excelize writes it: at most excelize.TotalCellChars UTF-16 units,
// xml:space="preserve" when it begins or ends with white space, escaped
// for XML except for line feeds, and with what reads as an escape of
// OOXML's ("_xHHHH_") escaped itself.
func appendText(b []byte, s string) []byte {
	if plainText(s) {
		b = append(b, "<t>"...)
		b = append(b, s...)
		return append(b, "</t>"...)
	}
	if units := 0; len(s) > excelize.TotalCellChars {
		for i, r := range s {
			if units += utf16.RuneLen(r); units > excelize.TotalCellChars {
				s = s[:i]
				break
			}
		}
	}
	b = append(b, "<t"...)
	if s != "" && (strings.IndexByte("\t\n\r ", s[0]) >= 0 || strings.IndexByte("\t\n\r ", s[len(s)-1]) >= 0) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	var esc strings.Builder
	_ = xml.EscapeText(&esc, []byte(s)) // a strings.Builder does not fail
	b = append(b, escapeOOXML(strings.ReplaceAll(esc.String(), "&#xA;", "\n"))...)
	return append(b, "</t>"...)
}

// plainText reports whether s is written as it is: short enough, valid
// UTF-8 of characters XML allows, nothing to escape, no white space at
// its ends and nothing that reads as an OOXML escape.
func plainText(s string) bool {
	if len(s) > excelize.TotalCellChars || s != "" && (s[0] == ' ' || s[len(s)-1] == ' ') || strings.Contains(s, "_x") {
		return false
	}
	ascii := true
	for i := range len(s) { // the bytes of a multi-byte character are all ≥ 0x80
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			ascii = false
		case c < 0x20 || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'':
			return false
		}
	}
	return ascii || utf8.ValidString(s) && !strings.Contains(s, "\uFFFE") && !strings.Contains(s, "\uFFFF")
}

var (
	ooxmlEscape     = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	ooxmlEscapeTail = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// escapeOOXML escapes what in s reads as an OOXML escape ("_xHHHH_" of a
// valid character) by escaping its underscore, as excelize does.
func escapeOOXML(s string) string {
	matches, cursor := ooxmlEscape.FindAllStringSubmatchIndex(s, -1), 0
	var out strings.Builder
	for _, m := range matches {
		out.WriteString(s[cursor:m[0]])
		sub := s[m[0]:m[1]]
		if sub == "_x005F_" {
			cursor = m[1]
			if m[1]+6 <= len(s) && ooxmlEscapeTail.MatchString(s[m[1]:m[1]+6]) {
				if _, err := strconv.Unquote(`"\u` + s[m[1]+1:m[1]+5] + `"`); err == nil {
					out.WriteString(sub + "x005F" + sub)
					continue
				}
			}
			out.WriteString(sub + "x005F_")
			continue
		}
		cursor = m[1]
		if _, err := strconv.Unquote(`"\u` + s[m[0]+2:m[1]-1] + `"`); err == nil {
			out.WriteString("_x005F" + sub)
		}
	}
	out.WriteString(s[cursor:])
	return out.String()
}

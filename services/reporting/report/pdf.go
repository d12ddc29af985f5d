package report

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"codeberg.org/go-pdf/fpdf"

	"github.com/aidledger/aidledger/projections/yearend"
)

// ErrNoFont is returned (wrapped) by Render for format pdf when no font
// with Chinese characters can be read: the PDF embeds one (a subset of
// the glyphs used), and the binary carries none of its own.
var ErrNoFont = errors.New("report: no font with Chinese characters for the PDF")

// PDFFontEnv names the environment variable that gives the TrueType
// font file (.ttf, one font, not a .ttc collection) the PDF embeds;
// without it the first of PDFFontPaths that exists is used.
const PDFFontEnv = "AIDLEDGER_PDF_FONT"

// PDFFontPaths are where the PDF's font is looked for when PDFFontEnv is
// unset: Debian's fonts-arphic-gbsn00lp (AR PL SungtiL GB, a 宋体 with
// Latin letters and digits too, as official documents are set), then its
// 楷体 sibling. A font must hold both Chinese characters and Latin
// letters and digits: one font sets every cell (DroidSansFallback, which
// has no digits, does not do).
var PDFFontPaths = []string{
	"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
	"/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
}

// loadedFont is the font file's content once read (nil before).
var loadedFont atomic.Pointer[[]byte]

// pdfFont is the font file's content, read once it is found: a server
// started before the font was installed finds it at the next PDF asked
// for.
func pdfFont() ([]byte, error) {
	if b := loadedFont.Load(); b != nil {
		return *b, nil
	}
	b, err := readFont()
	if err == nil {
		loadedFont.Store(&b)
	}
	return b, err
}

// readFont reads the file PDFFontEnv names, or the first of PDFFontPaths
// there is.
func readFont() ([]byte, error) {
	if p := os.Getenv(PDFFontEnv); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %s=%s: %w", ErrNoFont, PDFFontEnv, p, err)
		}
		return b, nil
	}
	for _, p := range PDFFontPaths {
		if b, err := os.ReadFile(p); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("%w: none of %s exists (install Debian's fonts-arphic-gbsn00lp, or set %s to a .ttf file)",
		ErrNoFont, strings.Join(PDFFontPaths, ", "), PDFFontEnv)
}

// PDF page geometry (mm, A4 landscape) and type sizes (pt).
const (
	pdfMargin    = 14.0
	pdfTitleSize = 16.0
	pdfTextSize  = 11.0
	pdfTableSize = 9.5 // table body and headers: ≥ 9 pt printed
	pdfNoteSize  = 9.0
	pdfLine      = 0.45 // line height per pt of type size (mm)
	pdfLabelW    = 26.0 // partner, code and programme columns
	pdfCodeW     = 18.0
	pdfFigureMax = 24.0 // a figure column is at most this wide
	pdfFamily    = "cjk"
)

// pdfEpoch is the PDF's creation and modification date: fixed, like the
// XLSX's, so a report renders to the same bytes every time.
var pdfEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// renderPDF is r as a PDF on A4 landscape pages in lang: the title and
// the period/unit line, the paragraph (ChineseParagraph, or EnglishText),
// each printed table (printTables) with its header repeated on every page
// it spans, the targets against results, the numbered footnotes and the
// provenance; every page has its number and the ledger position in the
// footer. Text is set in the font of pdfFont, embedded as a subset; the
// output is a pure function of r, lang and that font.
func renderPDF(r *yearend.Report, lang string) ([]byte, error) {
	font, err := pdfFont()
	if err != nil {
		return nil, err
	}
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(true, pdfMargin+4)
	pdf.SetCreationDate(pdfEpoch)
	pdf.SetModificationDate(pdfEpoch)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	pdf.SetTitle(Title(r, lang), true)
	pdf.SetSubject("aidledger year-end summary", true)
	pdf.SetCreator("aidledger", true)
	pdf.SetProducer("aidledger", true)
	pdf.SetKeywords(r.ChainHash, true)
	pdf.SetLang(docLanguage(lang))
	pdf.AddUTF8FontFromBytes(pdfFamily, "", font)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-pdfMargin)
		pdf.SetFont(pdfFamily, "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 5, pdfFooter(r, lang, pdf.PageNo()), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()

	p := &pdfDoc{f: pdf}
	p.text(Title(r, lang), pdfTitleSize)
	p.text(Subtitle(r, lang), pdfNoteSize)
	pdf.Ln(2)
	for _, para := range strings.Split(strings.TrimRight(bodyText(r, lang), "\n"), "\n") {
		p.text(para, pdfTextSize)
	}
	rows := tableRows(r, lang)
	for _, t := range printTables(r, lang) {
		p.heading(t.name)
		p.table(t.header(lang), t.cells(rows, true), labelColumns)
	}
	if header, rows := TargetsTable(r, lang); len(rows) > 0 {
		p.heading(section("targets", lang))
		p.table(header, rows, targetLabelColumns)
	}
	if notes := Footnotes(r, lang); len(notes) > 0 {
		p.heading(section("notes", lang))
		for _, n := range notes {
			p.text(n, pdfNoteSize)
		}
	}
	p.heading(section("provenance", lang))
	for _, l := range Provenance(r, lang) {
		p.text(l, pdfNoteSize)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("report: pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// pdfFooter is the footer of page n: "第n页，共{nb}页　账本位置：P".
func pdfFooter(r *yearend.Report, lang string, n int) string {
	if lang == LangEN {
		return fmt.Sprintf("Page %d of {nb} · ledger position %d", n, r.Position)
	}
	return fmt.Sprintf("第%d页，共{nb}页　账本位置：%d", n, r.Position)
}

// pdfDoc lays out blocks on the pages of f.
type pdfDoc struct{ f *fpdf.Fpdf }

// text writes s as a wrapped paragraph at size pt.
func (p *pdfDoc) text(s string, size float64) {
	p.f.SetFont(pdfFamily, "", size)
	pageW, _ := p.f.GetPageSize()
	for _, l := range p.lines(s, pageW-2*pdfMargin+2) {
		p.f.CellFormat(0, size*pdfLine, l, "", 1, "L", false, 0, "")
	}
	p.f.Ln(1)
}

// heading writes a section heading, on a new page when less than a few
// lines are left on this one.
func (p *pdfDoc) heading(s string) {
	_, pageH := p.f.GetPageSize()
	if p.f.GetY() > pageH-pdfMargin-30 {
		p.f.AddPage()
	}
	p.f.Ln(3)
	p.f.SetFont(pdfFamily, "", 12.5)
	p.f.CellFormat(0, 7, s, "", 1, "L", false, 0, "")
}

// table writes a table with a shaded header row, the first labels
// columns left-aligned and the rest right-aligned, repeating the header
// on each new page; a cell too long for its column wraps onto more lines.
func (p *pdfDoc) table(header []string, rows [][]string, labels int) {
	widths := p.widths(len(header), labels)
	p.f.SetFont(pdfFamily, "", pdfTableSize)
	p.f.SetFillColor(221, 235, 247)
	p.f.SetDrawColor(160, 160, 160)
	p.row(header, widths, labels, true)
	for _, row := range rows {
		if p.rowHeight(row, widths) > p.spaceLeft() {
			p.f.AddPage()
			p.row(header, widths, labels, true)
		}
		p.row(row, widths, labels, false)
	}
}

// widths are the column widths (mm) of a table of n columns, the first
// labels of them labels: the label columns fixed, the figures sharing the
// rest of the page up to pdfFigureMax each.
func (p *pdfDoc) widths(n, labels int) []float64 {
	pageW, _ := p.f.GetPageSize()
	w := make([]float64, n)
	rest := pageW - 2*pdfMargin
	for i := range labels {
		w[i] = pdfLabelW
		if i == 1 && labels == labelColumns {
			w[i] = pdfCodeW
		}
		rest -= w[i]
	}
	fig := min(rest/float64(max(n-labels, 1)), pdfFigureMax)
	for i := labels; i < n; i++ {
		w[i] = fig
	}
	return w
}

// noLineStart are the characters Chinese typesetting never begins a line
// with (closing punctuation): such a character is kept on the line before.
const noLineStart = "，。；：、）》」』！？,.;:)%"

// lines are s wrapped to width w (less a cell's padding) at the current
// font: Chinese text breaks between any two characters, Latin text at
// spaces (a word longer than the line breaks where it must), and
// no line begins with a character of noLineStart.
func (p *pdfDoc) lines(s string, w float64) []string {
	w -= 2
	var out []string
	for _, para := range strings.Split(s, "\n") {
		rest := []rune(para)
		for len(rest) > 0 {
			n := p.fits(rest, w)
			if n < len(rest) {
				n = wordStart(rest, n)
				for n > 1 && strings.ContainsRune(noLineStart, rest[n]) {
					n--
				}
			}
			out = append(out, strings.TrimRight(string(rest[:n]), " "))
			rest = []rune(strings.TrimLeft(string(rest[n:]), " "))
		}
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// fits is how many leading runes of rs fit in width w (at least one).
func (p *pdfDoc) fits(rs []rune, w float64) int {
	width := 0.0
	for i, r := range rs {
		width += p.f.GetStringWidth(string(r))
		if width > w && i > 0 {
			return i
		}
	}
	return len(rs)
}

// wordStart moves a break before rs[n] back to the start of the word or
// number it would split ("8100" stays whole); a word that starts the
// line is split where it must.
func wordStart(rs []rune, n int) int {
	k := n
	for k > 0 && !isCJK(rs[k-1]) && rs[k-1] != ' ' && !isCJK(rs[k]) && rs[k] != ' ' {
		k--
	}
	if k == 0 {
		return n
	}
	return k
}

// isCJK reports whether r is a Chinese character or full-width
// punctuation, between which a line may break.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

// rowHeight is the height of a table row: its tallest wrapped cell.
func (p *pdfDoc) rowHeight(cells []string, widths []float64) float64 {
	n := 1
	for i, c := range cells {
		n = max(n, len(p.lines(c, widths[i])))
	}
	return float64(n)*pdfTableSize*pdfLine + 1.5
}

// spaceLeft is the height left above the bottom margin of this page.
func (p *pdfDoc) spaceLeft() float64 {
	_, pageH := p.f.GetPageSize()
	return pageH - pdfMargin - 4 - p.f.GetY()
}

// row writes one table row, every cell boxed to the row's height.
func (p *pdfDoc) row(cells []string, widths []float64, labels int, header bool) {
	h := p.rowHeight(cells, widths)
	x, y := p.f.GetX(), p.f.GetY()
	for i, c := range cells {
		p.f.Rect(x, y, widths[i], h, map[bool]string{true: "FD", false: "D"}[header])
		align := "R"
		if i < labels || header {
			align = "L"
		}
		for j, l := range p.lines(c, widths[i]) {
			p.f.SetXY(x, y+0.75+float64(j)*pdfTableSize*pdfLine)
			p.f.CellFormat(widths[i], pdfTableSize*pdfLine, l, "", 0, align, false, 0, "")
		}
		x += widths[i]
	}
	p.f.SetXY(pdfMargin, y+h)
}

package report

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/aidledger/aidledger/projections/yearend"
)

// The printed summary is checked as a user's machine shows it: the XLSX
// converted to PDF by LibreOffice, the PDF read by poppler's tools. Both
// are Debian packages .ci/run installs; a machine without them fails
// these tests rather than skipping them.

// tool is the path of command name, failing the test when it is missing.
func tool(t *testing.T, name, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: install Debian's %s (.ci/run does)", name, debianPackage)
	}
	return p
}

// run runs a command and returns its standard output.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// everyFamily is the worked example with every figure of every pairing
// and of the totals non-zero: the widest printed tables there are.
func everyFamily() *yearend.Report {
	r := workedExample()
	fill := func(f *yearend.Figures, seed int64) {
		v := reflect.ValueOf(f).Elem()
		for i := range v.NumField() {
			fv := v.Field(i)
			switch {
			case fv.Type() == reflect.TypeFor[yearend.Figure]():
				n := seed * int64(i+1)
				if strings.HasSuffix(v.Type().Field(i).Tag.Get("json"), "_fen,omitzero") ||
					strings.HasSuffix(v.Type().Field(i).Tag.Get("json"), "_fen") {
					n = n*123456789 + 1 // six decimals of 万元
				}
				fv.Set(reflect.ValueOf(yearend.Figure{Value: n}))
			case fv.Kind() == reflect.Int64:
				fv.SetInt(seed * 1234)
			}
		}
	}
	fill(&r.Pairings[0].Figures, 3)
	fill(&r.Pairings[1].Figures, 5)
	fill(&r.Totals, 8)
	return r
}

// bboxWord is a word of `pdftotext -bbox` output.
type bboxWord struct {
	XMin float64 `xml:"xMin,attr"`
	YMin float64 `xml:"yMin,attr"`
	XMax float64 `xml:"xMax,attr"`
	YMax float64 `xml:"yMax,attr"`
	Text string  `xml:",chardata"`
}

// bboxPages reads the pages of `pdftotext -bbox` output: their sizes and
// words.
func bboxPages(t *testing.T, pdf string) []struct {
	Width  float64    `xml:"width,attr"`
	Height float64    `xml:"height,attr"`
	Words  []bboxWord `xml:"word"`
} {
	t.Helper()
	out := run(t, tool(t, "pdftotext", "poppler-utils"), "-bbox", pdf, "-")
	var doc struct {
		Body struct {
			Doc struct {
				Pages []struct {
					Width  float64    `xml:"width,attr"`
					Height float64    `xml:"height,attr"`
					Words  []bboxWord `xml:"word"`
				} `xml:"page"`
			} `xml:"doc"`
		} `xml:"body"`
	}
	d := xml.NewDecoder(strings.NewReader(out))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	if err := d.Decode(&doc); err != nil {
		t.Fatalf("pdftotext -bbox output: %v", err)
	}
	pages := doc.Body.Doc.Pages
	if len(pages) == 0 {
		t.Fatalf("pdftotext -bbox found no page in %s", pdf)
	}
	return pages
}

// checkPrinted checks that every page of pdf is A4 landscape and that
// every word equal to one of cells is set at least 9 pt tall, and that
// each of cells was found at least once.
func checkPrinted(t *testing.T, pdf string, cells []string) {
	t.Helper()
	want := map[string]bool{}
	for _, c := range cells {
		want[c] = false
	}
	for i, p := range bboxPages(t, pdf) {
		if p.Width < 841 || p.Width > 843 || p.Height < 594 || p.Height > 596 {
			t.Errorf("page %d is %.1f × %.1f pt, want A4 landscape (841.9 × 595.3)", i+1, p.Width, p.Height)
		}
		for _, w := range p.Words {
			if _, ok := want[w.Text]; !ok {
				continue
			}
			want[w.Text] = true
			if h := w.YMax - w.YMin; h < 9 {
				t.Errorf("page %d: %q is set %.2f pt tall, want ≥ 9 pt", i+1, w.Text, h)
			}
		}
	}
	for c, found := range want {
		if !found {
			t.Errorf("%q is not in the printed table", c)
		}
	}
}

// printedCells are the partner labels and the money cells of r's printed
// tables (as the XLSX's number format and the PDF show them).
func printedCells(r *yearend.Report) []string {
	var cells []string
	for _, s := range Sections(r, LangZH) {
		for _, row := range s.Rows {
			cells = append(cells, row[0])
			for j, h := range s.Header {
				if strings.HasSuffix(h, "（万元）") {
					cells = append(cells, row[j])
				}
			}
		}
	}
	return cells
}

// TestXLSXPrintsLegiblyOnA4 converts the workbook of a report with every
// family of figures to PDF with LibreOffice: every page is A4 landscape
// and the printed tables' text is at least 9 pt tall.
func TestXLSXPrintsLegiblyOnA4(t *testing.T) {
	t.Parallel()
	soffice := tool(t, "soffice", "libreoffice-calc-nogui")
	r := everyFamily()
	body, _, _, err := Render(r, FormatXLSX, LangZH)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "summary.xlsx")
	if err := os.WriteFile(xlsx, body, 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--convert-to", "pdf", "--outdir", dir, xlsx)
	pdf := filepath.Join(dir, "summary.pdf")
	checkPrinted(t, pdf, printedCells(r))
	text := run(t, tool(t, "pdftotext", "poppler-utils"), pdf, "-")
	for _, s := range Sections(r, LangZH) {
		if !strings.Contains(text, sheetTitle(r, LangZH, s.Name)) {
			t.Errorf("the printed workbook lacks the title of %s", s.Name)
		}
	}
	if !strings.Contains(text, "金额单位：万元") {
		t.Error("the printed workbook does not state its unit")
	}
}

// squeeze is s without white space.
var squeeze = regexp.MustCompile(`\s+`)

// TestPDFHoldsTheSummary renders the PDF of the worked example in both
// languages: pdftotext finds the title, the paragraph and the provenance,
// every page is A4 landscape, and the printed tables are at least 9 pt.
func TestPDFHoldsTheSummary(t *testing.T) {
	t.Parallel()
	pdftotext := tool(t, "pdftotext", "poppler-utils")
	for _, lang := range []string{LangZH, LangEN} {
		r := everyFamily()
		body, ctype, name, err := Render(r, FormatPDF, lang)
		if err != nil {
			t.Fatal(err)
		}
		if ctype != "application/pdf" || !strings.HasSuffix(name, ".pdf") {
			t.Errorf("%s: content type %q, file %q", lang, ctype, name)
		}
		again, _, _, err := Render(r, FormatPDF, lang)
		if err != nil || string(again) != string(body) {
			t.Errorf("%s: two renders differ (err %v)", lang, err)
		}
		pdf := filepath.Join(t.TempDir(), "summary.pdf")
		if err := os.WriteFile(pdf, body, 0o600); err != nil {
			t.Fatal(err)
		}
		text := squeeze.ReplaceAllString(run(t, pdftotext, pdf, "-"), "")
		for _, want := range append([]string{Title(r, lang), bodyText(r, lang)}, Provenance(r, lang)...) {
			if w := squeeze.ReplaceAllString(want, ""); !strings.Contains(text, w) {
				t.Errorf("%s: pdftotext does not find %q", lang, want)
			}
		}
		if lang == LangZH {
			checkPrinted(t, pdf, printedCells(r))
		}
	}
}

package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aidledger/aidledger/projections/yearend"
)

// Errors returned (wrapped) by Render.
var (
	ErrUnknownFormat   = errors.New("report: unknown format")
	ErrUnknownLanguage = errors.New("report: unknown language")
	ErrNoReport        = errors.New("report: no report")
)

// Formats Render accepts.
const (
	FormatText = "text"
	FormatMD   = "md"
	FormatJSON = "json"
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
	FormatPDF  = "pdf"
)

// formatInfo is a format's content type and file extension.
var formatInfo = map[string]struct{ contentType, ext string }{
	FormatText: {"text/plain; charset=utf-8", "txt"},
	FormatMD:   {"text/markdown; charset=utf-8", "md"},
	FormatJSON: {"application/json", "json"},
	FormatCSV:  {"text/csv; charset=utf-8", "csv"},
	FormatXLSX: {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
	FormatPDF:  {"application/pdf", "pdf"},
}

// Render renders r in format (text, md, json, csv, xlsx or pdf; "" means text)
// and language lang (zh or en; "" means zh), returning the bytes, their
// MIME content type and a file name (see Filename; the UTF-8 one). It is
// Write into memory: a server answering a large report uses Write.
//
// Contract: the output is a pure function of r, format and lang — no
// clock, no map-order dependence — so rendering a report computed at the
// same ledger position twice gives byte-identical bodies, and a report
// computed after one more event differs (at least its provenance states
// the new position and chain hash). The formats:
//
//   - text: title, paragraph (ChineseParagraph or EnglishText), aligned
//     summary table, numbered footnotes, provenance lines;
//   - md: the same as Markdown with a GFM table;
//   - json: Document (the Report and every rendered text, both languages);
//   - csv: the summary table, units in the headers, exact 万元 decimals;
//   - xlsx: the printed tables, line items and footnotes sheets (see
//     renderXLSX);
//   - pdf: the text's content on A4 landscape pages (see renderPDF); it
//     also depends on the font it embeds.
//
// Errors wrap ErrNoReport, ErrUnknownFormat, ErrUnknownLanguage or
// ErrNoFont (pdf), or an encoder's error.
func Render(r *yearend.Report, format, lang string) (body []byte, contentType, filename string, err error) {
	var buf bytes.Buffer
	if err := Write(&buf, r, format, lang); err != nil {
		return nil, "", "", err
	}
	name, _ := Filename(r, format, lang)
	return buf.Bytes(), ContentType(format), name, nil
}

// Check reports whether Write can render format in lang, as Write's
// errors would say (ErrUnknownFormat, ErrUnknownLanguage, or ErrNoFont
// for a PDF on a server without the font), before anything is written.
func Check(format, lang string) error {
	if format == "" {
		format = FormatText
	}
	if _, ok := formatInfo[format]; !ok {
		return fmt.Errorf("%w %q (want text, md, json, csv, xlsx or pdf)", ErrUnknownFormat, format)
	}
	if lang != "" && lang != LangZH && lang != LangEN {
		return fmt.Errorf("%w %q (want zh or en)", ErrUnknownLanguage, lang)
	}
	if format == FormatPDF {
		if _, err := pdfFont(); err != nil {
			return err
		}
	}
	return nil
}

// ContentType is the MIME type of format ("" for an unknown one).
func ContentType(format string) string {
	if format == "" {
		format = FormatText
	}
	return formatInfo[format].contentType
}

// Write writes r rendered in format and lang (see Render) to w. The JSON
// and the XLSX, which carry every line item and so grow with the ledger,
// are encoded as they are written rather than built whole first; the
// other formats are small and are rendered, then written. Check's errors
// come before anything is written; an encoder's or w's error may come
// after part of the output.
func Write(w io.Writer, r *yearend.Report, format, lang string) error {
	if r == nil {
		return ErrNoReport
	}
	if err := Check(format, lang); err != nil {
		return err
	}
	if format == "" {
		format = FormatText
	}
	if lang == "" {
		lang = LangZH
	}
	var body []byte
	var err error
	switch format {
	case FormatText:
		body = renderText(r, lang)
	case FormatMD:
		body = renderMarkdown(r, lang)
	case FormatJSON:
		err = writeJSON(w, r)
	case FormatCSV:
		body, err = renderCSV(r, lang)
	case FormatXLSX:
		err = writeXLSX(w, r, lang)
	case FormatPDF:
		body, err = renderPDF(r, lang)
	}
	if err == nil && body != nil {
		_, err = w.Write(body)
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", format, err)
	}
	return nil
}

// Filename names the file of r in format and lang, twice: name in UTF-8
// for the filename* parameter of a Content-Disposition header and for
// local files, ascii as the plain filename fallback.
//
//	zh: 年度总结-320404-2025.xlsx           ascii: yearend-320404-2025.xlsx
//	en: yearend-320404-2025.xlsx            ascii: the same
//
// A cut-off other than 31 December is part of the name
// (年度总结-320404-2025-截至2025-11-30.xlsx, yearend-320404-2025-to-2025-11-30.xlsx)
// so summaries at different cut-offs do not overwrite each other. The
// donor code is reduced to [0-9A-Za-z_-]. Unknown formats get no
// extension.
func Filename(r *yearend.Report, format, lang string) (name, ascii string) {
	if format == "" {
		format = FormatText
	}
	code := safeASCII(r.Donor.Code)
	if code == "" {
		code = "donor"
	}
	base := code + "-" + strconv.Itoa(r.Year)
	zhCut, enCut := "", ""
	if c := effectiveCutoff(r); c.String() != periodEnd(r).String() {
		zhCut, enCut = "-截至"+c.String(), "-to-"+c.String()
	}
	ext := ""
	if info, ok := formatInfo[format]; ok {
		ext = "." + info.ext
	}
	ascii = "yearend-" + base + enCut + ext
	if lang == LangEN {
		return ascii, ascii
	}
	return "年度总结-" + base + zhCut + ext, ascii
}

// safeASCII keeps the letters, digits, '-' and '_' of s.
func safeASCII(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '-', r == '_':
			return r
		}
		return -1
	}, s)
}

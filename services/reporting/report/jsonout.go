package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// Document is the JSON export: the Report exactly as computed plus the
// texts rendered from it, in both languages, so a consumer can publish
// the same words the other formats carry without re-implementing the
// rendering rules.
type Document struct {
	Report   *yearend.Report `json:"report"`
	Rendered Rendered        `json:"rendered"`
}

// Rendered are the texts of a report and the settings they were rendered
// with (the effective profile and cut-off after defaults).
type Rendered struct {
	Profile   yearend.Profile `json:"profile"`
	Cutoff    events.Date     `json:"cutoff"`
	TitleZH   string          `json:"title_zh"`
	TitleEN   string          `json:"title_en"`
	Paragraph string          `json:"paragraph_zh"` // ChineseParagraph
	English   string          `json:"text_en"`      // EnglishText
	NotesZH   []string        `json:"footnotes_zh"` // Footnotes, numbered
	NotesEN   []string        `json:"footnotes_en"`
	SourceZH  []string        `json:"provenance_zh"` // Provenance
	SourceEN  []string        `json:"provenance_en"`
}

// NewDocument renders r's texts into a Document.
func NewDocument(r *yearend.Report) Document {
	return Document{Report: r, Rendered: Rendered{
		Profile:   effectiveProfile(r),
		Cutoff:    effectiveCutoff(r),
		TitleZH:   Title(r, LangZH),
		TitleEN:   Title(r, LangEN),
		Paragraph: ChineseParagraph(r),
		English:   EnglishText(r),
		NotesZH:   nonNil(Footnotes(r, LangZH)),
		NotesEN:   nonNil(Footnotes(r, LangEN)),
		SourceZH:  Provenance(r, LangZH),
		SourceEN:  Provenance(r, LangEN),
	}}
}

// jsonOptions encode as encoding/json's Encoder does with
// SetEscapeHTML(false) and SetIndent("", "  "): json v2 under its v1
// options, which writes to its io.Writer as it goes, with dates encoded
// as tokens.
var jsonOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false),
	jsontext.Multiline(true), jsontext.WithIndent("  "))

// dateMarshaler writes a date as events.Date.MarshalJSON does (without
// that method's round trip through encoding/json for each date).
var dateMarshaler = jsonv2.MarshalToFunc(func(enc *jsontext.Encoder, d events.Date) error {
	if d.IsZero() {
		return enc.WriteToken(jsontext.Null)
	}
	return enc.WriteToken(jsontext.String(d.String()))
})

// writeJSON writes the Document of r to w, indented by two spaces, with
// HTML characters left unescaped and a final newline: the bytes
// encoding/json's Encoder (SetEscapeHTML(false), SetIndent("", "  "))
// writes for NewDocument(r) (a test holds them equal). Key order is the
// struct field order (the Report has no maps), so the bytes are
// deterministic. Both languages are always present; lang only picks the
// file name. The encoder writes to w as it goes, and the line items are
// spliced in as they are formatted (jsonlineitems.go), so the output,
// which grows with the line items and the figures' event ids, is never
// held whole.
func writeJSON(w io.Writer, r *yearend.Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	marker := newMarker()
	out := newSplicer(bw, []byte(strconv.Quote(marker)), func(w io.Writer) error { return writeLineItems(w, r.LineItems) })
	opts := jsonv2.JoinOptions(jsonOptions, jsonv2.WithMarshalers(jsonv2.JoinMarshalers(dateMarshaler, lineItemsMarshaler(marker))))
	if err := jsonv2.MarshalWrite(out, NewDocument(r), opts); err != nil {
		return fmt.Errorf("report: encode json: %w", err)
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("report: write json: %w", err)
	}
	if r.LineItems.Len() > 0 && !out.found {
		return errors.New("report: json: the line items were not placed")
	}
	if err := bw.WriteByte('\n'); err != nil {
		return fmt.Errorf("report: write json: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: write json: %w", err)
	}
	return nil
}

// nonNil turns a nil slice into an empty one, so "no footnotes" encodes
// as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

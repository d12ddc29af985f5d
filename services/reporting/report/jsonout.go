package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"sync"

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
// options, which writes to its io.Writer as it goes, with dates and line
// items encoded as tokens.
var jsonOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false),
	jsontext.Multiline(true), jsontext.WithIndent("  "),
	jsonv2.WithMarshalers(jsonv2.JoinMarshalers(
		jsonv2.MarshalToFunc(func(enc *jsontext.Encoder, d events.Date) error { return enc.WriteToken(dateToken(d)) }),
		jsonv2.MarshalToFunc(encodeLineItem))))

// dateToken is d as events.Date.MarshalJSON writes it (without that
// method's round trip through encoding/json for each date).
func dateToken(d events.Date) jsontext.Token {
	if d.IsZero() {
		return jsontext.Null
	}
	return jsontext.String(d.String())
}

// encodeLineItem encodes li as its struct tags say: line items are the
// bulk of a large report, and appending its members as compact JSON for
// the encoder to indent is about twice as fast as by reflection.
// TestJSONIsEncodingJSON holds it to encoding/json.
func encodeLineItem(enc *jsontext.Encoder, li yearend.LineItem) error {
	buf := lineItemBuffers.Get().(*[]byte)
	defer lineItemBuffers.Put(buf)
	b := append((*buf)[:0], `{"event_id":`...)
	b, _ = jsontext.AppendQuote(b, li.EventID)
	b = append(b, `,"position":`...)
	b = strconv.AppendInt(b, li.Position, 10)
	b = append(b, `,"type":`...)
	b, _ = jsontext.AppendQuote(b, li.Type)
	b = append(b, `,"pairing_id":`...)
	b, _ = jsontext.AppendQuote(b, li.PairingID)
	b = append(b, `,"figure":`...)
	b, _ = jsontext.AppendQuote(b, li.Figure)
	b = append(b, `,"business_date":`...)
	if li.BusinessDate.IsZero() {
		b = append(b, "null"...)
	} else {
		b, _ = jsontext.AppendQuote(b, li.BusinessDate.String())
	}
	b = append(b, `,"amount_fen":`...)
	b = strconv.AppendInt(b, li.AmountFen, 10)
	b = append(b, `,"document_no":`...)
	b, _ = jsontext.AppendQuote(b, li.DocumentNo)
	b = append(b, '}')
	*buf = b
	return enc.WriteValue(b)
}

// lineItemBuffers hold encodeLineItem's compact JSON between calls.
var lineItemBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// writeJSON writes the Document of r to w, indented by two spaces, with
// HTML characters left unescaped and a final newline: the bytes
// encoding/json's Encoder (SetEscapeHTML(false), SetIndent("", "  "))
// writes for NewDocument(r) (a test holds them equal). Key order is the
// struct field order (the Report has no maps), so the bytes are
// deterministic. Both languages are always present; lang only picks the
// file name. The encoder writes to w as it goes, so the output, which
// grows with the line items and the figures' event ids, is never held
// whole.
func writeJSON(w io.Writer, r *yearend.Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := jsonv2.MarshalWrite(bw, NewDocument(r), jsonOptions); err != nil {
		return fmt.Errorf("report: encode json: %w", err)
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

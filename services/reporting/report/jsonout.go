package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

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

// lineItemsKey is the report's last member with no line items, as the
// indenting encoder writes it: a newline cannot occur inside a JSON
// string, so this marks the member itself.
const lineItemsKey = "\n    \"line_items\": []"

// writeJSON writes the Document of r to w, indented by two spaces, with
// HTML characters left unescaped and a final newline: the bytes
// encoding/json's Encoder (SetEscapeHTML(false), SetIndent("", "  "))
// writes for NewDocument(r). Key order is the struct field order (the
// Report has no maps), so the bytes are deterministic. Both languages are
// always present; lang only picks the file name.
//
// Everything but the line items is encoded first (it is small: figures,
// footnotes, texts); the line items, most of a large report, are then
// encoded one by one straight to w, so the output is never held whole.
func writeJSON(w io.Writer, r *yearend.Report) error {
	doc := NewDocument(r)
	head := *r
	head.LineItems = []yearend.LineItem{}
	doc.Report = &head
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("report: encode json: %w", err)
	}
	frame := buf.Bytes()
	at := bytes.Index(frame, []byte(lineItemsKey))
	if at < 0 || bytes.Count(frame, []byte(lineItemsKey)) != 1 {
		return fmt.Errorf("report: encode json: the line items' place is not unique")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(frame[:at])
	if len(r.LineItems) == 0 {
		bw.WriteString(lineItemsKey)
	} else {
		bw.WriteString("\n    \"line_items\": [")
		var b []byte
		for i := range r.LineItems {
			b = b[:0]
			if i > 0 {
				b = append(b, ',')
			}
			b = appendLineItem(b, &r.LineItems[i])
			bw.Write(b)
		}
		bw.WriteString("\n    ]")
	}
	bw.Write(frame[at+len(lineItemsKey):])
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: write json: %w", err)
	}
	return nil
}

// appendLineItem appends li as an element of the line_items array (at
// depth 3 of the Document), as the indenting encoder writes it.
func appendLineItem(b []byte, li *yearend.LineItem) []byte {
	const field = "\n        \""
	b = append(b, "\n      {"+field+`event_id": `...)
	b = appendJSONString(b, li.EventID)
	b = append(b, ","+field+`position": `...)
	b = strconv.AppendInt(b, li.Position, 10)
	b = append(b, ","+field+`type": `...)
	b = appendJSONString(b, li.Type)
	b = append(b, ","+field+`pairing_id": `...)
	b = appendJSONString(b, li.PairingID)
	b = append(b, ","+field+`figure": `...)
	b = appendJSONString(b, li.Figure)
	b = append(b, ","+field+`business_date": `...)
	if li.BusinessDate.IsZero() {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, li.BusinessDate.String())
	}
	b = append(b, ","+field+`amount_fen": `...)
	b = strconv.AppendInt(b, li.AmountFen, 10)
	b = append(b, ","+field+`document_no": `...)
	b = appendJSONString(b, li.DocumentNo)
	return append(b, "\n      }"...)
}

// appendJSONString appends s as a JSON string the way encoding/json does
// with HTML escaping off: a string of valid UTF-8 without control
// characters, '"', '\\', U+2028 or U+2029 is copied as is; any other goes
// through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' {
				return appendEncoded(b, s)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return appendEncoded(b, s)
		}
		i += size
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendEncoded appends s encoded by encoding/json with HTML escaping off.
func appendEncoded(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// nonNil turns a nil slice into an empty one, so "no footnotes" encodes
// as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

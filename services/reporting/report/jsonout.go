package report

import (
	"bytes"
	"encoding/json"
	"fmt"

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

// renderJSON is the Document of r, indented by two spaces, with HTML
// characters left unescaped and a final newline. Key order is the struct
// field order (the Report has no maps), so the bytes are deterministic.
// Both languages are always present; lang only picks the file name.
func renderJSON(r *yearend.Report) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(NewDocument(r)); err != nil {
		return nil, fmt.Errorf("report: encode json: %w", err)
	}
	return buf.Bytes(), nil
}

// nonNil turns a nil slice into an empty one, so "no footnotes" encodes
// as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

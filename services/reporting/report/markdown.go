package report

import (
	"github.com/aidledger/aidledger/projections/yearend"
	"strings"
)

// renderMarkdown is the report in Markdown (CommonMark with GFM tables):
// a level-1 title, the summary text (each line its own paragraph), the
// summary table (figures right-aligned), the numbered footnotes and the
// provenance as bullet lists. Text taken from the report is escaped so
// names and details cannot inject markup. A pure function of r and lang.
func renderMarkdown(r *yearend.Report, lang string) []byte {
	var b strings.Builder
	b.WriteString("# " + mdEscape(Title(r, lang)) + "\n\n")
	for _, l := range strings.Split(strings.TrimSuffix(bodyText(r, lang), "\n"), "\n") {
		b.WriteString(mdEscape(l) + "\n\n")
	}
	b.WriteString("## " + section("table", lang) + "\n\n")
	header, rows := Table(r, lang)
	mdRow(&b, header)
	align := make([]string, len(header))
	for i := range align {
		if i < labelColumns {
			align[i] = "---"
		} else {
			align[i] = "---:"
		}
	}
	b.WriteString("| " + strings.Join(align, " | ") + " |\n")
	for _, row := range rows {
		mdRow(&b, row)
	}
	if notes := Footnotes(r, lang); len(notes) > 0 {
		b.WriteString("\n## " + section("notes", lang) + "\n\n")
		for _, n := range notes {
			b.WriteString("- " + mdEscape(n) + "\n")
		}
	}
	b.WriteString("\n## " + section("provenance", lang) + "\n\n")
	for _, p := range Provenance(r, lang) {
		b.WriteString("- " + mdEscape(p) + "\n")
	}
	return []byte(b.String())
}

// mdRow writes one table row with its cells escaped.
func mdRow(b *strings.Builder, cells []string) {
	esc := make([]string, len(cells))
	for i, c := range cells {
		esc[i] = mdEscape(c)
	}
	b.WriteString("| " + strings.Join(esc, " | ") + " |\n")
}

// mdEscaper backslash-escapes the characters that could start markup
// inside a line or break a table cell.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `|`, `\|`, `#`, `\#`,
)

// mdEscape escapes s for Markdown text (see mdEscaper); newlines become
// spaces so a value stays on its line.
func mdEscape(s string) string {
	return mdEscaper.Replace(strings.ReplaceAll(s, "\n", " "))
}

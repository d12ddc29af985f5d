package report

import (
	"github.com/aidledger/aidledger/projections/yearend"
	"strings"
)

// renderText is the plain-text report in lang: title, the paragraph
// (ChineseParagraph, or EnglishText for LangEN), the summary table with
// columns aligned for a monospaced font (CJK characters count two
// columns), the targets against results when any are set (TargetsTable),
// the numbered footnotes and the provenance lines. Lines end
// in "\n"; the output is a pure function of r and lang.
func renderText(r *yearend.Report, lang string) []byte {
	var b strings.Builder
	b.WriteString(Title(r, lang) + "\n\n")
	b.WriteString(bodyText(r, lang))
	b.WriteString("\n" + section("table", lang) + "\n")
	header, rows := Table(r, lang)
	writeAligned(&b, header, rows, labelColumns)
	if header, rows := TargetsTable(r, lang); len(rows) > 0 {
		b.WriteString("\n" + section("targets", lang) + "\n")
		writeAligned(&b, header, rows, targetLabelColumns)
	}
	if notes := Footnotes(r, lang); len(notes) > 0 {
		b.WriteString("\n" + section("notes", lang) + "\n")
		for _, n := range notes {
			b.WriteString(n + "\n")
		}
	}
	b.WriteString("\n" + section("provenance", lang) + "\n")
	for _, p := range Provenance(r, lang) {
		b.WriteString(p + "\n")
	}
	return []byte(b.String())
}

// bodyText is the summary text in lang, ending in "\n": the Chinese
// paragraph (or a line saying nothing was recorded) or the English text.
func bodyText(r *yearend.Report, lang string) string {
	if lang == LangEN {
		return EnglishText(r)
	}
	if p := ChineseParagraph(r); p != "" {
		return p + "\n"
	}
	return "本年度统计区间内无帮扶记录。\n"
}

// section is the heading of a report section in lang.
func section(name, lang string) string {
	names := map[string][2]string{
		"table":      {"汇总表", "Summary table"},
		"targets":    {"目标任务完成情况", "Targets against results"},
		"notes":      {"附注", "Notes"},
		"provenance": {"数据来源", "Provenance"},
	}
	if lang == LangEN {
		return names[name][1]
	}
	return names[name][0]
}

// writeAligned writes a table whose columns are padded to a common
// display width: the first labels columns left-aligned, figures
// right-aligned, two spaces between columns, a dashed rule under the
// header. Trailing spaces are trimmed.
func writeAligned(b *strings.Builder, header []string, rows [][]string, labels int) {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = displayWidth(h)
	}
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	line := func(cells []string) {
		var l strings.Builder
		for i, c := range cells {
			if i > 0 {
				l.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-displayWidth(c))
			if i < labels {
				l.WriteString(c + pad)
			} else {
				l.WriteString(pad + c)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
	line(header)
	rule := make([]string, len(header))
	for i, w := range widths {
		rule[i] = strings.Repeat("-", w)
	}
	line(rule)
	for _, row := range rows {
		line(row)
	}
}

// displayWidth is the number of monospaced columns s occupies: two for
// East Asian wide and fullwidth characters, one for the rest.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		if isWide(r) {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// isWide reports whether r is East Asian Wide or Fullwidth (the ranges
// that occur in Chinese text: Hangul Jamo, CJK radicals to Yi, Hangul
// syllables, CJK compatibility, vertical and fullwidth forms, and the
// supplementary ideographic planes).
func isWide(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115F,
		r >= 0x2E80 && r <= 0x303E,
		r >= 0x3041 && r <= 0xA4CF,
		r >= 0xAC00 && r <= 0xD7A3,
		r >= 0xF900 && r <= 0xFAFF,
		r >= 0xFE30 && r <= 0xFE4F,
		r >= 0xFF00 && r <= 0xFF60,
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x20000 && r <= 0x3FFFD:
		return true
	}
	return false
}

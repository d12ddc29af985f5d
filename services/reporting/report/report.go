// Package report turns the year-end figures of a donor (年度总结) into the
// office's texts: the official-style Chinese paragraph, an English
// rendering of the same facts, a table, footnotes for every flag, and the
// export formats (text, Markdown, JSON, CSV, XLSX).
//
// Money is summed in 分 and rendered once; nothing here sums rounded
// figures. The figures come from the yearend read model
// (projections/yearend), which also says which events stand behind each.
package report

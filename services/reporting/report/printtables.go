package report

import (
	"slices"
	"strings"

	"github.com/aidledger/aidledger/projections/yearend"
)

// The printed summary: the summary table is too wide for a page (30 and
// more figure columns), so the print formats (XLSX sheets, PDF, the web
// page's print view) show it as sections, each with the table's label
// columns and rows and a group of its figure columns few enough to print
// on A4 landscape at a legible size. The first section is the overview
// (年度汇总) of the figures an office is asked for first; the others hold
// every figure column of one family. Text, Markdown and CSV keep the whole
// table in one.

// sectionDef names a section and the figure columns (Figures json names)
// it may hold, in order.
type sectionDef struct {
	zh, en string
	keys   []string
}

// sectionDefs are the sections, in print order.
var sectionDefs = []sectionDef{
	{"年度汇总", "Summary", []string{"fiscal_disbursed_fen", "fiscal_committed_fen", "disbursal_rate_bp", "projects_registered",
		"social_fen", "consumption_fen", "visits", "staff_cadre", "staff_professional"}},
	{"人才与互访", "Staff and visits", []string{"visits", "visits_led_by_principal", "staff_cadre", "staff_professional",
		"staff_teacher", "staff_doctor", "staff_agronomist", "staff_technician", "staff_in_post", "staff_year_or_more", "staff_inbound"}},
	{"财政资金", "Fiscal aid", []string{"fiscal_committed_fen", "fiscal_unallocated_fen", "fiscal_disbursed_fen", "disbursal_rate_bp",
		"receipts_confirmed_fen"}},
	{"援建项目", "Aid projects", []string{"projects_registered", "projects_completed", "planned_investment_fen", "completed_investment_fen"}},
	{"年度项目进度", "Projects in the year", []string{"projects_under_way", "projects_started", "projects_continuing", "projects_finished",
		"year_planned_fen", "year_invested_fen", "year_completion_rate_bp", "start_rate_bp"}},
	{"社会与消费帮扶", "Donations and consumption aid", []string{"social_fen", "social_cash_fen", "social_in_kind_fen",
		"consumption_fen", "purchases_fen", "sales_fen"}},
	{"就业与产业合作", "Jobs and enterprise investment", []string{"labour_persons", "labour_poverty_persons", "investment_records",
		"investment_fen", "investment_jobs", "investment_poverty_jobs", "trainings", "training_participants", "agreements"}},
	{"园区与车间", "Parks and workshops", []string{"parks", "park_enterprises", "park_investment_fen", "park_returns_fen",
		"workshops", "workshop_employed", "workshop_poverty_employed"}},
}

// printTable is one printed table of a report: its name and the report's
// columns it holds.
type printTable struct {
	name string
	cols []column
}

// printTables are r's printed tables in lang: each sectionDef with the
// columns of reportColumns(r) it names; a section none of whose columns
// the report has is left out (the office indicators of a ledger that
// records none).
func printTables(r *yearend.Report, lang string) []printTable {
	have := reportColumns(r)
	var out []printTable
	for _, d := range sectionDefs {
		s := printTable{name: d.zh}
		if lang == LangEN {
			s.name = d.en
		}
		for _, k := range d.keys {
			if i := slices.IndexFunc(have, func(c column) bool { return c.key == k }); i >= 0 {
				s.cols = append(s.cols, have[i])
			}
		}
		if len(s.cols) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// Section is one printed table of a summary as strings: its name, header
// (label columns, then figures with their units) and rows (pairings,
// programme subtotals, totals last), the cells rendered as in Table.
type Section struct {
	Name   string
	Header []string
	Rows   [][]string
}

// Sections are r's printed tables in lang (see printTables), for pages that
// print the summary.
func Sections(r *yearend.Report, lang string) []Section {
	rows := tableRows(r, lang)
	var out []Section
	for _, s := range printTables(r, lang) {
		out = append(out, Section{Name: s.name, Header: s.header(lang), Rows: s.cells(rows, true)})
	}
	return out
}

// header is the section's header row in lang.
func (s printTable) header(lang string) []string {
	h := labelHeaders(lang)
	for _, c := range s.cols {
		h = append(h, c.header(lang))
	}
	return h
}

// cells renders rows in the table's columns (column.text), money with
// at least two decimals when printed (aligned as the XLSX shows it).
func (s printTable) cells(rows []tableRow, printed bool) [][]string {
	out := make([][]string, 0, len(rows))
	for _, tr := range rows {
		row := append([]string(nil), tr.labels[:]...)
		for _, c := range s.cols {
			v := c.text(tr.figures)
			if printed && c.kind == kindWan {
				v = atLeastTwoDecimals(v)
			}
			row = append(row, v)
		}
		out = append(out, row)
	}
	return out
}

// atLeastTwoDecimals pads a decimal string to two fractional digits
// ("195" → "195.00", "43.6" → "43.60", "0.000001" unchanged).
func atLeastTwoDecimals(v string) string {
	_, frac, ok := strings.Cut(v, ".")
	switch {
	case !ok:
		return v + ".00"
	case len(frac) < 2:
		return v + strings.Repeat("0", 2-len(frac))
	}
	return v
}

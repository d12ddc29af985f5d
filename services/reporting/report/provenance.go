package report

import (
	"strconv"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// Provenance are the lines that identify what a report was computed from:
// the ledger position and chain hash, the period with its cut-off, and the
// rounding profile with the style of each category. They contain no
// wall-clock time, so a report regenerated at the same position is
// byte-identical, and a report computed after one more event differs at
// least in its position.
func Provenance(r *yearend.Report, lang string) []string {
	p := effectiveProfile(r)
	if lang == LangEN {
		return []string{
			"Ledger position: " + strconv.FormatInt(r.Position, 10),
			"Chain hash: " + r.ChainHash,
			"Period: " + periodStart(r).String() + " to " + effectiveCutoff(r).String() + " (statistical cut-off)",
			"Rounding profile: " + p.Name + " (fiscal " + styleName(p.Fiscal, lang) +
				"; social " + styleName(p.Social, lang) + "; consumption " + styleName(p.Consumption, lang) + ")",
		}
	}
	return []string{
		"账本位置：" + strconv.FormatInt(r.Position, 10),
		"链哈希：" + r.ChainHash,
		"统计区间：" + periodStart(r).String() + "至" + effectiveCutoff(r).String() + "（统计截止日）",
		"金额口径：" + profileNameZh(p.Name) + "（财政帮扶：" + styleName(p.Fiscal, lang) + "；社会帮扶：" + styleName(p.Social, lang) +
			"；消费帮扶：" + styleName(p.Consumption, lang) + "）",
	}
}

// profileNameZh is a rounding profile's Chinese name (a profile built by
// hand keeps its own name).
func profileNameZh(name string) string {
	if zh, ok := map[string]string{"official": "公文口径", "exact": "精确口径", "approx": "约数口径"}[name]; ok {
		return zh
	}
	return name
}

// Title is the report's heading: "甲区2025年度对口帮扶工作总结" or
// "甲区 — counterpart aid year-end summary 2025".
func Title(r *yearend.Report, lang string) string {
	if lang == LangEN {
		return fullName(r.Donor) + " — counterpart aid year-end summary " + strconv.Itoa(r.Year)
	}
	return fullName(r.Donor) + strconv.Itoa(r.Year) + "年度对口帮扶工作总结"
}

// periodStart is 1 January of the report's year.
func periodStart(r *yearend.Report) events.Date {
	return events.DateOf(r.Year, 1, 1)
}

// periodEnd is 31 December of the report's year.
func periodEnd(r *yearend.Report) events.Date {
	return events.DateOf(r.Year, 12, 31)
}

// effectiveCutoff is r.Cutoff, or 31 December of the report's year when
// it is unset.
func effectiveCutoff(r *yearend.Report) events.Date {
	if r.Cutoff.IsZero() {
		return periodEnd(r)
	}
	return r.Cutoff
}

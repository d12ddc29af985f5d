package report

import (
	"github.com/aidledger/aidledger/projections/yearend"
	"slices"
	"testing"
)

func TestFootnotesEveryKind(t *testing.T) {
	t.Parallel()
	r := workedExample()
	zh := []string{
		"注1：丙县：2025年6月30日拨付资金超出资金计划（涉及金额5万元，凭证号/文号PZ-2025-101），超计划理由：汛期应急，审批人：区财政局张某。",
		"注2：乙县：2025年1月15日的资金退回（涉及金额-3万元）对应业务日期为2024年12月20日的原拨付，按规则计入退回当年（2025年度）。",
		"注3：乙县：业务日期为2025年12月20日的记录（涉及金额20万元，凭证号/文号PZ-2025-004）于2026年1月5日登记，晚于统计截止日2025年12月31日，已计入本报告数据。",
		"注4：乙县：2025年9月1日的采购（涉及金额60万元）供应商所在县（522603）与结对县乙县不一致。",
		"注5：乙县：2025年4月2日接受捐物并折价计入社会帮扶（涉及金额10万元），估值依据：发票价格。",
	}
	en := []string{
		"[1] Bing County (丙县): a disbursement on 30 June 2025 exceeded its commitment (amount involved CNY 50,000, voucher/document no. PZ-2025-101); justification: 汛期应急; approved by 区财政局张某.",
		"[2] Yi County (乙县): the return of funds dated 15 January 2025 (amount involved CNY -30,000) relates to a disbursement dated 20 December 2024; by rule it counts in its own fiscal year 2025.",
		"[3] Yi County (乙县): the entry dated 20 December 2025 (amount involved CNY 200,000, voucher/document no. PZ-2025-004) was recorded on 5 January 2026, after the cut-off, 31 December 2025; it is included in these figures.",
		"[4] Yi County (乙县): the purchase on 1 September 2025 (amount involved CNY 600,000) has its supplier in county 522603, not in the partner Yi County (乙县).",
		"[5] Yi County (乙县): an in-kind donation on 2 April 2025 is counted in social aid at its valuation (amount involved CNY 100,000); valuation basis: 发票价格.",
	}
	if got := Footnotes(r, LangZH); !slices.Equal(got, zh) {
		t.Errorf("zh:\n got %q\nwant %q", got, zh)
	}
	if got := Footnotes(r, LangEN); !slices.Equal(got, en) {
		t.Errorf("en:\n got %q\nwant %q", got, en)
	}
}

func TestFootnoteFallbacks(t *testing.T) {
	t.Parallel()
	r := workedExample()
	// No amount, no detail, unknown pairing, unknown kind.
	f := yearend.Footnote{Kind: yearend.FootLateEntry, PairingID: "pr-gone", EventID: "v9", Date: lineItems(r)[0].BusinessDate}
	if got, want := FootnoteText(r, f, LangZH), "pr-gone：业务日期为2025年3月1日的记录于未说明登记，晚于统计截止日2025年12月31日，已计入本报告数据。"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	f = yearend.Footnote{Kind: "audit_finding", PairingID: "pr-yi", EventID: "x1", Detail: "审计发现"}
	if got, want := FootnoteText(r, f, LangZH), "乙县：audit_finding（日期未记录）：审计发现。"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, want := FootnoteText(r, f, LangEN), "Yi County (乙县): audit_finding on an unrecorded date: 审计发现."; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// Cross-year reversals: entry_error counts in the original's year; an
	// unparseable Detail is quoted.
	f = yearend.Footnote{Kind: yearend.FootCrossYear, PairingID: "pr-yi", EventID: "r1", AmountFen: -20000000,
		Date: lineItems(r)[0].BusinessDate, Detail: "entry_error 2024-12-20"}
	if got, want := FootnoteText(r, f, LangZH), "乙县：2025年3月1日的差错冲正（涉及金额-20万元）冲销业务日期为2024年12月20日的原记录，按规则计入原记录所属的2024年度。"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, want := FootnoteText(r, f, LangEN), "Yi County (乙县): the entry-error reversal dated 1 March 2025 (amount involved CNY -200,000) cancels an entry dated 20 December 2024; by rule it counts in the original's fiscal year 2024."; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	f.Detail = "2024"
	if got, want := FootnoteText(r, f, LangZH), "乙县：2025年3月1日的冲正/资金退回（涉及金额-20万元）涉及其他年度的原记录（2024），资金在年度之间发生转移。"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	f = yearend.Footnote{Kind: yearend.FootOverCommitment, PairingID: "pr-bing", EventID: "d5", Detail: "经区长办公会同意"}
	if got, want := FootnoteText(r, f, LangZH), "丙县：日期未记录拨付资金超出资金计划（凭证号/文号PZ-2025-101），超计划理由及审批：经区长办公会同意。"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if Footnotes(&yearend.Report{}, LangZH) != nil {
		t.Error("a report without flags has footnotes")
	}
}

// TestLateEntriesSummarised: a pairing's late entries are one note when
// there are several — how many, when recorded, the money involved (counts
// are no money) — and the notes keep their places and numbers; one late
// entry keeps its own note, a count with no amount.
func TestLateEntriesSummarised(t *testing.T) {
	t.Parallel()
	r := workedExample()
	late := func(pairing, id, figure string, amount int64, recorded string) yearend.Footnote {
		return yearend.Footnote{Kind: yearend.FootLateEntry, PairingID: pairing, EventID: id, AmountFen: amount, Figure: figure,
			Date: lineItems(r)[0].BusinessDate, Detail: recorded}
	}
	r.Footnotes = []yearend.Footnote{
		r.Footnotes[0],
		late("pr-yi", "d7", "fiscal_disbursed_fen", 20000000, "2026-01-05"),
		late("pr-bing", "v4", "visits", 1, "2026-01-06"),
		late("pr-yi", "v1", "visits", 1, "2026-02-10"),
		late("pr-yi", "g5", "social_cash_fen", 3000000, "2026-01-20"),
		r.Footnotes[3],
	}
	zh := Footnotes(r, LangZH)
	want := []string{
		zh[0][:len("注1：")] + FootnoteText(r, r.Footnotes[0], LangZH),
		"注2：乙县：3条记录于统计截止日2025年12月31日后补录（登记于2026年1月5日至2026年2月10日），涉及金额23万元，已计入本报告数据（逐条见JSON报告及XLSX附注表）。",
		"注3：丙县：业务日期为2025年3月1日的记录于2026年1月6日登记，晚于统计截止日2025年12月31日，已计入本报告数据。",
		"注4：" + FootnoteText(r, r.Footnotes[5], LangZH),
	}
	if !slices.Equal(zh, want) {
		t.Errorf("zh:\n got %q\nwant %q", zh, want)
	}
	if en := Footnotes(r, LangEN); len(en) != 4 || en[1] != "[2] Yi County (乙县): 3 entries dated on or before the cut-off, 31 December 2025, were recorded "+
		"after it (5 January 2026 to 10 February 2026), amount involved CNY 230,000; they are included in these figures (each is listed "+
		"in the JSON report and the XLSX notes)." {
		t.Errorf("en:\n%q", en)
	}
}

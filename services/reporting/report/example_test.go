package report

import (
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// fig is a Figure with made-up event ids.
func fig(v int64, ids ...string) yearend.Figure { return yearend.Figure{Value: v, EventIDs: ids} }

// workedExample is the worked example of docs/domain.md §11: donor 甲区 (甲) with
// 乙县 (3 visits, 12 teachers and doctors, 2,600,000 元 disbursed after one
// 200,000 元 disbursement was reversed as entry_error and re-entered,
// 436,000 元 of donations, 905,000 元 of purchases and facilitated sales)
// and 丙县 (1 visit, 1,000,000 元 disbursed), with one footnote of every
// kind and the line items behind the fiscal figures.
func workedExample() *yearend.Report {
	yi := yearend.Figures{
		Visits:             fig(3, "v1", "v2", "v3"),
		StaffProfessional:  fig(12),
		StaffTeacher:       fig(7),
		StaffDoctor:        fig(5),
		FiscalDisbursedFen: fig(260000000, "d1", "d2", "d3", "d3r", "d4"),
		FiscalCommittedFen: fig(300000000, "c1"),
		DisbursalRateBP:    8667,
		SocialCashFen:      fig(33600000, "g1"),
		SocialInKindFen:    fig(10000000, "g2"),
		SocialFen:          fig(43600000, "g1", "g2"),
		PurchasesFen:       fig(60000000, "p1"),
		SalesFen:           fig(30500000, "s1"),
		ConsumptionFen:     fig(90500000, "p1", "s1"),
	}
	bing := yearend.Figures{
		Visits:             fig(1, "v4"),
		FiscalDisbursedFen: fig(100000000, "d5"),
		FiscalCommittedFen: fig(100000000, "c2"),
		DisbursalRateBP:    10000,
	}
	totals := yearend.Figures{
		Visits:             fig(4),
		StaffProfessional:  fig(12),
		StaffTeacher:       fig(7),
		StaffDoctor:        fig(5),
		FiscalDisbursedFen: fig(360000000),
		FiscalCommittedFen: fig(400000000),
		DisbursalRateBP:    9000,
		SocialCashFen:      fig(33600000),
		SocialInKindFen:    fig(10000000),
		SocialFen:          fig(43600000),
		PurchasesFen:       fig(60000000),
		SalesFen:           fig(30500000),
		ConsumptionFen:     fig(90500000),
	}
	d := func(m time.Month, day int) events.Date { return events.DateOf(2025, m, day) }
	return &yearend.Report{
		Donor:     events.Unit{Code: "320404", Name: "甲区", ShortName: "甲"},
		Year:      2025,
		Position:  1042,
		ChainHash: "9f2c4e0b7a1d3c5e",
		Profile:   Profiles["official"],
		Pairings: []yearend.PairingFigures{
			{PairingID: "pr-yi", Partner: events.Unit{Code: "522601", Name: "乙县", ShortName: "乙"}, Programme: "east_west", Figures: yi},
			{PairingID: "pr-bing", Partner: events.Unit{Code: "522602", Name: "丙县", ShortName: "丙"}, Programme: "east_west", Figures: bing},
		},
		Totals: totals,
		Footnotes: []yearend.Footnote{
			{Kind: yearend.FootOverCommitment, PairingID: "pr-bing", EventID: "d5", AmountFen: 5000000, Date: d(6, 30), Detail: "汛期应急 / 区财政局张某"},
			{Kind: yearend.FootCrossYear, PairingID: "pr-yi", EventID: "r9", AmountFen: -3000000, Date: d(1, 15), Detail: "funds_returned 2024-12-20"},
			{Kind: yearend.FootLateEntry, PairingID: "pr-yi", EventID: "d4", AmountFen: 20000000, Date: d(12, 20), Detail: "2026-01-05"},
			{Kind: yearend.FootPartnerMismatch, PairingID: "pr-yi", EventID: "p1", AmountFen: 60000000, Date: d(9, 1), Detail: "522603"},
			{Kind: yearend.FootInKindValuation, PairingID: "pr-yi", EventID: "g2", AmountFen: 10000000, Date: d(4, 2), Detail: "发票价格"},
		},
		LineItems: yearend.LineItemsOf([]yearend.LineItem{
			{EventID: "d1", Position: 10, Type: "aid.funds_disbursed", PairingID: "pr-yi", Figure: "fiscal_disbursed_fen", BusinessDate: d(3, 1), AmountFen: 100000000, DocumentNo: "PZ-2025-001"},
			{EventID: "d2", Position: 11, Type: "aid.funds_disbursed", PairingID: "pr-yi", Figure: "fiscal_disbursed_fen", BusinessDate: d(5, 1), AmountFen: 140000000, DocumentNo: "PZ-2025-002"},
			{EventID: "d3", Position: 12, Type: "aid.funds_disbursed", PairingID: "pr-yi", Figure: "fiscal_disbursed_fen", BusinessDate: d(7, 1), AmountFen: 20000000, DocumentNo: "PZ-2025-003"},
			{EventID: "d3r", Position: 13, Type: "aid.disbursement_reversed", PairingID: "pr-yi", Figure: "fiscal_disbursed_fen", BusinessDate: d(7, 2), AmountFen: -20000000, DocumentNo: "PZ-2025-003"},
			{EventID: "d4", Position: 14, Type: "aid.funds_disbursed", PairingID: "pr-yi", Figure: "fiscal_disbursed_fen", BusinessDate: d(12, 20), AmountFen: 20000000, DocumentNo: "PZ-2025-004"},
			{EventID: "v1", Position: 15, Type: "aid.visit_conducted", PairingID: "pr-yi", Figure: "visits", BusinessDate: d(4, 10), AmountFen: 1},
			{EventID: "d5", Position: 16, Type: "aid.funds_disbursed", PairingID: "pr-bing", Figure: "fiscal_disbursed_fen", BusinessDate: d(6, 30), AmountFen: 100000000, DocumentNo: "PZ-2025-101"},
		}...),
	}
}

// lineItems are r's line items as a slice, for tests that index or extend
// them.
func lineItems(r *yearend.Report) []yearend.LineItem {
	var out []yearend.LineItem
	for _, li := range r.LineItems.All() {
		out = append(out, *li)
	}
	return out
}

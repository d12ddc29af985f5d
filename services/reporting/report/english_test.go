package report

import (
	"math"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

func TestEnglishTextWorkedExample(t *testing.T) {
	t.Parallel()
	want := "Jia District (甲区): year-end summary of counterpart aid for 2025, covering 1 January to 31 December 2025.\n" +
		"With Yi County (乙县), under East–West Cooperation, the district made 3 exchange and research visits, sent 12 professional " +
		"and technical staff, disbursed CNY 2.6 million in fiscal aid, mobilised more than CNY 400,000 in private donations and " +
		"helped buy and sell more than CNY 900,000 of farm products from Guizhou Province (including Yi County).\n" +
		"With Bing County (丙县), under East–West Cooperation, the district made 1 exchange and research visit and disbursed CNY 1 million in fiscal aid.\n" +
		"In all, the district made 4 exchange and research visits, sent 12 professional and technical staff, disbursed CNY 3.6 million " +
		"in fiscal aid, mobilised more than CNY 400,000 in private donations and helped buy and sell more than CNY 900,000 of farm " +
		"products from the partner areas.\n"
	if got := EnglishText(workedExample()); got != want {
		t.Errorf("EnglishText:\n got %q\nwant %q", got, want)
	}
}

func TestEnglishTextEmptyAndCutoff(t *testing.T) {
	t.Parallel()
	r := &yearend.Report{Donor: events.Unit{Code: "320404", Name: "常州市钟楼区", ShortName: "钟楼"}, Year: 2025, Cutoff: events.DateOf(2025, 11, 30),
		Pairings: []yearend.PairingFigures{{Partner: events.Unit{Name: "班玛县", ShortName: "班玛"}, Figures: yearend.Figures{StaffCadre: fig(1)}}},
		Totals:   yearend.Figures{StaffCadre: fig(1)}}
	want := "Zhonglou District (常州市钟楼区): year-end summary of counterpart aid for 2025, covering 1 January to 30 November 2025 (the statistical cut-off).\n" +
		"With Banma County (班玛县), the district sent 1 cadre.\n" +
		"In all, the district sent 1 cadre.\n"
	if got := EnglishText(r); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	r = &yearend.Report{Donor: events.Unit{Name: "甲区"}, Year: 2025}
	want = "Jia District (甲区): year-end summary of counterpart aid for 2025, covering 1 January to 31 December 2025.\n" +
		"No aid was recorded for any pairing in the period.\n"
	if got := EnglishText(r); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestEnglishAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fen   int64
		style yearend.Style
		want  string
	}{
		{180_000_000, yearend.StyleExact, "CNY 1.8 million"},
		{117_280_800, yearend.StyleExact, "CNY 1,172,808"},
		{117_280_800, yearend.StyleWan2, "CNY 1.1728 million"},
		{43_600_000, yearend.StyleExact, "CNY 436,000"},
		{43_600_000, yearend.StyleYu, "more than CNY 400,000"},
		{43_600_000, yearend.StyleYue, "about CNY 400,000"},
		{20_000_000, yearend.StyleYu, "CNY 200,000"},
		{1_234_500_000, yearend.StyleYu, "more than CNY 12 million"},
		{123_456, yearend.StyleExact, "CNY 1,234.56"},
		{1, yearend.StyleYu, "CNY 0.01"},
		{0, yearend.StyleExact, "CNY 0"},
		{-20_000_000, yearend.StyleExact, "CNY -200,000"},
		{10_500_000_000, yearend.StyleWan2, "CNY 105 million"},
		{math.MinInt64, yearend.StyleExact, "CNY -92,233,720,368,547,758.08"},
	}
	for _, tt := range tests {
		if got := EnglishAmount(tt.fen, tt.style); got != tt.want {
			t.Errorf("EnglishAmount(%d, %s) = %q, want %q", tt.fen, tt.style, got, tt.want)
		}
	}
}

func TestEnglishPlace(t *testing.T) {
	t.Parallel()
	tests := map[events.Unit]string{
		{Name: "班玛县", ShortName: "班玛"}:      "Banma County",
		{Name: "常州市钟楼区", ShortName: "钟楼"}:   "Zhonglou District",
		{Name: "长顺县"}:                       "Changshun County",
		{Name: "西安市"}:                       "Xi'an City",
		{Name: "峨边彝族自治县", ShortName: "峨边"}:  "Ebian Autonomous County",
		{Name: "白玉县", ShortName: "白玉"}:      "Baiyu County",
		{Code: "522601"}:                    "522601",
		{Name: "Zone 7", ShortName: "Zone"}: "Zone 7",
	}
	for u, want := range tests {
		if got := englishPlace(u); got != want {
			t.Errorf("englishPlace(%+v) = %q, want %q", u, got, want)
		}
	}
}

package report

import (
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// threeProgrammes is an invented district with three programmes: 对口支援
// with 甲县; 山海协作 with 乙县 and 丙县; and 东西部协作 with 丁县, with labour
// cooperation only. One purchase for 丙县 came from elsewhere in its
// province.
func threeProgrammes() *yearend.Report {
	jia := events.Unit{Code: "540001", Name: "甲县", ShortName: "甲"}
	yi, bing := events.Unit{Code: "330001", Name: "乙县", ShortName: "乙"}, events.Unit{Code: "330002", Name: "丙县", ShortName: "丙"}
	ding := events.Unit{Code: "520001", Name: "丁县", ShortName: "丁"}
	p := Profiles["official"]
	p.Paragraph = ParagraphByProgramme
	jiaF := yearend.Figures{Visits: fig(2), StaffProfessional: fig(5), FiscalDisbursedFen: fig(1_200_000_000),
		ProjectsUnderWay: fig(3), ProjectsStarted: fig(1), SocialFen: fig(90_500_000), ConsumptionFen: fig(800_123_400)}
	// 乙县 99.9万 and 丙县 100.2万 of consumption: 200余万 of the total, not
	// 90余+100余; fiscal 150.1234万 and 149.8766万: 300万 in all.
	yiF := yearend.Figures{FiscalDisbursedFen: fig(150_123_400), ProjectsUnderWay: fig(1), ConsumptionFen: fig(99_900_000)}
	bingF := yearend.Figures{FiscalDisbursedFen: fig(149_876_600), ProjectsUnderWay: fig(1), ConsumptionFen: fig(100_200_000)}
	dingF := yearend.Figures{LabourPersons: fig(120), LabourPovertyPersons: fig(45)}
	msF := yearend.Figures{FiscalDisbursedFen: fig(300_000_000), ProjectsUnderWay: fig(2), ConsumptionFen: fig(200_100_000)}
	return &yearend.Report{Donor: events.Unit{Code: "X", Name: "戊区", ShortName: "戊"}, Year: 2025, Profile: p,
		Pairings: []yearend.PairingFigures{
			{PairingID: "p-jia", Partner: jia, Programme: "counterpart_support", Figures: jiaF},
			{PairingID: "p-yi", Partner: yi, Programme: "mountain_sea", Figures: yiF},
			{PairingID: "p-bing", Partner: bing, Programme: "mountain_sea", Figures: bingF},
			{PairingID: "p-ding", Partner: ding, Programme: "east_west", Figures: dingF},
		},
		Programmes: []yearend.ProgrammeFigures{
			{Programme: "counterpart_support", Partners: []events.Unit{jia}, Figures: jiaF},
			{Programme: "mountain_sea", Partners: []events.Unit{yi, bing}, Figures: msF},
			{Programme: "east_west", Partners: []events.Unit{ding}, Figures: dingF},
		},
		Totals: yearend.Figures{Visits: fig(2), StaffProfessional: fig(5), FiscalDisbursedFen: fig(1_500_000_000),
			ProjectsUnderWay: fig(5), ProjectsStarted: fig(1), SocialFen: fig(90_500_000), ConsumptionFen: fig(1_000_223_400),
			LabourPersons: fig(120), LabourPovertyPersons: fig(45)},
		Footnotes: []yearend.Footnote{{Kind: yearend.FootPartnerMismatch, PairingID: "p-bing", EventID: "p9", Detail: "330003"}},
	}
}

// The paragraph of a worked example with three programmes in both styles,
// character by character, in Chinese and English.
func TestParagraphStylesGolden(t *testing.T) {
	t.Parallel()
	r := threeProgrammes()
	byProgramme := "落实对口支援甲县财政援助资金1200万元，实施援建项目3个（其中新开工1个）。" +
		"落实山海协作结对地区乙县和丙县援建资金300万元，实施援建项目2个。" +
		"在东西部协作丁县帮助农村劳动力转移就业120人，其中脱贫人口45人。" +
		"今年以来，共动员社会力量向甲县捐款捐物90余万元，帮助采购和销售甲县农特产品800余万元，帮助采购和销售浙江省（含乙县、丙县）农特产品200余万元。"
	if got := ChineseParagraph(r); got != byProgramme {
		t.Errorf("by_programme:\n got %s\nwant %s", got, byProgramme)
	}
	byProgrammeEN := "Wu District (戊区): year-end summary of counterpart aid for 2025, covering 1 January to 31 December 2025.\n" +
		"Under Counterpart Support, with Jia County (甲县), the district disbursed CNY 12 million in fiscal aid and carried out 3 aid projects (1 started in the year).\n" +
		"Under Mountain–Sea Cooperation, with Yi County (乙县) and Bing County (丙县), the district disbursed CNY 3 million in fiscal aid and carried out 2 aid projects.\n" +
		"Under East–West Cooperation, with Ding County (丁县), the district helped 120 rural workers into jobs (45 of them people lifted out of poverty).\n" +
		"Over the year, the district mobilised more than CNY 900,000 in private donations for Jia County, helped buy and sell more than CNY 8 million " +
		"of farm products from Jia County and helped buy and sell more than CNY 2 million of farm products from Zhejiang Province (including Yi County and Bing County).\n" +
		"In all, the district made 2 exchange and research visits, sent 5 professional and technical staff, disbursed CNY 15 million in fiscal aid, " +
		"mobilised more than CNY 900,000 in private donations, helped buy and sell more than CNY 10 million of farm products from the partner areas, " +
		"carried out 5 aid projects (1 started in the year) and helped 120 rural workers into jobs (45 of them people lifted out of poverty).\n"
	if got := EnglishText(r); got != byProgrammeEN {
		t.Errorf("English by_programme:\n got %s\nwant %s", got, byProgrammeEN)
	}
	r.Profile.Lead = "2025年，戊区坚决扛起对口支援和协作的政治责任"
	if got := ChineseParagraph(r); got != "2025年，戊区坚决扛起对口支援和协作的政治责任。"+byProgramme {
		t.Errorf("with a lead-in:\n got %s", got)
	}

	r = threeProgrammes()
	r.Profile.Paragraph = ParagraphByPairing
	byPairing := "开展戊-甲区县互访调研2次，选派专业技术人才5名，完成对甲县财政帮扶1200万元、社会帮扶90余万元、采购、帮助销售当地农副产品800余万元，" +
		"实施援建项目3个（其中新开工1个）；完成对乙县财政帮扶150.12万元、采购、帮助销售当地农副产品90余万元，实施援建项目1个；" +
		"完成对丙县财政帮扶149.88万元、采购、帮助销售浙江省（含丙县）农副产品100余万元，实施援建项目1个。"
	if got := ChineseParagraph(r); got != byPairing {
		t.Errorf("by_pairing:\n got %s\nwant %s", got, byPairing)
	}
	byPairingEN := "Wu District (戊区): year-end summary of counterpart aid for 2025, covering 1 January to 31 December 2025.\n" +
		"With Jia County (甲县), under Counterpart Support, the district made 2 exchange and research visits, sent 5 professional and technical staff, " +
		"disbursed CNY 12 million in fiscal aid, mobilised more than CNY 900,000 in private donations, helped buy and sell more than CNY 8 million " +
		"of local farm products and carried out 3 aid projects (1 started in the year).\n" +
		"With Yi County (乙县), under Mountain–Sea Cooperation, the district disbursed CNY 1.5012 million in fiscal aid, helped buy and sell " +
		"more than CNY 900,000 of local farm products and carried out 1 aid project.\n" +
		"With Bing County (丙县), under Mountain–Sea Cooperation, the district disbursed CNY 1.4988 million in fiscal aid, helped buy and sell " +
		"more than CNY 1 million of farm products from Zhejiang Province (including Bing County) and carried out 1 aid project.\n" +
		"With Ding County (丁县), under East–West Cooperation, the district helped 120 rural workers into jobs (45 of them people lifted out of poverty).\n" +
		"In all, the district made 2 exchange and research visits, sent 5 professional and technical staff, disbursed CNY 15 million in fiscal aid, " +
		"mobilised more than CNY 900,000 in private donations, helped buy and sell more than CNY 10 million of farm products from the partner areas, " +
		"carried out 5 aid projects (1 started in the year) and helped 120 rural workers into jobs (45 of them people lifted out of poverty).\n"
	if got := EnglishText(r); got != byPairingEN {
		t.Errorf("English by_pairing:\n got %s\nwant %s", got, byPairingEN)
	}
}

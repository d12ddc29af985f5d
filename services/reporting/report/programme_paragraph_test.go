package report

import (
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// byProgrammeExample is the invented district of the by_programme style:
// 对口支援 with 甲县; 山海协作 with 乙县 and 丙县; and a third programme,
// 东西部协作 with 丁县, with labour cooperation only.
func byProgrammeExample() *yearend.Report {
	jia := events.Unit{Code: "540001", Name: "甲县"}
	yi, bing := events.Unit{Code: "330001", Name: "乙县"}, events.Unit{Code: "330002", Name: "丙县"}
	ding := events.Unit{Code: "520001", Name: "丁县"}
	p := Profiles["official"]
	p.Paragraph = ParagraphByProgramme
	return &yearend.Report{Donor: events.Unit{Code: "X", Name: "戊区", ShortName: "戊"}, Year: 2025, Profile: p,
		Programmes: []yearend.ProgrammeFigures{
			{Programme: "counterpart_support", Partners: []events.Unit{jia}, Figures: yearend.Figures{
				FiscalDisbursedFen: fig(1_200_000_000), ProjectsUnderWay: fig(3), ProjectsStarted: fig(1),
				SocialFen: fig(90_500_000), ConsumptionFen: fig(800_123_400)}},
			{Programme: "mountain_sea", Partners: []events.Unit{yi, bing}, Figures: yearend.Figures{
				FiscalDisbursedFen: fig(300_000_000), ProjectsUnderWay: fig(2),
				// 乙县 99.9万 and 丙县 100.2万: 200余万 of the total, not 99余+100余
				ConsumptionFen: fig(200_100_000)}},
			{Programme: "east_west", Partners: []events.Unit{ding}, Figures: yearend.Figures{
				LabourPersons: fig(120), LabourPovertyPersons: fig(45)}},
		}}
}

// The by_programme paragraph, character by character, in Chinese and
// English; the by_pairing style is untouched by the setting's absence.
func TestProgrammeParagraph(t *testing.T) {
	t.Parallel()
	r := byProgrammeExample()
	want := "落实对口支援甲县财政援助资金1200万元，实施援建项目3个（其中新开工1个）。" +
		"落实山海协作结对地区乙县和丙县援建资金300万元，实施援建项目2个。" +
		"在东西部协作丁县帮助农村劳动力转移就业120人，其中脱贫人口45人。" +
		"今年以来，共动员社会力量向甲县捐款捐物90余万元，帮助采购和销售甲县农特产品800余万元，帮助采购和销售乙县、丙县农特产品200余万元。"
	if got := ChineseParagraph(r); got != want {
		t.Errorf("by_programme:\n got %s\nwant %s", got, want)
	}
	r.Profile.Lead = "2025年,戊区坚决扛起对口支援和协作的政治责任"
	if got := ChineseParagraph(r); got != "2025年,戊区坚决扛起对口支援和协作的政治责任。"+want {
		t.Errorf("with a lead-in:\n got %s", got)
	}
	wantEN := "戊区 (X): year-end summary of counterpart aid for 2025, events dated 2025-01-01 to 2025-12-31.\n" +
		"Counterpart support with 甲县: fiscal aid disbursed CNY 12,000,000.00 (1200 × 10k yuan); social aid CNY 905,000.00 (90.5 × 10k yuan); " +
		"purchases and facilitated sales of local farm products CNY 8,001,234.00 (800.1234 × 10k yuan); 3 aid projects under way (1 started in the year).\n" +
		"Mountain–sea cooperation with 乙县 and 丙县: fiscal aid disbursed CNY 3,000,000.00 (300 × 10k yuan); " +
		"purchases and facilitated sales of local farm products CNY 2,001,000.00 (200.1 × 10k yuan); 2 aid projects under way.\n" +
		"East–West cooperation with 丁县: 120 rural workers helped into work, 45 of them lifted out of poverty.\n" +
		"Donor totals: nothing recorded.\n"
	if got := EnglishText(r); got != wantEN {
		t.Errorf("English by programme:\n got %s\nwant %s", got, wantEN)
	}
}

package report

import (
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// TestChineseParagraphWorkedExample is the worked example of docs/domain.md
// §11 with the footnotes of example_test.go: one purchase's supplier lies
// outside 乙县, in its province, so the products are not 当地.
func TestChineseParagraphWorkedExample(t *testing.T) {
	t.Parallel()
	want := "开展甲-乙区县互访调研3次，选派专业技术人才12名，完成对乙县财政帮扶260万元、社会帮扶40余万元、采购、帮助销售贵州省（含乙县）农副产品90余万元；开展甲-丙区县互访调研1次，完成对丙县财政帮扶100万元。"
	if got := ChineseParagraph(workedExample()); got != want {
		t.Errorf("ChineseParagraph:\n got %s\nwant %s", got, want)
	}
	// A zero profile means "official".
	r := workedExample()
	r.Profile = yearend.Profile{}
	if got := ChineseParagraph(r); got != want {
		t.Errorf("zero profile:\n got %s\nwant %s", got, want)
	}
}

func TestChineseParagraphClauses(t *testing.T) {
	t.Parallel()
	donor := events.Unit{Code: "320404", Name: "甲区", ShortName: "甲"}
	yi := events.Unit{Code: "522601", Name: "乙县", ShortName: "乙"}
	one := func(f yearend.Figures) *yearend.Report {
		return &yearend.Report{Donor: donor, Year: 2025, Profile: Profiles["official"],
			Pairings: []yearend.PairingFigures{{PairingID: "p", Partner: yi, Figures: f}}}
	}
	tests := []struct {
		name string
		r    *yearend.Report
		want string
	}{
		{"only social", one(yearend.Figures{SocialFen: fig(43600000)}), "完成对乙县社会帮扶40余万元。"},
		{"only consumption", one(yearend.Figures{ConsumptionFen: fig(5300000)}), "完成对乙县采购、帮助销售当地农副产品5万余元。"},
		{"fiscal and consumption", one(yearend.Figures{FiscalDisbursedFen: fig(2405400000), ConsumptionFen: fig(20000000)}),
			"完成对乙县财政帮扶2405.4万元、采购、帮助销售当地农副产品20万元。"},
		{"staff without visits names the partner", one(yearend.Figures{StaffProfessional: fig(12), FiscalDisbursedFen: fig(260000000)}),
			"向乙县选派专业技术人才12名，完成对乙县财政帮扶260万元。"},
		{"only staff", one(yearend.Figures{StaffProfessional: fig(2)}), "向乙县选派专业技术人才2名。"},
		{"cadres before professionals", one(yearend.Figures{Visits: fig(1), StaffCadre: fig(2), StaffProfessional: fig(3)}),
			"开展甲-乙区县互访调研1次，选派党政干部2名、专业技术人才3名。"},
		{"only cadres", one(yearend.Figures{Visits: fig(2), StaffCadre: fig(1)}), "开展甲-乙区县互访调研2次，选派党政干部1名。"},
		{"visits only", one(yearend.Figures{Visits: fig(5)}), "开展甲-乙区县互访调研5次。"},
		{"亿 and negative", one(yearend.Figures{FiscalDisbursedFen: fig(10500000000), SocialFen: fig(-5300000)}),
			"完成对乙县财政帮扶1.05亿元、社会帮扶-5万余元。"},
		{"counts not in the paragraph do not make a group", one(yearend.Figures{FiscalCommittedFen: fig(1), ProjectsRegistered: fig(2)}), ""},
		{"no pairings", &yearend.Report{Donor: donor, Year: 2025}, ""},
		{"projects after the money", one(yearend.Figures{FiscalDisbursedFen: fig(260000000), ProjectsUnderWay: fig(4),
			ProjectsStarted: fig(2), ProjectsContinuing: fig(2), ProjectsFinished: fig(1)}),
			"完成对乙县财政帮扶260万元，实施援建项目4个（其中新开工2个、竣工1个）。"},
		{"projects only continuing", one(yearend.Figures{Visits: fig(1), ProjectsUnderWay: fig(3), ProjectsContinuing: fig(3)}),
			"开展甲-乙区县互访调研1次，实施援建项目3个。"},
		{"projects alone name the partner", one(yearend.Figures{ProjectsUnderWay: fig(1), ProjectsFinished: fig(1)}),
			"在乙县实施援建项目1个（其中竣工1个）。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ChineseParagraph(tt.r); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	if got := ChineseParagraph(nil); got != "" {
		t.Errorf("nil report: %q", got)
	}
}

func TestChineseParagraphProfiles(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"official": "开展甲-乙区县互访调研3次，选派专业技术人才12名，完成对乙县财政帮扶260万元、社会帮扶40余万元、采购、帮助销售贵州省（含乙县）农副产品90余万元；开展甲-丙区县互访调研1次，完成对丙县财政帮扶100万元。",
		"exact":    "开展甲-乙区县互访调研3次，选派专业技术人才12名，完成对乙县财政帮扶260万元、社会帮扶43.6万元、采购、帮助销售贵州省（含乙县）农副产品90.5万元；开展甲-丙区县互访调研1次，完成对丙县财政帮扶100万元。",
		"approx":   "开展甲-乙区县互访调研3次，选派专业技术人才12名，完成对乙县财政帮扶260万元、社会帮扶约40万元、采购、帮助销售贵州省（含乙县）农副产品约90万元；开展甲-丙区县互访调研1次，完成对丙县财政帮扶100万元。",
	}
	for name, want := range tests {
		p, err := LookupProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		r := workedExample()
		r.Profile = p
		if got := ChineseParagraph(r); got != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
}

func TestShortNameFallback(t *testing.T) {
	t.Parallel()
	r := &yearend.Report{
		Donor: events.Unit{Code: "320404", Name: "甲区"},
		Pairings: []yearend.PairingFigures{{Partner: events.Unit{Code: "522601", Name: "乙县"},
			Figures: yearend.Figures{Visits: fig(1)}}},
	}
	if got, want := ChineseParagraph(r), "开展甲区-乙县区县互访调研1次。"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

package report

import (
	"strconv"
	"strings"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// Paragraph styles (yearend.Profile.Paragraph).
const (
	ParagraphByPairing   = "by_pairing"
	ParagraphByProgramme = "by_programme"
)

// programmeParagraph is the by_programme paragraph of r: one sentence per
// programme (in r.Programmes order) naming it and its partners joined by
// "和", with the programme's fiscal aid disbursed and projects under way
// (then labour cooperation, investment, parks and workshops when
// non-zero), then one closing sentence with the social and consumption
// aid of each programme's partners:
//
//	落实对口支援甲县财政援助资金1200万元，实施援建项目3个。落实山海协作结对地区乙县和丙县援建资金300万元，实施援建项目2个。
//	今年以来，共动员社会力量向甲县捐款捐物90余万元，帮助采购和销售甲县农特产品800余万元，帮助采购和销售乙县、丙县农特产品200余万元。
//
// Every amount is the programme's total, summed in fen and rendered once
// (the 余 rule applies to the total, never to rounded parts). A programme
// with nothing to say contributes no sentence; "" when no programme has.
func programmeParagraph(r *yearend.Report, p yearend.Profile) string {
	var sentences, closing []string
	for i := range r.Programmes {
		pg := &r.Programmes[i]
		if s := programmeSentence(pg, p); s != "" {
			sentences = append(sentences, s+"。")
		}
		partners := unitNames(pg.Partners, "、")
		if v := pg.SocialFen.Value; v != 0 {
			lead := "向"
			if !strings.Contains(strings.Join(closing, ""), "捐款捐物") {
				lead = "共动员社会力量向"
			}
			closing = append(closing, lead+partners+"捐款捐物"+Amount(v, p.Social))
		}
		if v := pg.ConsumptionFen.Value; v != 0 {
			origin := productOrigin(r, programmePairings(r, pg.Programme), pg.Partners, LangZH)
			if origin == "" {
				origin = partners
			}
			closing = append(closing, "帮助采购和销售"+origin+"农特产品"+Amount(v, p.Consumption))
		}
	}
	if len(closing) > 0 {
		sentences = append(sentences, "今年以来，"+strings.Join(closing, "，")+"。")
	}
	return strings.Join(sentences, "")
}

// programmeSentence is a programme's sentence without its full stop, or
// "" when it has no fiscal aid, project or office indicator to state.
func programmeSentence(pg *yearend.ProgrammeFigures, p yearend.Profile) string {
	f := &pg.Figures
	var clauses []string
	if v := f.FiscalDisbursedFen.Value; v != 0 {
		clauses = append(clauses, "落实"+programmeLead(pg)+fiscalWord(pg.Programme)+Amount(v, p.Fiscal))
	}
	if c := projectClause(f); c != "" {
		clauses = append(clauses, c)
	}
	if n := f.LabourPersons.Value; n != 0 {
		c := "帮助农村劳动力转移就业" + strconv.FormatInt(n, 10) + "人"
		if m := f.LabourPovertyPersons.Value; m != 0 {
			c += "，其中脱贫人口" + strconv.FormatInt(m, 10) + "人"
		}
		clauses = append(clauses, c)
	}
	if v := f.InvestmentFen.Value; v != 0 {
		clauses = append(clauses, "引导"+strconv.FormatInt(f.InvestmentRecords.Value, 10)+"家企业实际到位投资"+Amount(v, p.Fiscal))
	}
	if n := f.Parks.Value; n != 0 {
		clauses = append(clauses, "共建产业园区"+strconv.FormatInt(n, 10)+"个")
	}
	if n := f.Workshops.Value; n != 0 {
		clauses = append(clauses, "建设帮扶车间"+strconv.FormatInt(n, 10)+"个")
	}
	if len(clauses) == 0 {
		return ""
	}
	if !strings.HasPrefix(clauses[0], "落实") {
		clauses[0] = "在" + programmeLead(pg) + clauses[0]
	}
	return strings.Join(clauses, "，")
}

// programmeLead names a programme and its partners: "对口支援甲县",
// "山海协作结对地区乙县和丙县".
func programmeLead(pg *yearend.ProgrammeFigures) string {
	name := programmeName(pg.Programme, LangZH)
	if pg.Programme == "mountain_sea" {
		name += "结对地区"
	}
	return name + unitNames(pg.Partners, "和")
}

// fiscalWord is what a programme's fiscal aid is called: 财政援助资金 for
// the state programmes, 援建资金 for provincial pairings (山海协作 …).
func fiscalWord(programme string) string {
	switch programme {
	case "east_west", "counterpart_support", "three_gorges":
		return "财政援助资金"
	}
	return "援建资金"
}

// unitNames joins the units' full names with sep.
func unitNames(units []events.Unit, sep string) string {
	names := make([]string, len(units))
	for i, u := range units {
		names[i] = fullName(u)
	}
	return strings.Join(names, sep)
}

// programmePairings are the ids of r's pairings of programme.
func programmePairings(r *yearend.Report, programme string) []string {
	var ids []string
	for i := range r.Pairings {
		if r.Pairings[i].Programme == programme {
			ids = append(ids, r.Pairings[i].PairingID)
		}
	}
	return ids
}

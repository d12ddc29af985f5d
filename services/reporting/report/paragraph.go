package report

import (
	"strconv"
	"strings"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// ChineseParagraph renders the official-style year-end paragraph of r,
// following the template of docs/domain.md §9.6
//
//	开展{donor_short}-{partner_short}区县互访调研{n}次，选派专业技术人才{n}名，完成对{partner}财政帮扶{x}、社会帮扶{y}、采购、帮助销售当地农副产品{z}。
//
// Contract:
//   - one clause group per pairing, in r.Pairings order, joined by "；"
//     (full-width, as official Chinese text is); clauses within a group are joined by "，" (full-width
//     comma); the paragraph ends with "。";
//   - a clause is omitted when its figure is zero (a negative net figure is
//     not zero and prints with its minus sign); a pairing with no non-zero
//     figure contributes no group; a report with no group at all renders
//     as "" (callers print their own "nothing recorded" line);
//   - order: visits → staff → fiscal → social → consumption → projects;
//   - projects: "实施援建项目N个（其中新开工M个、竣工K个）" from the projects
//     under way in the year (Figures.ProjectsUnderWay), started and
//     completed in it, the bracket listing the non-zero ones; alone in a
//     group it names the partner ("在乙县实施援建项目1个");
//   - the visits clause names the pairing ("开展甲-乙区县互访调研3次"); when
//     visits are zero the group must still say which partner it is about,
//     so the staff clause then names it: "向乙县选派专业技术人才12名";
//   - staff: 专业技术人才 is Figures.StaffProfessional; cadres (党政干部,
//     StaffCadre), absent from the template, are stated before them when
//     non-zero ("选派党政干部2名、专业技术人才12名") so the paragraph does not
//     silently drop people sent; with no cadres the template is unchanged;
//   - the money clause "完成对{partner}…" lists the non-zero items among
//     财政帮扶 (FiscalDisbursedFen, style Profile.Fiscal), 社会帮扶
//     (SocialFen, Profile.Social) and 采购、帮助销售当地农副产品
//     (ConsumptionFen, Profile.Consumption), joined by "、", e.g. only
//     social: "完成对乙县社会帮扶40余万元"; when a purchase's supplier
//     lies outside the partner county the products are not 当地 but of
//     the province (productOrigin: "采购、帮助销售四川省（含白玉县）农副产品");
//   - names: {donor_short} and {partner_short} are the units' ShortName
//     (Name when empty); {partner} is the partner's full Name;
//   - styles come from r.Profile, unset parts defaulting to "official".
//
// That is the by_pairing style; r.Profile.Paragraph "by_programme" gives
// programmeParagraph's instead. Either opens with r.Profile.Lead, when
// set, as a sentence of its own.
func ChineseParagraph(r *yearend.Report) string {
	if r == nil {
		return ""
	}
	p := effectiveProfile(r)
	var body string
	if p.Paragraph == ParagraphByProgramme {
		body = programmeParagraph(r, p)
	} else {
		var groups []string
		for i := range r.Pairings {
			if g := chineseGroup(r, &r.Pairings[i], p); g != "" {
				groups = append(groups, g)
			}
		}
		if len(groups) > 0 {
			body = strings.Join(groups, "；") + "。"
		}
	}
	if body == "" || p.Lead == "" {
		return body
	}
	lead := strings.TrimSpace(p.Lead)
	if !strings.HasSuffix(lead, "。") {
		lead += "。"
	}
	return lead + body
}

// chineseGroup renders one pairing's clause group (no terminator), or ""
// when every figure in it is zero.
func chineseGroup(r *yearend.Report, pf *yearend.PairingFigures, p yearend.Profile) string {
	donor, f := r.Donor, &pf.Figures
	var clauses []string
	if n := f.Visits.Value; n != 0 {
		clauses = append(clauses, "开展"+shortName(donor)+"-"+shortName(pf.Partner)+"区县互访调研"+strconv.FormatInt(n, 10)+"次")
	}
	var staff []string
	if n := f.StaffCadre.Value; n != 0 {
		staff = append(staff, "党政干部"+strconv.FormatInt(n, 10)+"名")
	}
	if n := f.StaffProfessional.Value; n != 0 {
		staff = append(staff, "专业技术人才"+strconv.FormatInt(n, 10)+"名")
	}
	if len(staff) > 0 {
		lead := "选派"
		if len(clauses) == 0 {
			lead = "向" + fullName(pf.Partner) + "选派"
		}
		clauses = append(clauses, lead+strings.Join(staff, "、"))
	}
	var money []string
	if v := f.FiscalDisbursedFen.Value; v != 0 {
		money = append(money, "财政帮扶"+Amount(v, p.Fiscal))
	}
	if v := f.SocialFen.Value; v != 0 {
		money = append(money, "社会帮扶"+Amount(v, p.Social))
	}
	if v := f.ConsumptionFen.Value; v != 0 {
		origin := productOrigin(r, []string{pf.PairingID}, []events.Unit{pf.Partner}, LangZH)
		if origin == "" {
			origin = "当地"
		}
		money = append(money, "采购、帮助销售"+origin+"农副产品"+Amount(v, p.Consumption))
	}
	if len(money) > 0 {
		clauses = append(clauses, "完成对"+fullName(pf.Partner)+strings.Join(money, "、"))
	}
	if c := projectClause(f); c != "" {
		if len(clauses) == 0 {
			c = "在" + fullName(pf.Partner) + c
		}
		clauses = append(clauses, c)
	}
	return strings.Join(clauses, "，")
}

// projectClause is "实施援建项目N个" with, in brackets, the non-zero counts
// of projects started and completed in the year
// ("实施援建项目4个（其中新开工2个、竣工1个）"), or "" when no project was
// under way in the year.
func projectClause(f *yearend.Figures) string {
	n := f.ProjectsUnderWay.Value
	if n == 0 {
		return ""
	}
	var of []string
	if v := f.ProjectsStarted.Value; v != 0 {
		of = append(of, "新开工"+strconv.FormatInt(v, 10)+"个")
	}
	if v := f.ProjectsFinished.Value; v != 0 {
		of = append(of, "竣工"+strconv.FormatInt(v, 10)+"个")
	}
	c := "实施援建项目" + strconv.FormatInt(n, 10) + "个"
	if len(of) > 0 {
		c += "（其中" + strings.Join(of, "、") + "）"
	}
	return c
}

// shortName is u's short name, or its name when it has none.
func shortName(u events.Unit) string {
	if u.ShortName != "" {
		return u.ShortName
	}
	return fullName(u)
}

// fullName is u's name, or its code when it has none.
func fullName(u events.Unit) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Code
}

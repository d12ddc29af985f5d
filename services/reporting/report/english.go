package report

import (
	"strconv"
	"strings"

	"github.com/aidledger/aidledger/projections/yearend"
)

// EnglishText states in English the facts of ChineseParagraph, with every
// amount exact, in yuan and in 10k-yuan units
// ("CNY 2,600,000.00 (260 × 10k yuan)"), whatever the profile: the
// approximations of the Chinese text are a matter of Chinese official
// style and are not carried over.
//
// Contract: a heading line naming the donor, year and period; then one
// line per pairing that has a non-zero fact (by_programme: per programme,
// "Counterpart support with 甲县 and 乙县: …"), in r.Pairings order (visits,
// cadres, professional staff, fiscal aid disbursed, social aid,
// consumption aid, projects under way; zero facts omitted, as in Chinese); then one line with
// the donor totals (r.Totals). Lines end with "\n". The output is a pure
// function of r.
func EnglishText(r *yearend.Report) string {
	if r == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(fullName(r.Donor))
	if r.Donor.Code != "" {
		b.WriteString(" (" + r.Donor.Code + ")")
	}
	b.WriteString(": year-end summary of counterpart aid for " + strconv.Itoa(r.Year) +
		", events dated " + periodStart(r).String() + " to " + effectiveCutoff(r).String() + ".\n")
	stated := false
	if effectiveProfile(r).Paragraph == ParagraphByProgramme {
		for i := range r.Programmes {
			pg := &r.Programmes[i]
			if facts := englishFacts(&pg.Figures); len(facts) > 0 {
				stated = true
				b.WriteString(upperFirst(programmeName(pg.Programme, LangEN)) + " with " + unitNames(pg.Partners, " and ") + ": " +
					strings.Join(facts, "; ") + ".\n")
			}
		}
	}
	for i := range r.Pairings {
		pf := &r.Pairings[i]
		facts := englishFacts(&pf.Figures)
		if len(facts) == 0 || effectiveProfile(r).Paragraph == ParagraphByProgramme {
			continue
		}
		stated = true
		b.WriteString("With " + englishPartner(pf) + ": " + strings.Join(facts, "; ") + ".\n")
	}
	if !stated {
		b.WriteString("No aid was recorded for any pairing in the period.\n")
	}
	totals := englishFacts(&r.Totals)
	if len(totals) == 0 {
		totals = []string{"nothing recorded"}
	}
	b.WriteString("Donor totals: " + strings.Join(totals, "; ") + ".\n")
	return b.String()
}

// englishPartner names a pairing's partner: "乙县 (乙, 522631, East–West
// cooperation)".
func englishPartner(pf *yearend.PairingFigures) string {
	var in []string
	if pf.Partner.ShortName != "" && pf.Partner.ShortName != pf.Partner.Name {
		in = append(in, pf.Partner.ShortName)
	}
	if pf.Partner.Code != "" {
		in = append(in, pf.Partner.Code)
	}
	if pf.Programme != "" {
		in = append(in, programmeName(pf.Programme, LangEN))
	}
	s := fullName(pf.Partner)
	if len(in) > 0 {
		s += " (" + strings.Join(in, ", ") + ")"
	}
	return s
}

// englishFacts lists the non-zero facts of f in the order of the Chinese
// paragraph.
func englishFacts(f *yearend.Figures) []string {
	var facts []string
	if n := f.Visits.Value; n != 0 {
		facts = append(facts, count(n, "exchange and research visit", "exchange and research visits"))
	}
	if n := f.StaffCadre.Value; n != 0 {
		facts = append(facts, count(n, "cadre", "cadres")+" sent")
	}
	if n := f.StaffProfessional.Value; n != 0 {
		facts = append(facts, count(n, "professional and technical staff member", "professional and technical staff")+" sent")
	}
	if v := f.FiscalDisbursedFen.Value; v != 0 {
		facts = append(facts, "fiscal aid disbursed "+EnglishAmount(v))
	}
	if v := f.SocialFen.Value; v != 0 {
		facts = append(facts, "social aid "+EnglishAmount(v))
	}
	if v := f.ConsumptionFen.Value; v != 0 {
		facts = append(facts, "purchases and facilitated sales of local farm products "+EnglishAmount(v))
	}
	if n := f.ProjectsUnderWay.Value; n != 0 {
		fact := count(n, "aid project", "aid projects") + " under way"
		var of []string
		if v := f.ProjectsStarted.Value; v != 0 {
			of = append(of, strconv.FormatInt(v, 10)+" started")
		}
		if v := f.ProjectsFinished.Value; v != 0 {
			of = append(of, strconv.FormatInt(v, 10)+" completed")
		}
		if len(of) > 0 {
			fact += " (" + strings.Join(of, ", ") + " in the year)"
		}
		facts = append(facts, fact)
	}
	if n := f.LabourPersons.Value; n != 0 {
		fact := count(n, "rural worker", "rural workers") + " helped into work"
		if m := f.LabourPovertyPersons.Value; m != 0 {
			fact += ", " + strconv.FormatInt(m, 10) + " of them lifted out of poverty"
		}
		facts = append(facts, fact)
	}
	if v := f.InvestmentFen.Value; v != 0 {
		facts = append(facts, count(f.InvestmentRecords.Value, "enterprise", "enterprises")+" investing "+EnglishAmount(v))
	}
	if n := f.Parks.Value; n != 0 {
		facts = append(facts, count(n, "industrial park", "industrial parks")+" built together")
	}
	if n := f.Workshops.Value; n != 0 {
		facts = append(facts, count(n, "assistance workshop", "assistance workshops")+" set up")
	}
	return facts
}

// count renders n with the singular or plural noun.
func count(n int64, one, many string) string {
	if n == 1 || n == -1 {
		return strconv.FormatInt(n, 10) + " " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}

// EnglishAmount renders fen exactly in yuan and in 10k-yuan units:
// 260000000 → "CNY 2,600,000.00 (260 × 10k yuan)".
func EnglishAmount(fen int64) string {
	m, neg := magnitude(fen)
	return "CNY " + signed(groupThousands(fixedDecimal(m, 2)), neg) +
		" (" + WanDecimal(fen) + " × 10k yuan)"
}

// EnglishYuan renders fen exactly in yuan: "CNY 200,000.00".
func EnglishYuan(fen int64) string {
	m, neg := magnitude(fen)
	return "CNY " + signed(groupThousands(fixedDecimal(m, 2)), neg)
}

// upperFirst is s with its first letter in upper case.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

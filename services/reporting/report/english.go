package report

import (
	"strconv"
	"strings"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// EnglishText states in English, in full sentences, the facts of
// ChineseParagraph in the same style (by pairing or by programme) and
// with the same approximations (EnglishAmount).
//
// Contract:
//   - a heading sentence naming the donor, the year and the period;
//   - by_pairing: one sentence per pairing with a non-zero fact, in
//     r.Pairings order: "With Banma County (班玛县), under Counterpart
//     Support, the district made 3 exchange and research visits, sent …
//     and disbursed CNY 1.8 million in fiscal aid.";
//   - by_programme: one sentence per programme with fiscal aid, projects
//     or office indicators ("Under Counterpart Support, with … and …, the
//     district …"), then one sentence with the private donations and
//     consumption aid of each programme's partners;
//   - a closing sentence with the donor totals ("In all, the district …");
//   - places are named in pinyin with their Chinese name in parentheses
//     on first use ("Banma County (班玛县)"), in pinyin alone afterwards;
//   - facts follow the Chinese order: visits, cadres, professional staff,
//     fiscal aid, private donations (社会帮扶), consumption aid, projects,
//     labour, investment, parks, workshops; zero facts are left out.
//
// Sentences are separated by "\n"; the output ends with "\n" and is a pure
// function of r.
func EnglishText(r *yearend.Report) string {
	if r == nil {
		return ""
	}
	w := &englishWriter{r: r, p: effectiveProfile(r), seen: map[string]bool{}}
	var b strings.Builder
	b.WriteString(w.place(r.Donor) + ": year-end summary of counterpart aid for " + strconv.Itoa(r.Year) +
		", covering " + englishPeriod(r) + ".\n")
	subject := donorNoun(r.Donor)
	stated := false
	if w.p.Paragraph == ParagraphByProgramme {
		var closing []string
		for i := range r.Programmes {
			pg := &r.Programmes[i]
			partners := w.places(pg.Partners)
			if facts := w.facts(&pg.Figures, nil); len(facts) > 0 {
				stated = true
				b.WriteString("Under " + programmeName(pg.Programme, LangEN) + ", with " + partners + ", " + subject + " " +
					joinAnd(facts) + ".\n")
			}
			closing = append(closing, w.localFacts(&pg.Figures, programmePairings(r, pg.Programme), pg.Partners)...)
		}
		if len(closing) > 0 {
			stated = true
			b.WriteString("Over the year, " + subject + " " + joinAnd(closing) + ".\n")
		}
	} else {
		for i := range r.Pairings {
			pf := &r.Pairings[i]
			origin := productOrigin(r, []string{pf.PairingID}, []events.Unit{pf.Partner}, LangEN)
			facts := w.facts(&pf.Figures, &origin)
			if len(facts) == 0 {
				continue
			}
			stated = true
			lead := "With " + w.place(pf.Partner)
			if pf.Programme != "" {
				lead += ", under " + programmeName(pf.Programme, LangEN)
			}
			b.WriteString(lead + ", " + subject + " " + joinAnd(facts) + ".\n")
		}
	}
	if !stated {
		b.WriteString("No aid was recorded for any pairing in the period.\n")
	}
	partnerAreas := "the partner areas"
	if totals := w.facts(&r.Totals, &partnerAreas); len(totals) > 0 {
		b.WriteString("In all, " + subject + " " + joinAnd(totals) + ".\n")
	}
	return b.String()
}

// englishWriter names places once in full and states facts in r's
// profile.
type englishWriter struct {
	r    *yearend.Report
	p    yearend.Profile
	seen map[string]bool // places already named with their Chinese name
}

// place is u in English: "Banma County (班玛县)" the first time,
// "Banma County" after.
func (w *englishWriter) place(u events.Unit) string {
	en := englishPlace(u)
	zh := fullName(u)
	if en == zh || w.seen[zh] {
		return en
	}
	w.seen[zh] = true
	return en + " (" + zh + ")"
}

// places joins the units' places with "and".
func (w *englishWriter) places(units []events.Unit) string {
	names := make([]string, len(units))
	for i, u := range units {
		names[i] = w.place(u)
	}
	return joinAnd(names)
}

// facts are the non-zero facts of f as verb phrases in the Chinese order
// ("made 3 exchange and research visits"). With origin nil, a
// programme's, the facts of its Chinese sentence only: no visits or staff,
// and the private donations and consumption aid left to the closing
// sentence; otherwise origin says where the products came from ("" for
// local products, see productOrigin).
func (w *englishWriter) facts(f *yearend.Figures, origin *string) []string {
	var facts []string
	if origin != nil {
		facts = w.people(f)
	}
	if v := f.FiscalDisbursedFen.Value; v != 0 {
		facts = append(facts, "disbursed "+EnglishAmount(v, w.p.Fiscal)+" in fiscal aid")
	}
	if origin != nil {
		if v := f.SocialFen.Value; v != 0 {
			facts = append(facts, "mobilised "+EnglishAmount(v, w.p.Social)+" in private donations")
		}
		if v := f.ConsumptionFen.Value; v != 0 {
			from := "local farm products"
			if *origin != "" {
				from = "farm products from " + *origin
			}
			facts = append(facts, "helped buy and sell "+EnglishAmount(v, w.p.Consumption)+" of "+from)
		}
	}
	if n := f.ProjectsUnderWay.Value; n != 0 {
		fact := "carried out " + count(n, "aid project", "aid projects")
		var of []string
		if v := f.ProjectsStarted.Value; v != 0 {
			of = append(of, strconv.FormatInt(v, 10)+" started")
		}
		if v := f.ProjectsFinished.Value; v != 0 {
			of = append(of, strconv.FormatInt(v, 10)+" completed")
		}
		if len(of) > 0 {
			fact += " (" + joinAnd(of) + " in the year)"
		}
		facts = append(facts, fact)
	}
	if n := f.LabourPersons.Value; n != 0 {
		fact := "helped " + count(n, "rural worker", "rural workers") + " into jobs"
		if m := f.LabourPovertyPersons.Value; m != 0 {
			fact += " (" + strconv.FormatInt(m, 10) + " of them people lifted out of poverty)"
		}
		facts = append(facts, fact)
	}
	if v := f.InvestmentFen.Value; v != 0 {
		facts = append(facts, "brought "+count(f.InvestmentRecords.Value, "enterprise", "enterprises")+" to invest "+EnglishAmount(v, w.p.Fiscal))
	}
	if n := f.Parks.Value; n != 0 {
		facts = append(facts, "built "+count(n, "industrial park", "industrial parks")+" with its partners")
	}
	if n := f.Workshops.Value; n != 0 {
		facts = append(facts, "set up "+count(n, "assistance workshop", "assistance workshops"))
	}
	return facts
}

// people are the visits made and the staff sent of f.
func (w *englishWriter) people(f *yearend.Figures) []string {
	var facts []string
	if n := f.Visits.Value; n != 0 {
		facts = append(facts, "made "+count(n, "exchange and research visit", "exchange and research visits"))
	}
	var staff []string
	if n := f.StaffCadre.Value; n != 0 {
		staff = append(staff, count(n, "cadre", "cadres"))
	}
	if n := f.StaffProfessional.Value; n != 0 {
		staff = append(staff, count(n, "professional and technical staff member", "professional and technical staff"))
	}
	if len(staff) > 0 {
		facts = append(facts, "sent "+joinAnd(staff))
	}
	return facts
}

// localFacts are the private donations and consumption aid of a
// programme's partners, for the closing sentence of by_programme.
func (w *englishWriter) localFacts(f *yearend.Figures, pairingIDs []string, partners []events.Unit) []string {
	var facts []string
	names := w.places(partners)
	if v := f.SocialFen.Value; v != 0 {
		facts = append(facts, "mobilised "+EnglishAmount(v, w.p.Social)+" in private donations for "+names)
	}
	if v := f.ConsumptionFen.Value; v != 0 {
		from := productOrigin(w.r, pairingIDs, partners, LangEN)
		if from == "" {
			from = names
		}
		facts = append(facts, "helped buy and sell "+EnglishAmount(v, w.p.Consumption)+" of farm products from "+from)
	}
	return facts
}

// donorNoun is how the sentences call the donor: "the district" for a 区,
// "the county", "the city", else "the donor".
func donorNoun(u events.Unit) string {
	name := fullName(u)
	switch {
	case strings.HasSuffix(name, "区"):
		return "the district"
	case strings.HasSuffix(name, "县"):
		return "the county"
	case strings.HasSuffix(name, "市"):
		return "the city"
	}
	return "the donor"
}

// englishPeriod is the report's period: "1 January to 31 December 2025",
// or "… to 30 November 2025 (the statistical cut-off)".
func englishPeriod(r *yearend.Report) string {
	end := effectiveCutoff(r)
	s := "1 January to " + englishDate(end)
	if end != periodEnd(r) {
		s += " (the statistical cut-off)"
	}
	return s
}

// englishDate is d as "30 November 2025".
func englishDate(d events.Date) string {
	return d.Time().Format("2 January 2006")
}

// joinAnd joins items as English lists them: "a", "a and b", "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// count renders n with the singular or plural noun.
func count(n int64, one, many string) string {
	if n == 1 || n == -1 {
		return strconv.FormatInt(n, 10) + " " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}

// EnglishAmount renders fen as an English reader expects an amount, in
// style s as the Chinese text would (Amount): the value the style keeps
// (exact; to CNY 100 for StyleWan2; truncated for 余, rounded for 约),
// prefixed "more than" (余, when something was dropped) or "about" (约);
// from one million yuan, a whole number of hundreds of yuan is stated in
// millions ("CNY 1.8 million", "CNY 1.1728 million"), anything else in
// yuan with thousands separators and the fen only when there are any
// ("CNY 436,000", "CNY 1,172,808.50").
func EnglishAmount(fen int64, s yearend.Style) string {
	m, neg := magnitude(fen)
	v, marker := m, ""
	switch step, _, _ := truncation(m); {
	case s == yearend.StyleWan2 && m >= fenPerWan:
		v = roundHalfUp(m, fenPerWan/100)
	case s == yearend.StyleYu && step != 0 && m%step != 0:
		v, marker = m-m%step, "more than "
	case s == yearend.StyleYue && step != 0 && m%step != 0:
		v, marker = roundHalfUp(m, step), "about "
	}
	return marker + "CNY " + signed(englishNumber(v), neg)
}

// roundHalfUp is m rounded half up to a multiple of step.
func roundHalfUp(m, step uint64) uint64 {
	r := m - m%step
	if 2*(m%step) >= step {
		r += step
	}
	return r
}

// englishNumber is an amount of m fen in words an English reader expects
// (see EnglishAmount), without the currency.
func englishNumber(m uint64) string {
	const million = 100 * 1_000_000 // fen
	if m >= million && m%(fenPerWan/100) == 0 {
		return trimmedDecimal(m/100, 6) + " million"
	}
	if m%100 == 0 {
		return groupThousands(uitoa(m / 100))
	}
	return groupThousands(fixedDecimal(m, 2))
}

// upperFirst is s with its first letter in upper case.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

package report

import (
	"strconv"
	"strings"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// Footnotes renders the notes of r in lang (LangEN for English, Chinese
// otherwise), numbered from 1: "注1:…" in Chinese, "[1] …" in English.
// They follow r.Footnotes, except that the late entries of a pairing are
// one note when there are several (how many, when they were recorded,
// the money they involve); the full list stays in the JSON report and the
// XLSX's notes sheet. The numbering is the same in every format, so a
// note can be cited by number across the text, the Markdown and the XLSX.
func Footnotes(r *yearend.Report, lang string) []string {
	notes := reportNotes(r)
	if len(notes) == 0 {
		return nil
	}
	w := newNoteWriter(r)
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = footnoteNumber(i+1, lang) + w.note(n, lang)
	}
	return out
}

// noteWriter renders the notes of one report, each thing it looks up
// looked up once.
type noteWriter struct {
	r        *yearend.Report
	docs     *noteDocs            // the voucher or document number a note cites
	partners map[string][4]string // pairing id → partnerName in Chinese and English, then partnerLead
	dates    map[dayIn]string     // dateIn's
}

// dayIn is a day (days since 1970) in Chinese or English.
type dayIn struct {
	day     int64
	english bool
}

// newNoteWriter returns a noteWriter for r, nothing looked up yet.
func newNoteWriter(r *yearend.Report) *noteWriter {
	return &noteWriter{r: r, docs: newNoteDocs(r), partners: map[string][4]string{}, dates: map[dayIn]string{}}
}

// dateIn is zhDate or, in English, englishDate of d: worked out once per
// day, since a late entry's note names two or three dates.
func (w *noteWriter) dateIn(d events.Date, lang string) string {
	k := dayIn{day: d.Time().Unix() / 86400, english: lang == LangEN}
	s, ok := w.dates[k]
	if !ok {
		if s = zhDate(d); k.english {
			s = englishDate(d)
		}
		w.dates[k] = s
	}
	return s
}

// dateTextIn is dateIn of a YYYY-MM-DD string, or s itself when it is not
// one.
func (w *noteWriter) dateTextIn(s, lang string) string {
	d, err := events.ParseDate(s)
	if err != nil {
		return s
	}
	return w.dateIn(d, lang)
}

// partnerName is footnotePartner, or in English englishFootnotePartner,
// of pairing id: worked out once per pairing, since a report may have a
// note for each of hundreds of thousands of late entries.
func (w *noteWriter) partnerName(id, lang string) string {
	if lang == LangEN {
		return w.partnerNames(id)[1]
	}
	return w.partnerNames(id)[0]
}

// partnerLead is partnerName followed by a colon, as a footnote begins.
func (w *noteWriter) partnerLead(id, lang string) string {
	if lang == LangEN {
		return w.partnerNames(id)[3]
	}
	return w.partnerNames(id)[2]
}

func (w *noteWriter) partnerNames(id string) [4]string {
	names, ok := w.partners[id]
	if !ok {
		zh, en := footnotePartner(w.r, id), englishFootnotePartner(w.r, id)
		names = [4]string{zh, en, zh + "：", en + ": "}
		w.partners[id] = names
	}
	return names
}

// note is one numbered note of a report: a footnote of r.Footnotes, or
// the late entries of one pairing (late holds them: two or more).
type note struct {
	yearend.Footnote
	late []*yearend.Footnote // into r.Footnotes
}

// reportNotes are the notes of r in order: its footnotes, the late
// entries of each pairing that has several gathered into one note where
// the first of them stands.
func reportNotes(r *yearend.Report) []note {
	if r == nil {
		return nil
	}
	late := map[string][]*yearend.Footnote{}
	for i := range r.Footnotes {
		if f := &r.Footnotes[i]; f.Kind == yearend.FootLateEntry {
			late[f.PairingID] = append(late[f.PairingID], f)
		}
	}
	var out []note
	for _, f := range r.Footnotes {
		switch fs := late[f.PairingID]; {
		case f.Kind != yearend.FootLateEntry || len(fs) == 1:
			out = append(out, note{Footnote: f})
		case fs != nil:
			out = append(out, note{Footnote: f, late: fs})
			delete(late, f.PairingID) // the pairing's later ones are in this note
		}
	}
	return out
}

// note renders n in lang, without its number.
func (w *noteWriter) note(n note, lang string) string {
	r := w.r
	if n.late == nil {
		return w.footnote(n.Footnote, lang)
	}
	partner := w.partnerName(n.PairingID, lang)
	first, last := n.late[0].Detail, n.late[0].Detail
	var money int64
	anyMoney := false
	for _, f := range n.late {
		first, last = min(first, f.Detail), max(last, f.Detail) // recording dates, YYYY-MM-DD
		if isMoney(*f) {
			money, anyMoney = money+f.AmountFen, true
		}
	}
	if lang == LangEN {
		s := partner + ": " + strconv.Itoa(len(n.late)) + " entries dated on or before the cut-off, " + englishDate(effectiveCutoff(r)) +
			", were recorded after it (" + span(w.dateTextIn(first, LangEN), w.dateTextIn(last, LangEN), " to ") + ")"
		if anyMoney {
			s += ", amount involved " + EnglishAmount(money, yearend.StyleExact)
		}
		return s + "; they are included in these figures (each is listed in the JSON report and the XLSX notes)."
	}
	s := partner + "：" + strconv.Itoa(len(n.late)) + "条记录于统计截止日" + zhDate(effectiveCutoff(r)) + "后补录（登记于" +
		span(w.dateTextIn(first, LangZH), w.dateTextIn(last, LangZH), "至") + "）"
	if anyMoney {
		s += "，涉及金额" + Amount(money, yearend.StyleExact)
	}
	return s + "，已计入本报告数据（逐条见JSON报告及XLSX附注表）。"
}

// span is "a" when a == b, else "a<sep>b".
func span(a, b, sep string) string {
	if a == b {
		return a
	}
	return a + sep + b
}

// isMoney reports whether f's amount is money (a figure in fen), not a
// count; a footnote without its figure (made before footnotes named it)
// is taken as money.
func isMoney(f yearend.Footnote) bool { return f.Figure == "" || isMoneyFigure(f.Figure) }

// footnoteNumber is the label of footnote n.
func footnoteNumber(n int, lang string) string {
	if lang == LangEN {
		return "[" + strconv.Itoa(n) + "] "
	}
	return "注" + strconv.Itoa(n) + "："
}

// FootnoteText renders footnote f of r in lang, without its number.
//
// Every kind names the pairing's partner (looked up in r.Pairings by
// f.PairingID; the id itself when absent), the date (2025年6月30日 in
// Chinese), "the amount involved" (f.AmountFen, exact; left out when zero
// or when f.Figure is a count — a late visit carries no money) and the
// voucher or document number of the event as its line item carries it
// (the event id itself is in the JSON report and the XLSX's notes
// sheet). Chinese uses full-width punctuation. The kind-specific Detail is rendered as:
//
//   - over_commitment: "<justification> / <approved by>" (the yearend read
//     model's form), rendered as the two parts; any other Detail is
//     quoted as "justification and approver";
//   - cross_year_reversal: "<reason> <original's business date>" as the
//     yearend read model writes it ("entry_error 2024-12-20"); Date is the
//     reversal's own date. An entry_error reversal is said to count in the
//     original's fiscal year, a funds_returned one in its own; any other
//     Detail is quoted as it is;
//   - late_entry: the recording date (the cut-off is r's);
//   - partner_mismatch: the supplier's county;
//   - in_kind_valuation: the valuation basis.
//
// An unknown kind is rendered generically with its kind string, so a new
// flag is never dropped from a published report.
func FootnoteText(r *yearend.Report, f yearend.Footnote, lang string) string {
	return newNoteWriter(r).footnote(f, lang)
}

// footnote is FootnoteText.
func (w *noteWriter) footnote(f yearend.Footnote, lang string) string {
	partner, lead := w.partnerName(f.PairingID, lang), w.partnerLead(f.PairingID, lang)
	if lang == LangEN {
		return w.english(f, partner, lead)
	}
	return w.chinese(f, partner, lead)
}

// chinese is lead followed by the kind-specific Chinese sentence, in full-width
// punctuation, dates as 2025年6月30日, citing the amount involved and the
// voucher or document number users know (the event id is in the JSON
// report and the XLSX's notes sheet).
func (w *noteWriter) chinese(f yearend.Footnote, partner, lead string) string {
	r := w.r
	date := "日期未记录"
	if !f.Date.IsZero() {
		date = w.dateIn(f.Date, LangZH)
	}
	var refs [2]string
	n := 0
	if f.AmountFen != 0 && isMoney(f) {
		refs[n], n = "涉及金额"+Amount(f.AmountFen, yearend.StyleExact), n+1
	}
	if doc := w.docs.of(&f); doc != "" {
		refs[n], n = "凭证号/文号"+doc, n+1
	}
	ref := ""
	if n > 0 {
		ref = "（" + strings.Join(refs[:n], "，") + "）"
	}
	detail := detailOr(f.Detail, "未说明")
	switch f.Kind {
	case yearend.FootOverCommitment:
		if why, who, ok := overCommitmentDetail(f.Detail); ok {
			return lead + date + "拨付资金超出资金计划" + ref + "，超计划理由：" + why + "，审批人：" + who + "。"
		}
		return lead + date + "拨付资金超出资金计划" + ref + "，超计划理由及审批：" + detail + "。"
	case yearend.FootCrossYear:
		reason, original, ok := crossYearDetail(f.Detail)
		switch {
		case ok && reason == string(events.ReasonEntryError):
			return lead + date + "的差错冲正" + ref + "冲销业务日期为" + w.dateIn(original, LangZH) +
				"的原记录，按规则计入原记录所属的" + strconv.Itoa(original.Year()) + "年度。"
		case ok && reason == string(events.ReasonFundsReturned):
			return lead + date + "的资金退回" + ref + "对应业务日期为" + w.dateIn(original, LangZH) +
				"的原拨付，按规则计入退回当年（" + strconv.Itoa(f.Date.Year()) + "年度）。"
		}
		return lead + date + "的冲正/资金退回" + ref + "涉及其他年度的原记录（" + detail + "），资金在年度之间发生转移。"
	case yearend.FootLateEntry:
		return lead + "业务日期为" + date + "的记录" + ref + "于" + w.dateTextIn(detail, LangZH) + "登记，晚于统计截止日" +
			w.dateIn(effectiveCutoff(r), LangZH) + "，已计入本报告数据。"
	case yearend.FootPartnerMismatch:
		return lead + date + "的采购" + ref + "供应商所在县（" + detail + "）与结对县" + partner + "不一致。"
	case yearend.FootInKindValuation:
		return lead + date + "接受捐物并折价计入社会帮扶" + ref + "，估值依据：" + detail + "。"
	default:
		return lead + string(f.Kind) + "（" + date + "）" + ref + "：" + detail + "。"
	}
}

// zhDate is d as official Chinese text writes it: 2025年6月30日.
func zhDate(d events.Date) string {
	t := d.Time()
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}

// english is lead followed by the kind-specific English sentence.
func (w *noteWriter) english(f yearend.Footnote, partner, lead string) string {
	r := w.r
	date := "an unrecorded date"
	if !f.Date.IsZero() {
		date = w.dateIn(f.Date, LangEN)
	}
	var refs [2]string
	n := 0
	if f.AmountFen != 0 && isMoney(f) {
		refs[n], n = "amount involved "+EnglishAmount(f.AmountFen, yearend.StyleExact), n+1
	}
	if doc := w.docs.of(&f); doc != "" {
		refs[n], n = "voucher/document no. "+doc, n+1
	}
	ref := ""
	if n > 0 {
		ref = " (" + strings.Join(refs[:n], ", ") + ")"
	}
	detail := detailOr(f.Detail, "not stated")
	switch f.Kind {
	case yearend.FootOverCommitment:
		if why, who, ok := overCommitmentDetail(f.Detail); ok {
			return lead + "a disbursement on " + date + " exceeded its commitment" + ref +
				"; justification: " + why + "; approved by " + who + "."
		}
		return lead + "a disbursement on " + date + " exceeded its commitment" + ref +
			"; justification and approver: " + detail + "."
	case yearend.FootCrossYear:
		reason, original, ok := crossYearDetail(f.Detail)
		switch {
		case ok && reason == string(events.ReasonEntryError):
			return lead + "the entry-error reversal dated " + date + ref + " cancels an entry dated " +
				w.dateIn(original, LangEN) + "; by rule it counts in the original's fiscal year " + strconv.Itoa(original.Year()) + "."
		case ok && reason == string(events.ReasonFundsReturned):
			return lead + "the return of funds dated " + date + ref + " relates to a disbursement dated " +
				w.dateIn(original, LangEN) + "; by rule it counts in its own fiscal year " + strconv.Itoa(f.Date.Year()) + "."
		}
		return lead + "the reversal dated " + date + ref + " concerns an entry of another fiscal year (" +
			detail + "), so it moves money between fiscal years."
	case yearend.FootLateEntry:
		return lead + "the entry dated " + date + ref + " was recorded on " + w.dateTextIn(detail, LangEN) +
			", after the cut-off, " + w.dateIn(effectiveCutoff(r), LangEN) + "; it is included in these figures."
	case yearend.FootPartnerMismatch:
		return lead + "the purchase on " + date + ref + " has its supplier in county " + detail +
			", not in the partner " + partner + "."
	case yearend.FootInKindValuation:
		return lead + "an in-kind donation on " + date + " is counted in social aid at its valuation" + ref +
			"; valuation basis: " + detail + "."
	default:
		return lead + string(f.Kind) + " on " + date + ref + ": " + detail + "."
	}
}

// overCommitmentDetail splits the Detail of an over-commitment footnote,
// "<justification> / <approved by>", at its last " / "; ok is false when
// either part is missing.
func overCommitmentDetail(detail string) (why, who string, ok bool) {
	i := strings.LastIndex(detail, " / ")
	if i < 0 {
		return "", "", false
	}
	why, who = strings.TrimSpace(detail[:i]), strings.TrimSpace(detail[i+3:])
	return why, who, why != "" && who != ""
}

// crossYearDetail parses the Detail of a cross-year reversal footnote,
// "<reason> <YYYY-MM-DD>"; ok is false for anything else.
func crossYearDetail(detail string) (reason string, original events.Date, ok bool) {
	reason, day, found := strings.Cut(strings.TrimSpace(detail), " ")
	if !found {
		return "", events.Date{}, false
	}
	original, err := events.ParseDate(strings.TrimSpace(day))
	if err != nil {
		return "", events.Date{}, false
	}
	return reason, original, true
}

// footnotePartner names the partner of pairing id, or the id when the
// report has no such pairing.
func footnotePartner(r *yearend.Report, id string) string {
	for i := range r.Pairings {
		if r.Pairings[i].PairingID == id {
			return fullName(r.Pairings[i].Partner)
		}
	}
	if id == "" {
		return fullName(r.Donor)
	}
	return id
}

// englishFootnotePartner names the partner of pairing id in English,
// "Yi County (乙县)", or is the id when the report has no such pairing.
func englishFootnotePartner(r *yearend.Report, id string) string {
	for i := range r.Pairings {
		if r.Pairings[i].PairingID == id {
			u := r.Pairings[i].Partner
			if en := englishPlace(u); en != fullName(u) {
				return en + " (" + fullName(u) + ")"
			}
			return fullName(u)
		}
	}
	return footnotePartner(r, id)
}

// detailOr is s trimmed, or alt when empty.
func detailOr(s, alt string) string {
	if s = strings.TrimSpace(s); s == "" {
		return alt
	}
	return s
}

// footnoteKindNames name the footnote kinds.
var footnoteKindNames = map[yearend.FootnoteKind][2]string{
	yearend.FootOverCommitment:  {"超计划拨付", "over-commitment"},
	yearend.FootCrossYear:       {"跨年度冲正/退回", "cross-year reversal"},
	yearend.FootLateEntry:       {"截止日后补录", "late entry"},
	yearend.FootPartnerMismatch: {"供应商非结对地区", "partner mismatch"},
	yearend.FootInKindValuation: {"捐物估值", "in-kind valuation"},
}

// footnoteKindName names kind k in lang, or is k itself when unknown.
func footnoteKindName(k yearend.FootnoteKind, lang string) string {
	return named(footnoteKindNames, k, lang, string(k))
}

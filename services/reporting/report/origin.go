package report

import (
	"slices"
	"strings"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// productOrigin says where the products of a consumption figure come
// from, for the paragraph: partners are the pairings' partner counties,
// pairingIDs the pairings. When no purchase of theirs has a supplier
// outside its partner county (no partner_mismatch footnote), the
// products are local: "" (the caller writes 当地 or the partners' names).
// Otherwise they are named by province with the partners in brackets,
// "四川省（含白玉县）" / "Sichuan Province (including Baiyu County)", when
// every supplier and partner lies in one province, and as the partners
// "and other places" when not (a supplier in another province, or a
// code that names none).
func productOrigin(r *yearend.Report, pairingIDs []string, partners []events.Unit, lang string) string {
	var suppliers []string
	for _, f := range r.Footnotes {
		if f.Kind == yearend.FootPartnerMismatch && slices.Contains(pairingIDs, f.PairingID) {
			suppliers = append(suppliers, strings.TrimSpace(f.Detail))
		}
	}
	if len(suppliers) == 0 {
		return ""
	}
	names := make([]string, len(partners))
	for i, u := range partners {
		names[i] = fullName(u)
		if lang == LangEN {
			names[i] = englishPlace(u)
		}
	}
	prov := ""
	if len(partners) > 0 {
		prov = province(partners[0].Code, lang)
	}
	for _, code := range suppliers {
		if prov != "" && province(code, lang) != prov {
			prov = ""
		}
	}
	for _, u := range partners {
		if prov != "" && province(u.Code, lang) != prov {
			prov = ""
		}
	}
	if lang == LangEN {
		if prov == "" {
			return joinAnd(names) + " and other places"
		}
		return prov + " (including " + joinAnd(names) + ")"
	}
	if prov == "" {
		return strings.Join(names, "、") + "及其他地区"
	}
	return prov + "（含" + strings.Join(names, "、") + "）"
}

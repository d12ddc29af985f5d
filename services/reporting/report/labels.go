package report

import "github.com/aidledger/aidledger/projections/yearend"

// Language codes accepted by the renderers. Every exported function that
// takes a language renders English for LangEN and Chinese otherwise;
// Render alone rejects unknown codes.
const (
	LangZH = "zh"
	LangEN = "en"
)

// programmeNames are the Chinese and English names of the programmes
// (events.Programme values).
var programmeNames = map[string][2]string{
	"east_west":           {"东西部协作", "East–West cooperation"},
	"counterpart_support": {"对口支援", "counterpart support"},
	"mountain_sea":        {"山海协作", "mountain–sea cooperation"},
	"three_gorges":        {"三峡库区", "Three Gorges reservoir area"},
	"intra_province":      {"省内协作", "intra-provincial cooperation"},
}

// programmeName is the name of programme p in lang, or p itself when the
// programme is unknown.
func programmeName(p, lang string) string {
	n, ok := programmeNames[p]
	if !ok {
		return p
	}
	if lang == LangEN {
		return n[1]
	}
	return n[0]
}

// styleNames are how the provenance names a Style.
var styleNames = map[yearend.Style][2]string{
	yearend.StyleExact: {"精确", "exact"},
	yearend.StyleYu:    {"余(只舍不入)", "“more than” (truncated)"},
	yearend.StyleYue:   {"约(四舍五入)", "“about” (rounded half up)"},
}

// styleName is the name of s in lang, or s itself when unknown.
func styleName(s yearend.Style, lang string) string {
	n, ok := styleNames[s]
	if !ok {
		return string(s)
	}
	if lang == LangEN {
		return n[1]
	}
	return n[0]
}

package report

import (
	"cmp"
	"errors"
	"fmt"
	"github.com/aidledger/aidledger/projections/yearend"
	"slices"
	"strings"
)

// ErrUnknownProfile is returned (wrapped) by LookupProfile for a name that
// is not in Profiles.
var ErrUnknownProfile = errors.New("report: unknown rounding profile")

// DefaultProfileName is the profile used when none is named: the official
// style of year-end summaries.
const DefaultProfileName = "official"

// Profiles are the known rounding profiles, by name:
//
//   - official: fiscal aid to 0.01万元 (StyleWan2: official documents state
//     it with at most two decimals of 万元), social and consumption aid 余
//     (the default of docs/domain.md §9.7 and the style of published
//     summaries);
//   - exact: every amount exact;
//   - approx: fiscal aid to 0.01万元, social and consumption aid 约.
//
// Fiscal aid is never approximated beyond 0.01万元 in a profile offered
// here (docs/domain.md §9.7); the tables and files always carry it exactly.
var Profiles = map[string]yearend.Profile{
	"official": {Name: "official", Fiscal: yearend.StyleWan2, Social: yearend.StyleYu, Consumption: yearend.StyleYu},
	"exact":    {Name: "exact", Fiscal: yearend.StyleExact, Social: yearend.StyleExact, Consumption: yearend.StyleExact},
	"approx":   {Name: "approx", Fiscal: yearend.StyleWan2, Social: yearend.StyleYue, Consumption: yearend.StyleYue},
}

// LookupProfile returns the profile called name; "" means
// DefaultProfileName. An unknown name yields an error wrapping
// ErrUnknownProfile that lists the known names.
func LookupProfile(name string) (yearend.Profile, error) {
	if name == "" {
		name = DefaultProfileName
	}
	p, ok := Profiles[name]
	if !ok {
		names := make([]string, 0, len(Profiles))
		for n := range Profiles {
			names = append(names, n)
		}
		slices.Sort(names)
		return yearend.Profile{}, fmt.Errorf("%w %q (known: %s)", ErrUnknownProfile, name, strings.Join(names, ", "))
	}
	return p, nil
}

// effectiveProfile is r's profile with every unset part taken from the
// official profile, so that a Report whose Profile was left zero renders
// in the default style and says so in its provenance; the paragraph's
// style and lead-in, when unset, are the donor's (r.DonorStyle), the style
// by_pairing when the donor set none.
func effectiveProfile(r *yearend.Report) yearend.Profile {
	p := r.Profile
	if p.Paragraph == "" {
		p.Paragraph = cmp.Or(r.DonorStyle.Paragraph, ParagraphByPairing)
	}
	if p.Lead == "" {
		p.Lead = r.DonorStyle.Lead
	}
	def := Profiles[DefaultProfileName]
	if p.Name == "" {
		p.Name = def.Name
	}
	if p.Fiscal == "" {
		p.Fiscal = def.Fiscal
	}
	if p.Social == "" {
		p.Social = def.Social
	}
	if p.Consumption == "" {
		p.Consumption = def.Consumption
	}
	return p
}

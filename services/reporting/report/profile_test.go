package report

import (
	"errors"
	"github.com/aidledger/aidledger/projections/yearend"
	"testing"
)

func TestLookupProfile(t *testing.T) {
	t.Parallel()
	p, err := LookupProfile("")
	if err != nil || p != Profiles["official"] {
		t.Fatalf(`LookupProfile("") = %+v, %v`, p, err)
	}
	if p.Fiscal != yearend.StyleWan2 || p.Social != yearend.StyleYu || p.Consumption != yearend.StyleYu {
		t.Errorf("official profile = %+v", p)
	}
	for name, p := range Profiles {
		if p.Name != name || !p.Fiscal.Valid() || !p.Social.Valid() || !p.Consumption.Valid() {
			t.Errorf("profile %q = %+v", name, p)
		}
		if p.Fiscal != yearend.StyleExact && p.Fiscal != yearend.StyleWan2 {
			t.Errorf("profile %q: fiscal aid must print exactly or to 0.01万元", name)
		}
	}
	if _, err := LookupProfile("rounded"); !errors.Is(err, ErrUnknownProfile) {
		t.Errorf("unknown profile: %v", err)
	}
}

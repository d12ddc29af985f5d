package report

import (
	"slices"
	"strings"
	"testing"

	"github.com/aidledger/aidledger/events"
)

// TestEveryColumnIsPrinted: every column of the summary table is in one
// of the printed tables, no printed table names a column that does not
// exist, and none has more than eleven figures (what fits A4 at ≥ 9 pt).
func TestEveryColumnIsPrinted(t *testing.T) {
	t.Parallel()
	all := slices.Concat(append([][]column{columns}, optionalColumns...)...)
	printed := map[string]bool{}
	for _, d := range sectionDefs {
		if len(d.keys) > 11 {
			t.Errorf("%s has %d figures, more than fit a page", d.zh, len(d.keys))
		}
		for _, k := range d.keys {
			if !slices.ContainsFunc(all, func(c column) bool { return c.key == k }) {
				t.Errorf("%s names %q, which is no column", d.zh, k)
			}
			printed[k] = true
		}
	}
	for _, c := range all {
		if !printed[c.key] {
			t.Errorf("%s is in no printed table", c.zh)
		}
	}
	for _, s := range Sections(everyFamily(), LangEN) {
		if len(s.Name) > 31 {
			t.Errorf("%q is too long for a sheet name", s.Name)
		}
	}
}

// TestEveryEventTypeHasAName: the line items and notes name every event
// type of the catalogue in both languages.
func TestEveryEventTypeHasAName(t *testing.T) {
	t.Parallel()
	for _, typ := range events.Types() {
		if !strings.HasPrefix(typ, "aid.") {
			continue
		}
		if eventTypeName(typ, LangZH) == typ || eventTypeName(typ, LangEN) == typ {
			t.Errorf("%s has no name", typ)
		}
	}
}

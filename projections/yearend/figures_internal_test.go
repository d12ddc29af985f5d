package yearend

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestFiguresCoverReport ties the figure names to Figures: every
// Figure field is a base or a derived figure under its json name, and
// figureField finds exactly that field (the projects continuing from
// earlier years, counted on read, are the one exception), so a field
// added to the contract
// without a rule here fails.
func TestFiguresCoverReport(t *testing.T) {
	t.Parallel()
	var f Figures
	v := reflect.ValueOf(&f).Elem()
	seen := map[string]bool{}
	for i := range v.NumField() {
		field := v.Type().Field(i)
		if field.Type != reflect.TypeFor[Figure]() {
			continue
		}
		name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		seen[name] = true
		_, derived := derivedFigures[name]
		if !slices.Contains(baseFigures[:], name) && !derived && name != FigProjectsContinuing {
			t.Errorf("Figures.%s (%q) is neither a base nor a derived figure", field.Name, name)
		}
		if p := figureField(&f, name); p != v.Field(i).Addr().Interface().(*Figure) {
			t.Errorf("figureField(%q) is not Figures.%s", name, field.Name)
		}
	}
	for _, name := range append(baseFigures[:], FigStaffProfessional, FigSocialFen, FigConsumptionFen) {
		if !seen[name] {
			t.Errorf("figure %q is not a field of Figures", name)
		}
	}
	for name, parts := range derivedFigures {
		for _, p := range parts {
			if _, ok := baseIndex[p]; !ok && !slices.Contains(earlierFigures[:], p) {
				t.Errorf("derived %s sums %s, not a base figure", name, p)
			}
		}
	}
}

func TestBasisPoints(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ num, den, want int64 }{
		{260, 280, 9286}, {360, 380, 9474}, {1, 1, 10000}, {0, 5, 0}, {5, 0, 0}, {5, -1, 0},
		{1, 20000, 1},   // 0.5 bp rounds half up
		{1, 20001, 0},   // just under half
		{-1, 20000, -1}, // half away from zero
		{115, 100, 11500},
		{1 << 62, 1, 1<<63 - 1}, // clamped
		{9_000_000_000_000_000, 9_000_000_000_000_000, 10000},
	} {
		if got := basisPoints(c.num, c.den); got != c.want {
			t.Errorf("basisPoints(%d, %d) = %d, want %d", c.num, c.den, got, c.want)
		}
	}
}

// TestMigrationFigures: the figure CHECK of the contributions table, as
// the last migration that sets it leaves it, names exactly the base
// figures.
func TestMigrationFigures(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(New().Migrations(), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var sql string
	for _, name := range names {
		b, err := fs.ReadFile(New().Migrations(), name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "figure IN (") {
			sql = string(b)
		}
	}
	for _, name := range baseFigures {
		if !strings.Contains(sql, "'"+name+"'") {
			t.Errorf("the migration does not allow figure %q", name)
		}
	}
	for name := range derivedFigures {
		if strings.Contains(sql, "'"+name+"'") {
			t.Errorf("the migration allows derived figure %q, which is never stored", name)
		}
	}
}

// TestSortRuns: sortRuns sorts any list as slices.Sort does: sorted ones,
// a few runs one after another, many short runs (past maxRuns), and
// random ones, with repeats.
func TestSortRuns(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	id := func() string { return fmt.Sprintf("%06d", r.IntN(5000)) }
	for n := range 2000 {
		var ids []string
		runs, size := 1+n%7, r.IntN(60)
		if n%5 == 0 {
			runs, size = maxRuns+r.IntN(100), 1+r.IntN(3)
		}
		for range runs {
			run := make([]string, r.IntN(size+1))
			for i := range run {
				run[i] = id()
			}
			if n%3 != 0 {
				slices.Sort(run)
			}
			ids = append(ids, run...)
		}
		want := slices.Sorted(slices.Values(ids))
		if got := sortRuns(slices.Clone(ids)); !slices.Equal(got, want) {
			t.Fatalf("sortRuns(%q) = %q, want %q", ids, got, want)
		}
	}
}

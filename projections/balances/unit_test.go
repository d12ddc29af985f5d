package balances

import (
	"math"
	"testing"
	"time"
)

func TestNewRate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		num, den int64
		bp       int64
		pct      string
	}{
		{200, 420, 4762, "47.62"},
		{2, 3, 6667, "66.67"},
		{-1, 3, -3333, "-33.33"},
		{1, 20000, 1, "0.01"}, // exactly half a basis point rounds away from zero
		{-1, 20000, -1, "-0.01"},
		{1, 20001, 0, "0.00"},
		{-1, 20001, 0, "0.00"},
		{12, 10, 12000, "120.00"},
		{0, 5, 0, "0.00"},
		{math.MaxInt64, math.MaxInt64, 10000, "100.00"}, // no overflow
		{math.MaxInt64, 1, math.MaxInt64, "92233720368547758.07"},
	} {
		r := NewRate(c.num, c.den)
		if r == nil || r.BasisPoints != c.bp || r.Percent != c.pct || r.Numerator != c.num || r.Denominator != c.den {
			t.Errorf("NewRate(%d, %d) = %+v, want %d bp %q", c.num, c.den, r, c.bp, c.pct)
		}
	}
	if r := NewRate(5, 0); r != nil {
		t.Errorf("NewRate(5, 0) = %+v, want nil", r)
	}
	if r := NewRate(5, -1); r != nil {
		t.Errorf("NewRate(5, -1) = %+v, want nil", r)
	}
}

func TestTenths(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n, d int64
		want string
	}{{580, 30, "19.3"}, {15, 30, "0.5"}, {1, 60, "0.0"}, {3, 60, "0.1"}, {0, 30, "0.0"}, {196, 30, "6.5"}, {30, 30, "1.0"}} {
		if got := tenths(c.n, c.d); got != c.want {
			t.Errorf("tenths(%d, %d) = %q, want %q", c.n, c.d, got, c.want)
		}
	}
}

func TestSplitDays(t *testing.T) {
	t.Parallel()
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		from, to string
		want     map[int]int64
	}{
		{"2023-07-01", "2024-06-30", map[int]int64{2023: 184, 2024: 182}},
		{"2024-01-01", "2024-12-31", map[int]int64{2024: 366}},
		{"2024-05-05", "2024-05-05", map[int]int64{2024: 1}},
		{"2022-12-31", "2025-01-01", map[int]int64{2022: 1, 2023: 365, 2024: 366, 2025: 1}},
		{"2024-05-05", "2024-05-04", map[int]int64{}},
	} {
		got := map[int]int64{}
		splitDays(d(c.from), d(c.to), func(y int, n int64) { got[y] += n })
		if len(got) != len(c.want) {
			t.Errorf("splitDays(%s, %s) = %v, want %v", c.from, c.to, got, c.want)
			continue
		}
		for y, n := range c.want {
			if got[y] != n {
				t.Errorf("splitDays(%s, %s) = %v, want %v", c.from, c.to, got, c.want)
			}
		}
	}
	// Running with neither end nor planned end: to 31 December.
	s := &secondment{startDate: d("2024-10-01")}
	if got := s.countedUntil(); !got.Equal(d("2024-12-31")) {
		t.Errorf("countedUntil without ends = %s", got)
	}
	s.plannedEndDate = d("2025-03-31")
	if got := s.countedUntil(); !got.Equal(d("2025-03-31")) {
		t.Errorf("countedUntil with a planned end = %s", got)
	}
	s.endDate = d("2025-01-15")
	if got := s.countedUntil(); !got.Equal(d("2025-01-15")) {
		t.Errorf("countedUntil with an end = %s", got)
	}
}

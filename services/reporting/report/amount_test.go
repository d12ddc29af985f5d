package report

import (
	"github.com/aidledger/aidledger/projections/yearend"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestAmountDesignVectors(t *testing.T) {
	t.Parallel()
	// docs/domain.md §9.7: the reference values.
	tests := []struct {
		fen  int64
		s    yearend.Style
		want string
	}{
		{300000000, yearend.StyleExact, "300万元"},
		{2405400000, yearend.StyleExact, "2405.4万元"},
		{23648000, yearend.StyleYu, "20余万元"},
		{20000000, yearend.StyleYu, "20万元"},
		{5300000, yearend.StyleYu, "5万余元"},
		{123400000, yearend.StyleYu, "120余万元"},
		{1234500000, yearend.StyleYu, "1200余万元"},
	}
	for _, tt := range tests {
		if got := Amount(tt.fen, tt.s); got != tt.want {
			t.Errorf("Amount(%d, %s) = %q, want %q", tt.fen, tt.s, got, tt.want)
		}
	}
}

func TestAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fen  int64
		s    yearend.Style
		want string
	}{
		// Exact.
		{0, yearend.StyleExact, "0元"},
		{1, yearend.StyleExact, "0.01元"},
		{10, yearend.StyleExact, "0.1元"},
		{100, yearend.StyleExact, "1元"},
		{123456, yearend.StyleExact, "1234.56元"},
		{500000, yearend.StyleExact, "5000元"},
		{999999, yearend.StyleExact, "9999.99元"},
		{1000000, yearend.StyleExact, "1万元"},
		{1000001, yearend.StyleExact, "1.000001万元"},
		{9990000, yearend.StyleExact, "9.99万元"},
		{10000000, yearend.StyleExact, "10万元"},
		{30000000, yearend.StyleExact, "30万元"},
		{43600000, yearend.StyleExact, "43.6万元"},
		{99990000, yearend.StyleExact, "99.99万元"},
		{100000000, yearend.StyleExact, "100万元"},
		{999900000, yearend.StyleExact, "999.9万元"},
		{9999999999, yearend.StyleExact, "9999.999999万元"},
		{10000000000, yearend.StyleExact, "1亿元"},
		{10500000000, yearend.StyleExact, "1.05亿元"},
		{236000000000, yearend.StyleExact, "23.6亿元"},
		{-20000000, yearend.StyleExact, "-20万元"},
		{-1, yearend.StyleExact, "-0.01元"},
		{math.MaxInt64, yearend.StyleExact, "922337203.6854775807亿元"},
		{math.MinInt64, yearend.StyleExact, "-922337203.6854775808亿元"},

		// 余: truncate, never round up.
		{0, yearend.StyleYu, "0元"},
		{1, yearend.StyleYu, "0.01元"},
		{37, yearend.StyleYu, "0.37元"},
		{100, yearend.StyleYu, "1元"},
		{530, yearend.StyleYu, "5元余"},
		{999, yearend.StyleYu, "9元余"},
		{1000, yearend.StyleYu, "10元"},
		{2350, yearend.StyleYu, "20余元"},
		{123456, yearend.StyleYu, "1200余元"},
		{500000, yearend.StyleYu, "5000元"},
		{999999, yearend.StyleYu, "9900余元"},
		{1000000, yearend.StyleYu, "1万元"},
		{1000001, yearend.StyleYu, "1万余元"},
		{9990000, yearend.StyleYu, "9万余元"},
		{9999999, yearend.StyleYu, "9万余元"},
		{10000000, yearend.StyleYu, "10万元"},
		{10000001, yearend.StyleYu, "10余万元"},
		{19999999, yearend.StyleYu, "10余万元"},
		{43600000, yearend.StyleYu, "40余万元"},
		{90500000, yearend.StyleYu, "90余万元"},
		{99990000, yearend.StyleYu, "90余万元"},
		{100000000, yearend.StyleYu, "100万元"},
		{110000000, yearend.StyleYu, "110万元"},
		{115000000, yearend.StyleYu, "110余万元"},
		{300000000, yearend.StyleYu, "300万元"},
		{999900000, yearend.StyleYu, "990余万元"},
		{1000000000, yearend.StyleYu, "1000万元"},
		{1050000000, yearend.StyleYu, "1000余万元"},
		{2405400000, yearend.StyleYu, "2400余万元"},
		{9999999999, yearend.StyleYu, "9900余万元"},
		{10000000000, yearend.StyleYu, "1亿元"},
		{10000000001, yearend.StyleYu, "1亿余元"},
		{10500000000, yearend.StyleYu, "1亿余元"},
		{236000000000, yearend.StyleYu, "20余亿元"},
		{1234500000000, yearend.StyleYu, "120余亿元"},
		{-23648000, yearend.StyleYu, "-20余万元"},
		{-5300000, yearend.StyleYu, "-5万余元"},
		{-20000000, yearend.StyleYu, "-20万元"},
		{math.MaxInt64, yearend.StyleYu, "920000000余亿元"},
		{math.MinInt64, yearend.StyleYu, "-920000000余亿元"},

		// 0.01万元: from 1万元 half up to 100元, no marker; below exact.
		{117_280_800, yearend.StyleWan2, "117.28万元"},
		{98_417_100, yearend.StyleWan2, "98.42万元"},
		{19_500_000_00, yearend.StyleWan2, "1950万元"},
		{1_005_000, yearend.StyleWan2, "1.01万元"},
		{1_004_999, yearend.StyleWan2, "1万元"},
		{999_999, yearend.StyleWan2, "9999.99元"},
		{9_999_999_950, yearend.StyleWan2, "1亿元"},
		{-117_285_000, yearend.StyleWan2, "-117.29万元"},

		// 约: same step, half up, exact when nothing is dropped.
		{0, yearend.StyleYue, "0元"},
		{1, yearend.StyleYue, "0.01元"},
		{37, yearend.StyleYue, "0.37元"},
		{530, yearend.StyleYue, "约5元"},
		{550, yearend.StyleYue, "约6元"},
		{999999, yearend.StyleYue, "约1万元"},
		{5300000, yearend.StyleYue, "约5万元"},
		{5500000, yearend.StyleYue, "约6万元"},
		{9600000, yearend.StyleYue, "约10万元"},
		{20000000, yearend.StyleYue, "20万元"},
		{23648000, yearend.StyleYue, "约20万元"},
		{24999999, yearend.StyleYue, "约20万元"},
		{25000000, yearend.StyleYue, "约30万元"},
		{43600000, yearend.StyleYue, "约40万元"},
		{99990000, yearend.StyleYue, "约100万元"},
		{123400000, yearend.StyleYue, "约120万元"},
		{125000000, yearend.StyleYue, "约130万元"},
		{1234500000, yearend.StyleYue, "约1200万元"},
		{2405400000, yearend.StyleYue, "约2400万元"},
		{9999600000, yearend.StyleYue, "约1亿元"},
		{10500000000, yearend.StyleYue, "约1亿元"},
		{15000000000, yearend.StyleYue, "约2亿元"},
		{-25000000, yearend.StyleYue, "约-30万元"},
		{math.MaxInt64, yearend.StyleYue, "约920000000亿元"},
		{math.MinInt64, yearend.StyleYue, "约-920000000亿元"},

		// Unknown styles print exactly.
		{23648000, "", "23.648万元"},
		{23648000, "rounded", "23.648万元"},
	}
	for _, tt := range tests {
		if got := Amount(tt.fen, tt.s); got != tt.want {
			t.Errorf("Amount(%d, %q) = %q, want %q", tt.fen, tt.s, got, tt.want)
		}
	}
}

// parsed is an Amount output taken apart by the test's own parser.
type parsed struct {
	neg, yue, yu bool
	yuAfterUnit  bool   // "5万余元", "5元余"
	unitFen      uint64 // 100, 1e6 or 1e10
	fen          uint64 // the printed number, in 分
}

// parseAmount inverts the surface syntax of Amount, independently of its
// implementation.
func parseAmount(t *testing.T, s string) parsed {
	t.Helper()
	var p parsed
	rest := s
	if r, ok := strings.CutPrefix(rest, "约"); ok {
		p.yue, rest = true, r
	}
	if r, ok := strings.CutPrefix(rest, "-"); ok {
		p.neg, rest = true, r
	}
	i := strings.IndexFunc(rest, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i <= 0 {
		t.Fatalf("%q: no number", s)
	}
	num, suffix := rest[:i], rest[i:]
	switch suffix {
	case "元":
		p.unitFen = 100
	case "余元":
		p.unitFen, p.yu = 100, true
	case "元余":
		p.unitFen, p.yu, p.yuAfterUnit = 100, true, true
	case "万元":
		p.unitFen = 1e6
	case "余万元":
		p.unitFen, p.yu = 1e6, true
	case "万余元":
		p.unitFen, p.yu, p.yuAfterUnit = 1e6, true, true
	case "亿元":
		p.unitFen = 1e10
	case "余亿元":
		p.unitFen, p.yu = 1e10, true
	case "亿余元":
		p.unitFen, p.yu, p.yuAfterUnit = 1e10, true, true
	default:
		t.Fatalf("%q: unknown suffix %q", s, suffix)
	}
	whole, frac, _ := strings.Cut(num, ".")
	scale := map[uint64]int{100: 2, 1e6: 6, 1e10: 10}[p.unitFen]
	if len(frac) > scale || strings.HasSuffix(frac, "0") || (len(whole) > 1 && whole[0] == '0') {
		t.Fatalf("%q: not the shortest exact decimal", s)
	}
	digits, err := strconv.ParseUint(whole+frac+strings.Repeat("0", scale-len(frac)), 10, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	p.fen = digits
	return p
}

// wantUnit and wantStep restate the rule of Amount's doc comment.
func wantUnit(a uint64) uint64 {
	switch {
	case a >= 1e10:
		return 1e10
	case a >= 1e6:
		return 1e6
	}
	return 100
}

func wantStep(a uint64) (step uint64, digits int) {
	u := wantUnit(a)
	whole := a / u
	if whole == 0 {
		return 1, 0 // below 1元: exact, step of one fen
	}
	digits = len(strconv.FormatUint(whole, 10))
	step = u
	switch {
	case digits == 2:
		step *= 10
	case digits > 2:
		for range digits - 2 {
			step *= 10
		}
	}
	return step, digits
}

// randomAmount draws amounts over every magnitude, with extra weight on
// unit boundaries and round numbers.
func randomAmount(rng *rand.Rand) int64 {
	var a uint64
	e := rng.IntN(19) + 1 // up to 10^19 > MaxInt64
	p := uint64(1)
	for range e {
		p *= 10
	}
	switch rng.IntN(4) {
	case 0: // near a power of ten
		a = p + rng.Uint64N(21) - 10
	case 1: // a round number plus a little
		a = (rng.Uint64N(99)+1)*(p/10) + rng.Uint64N(3)
	default:
		a = rng.Uint64N(p)
	}
	if a > math.MaxInt64 {
		a = math.MaxInt64
	}
	if rng.IntN(8) == 0 {
		return -int64(a)
	}
	return int64(a)
}

// TestAmountProperties checks, over millions of amounts of every
// magnitude, that exact round-trips, that 余 prints a lower bound n with
// n ≤ amount < n + step and 余 iff amount > n, and that 约 rounds half up
// at the same step.
func TestAmountProperties(t *testing.T) {
	t.Parallel()
	n := 400_000
	if testing.Short() {
		n = 100_000
	}
	rng := rand.New(rand.NewPCG(20251130, 4))
	for i := range n {
		v := randomAmount(rng)
		if i == 0 {
			v = math.MinInt64
		}
		a, neg := magnitude(v)
		step, digits := wantStep(a)
		n := a - a%step

		ex := parseAmount(t, Amount(v, yearend.StyleExact))
		if ex.fen != a || ex.neg != neg || ex.yu || ex.yue || ex.unitFen != wantUnit(a) {
			t.Fatalf("exact %d → %q: parsed %+v", v, Amount(v, yearend.StyleExact), ex)
		}

		s := Amount(v, yearend.StyleYu)
		yu := parseAmount(t, s)
		switch {
		case yu.yue || yu.neg != neg:
			t.Fatalf("余 %d → %q: sign or 约", v, s)
		case yu.unitFen != wantUnit(a):
			t.Fatalf("余 %d → %q: unit %d, want %d", v, s, yu.unitFen, wantUnit(a))
		case !(yu.fen <= a && a-yu.fen < step):
			t.Fatalf("余 %d → %q: bound %d, step %d", v, s, yu.fen, step)
		case yu.fen != n:
			t.Fatalf("余 %d → %q: printed %d, want the truncation %d", v, s, yu.fen, n)
		case yu.yu != (a > yu.fen):
			t.Fatalf("余 %d → %q: 余 shown %v, amount > bound %v", v, s, yu.yu, a > yu.fen)
		case yu.yu && yu.yuAfterUnit != (digits == 1):
			t.Fatalf("余 %d → %q: 余 placement with %d digits", v, s, digits)
		}

		s = Amount(v, yearend.StyleYue)
		ye := parseAmount(t, s)
		want := n
		if 2*(a-n) >= step {
			want = n + step
		}
		switch {
		case ye.yu || ye.neg != neg:
			t.Fatalf("约 %d → %q: sign or 余", v, s)
		case ye.fen != want:
			t.Fatalf("约 %d → %q: printed %d, want %d", v, s, ye.fen, want)
		case ye.yue != (a%step != 0):
			t.Fatalf("约 %d → %q: 约 shown %v, dropped %d", v, s, ye.yue, a%step)
		case ye.unitFen != wantUnit(want):
			t.Fatalf("约 %d → %q: unit %d", v, s, ye.unitFen)
		}
	}
}

func BenchmarkAmountYu(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		_ = Amount(int64(i)*7919+23648000, yearend.StyleYu)
	}
}

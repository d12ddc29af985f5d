package balances

import (
	"fmt"
	"math"
	"math/big"
)

// Rate is an exact ratio computed on read (disbursal rate, completion
// rate …): Numerator / Denominator, with BasisPoints = 10000 × the ratio
// rounded half away from zero, and Percent the same figure as a decimal
// string with two places ("87.50"). No floating point is involved.
type Rate struct {
	Numerator   int64  `json:"numerator"`
	Denominator int64  `json:"denominator"`
	BasisPoints int64  `json:"basis_points"`
	Percent     string `json:"percent"`
}

// NewRate returns num/den, or nil when den ≤ 0 (no rate: nothing planned).
func NewRate(num, den int64) *Rate {
	if den <= 0 {
		return nil
	}
	// bp = round(10000·num/den) half away from zero, exactly, in big ints
	// (10000·num overflows int64 above 9.2×10^14 fen).
	n := new(big.Int).Mul(big.NewInt(num), big.NewInt(10000))
	neg := n.Sign() < 0
	n.Abs(n)
	d := big.NewInt(den)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Lsh(r, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	bp := int64(math.MaxInt64) // a ratio above 9.2×10^14 is clamped
	if q.IsInt64() {
		bp = q.Int64()
	}
	sign := ""
	if neg && bp != 0 {
		bp, sign = -bp, "-"
	}
	abs := bp
	if abs < 0 {
		abs = -abs
	}
	return &Rate{Numerator: num, Denominator: den, BasisPoints: bp, Percent: fmt.Sprintf("%s%d.%02d", sign, abs/100, abs%100)}
}

// tenths renders n/d rounded half up to one decimal place ("12.3"), for
// non-negative n and positive d.
func tenths(n, d int64) string {
	t := new(big.Int).Mul(big.NewInt(n), big.NewInt(10))
	q, r := new(big.Int).QuoRem(t, big.NewInt(d), new(big.Int))
	if r.Lsh(r, 1).CmpAbs(big.NewInt(d)) >= 0 {
		if t.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	v := q.Int64()
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%d", sign, v/10, v%10)
}

package yearend

import (
	"math"
	"math/big"
)

// basisPoints is num/den in basis points (10000 × the ratio) rounded half
// away from zero, exactly (big integers: 10000 × num overflows int64 above
// 9.2×10^14 fen); 0 when den ≤ 0 (nothing committed). A ratio beyond the
// int64 range is clamped.
func basisPoints(num, den int64) int64 {
	if den <= 0 {
		return 0
	}
	n := new(big.Int).Mul(big.NewInt(num), big.NewInt(10000))
	neg := n.Sign() < 0
	n.Abs(n)
	d := big.NewInt(den)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Lsh(r, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	bp := int64(math.MaxInt64)
	if q.IsInt64() {
		bp = q.Int64()
	}
	if neg {
		return -bp
	}
	return bp
}

package report

import "strings"

// This file holds the integer-only decimal arithmetic every renderer uses.
// Money never passes through a float: an amount in 分 is split into an
// integer and a fractional part by division by a power of ten and printed
// digit by digit.

// Fen per display unit.
const (
	fenPerYuan = 100            // 1元 = 100分
	fenPerWan  = 1_000_000      // 1万元 = 1,000,000分
	fenPerYi   = 10_000_000_000 // 1亿元 = 10,000,000,000分
)

// magnitude returns |v| as a uint64 (exact for math.MinInt64 too) and
// whether v is negative.
func magnitude(v int64) (m uint64, neg bool) {
	if v < 0 {
		return uint64(-(v + 1)) + 1, true
	}
	return uint64(v), false
}

// pow10 returns 10^n for 0 ≤ n ≤ 19.
func pow10(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

// numDigits returns the number of decimal digits of m (1 for 0).
func numDigits(m uint64) int {
	d := 1
	for m >= 10 {
		m /= 10
		d++
	}
	return d
}

// trimmedDecimal renders m / 10^scale exactly and as short as possible:
// trailing fractional zeros are dropped, and the point too when nothing
// is left after it ("260", "43.6", "0.000001").
func trimmedDecimal(m uint64, scale int) string {
	s := fixedDecimal(m, scale)
	if scale == 0 {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// fixedDecimal renders m / 10^scale exactly with exactly scale fractional
// digits ("2600000.00").
func fixedDecimal(m uint64, scale int) string {
	if scale == 0 {
		return uitoa(m)
	}
	p := pow10(scale)
	frac := uitoa(m % p)
	return uitoa(m/p) + "." + strings.Repeat("0", scale-len(frac)) + frac
}

// uitoa is strconv.FormatUint(m, 10) without the import noise.
func uitoa(m uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + m%10)
		m /= 10
		if m == 0 {
			return string(b[i:])
		}
	}
}

// groupThousands inserts a comma every three digits of the integer part of
// an unsigned decimal string ("2600000.00" → "2,600,000.00").
func groupThousands(s string) string {
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// signed prefixes s with "-" when neg.
func signed(s string, neg bool) string {
	if neg {
		return "-" + s
	}
	return s
}

// WanDecimal renders fen as the exact, shortest decimal number of 万元
// (2,600,000元 → "260", 436,000元 → "43.6", one fen → "0.000001"), with a
// leading "-" when negative. It is the value the CSV and XLSX exports
// carry in their 万元 columns.
func WanDecimal(fen int64) string {
	m, neg := magnitude(fen)
	return signed(trimmedDecimal(m, 6), neg)
}

// YuanDecimal renders fen as an exact number of 元 with two decimals and no
// grouping ("2600000.00", "-0.01").
func YuanDecimal(fen int64) string {
	m, neg := magnitude(fen)
	return signed(fixedDecimal(m, 2), neg)
}

// RateDecimal renders basis points as an exact percentage without the
// percent sign (8667 → "86.67", 10000 → "100").
func RateDecimal(bp int64) string {
	m, neg := magnitude(bp)
	return signed(trimmedDecimal(m, 2), neg)
}

// RateFraction renders basis points as an exact fraction of one
// (8667 → "0.8667"), the value a spreadsheet formats as a percentage.
func RateFraction(bp int64) string {
	m, neg := magnitude(bp)
	return signed(trimmedDecimal(m, 4), neg)
}

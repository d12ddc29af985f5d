package report

import "github.com/aidledger/aidledger/projections/yearend"

// Amount renders an amount of money given in 分 (fen) as Chinese text in
// style s. It is a pure function of its arguments.
//
// # Units
//
// The unit follows the magnitude of the amount itself: below 1万元 the
// amount prints in 元, from 1万元 in 万元, from 1亿元 in 亿元. Zero is "0元".
// A negative amount prints with a leading minus sign on its number; every
// rule below applies to its absolute value (so for a negative amount "余"
// bounds the magnitude).
//
// # StyleExact
//
// The shortest exact decimal in the unit: 300万元, 2405.4万元, 1.05亿元,
// 99.99万元, 1234.56元, 0.01元. Nothing is ever dropped.
//
// # StyleYu (余, "more than")
//
// Let u be the integer part of the amount in its unit and d the number of
// digits of u. The amount is truncated — never rounded up — to a multiple
// n of the step
//
//	d = 1:  step = 1 unit            5.3万 → 5万余元
//	d = 2:  step = 10 units          23.648万 → 20余万元, 99.99万 → 90余万元
//	d ≥ 3:  step = 10^(d-2) units    123.4万 → 120余万元, 1234.5万 → 1200余万元
//
// that is: the printed number keeps two significant digits but always
// ends in a zero (余 stands for the dropped ones: 二十余, 一百二十余,
// 一千二百余), except a single digit, which cannot: then 余 follows the
// unit instead (5万余元, 1亿余元, 5元余). When nothing is dropped (the
// amount is a multiple of the step) no 余 is printed: 20万元, 1亿元,
// 10万元. Hence, with n the printed number and step as above,
//
//	n ≤ amount < n + step, and 余 appears iff amount > n.
//
// Amounts below 1元 have no integer part to keep and print exactly (0.37元).
// The reference values of docs/domain.md §9.7, all satisfied: 23648000分 → 20余万元, 20000000分 →
// 20万元, 5300000分 → 5万余元, 123400000分 → 120余万元, 1234500000分 →
// 1200余万元.
//
// # StyleYue (约, "about")
//
// The same step, rounded half up instead of truncated, prefixed "约" and
// never with 余: 23.648万 → 约20万元, 25万 → 约30万元, 5.6万 → 约6万元. The
// unit is chosen again after rounding (9999.6万 → 约1亿元, 9.6万 → 约10万元).
// When nothing is dropped the amount prints exactly, without 约.
//
// # StyleWan2 (two decimals of 万元)
//
// From 1万元, rounded half up to a multiple of 100元 (0.01万元) and printed
// as exact would print that: 117.2808万元 → 117.28万元, 98.4171万元 →
// 98.42万元, 195万元 → 195万元; the unit is chosen again after rounding
// (9999.996万 → 1亿元). Below 1万元 the amount prints exactly.
//
// Any other Style (including "") prints exactly: an unknown style must not
// make a figure look smaller or larger than it is.
func Amount(fen int64, s yearend.Style) string {
	m, neg := magnitude(fen)
	switch s {
	case yearend.StyleYu:
		return amountYu(m, neg)
	case yearend.StyleYue:
		return amountYue(m, neg)
	case yearend.StyleWan2:
		return amountWan2(m, neg)
	default:
		return amountExact(m, neg)
	}
}

// moneyUnit is a display unit: how many 分 it holds, how many decimal
// places those are, and the word between the number and 元.
type moneyUnit struct {
	fen   uint64
	scale int    // log10(fen)
	word  string // "", "万" or "亿"
}

var (
	unitYuan = moneyUnit{fen: fenPerYuan, scale: 2, word: ""}
	unitWan  = moneyUnit{fen: fenPerWan, scale: 6, word: "万"}
	unitYi   = moneyUnit{fen: fenPerYi, scale: 10, word: "亿"}
)

// unitFor returns the display unit of an amount of m fen.
func unitFor(m uint64) moneyUnit {
	switch {
	case m >= fenPerYi:
		return unitYi
	case m >= fenPerWan:
		return unitWan
	default:
		return unitYuan
	}
}

// truncation returns the step (in fen) of the 余/约 granularity for an
// amount of m fen, as documented on Amount, and the number of integer
// digits of the amount in its unit; step is 0 when the amount is below
// 1元 and so prints exactly.
func truncation(m uint64) (step uint64, digits int, u moneyUnit) {
	u = unitFor(m)
	whole := m / u.fen
	if whole == 0 {
		return 0, 0, u
	}
	digits = numDigits(whole)
	switch {
	case digits == 1:
		step = 1
	case digits == 2:
		step = 10
	default:
		step = pow10(digits - 2)
	}
	return step * u.fen, digits, u
}

// amountExact prints m fen exactly in its unit.
func amountExact(m uint64, neg bool) string {
	u := unitFor(m)
	return signed(trimmedDecimal(m, u.scale), neg) + u.word + "元"
}

// amountYu prints the 余 style (see Amount).
func amountYu(m uint64, neg bool) string {
	step, digits, u := truncation(m)
	if step == 0 || m%step == 0 {
		return amountExact(m, neg)
	}
	n := signed(uitoa((m-m%step)/u.fen), neg)
	if digits == 1 {
		if u.word == "" {
			return n + "元余"
		}
		return n + u.word + "余元"
	}
	return n + "余" + u.word + "元"
}

// amountYue prints the 约 style (see Amount).
func amountYue(m uint64, neg bool) string {
	step, _, _ := truncation(m)
	if step == 0 || m%step == 0 {
		return amountExact(m, neg)
	}
	rem := m % step
	r := m - rem
	if 2*rem >= step { // no overflow: step ≤ 10^17 fen for any int64
		r += step
	}
	return "约" + amountExact(r, neg)
}

// amountWan2 prints the two-decimals-of-万元 style (see Amount).
func amountWan2(m uint64, neg bool) string {
	const step = fenPerWan / 100
	if m < fenPerWan || m%step == 0 {
		return amountExact(m, neg)
	}
	rem := m % step
	r := m - rem
	if 2*rem >= step {
		r += step
	}
	return amountExact(r, neg)
}

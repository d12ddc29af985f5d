package ledger

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aidledger/aidledger/events"
)

// MaxAmountFen bounds every single amount: 1000亿元. Larger figures are
// typing errors, and the bound keeps sums of millions of entries far from
// int64 overflow.
const MaxAmountFen int64 = 10_000_000_000_000

// check collects the first problem found in a command's fields. Each method
// is a no-op once a problem is recorded, so validations read top to bottom.
type check struct {
	err   *Rejection
	today events.Date
}

func (c *check) fail(r *Rejection) {
	if c.err == nil {
		c.err = r
	}
}

// result is the first problem found, as an error (nil when none).
func (c *check) result() error {
	if c.err == nil {
		return nil
	}
	return c.err
}

// text requires a non-empty printable string of at most max characters.
func (c *check) text(field, v string, max int) {
	if c.err != nil {
		return
	}
	if strings.TrimSpace(v) == "" {
		c.fail(invalid(field, field+" is required", field+" 不能为空"))
		return
	}
	c.optionalText(field, v, max)
}

// optionalText accepts "" or a printable string of at most max characters.
func (c *check) optionalText(field, v string, max int) {
	if c.err != nil {
		return
	}
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > max {
		c.fail(invalid(field, fmt.Sprintf("%s must be valid text of at most %d characters", field, max),
			fmt.Sprintf("%s 最多 %d 个字符", field, max)))
		return
	}
	for _, r := range v {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			c.fail(invalid(field, field+" contains a control character", field+" 含有控制字符"))
			return
		}
		// Bidirectional controls (U+202E …) make text display other than
		// it reads: "付款单位‮1234" shows its digits reversed.
		if unicode.Is(unicode.Bidi_Control, r) {
			c.fail(invalid(field, fmt.Sprintf("%s contains a bidirectional control character (U+%04X)", field, r),
				fmt.Sprintf("%s 含有双向文本控制字符(U+%04X)", field, r)))
			return
		}
	}
}

// amount requires 0 < v ≤ MaxAmountFen.
func (c *check) amount(field string, v int64) {
	if c.err != nil {
		return
	}
	if v <= 0 {
		c.fail(invalid(field, field+" must be a positive number of fen", field+" 必须为正数(单位:分)"))
	} else if v > MaxAmountFen {
		c.fail(invalid(field, field+" is larger than 100 billion yuan", field+" 超过1000亿元上限"))
	}
}

// nonNegative requires 0 ≤ v ≤ max.
func (c *check) nonNegative(field string, v, max int64) {
	if c.err == nil && (v < 0 || v > max) {
		c.fail(invalid(field, fmt.Sprintf("%s must be between 0 and %d", field, max), fmt.Sprintf("%s 须在 0 到 %d 之间", field, max)))
	}
}

// year requires a plausible four-digit year.
func (c *check) year(field string, y int) {
	if c.err == nil && (y < 2000 || y > c.today.Year()+5) {
		c.fail(invalid(field, fmt.Sprintf("%s %d is not a plausible year", field, y), fmt.Sprintf("%s %d 不是有效年份", field, y)))
	}
}

// date parses a required YYYY-MM-DD.
func (c *check) date(field, v string) events.Date {
	if c.err != nil {
		return events.Date{}
	}
	d, err := events.ParseDate(v)
	if err != nil {
		c.fail(invalid(field, field+" must be a date YYYY-MM-DD", field+" 须为日期 YYYY-MM-DD"))
	}
	return d
}

// optionalDate parses "" (no date) or YYYY-MM-DD.
func (c *check) optionalDate(field, v string) events.Date {
	if v == "" {
		return events.Date{}
	}
	return c.date(field, v)
}

// past requires a business date that is not after today (China time).
func (c *check) past(field string, d events.Date) {
	if c.err == nil && d.After(c.today) {
		c.fail(rule(CodeFutureDate, field, fmt.Sprintf("%s %s is in the future", field, d), fmt.Sprintf("%s %s 晚于今天,业务日期不能是将来日期", field, d)))
	}
}

// pastOrToday parses an optional business date, defaulting to today, and
// requires it not to be in the future.
func (c *check) pastOrToday(field, v string) events.Date {
	if v == "" {
		return c.today
	}
	d := c.date(field, v)
	c.past(field, d)
	return d
}

// notBefore requires d ≥ from.
func (c *check) notBefore(field string, d events.Date, fromField string, from events.Date) {
	if c.err == nil && !d.IsZero() && d.Before(from) {
		c.fail(invalid(field, fmt.Sprintf("%s %s is before %s %s", field, d, fromField, from),
			fmt.Sprintf("%s %s 早于 %s %s", field, d, fromField, from)))
	}
}

// notAfter requires d ≤ until (a zero d passes).
func (c *check) notAfter(field string, d events.Date, untilField string, until events.Date) {
	if c.err == nil && !d.IsZero() && d.After(until) {
		c.fail(invalid(field, fmt.Sprintf("%s %s is after %s %s", field, d, untilField, until),
			fmt.Sprintf("%s %s 晚于 %s %s", field, d, untilField, until)))
	}
}

// oneOf requires v to be one of an enum's values (all, as events lists
// them: the same list the API schema and the forms offer).
func oneOf[T ~string](c *check, field string, v T, all []T) {
	if c.err == nil && !slices.Contains(all, v) {
		names := make([]string, len(all))
		for i, a := range all {
			names[i] = string(a)
		}
		allowed := strings.Join(names, ", ")
		c.fail(invalid(field, fmt.Sprintf("%s %q is not one of: %s", field, v, allowed), fmt.Sprintf("%s %q 无效,可选值:%s", field, v, allowed)))
	}
}

var (
	unitCodeRe    = regexp.MustCompile(`^[0-9A-Za-z_-]{1,32}$`)
	countyCodeRe  = regexp.MustCompile(`^[1-9][0-9]{5}$`)
	creditCodeRe  = regexp.MustCompile(`^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$`)
	decimalRe     = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,6})?$`)
	personRefRe   = regexp.MustCompile(`^[\p{L}\p{N}_.-]{1,64}$`)
	idempotencyRe = regexp.MustCompile(`^[\x21-\x7e]{8,128}$`)
)

// creditCode requires a unified social credit code (统一社会信用代码): 18
// characters whose last is the check character of GB 32100-2015.
func (c *check) creditCode(field, v string) {
	c.match(field, v, creditCodeRe, "an 18-character unified social credit code", "18 位统一社会信用代码")
	if c.err == nil && !creditCodeChecks(v) {
		c.fail(invalid(field, field+" "+v+" fails its check character: a typing error?", field+" "+v+" 校验位不符,请核对是否录入有误"))
	}
}

// optionalCreditCode is creditCode for an optional field.
func (c *check) optionalCreditCode(field, v string) {
	if v != "" {
		c.creditCode(field, v)
	}
}

// creditCodeChars are the characters of a credit code, by value; the
// weights of its first 17 positions are 3^i mod 31.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeChecks reports whether the 18th character of credit code v
// (of the right shape) is its check character.
func creditCodeChecks(v string) bool {
	sum, weight := 0, 1
	for i := range 17 {
		sum += strings.IndexByte(creditCodeChars, v[i]) * weight
		weight = weight * 3 % 31
	}
	return creditCodeChars[(31-sum%31)%31] == v[17]
}

// count requires 1 ≤ v ≤ max (a number of people, sessions …).
func (c *check) count(field string, v, max int64) {
	if c.err == nil && (v < 1 || v > max) {
		c.fail(invalid(field, fmt.Sprintf("%s must be between 1 and %d", field, max), fmt.Sprintf("%s 须在 1 到 %d 之间", field, max)))
	}
}

// ofWhich requires part ≤ whole (脱贫人口 among persons employed …).
func (c *check) ofWhich(field string, part int64, wholeField string, whole int64) {
	if c.err == nil && part > whole {
		c.fail(invalid(field, fmt.Sprintf("%s %d exceeds %s %d, of which it is a part", field, part, wholeField, whole),
			fmt.Sprintf("%s %d 超过其所属总数 %d", field, part, whole)))
	}
}

// match requires v to match re; what names the expected shape.
func (c *check) match(field, v string, re *regexp.Regexp, what, whatZh string) {
	if c.err == nil && !re.MatchString(v) {
		c.fail(invalid(field, fmt.Sprintf("%s must be %s", field, what), fmt.Sprintf("%s 须为%s", field, whatZh)))
	}
}

// optionalMatch is match for an optional field.
func (c *check) optionalMatch(field, v string, re *regexp.Regexp, what, whatZh string) {
	if v != "" {
		c.match(field, v, re, what, whatZh)
	}
}

// id requires a ULID (the shell assigns one where the caller gave none).
func (c *check) id(field, v string) {
	if c.err == nil && !events.ValidID(v) {
		c.fail(invalid(field, field+" must be a ULID (26 characters) or omitted", field+" 须为 ULID(26位)或留空"))
	}
}

// assignID is the caller's id, or a new ULID when the caller gave none.
func assignID(v string) string {
	if v == "" {
		return events.NewID()
	}
	return v
}

package importer

import (
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/aidledger/aidledger/services/intake/forms"
)

// cellValue turns a cell as a spreadsheet stores it into what a form
// field takes: a date cell holds a serial day number, a number cell may
// carry binary floating-point noise or an exponent (12345.670000000001,
// 1.2E+7). Money is handled as a decimal string only, never as a float.
func cellValue(f *forms.Field, raw string) string {
	switch f.Kind {
	case forms.Date:
		if serial, err := strconv.ParseFloat(raw, 64); err == nil && serial > 0 && serial < 2958466 {
			if t, err := excelize.ExcelDateToTime(serial, false); err == nil {
				return t.Format(time.DateOnly)
			}
		}
	case forms.Money, forms.Signed:
		return decimalText(raw, 2)
	case forms.Int:
		return decimalText(raw, 0)
	}
	return raw
}

// decimalText rewrites a plain or exponent decimal number as plain
// digits, dropping the noise a binary float leaves beyond `places`
// decimals (a run of at least nine 0s or 9s right after them, as Excel
// writes 0.1+0.2 and the like), and leaves anything else as it is, for
// the form to refuse with a clear message.
func decimalText(s string, places int) string {
	neg := strings.HasPrefix(s, "-")
	digits, point, ok := plainDecimal(strings.TrimPrefix(s, "-"))
	if !ok {
		return s
	}
	whole, frac := digits[:point], digits[point:]
	if len(frac) > places {
		rest := frac[places:]
		switch {
		case len(rest) >= 9 && strings.Trim(rest[:9], "0") == "":
			frac = frac[:places]
		case len(rest) >= 9 && strings.Trim(rest[:9], "9") == "":
			n := roundUp(whole + frac[:places])
			whole, frac = n[:len(n)-places], n[len(n)-places:]
		default:
			return s
		}
	}
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	out := whole
	if strings.Trim(frac, "0") != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out
}

// plainDecimal reads "123.45" or "1.2345E+2" as its digits and the
// number of digits before the decimal point.
func plainDecimal(s string) (digits string, point int, ok bool) {
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 30 || e < -30 {
			return "", 0, false
		}
		mant, exp = s[:i], e
	}
	whole, frac, _ := strings.Cut(mant, ".")
	if whole == "" && frac == "" {
		return "", 0, false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return "", 0, false
		}
	}
	digits, point = whole+frac, len(whole)+exp
	for point < 0 {
		digits, point = "0"+digits, point+1
	}
	for point > len(digits) {
		digits += "0"
	}
	return digits, point, true
}

// roundUp adds one to the last digit of the decimal digit string s.
func roundUp(s string) string {
	b := []byte(s)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return "1" + string(b)
}

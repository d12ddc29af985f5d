package events

import (
	"errors"
	"time"
)

// The canonical bytes of every record carry its recorded_at in TimeLayout,
// and every consumer parses and re-formats it once per event. These two do
// it for that one layout without interpreting a layout string; they agree
// with time.Parse and Time.AppendFormat on TimeLayout (canonicaltime_test.go).

// appendCanonicalTime appends t in UTC as TimeLayout writes it.
func appendCanonicalTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, TimeLayout) // not four digits: let the time package write it
	}
	hour, minute, second := t.Clock()
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, second, 2)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond()/1000, 6)
	return append(b, 'Z')
}

// appendDigits appends n (≥ 0, below 10^width) as exactly width decimal digits.
func appendDigits(b []byte, n, width int) []byte {
	b = append(b, make([]byte, width)...)
	for i := len(b) - 1; i >= len(b)-width; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return b
}

var errCanonicalTime = errors.New("not a time of the form " + TimeLayout)

// parseCanonicalTime reads a time written in TimeLayout. Like time.Parse,
// it refuses a field out of its range; unlike it, it does not check the
// day against the month (30 February becomes 2 March): a caller that needs
// the exact form compares the re-formatted time with s, as ParseCanonical
// does.
func parseCanonicalTime(s string) (time.Time, error) {
	const layout = "dddd-dd-ddTdd:dd:dd.ddddddZ"
	if len(s) != len(layout) {
		return time.Time{}, errCanonicalTime
	}
	for i := range len(layout) {
		if layout[i] == 'd' && (s[i] < '0' || s[i] > '9') || layout[i] != 'd' && s[i] != layout[i] {
			return time.Time{}, errCanonicalTime
		}
	}
	num := func(from, to int) int {
		n := 0
		for _, c := range []byte(s[from:to]) {
			n = 10*n + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, second, micro := num(11, 13), num(14, 16), num(17, 19), num(20, 26)
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, errCanonicalTime
	}
	return time.Date(year, time.Month(month), day, hour, minute, second, micro*1000, time.UTC), nil
}

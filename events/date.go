package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar day without a time of day or zone: a business date
// (拨付日期, 到岗日期 …) as a finance officer writes it. It encodes as
// "YYYY-MM-DD" in JSON. The zero Date is "no date" and encodes as null.
//
// A Date is four bytes without pointers: reports hold one in each of
// hundreds of thousands of line items and footnotes. Days from 1 January
// of year 1 to 31 December 9999 are represented; the first of them is the
// zero Date.
type Date struct {
	days int32 // days since 1 January of year 1; 0 for "no date"
}

// dayOne is 1 January of year 1, midnight UTC, in Unix seconds.
const dayOne = -62135596800

// secondsPerDay is the length of a day in UTC.
const secondsPerDay = 24 * 60 * 60

// DateOf returns the Date of y-m-d, normalised as time.Date does (2024-02-30
// is 1 March).
func DateOf(y int, m time.Month, d int) Date {
	return dateAt(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// dateAt is the Date of t, a midnight UTC.
func dateAt(t time.Time) Date {
	return Date{days: int32((t.Unix() - dayOne) / secondsPerDay)}
}

// ParseDate parses "YYYY-MM-DD" strictly (no times, no other layouts).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD: %w", s, err)
	}
	if t.Year() < 1900 {
		return Date{}, fmt.Errorf("date %q is before 1900", s)
	}
	return dateAt(t), nil
}

// Today is the calendar day of instant now in China Standard Time, the zone
// every business date in the ledger is written in.
func Today(now time.Time) Date {
	l := now.In(ChinaTime)
	return DateOf(l.Year(), l.Month(), l.Day())
}

// ChinaTime is UTC+8, the zone of business dates and fiscal years.
var ChinaTime = time.FixedZone("CST", 8*60*60)

// IsZero reports whether d is "no date".
func (d Date) IsZero() bool { return d.days == 0 }

// Year is the calendar (and so fiscal) year of d.
func (d Date) Year() int { return d.Time().Year() }

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.days < e.days }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.days > e.days }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Date{days: d.days + int32(n)} }

// Time is midnight UTC of d, for arithmetic and SQL date columns.
func (d Date) Time() time.Time { return time.Unix(int64(d.days)*secondsPerDay+dayOne, 0).UTC() }

// String is "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(time.DateOnly)
}

// MarshalJSON encodes "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON accepts "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if len(b) == len(`"2006-01-02"`) && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		s = string(b[1 : len(b)-1]) // the usual form, without escapes: no JSON decoder needed
	} else if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date must be a \"YYYY-MM-DD\" string: %w", err)
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// ParseInstant reads an instant as users give one: RFC 3339 (fractional
// seconds allowed), or a date YYYY-MM-DD meaning the end of that day in
// China time — the last microsecond before the next midnight at UTC+8
// (recorded_at has microsecond precision).
func ParseInstant(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	d, err := ParseDate(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 instant nor a date YYYY-MM-DD", s)
	}
	day := d.Time()
	return time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, ChinaTime).Add(-time.Microsecond), nil
}

// YearElapsedBP is the share of year elapsed at the end of day on (序时进度),
// in basis points rounded down: 0 before the year, 10000 after it.
func YearElapsedBP(year int, on Date) int64 {
	first, last := DateOf(year, 1, 1), DateOf(year, 12, 31)
	switch {
	case on.Before(first):
		return 0
	case on.After(last):
		return 10000
	}
	days := int64(last.days-first.days) + 1
	elapsed := int64(on.days-first.days) + 1
	return elapsed * 10000 / days
}

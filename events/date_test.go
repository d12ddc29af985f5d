package events_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
)

func TestParseDateAccepts(t *testing.T) {
	for s, want := range map[string]events.Date{
		"2025-02-01": events.DateOf(2025, time.February, 1),
		"2024-02-29": events.DateOf(2024, time.February, 29), // leap year
		"2025-12-31": events.DateOf(2025, time.December, 31),
	} {
		got, err := events.ParseDate(s)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", s, err)
			continue
		}
		if got != want || got.String() != s {
			t.Errorf("ParseDate(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParseDateRejects(t *testing.T) {
	for _, s := range []string{
		"2025-2-1",             // no zero padding
		"2025-02-1",            // day not padded
		"2025-02-30",           // no such day
		"2025-02-29",           // not a leap year
		"2025-13-01",           // no such month
		"2025-02-01T00:00:00Z", // a time, not a date
		"2025-02-01 00:00",     // trailing time
		" 2025-02-01",          // white space
		"2025-02-01\n",         // white space
		"2025/02/01",           // other layout
		"20250201",             // other layout
		"25-02-01",             // two-digit year
		"2025年2月1日",            // Chinese layout
		"",
	} {
		if d, err := events.ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", s, d)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type row struct {
		D events.Date `json:"d"`
	}
	// Zero Date <-> null.
	b, err := json.Marshal(row{})
	if err != nil || string(b) != `{"d":null}` {
		t.Errorf("Marshal zero Date = %s, %v; want {\"d\":null}", b, err)
	}
	r := row{D: events.DateOf(2025, time.March, 1)}
	if err := json.Unmarshal([]byte(`{"d":null}`), &r); err != nil || !r.D.IsZero() {
		t.Errorf("Unmarshal null = %v, %v; want zero Date", r.D, err)
	}
	// A date round-trips.
	b, err = json.Marshal(row{D: events.DateOf(2026, time.January, 1)})
	if err != nil || string(b) != `{"d":"2026-01-01"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	if err := json.Unmarshal(b, &r); err != nil || r.D != events.DateOf(2026, time.January, 1) {
		t.Errorf("Unmarshal %s = %v, %v", b, r.D, err)
	}
	// Anything but a YYYY-MM-DD string or null is an error.
	for _, in := range []string{`"2025-2-1"`, `"2025-02-30"`, `"2025-02-01T00:00:00Z"`, `""`, `20250201`, `true`, `{}`, `["2025-02-01"]`} {
		if err := json.Unmarshal([]byte(`{"d":`+in+`}`), &r); err == nil {
			t.Errorf("Unmarshal %s accepted as %v", in, r.D)
		}
	}
}

func TestDateZeroAndString(t *testing.T) {
	var z events.Date
	if !z.IsZero() || z.String() != "" {
		t.Errorf("zero Date: IsZero=%v String=%q", z.IsZero(), z.String())
	}
	d := events.DateOf(2025, time.June, 30)
	if d.IsZero() || d.Year() != 2025 {
		t.Errorf("DateOf: IsZero=%v Year=%d", d.IsZero(), d.Year())
	}
	if got := d.AddDays(1); got != events.DateOf(2025, time.July, 1) {
		t.Errorf("AddDays(1) = %v", got)
	}
	if got := events.DateOf(2025, time.December, 31).AddDays(1); got.Year() != 2026 {
		t.Errorf("year boundary: %v", got)
	}
	if !d.Before(d.AddDays(1)) || d.Before(d) || !d.AddDays(1).After(d) || d.After(d) {
		t.Error("Before/After are not strict orderings")
	}
	if tm := d.Time(); tm.Location() != time.UTC || tm.Hour() != 0 || tm.Day() != 30 {
		t.Errorf("Time() = %v, want midnight UTC", tm)
	}
}

func TestTodayIsChinaTime(t *testing.T) {
	for _, c := range []struct {
		now  time.Time
		want events.Date
	}{
		// 16:30 UTC on New Year's Eve is 00:30 on 1 January in Beijing:
		// already the next fiscal year.
		{time.Date(2025, 12, 31, 16, 30, 0, 0, time.UTC), events.DateOf(2026, time.January, 1)},
		{time.Date(2025, 12, 31, 15, 59, 59, 999_999_999, time.UTC), events.DateOf(2025, time.December, 31)},
		{time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC), events.DateOf(2026, time.January, 1)},
		// The zone of the instant does not matter, only the instant.
		{time.Date(2025, 12, 31, 11, 30, 0, 0, time.FixedZone("EST", -5*3600)), events.DateOf(2026, time.January, 1)},
		{time.Date(2026, 1, 1, 7, 59, 0, 0, time.FixedZone("CST", 8*3600)), events.DateOf(2026, time.January, 1)},
	} {
		got := events.Today(c.now)
		if got != c.want {
			t.Errorf("Today(%v) = %v, want %v", c.now, got, c.want)
		}
	}
	if got := events.Today(time.Date(2025, 12, 31, 16, 30, 0, 0, time.UTC)).Year(); got != 2026 {
		t.Errorf("fiscal year of 2025-12-31T16:30Z = %d, want 2026", got)
	}
}

// 序时进度: the share of the year elapsed at the end of a day.
func TestYearElapsedBP(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		year int
		on   events.Date
		want int64
	}{
		{2025, events.DateOf(2024, 12, 31), 0},
		{2025, events.DateOf(2025, 1, 1), 27}, // 1/365
		{2025, events.DateOf(2025, 7, 2), 5013},
		{2024, events.DateOf(2024, 7, 2), 5027}, // 184/366
		{2025, events.DateOf(2025, 12, 31), 10000},
		{2025, events.DateOf(2026, 3, 1), 10000},
	} {
		if got := events.YearElapsedBP(c.year, c.on); got != c.want {
			t.Errorf("YearElapsedBP(%d, %s) = %d, want %d", c.year, c.on, got, c.want)
		}
	}
}

// TestDateEveryDay holds the compact Date to the calendar of package time
// over every day of the years a report can have, and the ends of the range.
func TestDateEveryDay(t *testing.T) {
	prev := events.DateOf(1899, time.December, 31)
	for day := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() <= 9999; day = day.AddDate(0, 0, 1) {
		d := events.DateOf(day.Year(), day.Month(), day.Day())
		if !d.Time().Equal(day) || d.Year() != day.Year() || d.String() != day.Format(time.DateOnly) {
			t.Fatalf("%s: Time %v, Year %d, String %q", day.Format(time.DateOnly), d.Time(), d.Year(), d.String())
		}
		if prev.AddDays(1) != d || !prev.Before(d) || !d.After(prev) || d.IsZero() {
			t.Fatalf("%s does not follow %s by one day", d, prev)
		}
		prev = d
	}
	if last, _ := events.ParseDate("9999-12-31"); last != prev {
		t.Errorf("ParseDate(9999-12-31) = %v, want %v", last, prev)
	}
	if first := events.DateOf(1, time.January, 1); !first.IsZero() {
		t.Errorf("1 January of year 1 is %q, want the zero Date", first)
	}
}

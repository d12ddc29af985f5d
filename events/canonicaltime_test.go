package events

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestCanonicalTimeIsTimePackage: appendCanonicalTime writes what
// AppendFormat writes for TimeLayout, and parseCanonicalTime reads back
// what time.Parse reads, over random instants from year 0 to 9999 (and
// beyond, where the time package writes it), in any zone.
func TestCanonicalTimeIsTimePackage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	lo, hi := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(10001, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	zones := []*time.Location{time.UTC, ChinaTime, time.FixedZone("", -7*3600)}
	for i := range 200_000 {
		at := time.Unix(lo+rng.Int64N(hi-lo), rng.Int64N(1e9)).In(zones[i%len(zones)])
		want := at.UTC().AppendFormat([]byte("x"), TimeLayout)
		if got := appendCanonicalTime([]byte("x"), at); string(got) != string(want) {
			t.Fatalf("%v: wrote %q, want %q", at, got, want)
		}
		s := string(want[1:])
		wantT, wantErr := time.Parse(TimeLayout, s)
		gotT, gotErr := parseCanonicalTime(s)
		if (gotErr != nil) != (wantErr != nil) || !gotT.Equal(wantT) {
			t.Fatalf("%q: read %v (%v), time.Parse %v (%v)", s, gotT, gotErr, wantT, wantErr)
		}
	}
}

// TestCanonicalTimeRefuses: what ParseCanonical asks of a time — that it
// reads and writes back to the same string — holds for these strings
// neither with the time package nor with the functions above.
func TestCanonicalTimeRefuses(t *testing.T) {
	for _, s := range []string{
		"", "2025-03-14T08:00:00.000000", "2025-03-14T08:00:00.000000Z ", "2025-03-14 08:00:00.000000Z",
		"2025-03-14T08:00:00.00000Z", "2025-3-14T08:00:00.0000000Z", "2025-13-14T08:00:00.000000Z",
		"2025-00-14T08:00:00.000000Z", "2025-03-00T08:00:00.000000Z", "2025-03-32T08:00:00.000000Z",
		"2025-02-30T08:00:00.000000Z", "2025-04-31T08:00:00.000000Z", "2025-03-14T24:00:00.000000Z",
		"2025-03-14T08:60:00.000000Z", "2025-03-14T08:00:60.000000Z", "2025-03-14T08:00:00.00000aZ",
		"+025-03-14T08:00:00.000000Z", "2025-03-14T08:00:00,000000Z", "２０２５-03-14T08:00:00.000000Z",
	} {
		if at, err := time.Parse(TimeLayout, s); err == nil && at.UTC().Format(TimeLayout) == s {
			t.Fatalf("%q: the time package reads and writes it back; the case is wrong", s)
		}
		if at, err := parseCanonicalTime(s); err == nil && string(appendCanonicalTime(nil, at)) == s {
			t.Errorf("%q: read as %v, which writes back the same", s, at)
		}
	}
}

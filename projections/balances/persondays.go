package balances

import "time"

// DaysPerPersonMonth converts person-days to person-months (人月) on read:
// one person-month is 30 person-days.
const DaysPerPersonMonth = 30

// countedUntil is the last day (inclusive) of a secondment's person-days:
// its recorded end date; while it runs, its planned end date; when it has
// neither, 31 December of its start year. The last rule keeps the model
// deterministic (no "today"): a secondment with no end in sight counts to
// the end of the year it started, and is re-counted when its end is recorded.
func (s *secondment) countedUntil() time.Time {
	switch {
	case !s.endDate.IsZero():
		return s.endDate
	case !s.plannedEndDate.IsZero():
		return s.plannedEndDate
	default:
		return time.Date(s.startDate.Year(), time.December, 31, 0, 0, 0, 0, time.UTC)
	}
}

// splitDays calls f once per calendar year that the days from..to (both
// inclusive, dates at midnight UTC) meet, with the number of those days in
// that year. Nothing is called when to is before from.
func splitDays(from, to time.Time, f func(year int, days int64)) {
	for y := from.Year(); y <= to.Year(); y++ {
		start := time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC)
		if from.After(start) {
			start = from
		}
		end := time.Date(y, time.December, 31, 0, 0, 0, 0, time.UTC)
		if to.Before(end) {
			end = to
		}
		if end.Before(start) {
			continue
		}
		f(y, int64(end.Sub(start)/(24*time.Hour))+1)
	}
}

package audittrail

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// pointInTimeEvents is the scenario's first 22 events (positions 1–22,
// before the office indicators) and, at 23, a back-dated correction: a
// reversal of DN1 (dated 2025-05-05) dated 2025-05-04, before its
// original.
func pointInTimeEvents() []projections.Event {
	l := newLog()
	var out []projections.Event
	for _, s := range scenario()[:22] {
		out = append(out, l.append(s.m, s.data))
	}
	out = append(out, l.append(meta{stream: "donation-DN1", donor: donor, partner: banma, actor: officer},
		events.DonationReversed{EntryReversal: events.EntryReversal{OriginalID: "DN1", PairingIDList: []string{"P1"},
			Reason: events.ReasonEntryError, AmountFen: 1000, BusinessDate: day("2025-05-04"), OriginalDate: day("2025-05-05"), Note: "倒签"}}))
	return out
}

// pitRows renders rows as the point-in-time tests compare them: each
// position, with on an original its links' positions in brackets and,
// when it differs from the amount, "=" its net amount.
func pitRows(es []Entry) []string {
	var out []string
	for _, e := range es {
		s := fmt.Sprint(e.Position)
		if len(e.Links) > 0 {
			var ls []string
			for _, l := range e.Links {
				ls = append(ls, fmt.Sprint(l.Position))
			}
			s += "[" + strings.Join(ls, ",") + "]"
		}
		if e.NetAmountFen != nil && e.AmountFen != nil && *e.NetAmountFen != *e.AmountFen {
			s += fmt.Sprintf("=%d", *e.NetAmountFen)
		}
		out = append(out, s)
	}
	return out
}

// TestPointInTimeFilters pins the three point-in-time filters on the
// scenario: the rows selected, their links and net amounts, through pages
// of 1 and of the default size.
func TestPointInTimeFilters(t *testing.T) {
	t.Parallel()
	pool := newDB(t)
	evs := pointInTimeEvents()
	// Position 6 (C1) is recorded out of clock order: after position 8.
	evs[5].RecordedAt = evs[7].RecordedAt.Add(time.Millisecond)
	applyAll(t, pool, SchemaName, evs, 5)
	t8 := evs[7].RecordedAt

	for _, tc := range []struct {
		name string
		f    Filter
		want string
	}{
		{"at_position 8", Filter{AtPosition: 8},
			"1 2 3 4[5] 5 6[7]=250000000 7 8"},
		{"at_position 9: the reversal", Filter{AtPosition: 9},
			"1 2 3 4[5] 5 6[7]=250000000 7 8[9]=80000000 9"},
		{"at_position with a later page start", Filter{AtPosition: 9, AfterPosition: 7},
			"8[9]=80000000 9"},
		{"at_position before the page start", Filter{AtPosition: 9, AfterPosition: 9}, ""},
		{"at_position beyond the log", Filter{AtPosition: 1000, EntityID: "D1"},
			"8[9,10]=80000000 9 10"},
		{"as_recorded_at: position 6 recorded later is left out", Filter{AsRecordedAt: t8},
			"1 2 3 4[5] 5 7 8"},
		{"as_recorded_at to the microsecond", Filter{AsRecordedAt: t8.Add(-time.Microsecond)},
			"1 2 3 4[5] 5 7"},
		{"as_recorded_at below a microsecond", Filter{AsRecordedAt: t8.Add(999 * time.Nanosecond)},
			"1 2 3 4[5] 5 7 8"},
		{"as_recorded_at after position 6", Filter{AsRecordedAt: evs[5].RecordedAt, EntityID: "C1"},
			"6[7]=250000000 7 8"},
		{"as_recorded_at before the first", Filter{AsRecordedAt: evs[0].RecordedAt.Add(-time.Second)}, ""},
		{"as_recorded_at and at_position", Filter{AsRecordedAt: t8, AtPosition: 7},
			"1 2 3 4[5] 5 7"},
		{"as_of_date: corrections whatever their date, others by their own",
			Filter{AsOfDate: day("2025-04-30")},
			"1 2 4 6[7]=250000000 7 8[9,10]=80000000 9 10 17[19] 19"},
		{"as_of_date: a reversal dated after the day", Filter{AsOfDate: day("2025-05-05")},
			"1 2 4 6[7]=250000000 7 8[9,10]=80000000 9 10 11[12,23]=19999000 12 17[19] 19 23"},
		{"as_of_date: a back-dated reversal of a later original", Filter{AsOfDate: day("2025-05-04")},
			"1 2 4 6[7]=250000000 7 8[9,10]=80000000 9 10 17[19] 19"},
		{"as_of_date from", Filter{AsOfDate: day("2025-05-05"), DateFrom: day("2025-04-01")},
			"8[9,10]=80000000 9 10 11[12,23]=19999000 12 23"},
		{"as_of_date at a position", Filter{AsOfDate: day("2025-05-05"), AtPosition: 11},
			"1 2 4 6[7]=250000000 7 8[9,10]=80000000 9 10 11"},
		{"as_of_date as recorded: not yet the back-dated reversal", Filter{AsOfDate: day("2025-05-05"), AsRecordedAt: evs[11].RecordedAt, PairingID: "P1"},
			"1 4 6[7]=250000000 7 8[9,10]=80000000 9 10 11[12]=20000000 12"},
		{"as_of_date and a partner", Filter{AsOfDate: day("2025-07-01"), PartnerCode: zhenping},
			"2 13[14]=0 14 15[16]=5000000 16 20[21] 21"},
	} {
		for _, limit := range []int{1, 0} {
			f := tc.f
			f.Limit = limit
			got := strings.Join(pitRows(all(t, pool, f)), " ")
			if got != tc.want {
				t.Errorf("%s (limit %d):\n got %s\nwant %s", tc.name, limit, got, tc.want)
			}
		}
	}
}

// TestPointInTimeOracle checks the point-in-time filters, alone and with
// the others, against their contract evaluated in Go over a random log,
// links included.
func TestPointInTimeOracle(t *testing.T) {
	t.Parallel()
	pool := newDB(t)
	evs := generate(3, 3000, nil)
	applyAll(t, pool, SchemaName, evs, 500)
	every := all(t, pool, Filter{Limit: MaxLimit})
	originalDate := map[string]events.Date{}
	for _, e := range every {
		if e.Relation == "" && e.EntityID != "" {
			originalDate[e.EntityID] = e.BusinessDate
		}
	}
	mid := every[len(every)/2]
	var pairing string
	for _, e := range every[len(every)/3:] {
		if len(e.PairingIDs) > 0 {
			pairing = e.PairingIDs[0]
			break
		}
	}
	// inScope is the contract of the log bound and of AsOfDate, for a row
	// (or a link: row of a relation).
	inScope := func(e Entry, f Filter, asLink bool) bool {
		if f.AtPosition > 0 && e.Position > f.AtPosition {
			return false
		}
		if !f.AsRecordedAt.IsZero() && e.RecordedAt.After(f.AsRecordedAt) {
			return false
		}
		if f.AsOfDate.IsZero() {
			return true
		}
		d := e.BusinessDate
		if e.Relation == RelationReversal || e.Relation == RelationAdjustment {
			if asLink {
				return true
			}
			d = originalDate[e.OriginalID]
		}
		return !d.IsZero() && !d.After(f.AsOfDate) && (asLink || f.DateFrom.IsZero() || !d.Before(f.DateFrom))
	}
	filters := []Filter{
		{AtPosition: mid.Position},
		{AsRecordedAt: mid.RecordedAt},
		{AsOfDate: mid.BusinessDate},
		{AsOfDate: day("2023-06-30"), DateFrom: day("2023-01-01")},
		{AsOfDate: day("2024-12-31"), AtPosition: mid.Position},
		{AsOfDate: day("2024-12-31"), AsRecordedAt: mid.RecordedAt, PairingID: pairing},
		{AsOfDate: day("2025-03-31"), Type: "aid.disbursement_reversed"},
		{AtPosition: mid.Position, PartnerCode: mid.PartnerCodes[0], DocumentNo: "PZ-", DocumentNoPrefix: true},
	}
	for _, f := range filters {
		base := f
		if !f.AsOfDate.IsZero() {
			base.DateFrom = events.Date{} // AsOfDate applies it
		}
		var want []Entry
		for _, e := range every {
			if matches(e, base) && inScope(e, f, false) {
				want = append(want, e)
			}
		}
		wantText := oracleText(every, want, f, inScope)
		for _, limit := range []int{0, 13} {
			fl := f
			fl.Limit = limit
			got := all(t, pool, fl)
			if g := strings.Join(pitRows(got), " "); g != wantText {
				t.Errorf("filter %+v limit %d:\n got %.300s\nwant %.300s", f, limit, g, wantText)
			}
		}
		if len(want) == 0 {
			t.Errorf("filter %+v selects nothing: a weak test", f)
		}
	}
}

// oracleText renders the rows want as pitRows would, their links and net
// amounts computed from every by inScope.
func oracleText(every, want []Entry, f Filter, inScope func(Entry, Filter, bool) bool) string {
	var out []string
	for _, e := range want {
		s := fmt.Sprint(e.Position)
		var ls []string
		var net int64
		if e.AmountFen != nil {
			net = *e.AmountFen
		}
		if e.Relation == "" && e.EntityID != "" {
			for _, l := range every {
				if l.Relation != "" && l.OriginalID == e.EntityID && inScope(l, f, true) {
					ls = append(ls, fmt.Sprint(l.Position))
					if l.AmountFen != nil {
						net += *l.AmountFen
					}
				}
			}
		}
		if len(ls) > 0 {
			s += "[" + strings.Join(ls, ",") + "]"
		}
		if e.AmountFen != nil && len(ls) > 0 && net != *e.AmountFen {
			s += fmt.Sprintf("=%d", net)
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestPointInTimeFilterValidate(t *testing.T) {
	t.Parallel()
	for _, f := range []Filter{
		{AtPosition: -1},
		{AsOfDate: day("2025-01-31"), DateTo: day("2025-01-31")},
		{AsOfDate: day("2025-01-31"), DateFrom: day("2025-02-01")},
	} {
		if err := f.Validate(); err == nil {
			t.Errorf("%+v accepted", f)
		}
		if _, err := Query(context.Background(), nil, f); err == nil {
			t.Errorf("Query(%+v) accepted", f)
		}
	}
	for _, f := range []Filter{
		{AtPosition: 5, AsRecordedAt: time.Now(), AsOfDate: day("2025-01-31"), DateFrom: day("2025-01-31")},
		{AtPosition: 5, AfterPosition: 9},
	} {
		if err := f.Validate(); err != nil {
			t.Errorf("%+v refused: %v", f, err)
		}
	}
}

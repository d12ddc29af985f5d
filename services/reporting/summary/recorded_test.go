package summary_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/reporting/summary"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestPositionRecordedBy holds the position as recorded at an instant to
// its definition — the greatest position recorded at or before it — at
// every instant around every event's recording, in a log whose recording
// times mostly rise with the position but not always (appends racing for
// the head), as it grows from empty: instants before and after the
// recording of the log's middle take different ways to the answer.
func TestPositionRecordedBy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.MigratedPool(t)
	store := eventstore.New(pool)
	base := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	// Seconds after base of each position's recording: rising, but for
	// three that were recorded before their predecessors.
	var at []time.Duration
	for i := range 40 {
		at = append(at, time.Duration(i)*time.Second)
	}
	at[9], at[10] = at[10], at[9]
	at[30] = at[27] + time.Millisecond
	var recorded []time.Time // by position - 1
	check := func() {
		t.Helper()
		instants := []time.Time{base.Add(-time.Hour), base.Add(time.Hour)}
		for _, r := range recorded {
			instants = append(instants, r.Add(-time.Microsecond), r, r.Add(time.Microsecond))
		}
		for _, instant := range instants {
			var want int64
			for i, r := range recorded {
				if !r.After(instant) {
					want = int64(i + 1)
				}
			}
			got, err := summary.PositionRecordedBy(ctx, pool, instant)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("%d events: recorded by %s is position %d, want %d", len(recorded), instant.Format(time.RFC3339Nano), got, want)
			}
		}
	}
	check()
	for i, d := range at {
		r := base.Add(d)
		_, err := store.Append(ctx, &eventstore.AppendRequest{StreamID: fmt.Sprintf("visit-V%d", i), Events: []events.Event{
			events.VisitConducted{VisitID: fmt.Sprintf("V%d", i), PairingIDList: []string{"P1"}, Direction: events.VisitOutbound,
				StartDate: events.DateOf(2025, 3, 1)}},
			DonorCode: "D1", PartnerCode: "632624", Metadata: events.Metadata{Actor: "test"}, RecordedAt: r})
		if err != nil {
			t.Fatal(err)
		}
		recorded = append(recorded, r)
		check()
	}
}

package demo_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/intake/demo"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// The demo loads a few hundred events through the real commands, and
// loading it again writes nothing.
func TestLoadIsRealisticAndIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.MigratedPool(t)
	store := eventstore.New(pool)
	first, err := demo.Load(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	if first.Position < 300 || first.Written != first.Commands {
		t.Fatalf("first load: %+v, want a few hundred events, every command written", first)
	}
	again, err := demo.Load(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	if again.Written != 0 || again.Position != first.Position {
		t.Fatalf("second load wrote %d commands (position %d → %d)", again.Written, first.Position, again.Position)
	}
	types := map[string]int{}
	recs, err := store.ReadAll(ctx, 0, 100000, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		types[r.Type]++
	}
	for _, want := range []string{"aid.disbursement_reversed", "aid.commitment_adjusted", "aid.donation_reversed", "aid.visit_reversed",
		"aid.funds_receipt_confirmed", "aid.secondment_ended", "aid.project_progress_reported", "aid.sales_facilitated",
		"aid.labour_transfer_recorded", "aid.labour_transfer_reversed", "aid.enterprise_investment_recorded", "aid.park_established",
		"aid.park_reported", "aid.workshop_established", "aid.workshop_reported", "aid.training_held", "aid.agreement_signed"} {
		if types[want] == 0 {
			t.Errorf("the demo has no %s", want)
		}
	}
	recordedAsKept(t, recs)
	t.Logf("demo: %d commands, %d events, types %v", first.Commands, first.Position, types)
}

// The demo is recorded as an office keeps its books: in the order things
// happened, each entry within a few days of its date, so a 2025 year-end
// summary has a late entry to footnote, not a year of them.
func recordedAsKept(t *testing.T, recs []events.Record) {
	t.Helper()
	dated, late, delayed := 0, 0, 0
	for i, r := range recs {
		if i > 0 && r.RecordedAt.Before(recs[i-1].RecordedAt) {
			t.Fatalf("position %d recorded %s, before position %d (%s)", r.Position, r.RecordedAt, recs[i-1].Position, recs[i-1].RecordedAt)
		}
		var p struct {
			BusinessDate  events.Date `json:"business_date"`
			CompletedDate events.Date `json:"completed_date"`
			ReceivedDate  events.Date `json:"received_date"`
			StartDate     events.Date `json:"start_date"`
			EndDate       events.Date `json:"end_date"`
			PeriodTo      events.Date `json:"period_to"`
			AsOf          events.Date `json:"as_of"`
			Invested      events.Date `json:"invested_date"`
			Signed        events.Date `json:"signed_date"`
			Established   events.Date `json:"established_date"`
		}
		if err := json.Unmarshal(r.Payload, &p); err != nil {
			t.Fatal(err)
		}
		var date events.Date
		for _, d := range []events.Date{p.BusinessDate, p.CompletedDate, p.ReceivedDate, p.EndDate, p.StartDate, p.PeriodTo, p.AsOf,
			p.Invested, p.Signed, p.Established} {
			if !d.IsZero() {
				date = d
				break
			}
		}
		if date.IsZero() {
			continue
		}
		dated++
		recorded := events.Today(r.RecordedAt)
		if recorded.Before(date) {
			t.Errorf("%s at position %d dated %s was recorded on %s, before it", r.Type, r.Position, date, recorded)
		}
		if recorded.After(date.AddDays(4)) {
			delayed++
		}
		if date.Year() == 2025 && recorded.Year() > 2025 {
			late++
		}
	}
	t.Logf("%d events dated, %d recorded more than 4 days later, %d dated 2025 recorded in 2026", dated, delayed, late)
	if dated < 400 || late < 1 || late > 5 || delayed > 2 {
		t.Errorf("want every event dated, recorded within days but for one or two, a few dated 2025 recorded in 2026")
	}
}

// A ledger holding the data of the earlier demo, keyed in another order,
// is refused rather than doubled.
func TestLoadRefusesAnOlderDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := eventstore.New(testenv.MigratedPool(t))
	l := testenv.Ledger(t, store)
	if _, err := l.EstablishPairing(ctx, ledger.Request{Principal: demo.Admin, IdempotencyKey: "demo-00001"}, ledger.EstablishPairing{
		Donor:     ledger.UnitInput{Code: "320404", Name: "常州市钟楼区", ShortName: "钟楼"},
		Partner:   ledger.UnitInput{Code: "632624", Name: "班玛县", ShortName: "班玛"},
		Programme: events.ProgrammeCounterpartSupport, AgreementDocNo: "钟楼协〔2021〕24号", ValidFrom: "2021-01-01", ValidTo: "2030-12-31"}); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, store); !errors.Is(err, demo.ErrOlderDemo) {
		t.Fatalf("loading over an older demo: %v, want ErrOlderDemo", err)
	}
}

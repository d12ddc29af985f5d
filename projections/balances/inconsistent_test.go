package balances_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/balances"
)

// TestInconsistentEvents checks that Apply refuses events the ledger would
// never write — whether the original is in the same batch or an earlier
// one — and that the refused batch leaves the tables as they were.
func TestInconsistentEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	base := func(tb testing.TB) *script {
		s := &script{tb: tb}
		d := func(v string) events.Date { return day(tb, v) }
		s.add(events.PairingEstablished{PairingID: "P1", Donor: events.Unit{Code: "ZL", Name: "钟楼区", ShortName: "钟楼"},
			Partner: events.Unit{Code: "632624", Name: "班玛县", ShortName: "班玛"}, Programme: events.ProgrammeCounterpartSupport,
			AgreementDocNo: "1号", ValidFrom: d("2021-01-01"), ValidTo: d("2025-12-31")})
		s.add(events.FundsCommitted{CommitmentID: "C1", PairingID: "P1", AmountFen: 100, BudgetYear: 2024,
			SourceLevel: events.SourceDistrict, DocNo: "文", BusinessDate: d("2024-01-01")})
		s.add(events.FundsDisbursed{DisbursementID: "D1", CommitmentID: "C1", PairingID: "P1", AmountFen: 60,
			BusinessDate: d("2024-02-01"), PayeeName: "财政局", VoucherNo: "V1"})
		s.add(events.FundsReceiptConfirmed{DisbursementID: "D1", CommitmentID: "C1", PairingID: "P1", ReceivedDate: d("2024-02-02"), ReceiptRef: "R"})
		s.add(events.SecondmentStarted{SecondmentID: "S1", PairingID: "P1", PersonRef: "A", Category: events.StaffTeacher,
			SendingOrg: "区", HostOrg: "县", StartDate: d("2024-03-01")})
		s.add(events.SecondmentReversed{EntryReversal: events.EntryReversal{OriginalID: "S1", PairingIDList: []string{"P1"},
			Reason: events.ReasonEntryError, BusinessDate: d("2024-03-02"), OriginalDate: d("2024-03-01")}})
		return s
	}
	d := func(v string) events.Date { return day(t, v) }
	for _, c := range []struct {
		name string
		bad  events.Event
	}{
		{"reversal of an unknown disbursement", events.DisbursementReversed{ReversalID: "R1", DisbursementID: "D9", CommitmentID: "C1",
			PairingID: "P1", AmountFen: 1, Reason: events.ReasonEntryError, BusinessDate: d("2024-03-01"), OriginalDate: d("2024-02-01")}},
		{"reversal beyond the disbursement", events.DisbursementReversed{ReversalID: "R1", DisbursementID: "D1", CommitmentID: "C1",
			PairingID: "P1", AmountFen: 61, Reason: events.ReasonFundsReturned, BusinessDate: d("2024-03-01"), OriginalDate: d("2024-02-01")}},
		{"reversal with an unknown reason", events.DisbursementReversed{ReversalID: "R1", DisbursementID: "D1", CommitmentID: "C1",
			PairingID: "P1", AmountFen: 1, Reason: "oops", BusinessDate: d("2024-03-01"), OriginalDate: d("2024-02-01")}},
		{"second receipt", events.FundsReceiptConfirmed{DisbursementID: "D1", CommitmentID: "C1", PairingID: "P1",
			ReceivedDate: d("2024-02-03"), ReceiptRef: "R2"}},
		{"adjustment of an unknown commitment", events.CommitmentAdjusted{CommitmentID: "C9", PairingID: "P1", DeltaFen: 5,
			BusinessDate: d("2024-03-01")}},
		{"commitment created twice", events.FundsCommitted{CommitmentID: "C1", PairingID: "P1", AmountFen: 100, BudgetYear: 2024,
			SourceLevel: events.SourceDistrict, DocNo: "文", BusinessDate: d("2024-01-01")}},
		{"reversal of an unknown donation", events.DonationReversed{EntryReversal: events.EntryReversal{OriginalID: "DN9",
			PairingIDList: []string{"P1"}, Reason: events.ReasonEntryError, AmountFen: 1, BusinessDate: d("2024-03-01"), OriginalDate: d("2024-02-01")}}},
		{"end of a reversed secondment", events.SecondmentEnded{SecondmentID: "S1", PairingID: "P1", PersonRef: "A", EndDate: d("2024-04-01")}},
		{"secondment reversed twice", events.SecondmentReversed{EntryReversal: events.EntryReversal{OriginalID: "S1",
			PairingIDList: []string{"P1"}, Reason: events.ReasonEntryError, BusinessDate: d("2024-03-05"), OriginalDate: d("2024-03-01")}}},
		{"progress of an unknown project", events.ProjectProgressReported{ProjectID: "PR9", PairingID: "P1", AsOf: d("2024-03-01"),
			Status: events.ProjectInProgress}},
	} {
		t.Run(c.name, func(t *testing.T) {
			pool := newModel(t)
			s := base(t)
			s.add(c.bad)
			// The original in the same batch …
			if err := applyBatch(ctx, pool, s.evs); !errors.Is(err, balances.ErrInconsistent) {
				t.Fatalf("one batch: error = %v, want ErrInconsistent", err)
			}
			if got := dump(t, pool); got != dump(t, newModel(t)) {
				t.Fatalf("a refused batch left rows behind:\n%s", got)
			}
			// … and in an earlier one.
			good := s.evs[:len(s.evs)-1]
			applyAll(t, pool, good, 0)
			before := dump(t, pool)
			if err := applyBatch(ctx, pool, s.evs[len(s.evs)-1:]); !errors.Is(err, balances.ErrInconsistent) {
				t.Fatalf("later batch: error = %v, want ErrInconsistent", err)
			}
			if got := dump(t, pool); got != before {
				t.Fatalf("a refused batch changed the tables: %s", firstDiff(before, got))
			}
		})
	}
}

// TestIgnoredEvents checks that events of unknown types (Data nil, as the
// runner passes them) change nothing, and that targets change no figure:
// they are kept beside them.
func TestIgnoredEvents(t *testing.T) {
	t.Parallel()
	pool := newModel(t)
	applyAll(t, pool, []projections.Event{{Record: events.Record{Position: 1, Type: "aid.something_new"}}}, 0)
	if got, want := dump(t, pool), dump(t, newModel(t)); got != want {
		t.Fatalf("an unknown event left rows:\n%s", got)
	}
	applyAll(t, pool, []projections.Event{{Record: events.Record{Position: 2, Type: "aid.annual_targets_set"},
		Data: events.AnnualTargetsSet{PairingID: "P1", Year: 2024, Targets: events.Targets{FiscalFen: 100, Staff: 3}}}}, 0)
	var zero, targets int
	if err := pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM proj_balances.pairing_years WHERE pairing_id = 'P1' AND year = 2024 AND visits = 0 AND committed_fen = 0),
		(SELECT count(*) FROM proj_balances.targets WHERE pairing_id = 'P1' AND year = 2024 AND (targets->>'staff')::int = 3)`).
		Scan(&zero, &targets); err != nil {
		t.Fatal(err)
	}
	if zero != 1 || targets != 1 {
		t.Fatalf("targets: %d zero pairing_years rows, %d targets rows; want 1 and 1", zero, targets)
	}
}

package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var admin = auth.Principal{Name: "admin", Role: auth.RoleAdmin}

// id is the n-th fixed ULID of the script.
func id(n int) string { return fmt.Sprintf("01J00000000000000000%06d", n) }

// script is a sequence of commands, some of which break a rule — against
// the ledger as it stands and the commands before them — and two that
// repeat an idempotency key (once with the same body, once with another).
func script() []func(context.Context, *ledger.Ledger) (*ledger.Written, error) {
	req := func(n int) ledger.Request {
		return ledger.Request{Principal: admin, IdempotencyKey: fmt.Sprintf("batch-key-%04d", n)}
	}
	pairing := ledger.EstablishPairing{PairingID: id(1), Donor: ledger.UnitInput{Code: "zhonglou", Name: "常州市钟楼区", ShortName: "钟楼"},
		Partner: ledger.UnitInput{Code: "632624", Name: "班玛县", ShortName: "班玛"}, Programme: events.ProgrammeCounterpartSupport,
		AgreementDocNo: "钟政〔2021〕1号", ValidFrom: "2021-01-01", ValidTo: "2030-12-31"}
	commit := ledger.CommitFunds{CommitmentID: id(2), PairingID: id(1), AmountFen: 100_0000_00, BudgetYear: 2025,
		SourceLevel: events.SourceDistrict, DocNo: "钟财〔2025〕1号", BusinessDate: "2025-01-10"}
	disburse := func(n, amount int, voucher string) ledger.DisburseFunds {
		return ledger.DisburseFunds{DisbursementID: id(n), CommitmentID: id(2), AmountFen: int64(amount), BusinessDate: "2025-03-01",
			PayeeName: "班玛县财政局", VoucherNo: voucher}
	}
	donation := func(n int, receipt string) ledger.RecordDonation {
		return ledger.RecordDonation{DonationID: id(n), PairingID: id(1), DonorName: "某企业", DonorType: events.DonorEnterprise,
			Kind: events.DonationCash, AmountFen: 5_0000_00, ReceiptNo: receipt, BusinessDate: "2025-02-01"}
	}
	second := func(n int, start string) ledger.StartSecondment {
		return ledger.StartSecondment{SecondmentID: id(n), PairingID: id(1), PersonRef: "P-1", Category: events.StaffTeacher,
			SendingOrg: "钟楼区教育局", HostOrg: "班玛县中学", StartDate: start}
	}
	type step = func(context.Context, *ledger.Ledger) (*ledger.Written, error)
	return []step{
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) {
			return l.EstablishPairing(ctx, req(1), pairing)
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) { // pairing_overlap
			p := pairing
			p.PairingID = id(3)
			return l.EstablishPairing(ctx, req(2), p)
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) {
			return l.CommitFunds(ctx, req(3), commit)
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) {
			return l.DisburseFunds(ctx, req(4), disburse(4, 60_0000_00, "V-1"))
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) { // over_commitment
			return l.DisburseFunds(ctx, req(5), disburse(5, 41_0000_00, "V-2"))
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) { // duplicate_voucher
			return l.DisburseFunds(ctx, req(6), disburse(6, 1_0000_00, "V-1"))
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) { // frees V-1
			return l.ReverseDisbursement(ctx, req(7), id(4), ledger.ReverseDisbursement{ReversalID: id(7), AmountFen: 60_0000_00,
				Reason: events.ReasonEntryError, BusinessDate: "2025-03-02"})
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) { // V-1 again, now free
			return l.DisburseFunds(ctx, req(8), disburse(8, 40_0000_00, "V-1"))
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) { // cannot_reverse_reversal
			return l.ReverseDisbursement(ctx, req(9), id(7), ledger.ReverseDisbursement{ReversalID: id(9), AmountFen: 1,
				Reason: events.ReasonEntryError, BusinessDate: "2025-03-03"})
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) {
			return l.RecordDonation(ctx, req(10), donation(10, "R-1"))
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) { // duplicate_receipt
			return l.RecordDonation(ctx, req(11), donation(11, "R-1"))
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) { // a replay: same key, same body
			return l.RecordDonation(ctx, req(10), donation(10, "R-1"))
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) { // idempotency_key_reused
			return l.RecordDonation(ctx, req(10), donation(12, "R-2"))
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) {
			return l.StartSecondment(ctx, req(13), second(13, "2025-01-01"))
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) { // secondment_overlap
			return l.StartSecondment(ctx, req(14), second(14, "2025-02-01"))
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) {
			return l.EndSecondment(ctx, req(15), id(13), ledger.EndSecondment{EndDate: "2025-01-31"})
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) {
			return l.StartSecondment(ctx, req(16), second(16, "2025-02-01"))
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) { // frees R-1
			return l.ReverseEntry(ctx, req(17), "donation", id(10), ledger.ReverseEntry{Reason: events.ReasonEntryError, BusinessDate: "2025-02-02"})
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) {
			return l.RecordDonation(ctx, req(18), donation(18, "R-1"))
		},
		func(ctx context.Context, l *ledger.Ledger) (*ledger.Written, error) { // duplicate_id (a new stream whose id is taken)
			return l.RecordDonation(ctx, req(19), donation(18, "R-9"))
		},
	}
}

// outcome is what a command came to: its rejection code, or "ok" and its
// answer's ids.
func outcome(w *ledger.Written, err error) string {
	var r *ledger.Rejection
	switch {
	case errors.As(err, &r):
		return r.Code
	case err != nil:
		return "error: " + err.Error()
	}
	return fmt.Sprintf("ok %s%s%s%s%s", w.PairingID, w.CommitmentID, w.DisbursementID, w.DonationID, w.SecondmentID)
}

// logOf is the log's content without what differs between runs (event
// ids, hashes): stream, version, type and payload of each event in order.
func logOf(t *testing.T, store *eventstore.Store) []string {
	t.Helper()
	recs, err := store.ReadAll(context.Background(), 0, 10_000, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = fmt.Sprintf("%d %s %d %s %s", r.Position, r.StreamID, r.StreamVersion, r.Type, r.Payload)
	}
	return out
}

// TestBatchAgreesWithAppend: the same commands decided one by one by a
// Ledger (each appended at once), and decided into a Batch (pessimistic,
// and optimistic) then committed in one transaction, meet the same
// outcomes and leave the same log.
func TestBatchAgreesWithAppend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := func() time.Time { return time.Date(2025, 6, 30, 10, 0, 0, 0, time.UTC) }
	newLedger := func() (*eventstore.Store, *ledger.Ledger) {
		store := eventstore.New(testenv.MigratedPool(t))
		l, err := ledger.New(ledger.Config{Store: store, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return store, l
	}

	store, l := newLedger()
	var want []string
	for _, step := range script() {
		want = append(want, outcome(step(ctx, l)))
	}
	wantLog := logOf(t, store)
	if codes := slices.Compact(slices.Sorted(slices.Values(want))); len(codes) < 8 {
		t.Fatalf("the script meets too few outcomes: %v", want)
	}

	for _, optimistic := range []bool{false, true} {
		t.Run(fmt.Sprintf("optimistic=%v", optimistic), func(t *testing.T) {
			store, l := newLedger()
			b := l.NewBatch(store)
			if optimistic {
				b.Optimistic()
			}
			var got []string
			for _, step := range script() {
				got = append(got, outcome(step(ctx, b.Ledger())))
			}
			if conflicts, err := b.Conflicts(ctx); err != nil || len(conflicts) > 0 {
				t.Fatalf("conflicts %v, %v (the store was empty)", conflicts, err)
			}
			if _, err := b.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("command %d: batch %q, ledger %q", i+1, got[i], want[i])
				}
			}
			if gotLog := logOf(t, store); !slices.Equal(gotLog, wantLog) {
				t.Errorf("the logs differ:\nbatch  %v\nledger %v", gotLog, wantLog)
			}
		})
	}
}

package ledger_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// TestInDoubtAppends: the connection is lost once the append was sent.
// When the database recorded it, the ledger finds it recorded under its
// key and answers as a replay of it; when it did not, the answer is 503
// outcome_unknown (never a 500), and the same request sent again is
// recorded once.
func TestInDoubtAppends(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL := testenv.MigratedURL(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testenv.NewProxy(t, u.Host)
	pool, err := pgxpool.New(ctx, proxy.Via(t, dbURL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	store := eventstore.New(pool)
	l := testenv.Ledger(t, store)
	req := func(key string) ledger.Request { return ledger.Request{Principal: admin, IdempotencyKey: key} }
	pr, err := l.EstablishPairing(ctx, req("indoubt-pairing"), ledger.EstablishPairing{
		Donor:   ledger.UnitInput{Code: "zhonglou", Name: "常州市钟楼区", ShortName: "钟楼"},
		Partner: ledger.UnitInput{Code: "632624", Name: "班玛县", ShortName: "班玛"}, Programme: events.ProgrammeCounterpartSupport,
		AgreementDocNo: "钟政〔2021〕1号", ValidFrom: "2021-01-01", ValidTo: "2030-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	donation := func(receipt string) ledger.RecordDonation {
		return ledger.RecordDonation{PairingID: pr.PairingID, DonorName: "某企业", DonorType: events.DonorEnterprise,
			Kind: events.DonationCash, AmountFen: 1_000_000, ReceiptNo: receipt, BusinessDate: "2025-02-01"}
	}
	head := func() int64 {
		pos, _, err := store.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return pos
	}

	t.Run("recorded before the connection was lost", func(t *testing.T) {
		before := head()
		cut := proxy.Cut("RECEIPT-INDOUBT-1", true)
		w, err := l.RecordDonation(ctx, req("indoubt-recorded"), donation("RECEIPT-INDOUBT-1"))
		<-cut
		if err != nil {
			t.Fatalf("answer %v, want the recorded donation", err)
		}
		if !w.Replayed || w.DonationID == "" || w.Position != before+1 || head() != before+1 {
			t.Fatalf("answer %+v (head %d → %d), want the one recorded event, found under its key", w, before, head())
		}
	})

	t.Run("lost before it reached the database", func(t *testing.T) {
		before := head()
		cut := proxy.Cut("RECEIPT-INDOUBT-2", false)
		_, err := l.RecordDonation(ctx, req("indoubt-lost"), donation("RECEIPT-INDOUBT-2"))
		<-cut
		var r *ledger.Rejection
		if !errors.As(err, &r) || r.Code != ledger.CodeOutcomeUnknown || r.Status != http.StatusServiceUnavailable || r.MessageZh == "" {
			t.Fatalf("answer %v, want 503 outcome_unknown", err)
		}
		if head() != before {
			t.Fatalf("the log moved from %d to %d", before, head())
		}
		w, err := l.RecordDonation(ctx, req("indoubt-lost"), donation("RECEIPT-INDOUBT-2"))
		if err != nil || w.Replayed || head() != before+1 {
			t.Fatalf("the retry answered %+v, %v (head %d → %d), want it recorded once", w, err, before, head())
		}
		if again, err := l.RecordDonation(ctx, req("indoubt-lost"), donation("RECEIPT-INDOUBT-2")); err != nil || !again.Replayed || again.DonationID != w.DonationID {
			t.Fatalf("a second retry answered %+v, %v; want the replay of %s", again, err, w.DonationID)
		}
	})
}

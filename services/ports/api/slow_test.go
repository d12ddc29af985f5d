package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// slowAppend appends a visit in a transaction that stays open for hold
// after the append: a long transaction committing late.
func slowAppend(t *testing.T, e *env, pairing string, hold time.Duration) {
	t.Helper()
	ctx := context.Background()
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		t.Error(err)
		return
	}
	defer tx.Rollback(ctx)
	id := events.NewID()
	_, err = e.store.InTx(tx).Append(ctx, &eventstore.AppendRequest{StreamID: "visit-" + id, Events: []events.Event{
		events.VisitConducted{VisitID: id, PairingIDList: []string{pairing}, Direction: events.VisitInbound, StartDate: events.DateOf(2025, 2, 1)},
	}, DonorCode: "D1", PartnerCode: "632624", Metadata: events.Metadata{Actor: "slow"}})
	if err != nil {
		t.Error(err)
		return
	}
	time.Sleep(hold)
	if err := tx.Commit(ctx); err != nil {
		t.Error(err)
	}
}

package yearend

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// orderRow is a donor's report order as set at a position.
type orderRow struct {
	position   int64
	donorCode  string
	pairingIDs []string
}

// reportOrderSet keeps the donor's report order as set at the event's
// position.
func (b *batchState) reportOrderSet(e events.ReportOrderSet) error {
	ids := make([]string, len(e.PairingIDs))
	for i, id := range e.PairingIDs {
		ids[i] = text(id)
	}
	b.orders = append(b.orders, orderRow{position: b.cur.Position, donorCode: text(e.DonorCode), pairingIDs: ids})
	return nil
}

// writeOrders copies the report order rows of the batch.
func (b *batchState) writeOrders(ctx context.Context, tx pgx.Tx) error {
	w := newRows("report_orders", "position", "donor_code", "pairing_ids")
	for _, o := range b.orders {
		raw, err := json.Marshal(o.pairingIDs)
		if err != nil {
			return fmt.Errorf("yearend: report order of %s: %w", o.donorCode, err)
		}
		w.Row()
		w.Int8(o.position)
		w.Text(o.donorCode)
		w.Bytea(raw)
	}
	return send(ctx, tx, w)
}

// readOrder is the donor's report order as set at or before pos (nil: none).
func readOrder(ctx context.Context, q projections.Querier, donorCode string, pos int64) ([]string, error) {
	var raw []byte
	err := q.QueryRow(ctx, `SELECT pairing_ids FROM `+Schema+`.report_orders WHERE donor_code = $1 AND position <= $2
		ORDER BY position DESC LIMIT 1`, donorCode, pos).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("yearend: report order of %s: %w", donorCode, err)
	}
	var ids []string
	if err := json.Unmarshal(raw, &ids); err != nil {
		return nil, fmt.Errorf("yearend: report order of %s: %w", donorCode, err)
	}
	return ids, nil
}

// sortByOrder puts pairings (in the order they were established) in the
// donor's report order: those order names first, in its order, then the
// others as they were.
func sortByOrder(pairings []donorPairing, order []string) {
	rank := func(id string) int {
		if i := slices.Index(order, id); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(pairings, func(a, b donorPairing) int { return cmp.Compare(rank(a.id), rank(b.id)) })
}

// firstEstablished is the pairing established first.
func firstEstablished(pairings []donorPairing) donorPairing {
	return slices.MinFunc(pairings, func(a, b donorPairing) int { return cmp.Compare(a.position, b.position) })
}

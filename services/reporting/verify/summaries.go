package verify

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
)

// SummaryMismatch is a published summary (a SummaryGenerated event) whose
// provenance the log does not bear out: the chain hash it states is not
// the hash at the position it states, or that position is not before it.
type SummaryMismatch struct {
	Position int64  `json:"position"` // of the SummaryGenerated event
	EventID  string `json:"event_id"`
	Reason   string `json:"reason"`
}

// summaryClaim is what a SummaryGenerated event states of the ledger.
type summaryClaim struct {
	at      int64 // the event's own position
	eventID string
	events.SummaryGenerated
}

// claimOf is the claim of record r when it is a SummaryGenerated event.
func claimOf(r *events.Record) (summaryClaim, bool, error) {
	if r.Type != (events.SummaryGenerated{}).EventType() {
		return summaryClaim{}, false, nil
	}
	ev, err := events.Decode(r.Type, r.SchemaVersion, r.Payload)
	if err != nil {
		return summaryClaim{}, false, fmt.Errorf("position %d: %w", r.Position, err)
	}
	return summaryClaim{at: r.Position, eventID: r.ID, SummaryGenerated: ev.(events.SummaryGenerated)}, true, nil
}

// checkSummaries checks each claim against the hashes of the log in tx: a
// summary was computed at a position before its own, whose hash it states.
func checkSummaries(ctx context.Context, tx pgx.Tx, claims []summaryClaim, rep *Report) error {
	if len(claims) == 0 {
		return nil
	}
	positions := make([]int64, len(claims))
	for i, c := range claims {
		positions[i] = c.Position
	}
	rows, err := tx.Query(ctx, `SELECT position, hash FROM events WHERE position = ANY($1)`, positions)
	if err != nil {
		return errf("summaries: read the hashes they cite: %w", err)
	}
	hashes := map[int64]events.Hash{}
	for rows.Next() {
		var pos int64
		var h []byte
		if err := rows.Scan(&pos, &h); err != nil {
			rows.Close()
			return errf("summaries: %w", err)
		}
		var hash events.Hash
		copy(hash[:], h)
		hashes[pos] = hash
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errf("summaries: %w", err)
	}
	for _, c := range claims {
		h, ok := hashes[c.Position]
		switch {
		case c.Position < 1 || c.Position >= c.at || !ok:
			rep.SummaryMismatches = append(rep.SummaryMismatches, SummaryMismatch{Position: c.at, EventID: c.eventID,
				Reason: fmt.Sprintf("the summary says it was computed at position %d, which is not in the log before it", c.Position)})
		case h.String() != c.ChainHash:
			rep.SummaryMismatches = append(rep.SummaryMismatches, SummaryMismatch{Position: c.at, EventID: c.eventID,
				Reason: fmt.Sprintf("the summary states chain hash %s at position %d, where the log has %s", c.ChainHash, c.Position, h)})
		}
	}
	return nil
}

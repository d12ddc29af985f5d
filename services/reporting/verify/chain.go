package verify

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
)

// recordColumns are the events columns, in scanRecord's order.
const recordColumns = `position, event_id, stream_id, stream_version, type, schema_version, recorded_at,
	donor_code, partner_code, actor, idempotency_key, correlation_id, causation_id, payload, prev_hash, hash`

// progressEvery is how many rows pass between progress reports.
const progressEvery = 4096

// orderWindow is how far from a broken position the diagnosis looks for
// the position an event was really chained at (besides the positions its
// neighbours in the chain point to).
const orderWindow = 64

// scanRecord reads one events row. A hash of the wrong length is kept as
// the zero hash and reported through badHash.
func scanRecord(row pgx.Row) (r events.Record, badHash bool, err error) {
	var prev, hash, payload []byte
	err = row.Scan(&r.Position, &r.ID, &r.StreamID, &r.StreamVersion, &r.Type, &r.SchemaVersion, &r.RecordedAt,
		&r.DonorCode, &r.PartnerCode, &r.Metadata.Actor, &r.Metadata.IdempotencyKey, &r.Metadata.CorrelationID,
		&r.Metadata.CausationID, &payload, &prev, &hash)
	if err != nil {
		return r, false, err
	}
	r.Payload = payload
	r.RecordedAt = r.RecordedAt.UTC()
	badHash = len(prev) != len(r.PrevHash) || len(hash) != len(r.Hash)
	copy(r.PrevHash[:], prev)
	copy(r.Hash[:], hash)
	return r, badHash, nil
}

// checkChain recomputes the hash chain from cfg.From to the head, in one
// REPEATABLE READ snapshot, and records the first break in rep.
func checkChain(ctx context.Context, cfg Config, rep *Report, pr *progress) error {
	tx, err := cfg.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return errf("chain: begin snapshot: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read only

	var headHash []byte
	if err := tx.QueryRow(ctx, `SELECT position, hash FROM ledger_head`).Scan(&rep.Head.Position, &headHash); err != nil {
		return errf("chain: read ledger head: %w", err)
	}
	copy(rep.Head.Hash[:], headHash)

	from := cfg.From
	if from > 1 {
		var anchor []byte
		err := tx.QueryRow(ctx, `SELECT hash FROM events WHERE position = $1`, from-1).Scan(&anchor)
		if errors.Is(err, pgx.ErrNoRows) {
			rep.ChainBreak = &ChainBreak{Position: from - 1, Kind: BreakGap,
				Reason: fmt.Sprintf("the anchor, position %d, is missing", from-1)}
			return nil
		}
		if err != nil {
			return errf("chain: read the anchor at %d: %w", from-1, err)
		}
		copy(rep.Anchor[:], anchor)
	}
	pr.plan(rep.Head.Position - from + 1)

	rows, err := tx.Query(ctx, `SELECT `+recordColumns+` FROM events WHERE position >= $1 ORDER BY position`, from)
	if err != nil {
		return errf("chain: read the log from %d: %w", from, err)
	}
	prev, next := rep.Anchor, from
	var bad *events.Record
	var kind string // what failed with bad: "link" or "content"
	var badHash bool
	var claims []summaryClaim
	for rows.Next() {
		r, wrongLen, err := scanRecord(rows)
		if err != nil {
			rows.Close()
			return errf("chain: read position %d: %w", next, err)
		}
		if r.Position != next {
			rep.ChainBreak = &ChainBreak{Position: next, Kind: BreakGap,
				Reason: fmt.Sprintf("position %d is missing from the log (the next stored position is %d)", next, r.Position)}
			break
		}
		if wrongLen {
			bad, kind, badHash = &r, "content", true
			break
		}
		if events.ChainHash(r.PrevHash, r.Position, r.Canonical()) != r.Hash {
			bad, kind = &r, "content"
			break
		}
		if r.PrevHash != prev {
			bad, kind = &r, "link"
			break
		}
		c, isSummary, err := claimOf(&r)
		if err != nil {
			rows.Close()
			return errf("chain: %w", err)
		}
		if isSummary {
			claims = append(claims, c)
		}
		prev = r.Hash
		next++
		rep.Checked++
		if rep.Checked%progressEvery == 0 {
			pr.add(progressEvery)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errf("chain: read the log from %d: %w", from, err)
	}
	pr.add(rep.Checked % progressEvery)
	if err := checkSummaries(ctx, tx, claims, rep); err != nil {
		return err
	}
	if bad != nil {
		b, err := diagnose(ctx, tx, bad, kind, badHash, prev, rep.Head)
		if err != nil {
			return errf("chain: diagnose position %d: %w", bad.Position, err)
		}
		rep.ChainBreak = b
	}
	if rep.ChainBreak != nil {
		return nil
	}
	last := next - 1 // the last position verified
	switch {
	case rep.Head.Position > last:
		rep.ChainBreak = &ChainBreak{Position: last + 1, Kind: BreakGap,
			Reason: fmt.Sprintf("%s missing from the log (the ledger head is at %d)", span(last+1, rep.Head.Position), rep.Head.Position)}
	case rep.Head.Position < last:
		rep.ChainBreak = &ChainBreak{Position: rep.Head.Position + 1, Kind: BreakHead,
			Reason: fmt.Sprintf("the ledger head says %d but the log goes on to %d", rep.Head.Position, last)}
	case rep.Head.Hash != prev:
		rep.ChainBreak = &ChainBreak{Position: last, Kind: BreakHead,
			Reason: fmt.Sprintf("the ledger head's hash %s is not the hash of position %d (%s)", rep.Head.Hash, last, prev)}
	}
	return nil
}

// diagnose explains why r, at the first broken position, breaks the chain:
// kind "content" (its stored hash does not match its prev_hash, position
// and canonical bytes) or "link" (its prev_hash is not prev, the previous
// event's hash).
func diagnose(ctx context.Context, tx pgx.Tx, r *events.Record, kind string, badHash bool, prev events.Hash, head Head) (*ChainBreak, error) {
	b := &ChainBreak{Position: r.Position, EventID: r.ID}
	if badHash {
		b.Kind, b.Reason = BreakHash, "the stored hash or prev_hash is not 32 bytes"
		return b, nil
	}
	canonical := r.Canonical()
	// An event moved to another position still hashes with the position it
	// was appended at.
	if at, err := chainedAt(ctx, tx, r, canonical); err != nil {
		return nil, err
	} else if at != 0 {
		b.Kind = BreakOrder
		b.Reason = fmt.Sprintf("position order: the event stored at position %d (%s) was appended at position %d", r.Position, r.ID, at)
		return b, nil
	}
	if kind == "link" {
		b.Kind = BreakPrevHash
		b.Reason = fmt.Sprintf("prev_hash %s is not the hash of position %d (%s)", r.PrevHash, r.Position-1, prev)
		return b, nil
	}
	// Content: the event after it (or the ledger head) remembers which of
	// the two is the original.
	recomputed := events.ChainHash(r.PrevHash, r.Position, canonical)
	var follower []byte
	if r.Position == head.Position {
		follower = head.Hash[:]
	} else if err := tx.QueryRow(ctx, `SELECT prev_hash FROM events WHERE position = $1`, r.Position+1).Scan(&follower); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	switch string(follower) {
	case string(recomputed[:]):
		b.Kind = BreakHash
		b.Reason = fmt.Sprintf("the stored hash %s was altered: the contents hash to %s, which the next link confirms", r.Hash, recomputed)
	case string(r.Hash[:]):
		b.Kind = BreakPayload
		b.Reason = fmt.Sprintf("the payload or metadata were altered: the canonical bytes hash to %s, not to the stored hash %s that the next link confirms",
			recomputed, r.Hash)
	default:
		b.Kind = BreakMismatch
		b.Reason = fmt.Sprintf("the stored hash %s does not match the contents (which hash to %s)", r.Hash, recomputed)
	}
	return b, nil
}

// chainedAt returns the position other than r.Position at which r's stored
// hash matches its contents, or 0: candidates are the positions near it and
// those its neighbours in the chain point to.
func chainedAt(ctx context.Context, tx pgx.Tx, r *events.Record, canonical []byte) (int64, error) {
	candidates := map[int64]bool{}
	for d := int64(-orderWindow); d <= orderWindow; d++ {
		candidates[r.Position+d] = true
	}
	var before, after int64
	if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT position FROM events WHERE hash = $1 LIMIT 1), 0),
		coalesce((SELECT position FROM events WHERE prev_hash = $2 LIMIT 1), 0)`, r.PrevHash[:], r.Hash[:]).Scan(&before, &after); err != nil {
		return 0, err
	}
	if before > 0 {
		candidates[before+1] = true
	}
	if after > 0 {
		candidates[after-1] = true
	}
	delete(candidates, r.Position)
	var found int64
	for at := range candidates {
		if at >= 1 && events.ChainHash(r.PrevHash, at, canonical) == r.Hash && (found == 0 || at < found) {
			found = at
		}
	}
	return found, nil
}

// span names positions a..b: "position 7 is" or "positions 7..9 are".
func span(a, b int64) string {
	if a == b {
		return fmt.Sprintf("position %d is", a)
	}
	return fmt.Sprintf("positions %d..%d are", a, b)
}

package audittrail

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/internal/pgcopy"
)

// multiPartner is the partner code the ledger routes an event under when
// it concerns several partner counties (a visit covering several pairings).
const multiPartner = "multi"

// auditColumns are the columns Apply copies into audittrail, in the order
// writeRow writes them.
var auditColumns = []string{
	"position", "event_id", "recorded_at", "actor", "type", "schema_version", "label_zh", "label_en",
	"stream_id", "stream_version", "donor_code", "partner_code", "partner_codes", "pairing_ids", "pairing_id",
	"entity_kind", "entity_id", "relation", "original_id", "parent_id",
	"business_date", "amount_fen", "reversal_reason", "document_kind", "document_no",
	"idempotency_key", "correlation_id", "causation_id", "hash", "payload",
}

// copyBufs recycles the COPY bodies of audittrail rows (a batch of 5000
// events is a few MB). A NUL in their text becomes U+FFFD.
var copyBufs = sync.Pool{New: func() any {
	w := pgcopy.New("audittrail", auditColumns...)
	w.ReplaceNUL = true
	return w
}}

// Apply writes one audittrail row per event with one binary COPY (and a
// pairings row per PairingEstablished), in tx, whose search_path is the
// projection's schema.
//
// The batch must be in strictly increasing position order (an error
// otherwise), none of them applied before (the primary key rejects a
// repeat). Positions are consecutive except where the runner left out
// events it could not decode; an event with a nil Data (a type newer than
// this build) that is passed gets a row with its generic columns. Apply is
// deterministic: rows depend only on the events and on the events applied
// before them, never on the clock or on how the log is cut into batches.
// The partner codes of a "multi" event are resolved from the pairings
// established before it; a pairing not (yet) established is left out. The
// payload is stored verbatim; in the extracted text columns a NUL (which
// Postgres text cannot hold) becomes U+FFFD.
func (Projection) Apply(ctx context.Context, tx pgx.Tx, batch []projections.Event) error {
	if len(batch) == 0 {
		return nil
	}
	for i := 1; i < len(batch); i++ {
		if batch[i].Position <= batch[i-1].Position {
			return fmt.Errorf("audittrail: batch is out of order: position %d follows %d", batch[i].Position, batch[i-1].Position)
		}
	}

	// Pass 1: the facts of each event, the pairings the batch establishes,
	// and the pairings of "multi" events not established earlier in it.
	fs := make([]facts, len(batch))
	var newPairings []events.PairingEstablished
	inBatch := map[string]bool{}
	var unresolved []string
	asked := map[string]bool{}
	hasMulti := false
	for i := range batch {
		fs[i] = flatten(batch[i].Data)
		if batch[i].PartnerCode == multiPartner {
			hasMulti = true
			for _, id := range fs[i].pairingIDs {
				if !inBatch[id] && !asked[id] {
					asked[id] = true
					unresolved = append(unresolved, id)
				}
			}
		}
		if p, ok := batch[i].Data.(events.PairingEstablished); ok {
			inBatch[p.PairingID] = true
			newPairings = append(newPairings, p)
		}
	}

	// Pass 2: the partner codes of "multi" events, from the pairings
	// established before the batch and earlier in it.
	var partners [][]string
	if hasMulti {
		stored := map[string]string{}
		if len(unresolved) > 0 {
			var err error
			if stored, err = storedPairings(ctx, tx, unresolved); err != nil {
				return err
			}
		}
		partners = make([][]string, len(batch))
		earlier := map[string]string{}
		for i := range batch {
			if batch[i].PartnerCode == multiPartner {
				partners[i] = resolve(fs[i].pairingIDs, earlier, stored)
			}
			if p, ok := batch[i].Data.(events.PairingEstablished); ok {
				earlier[p.PairingID] = p.Partner.Code
			}
		}
	}

	if len(newPairings) > 0 {
		var ids, donorCodes, partnerCodes []string
		for _, p := range newPairings {
			ids = append(ids, p.PairingID)
			donorCodes = append(donorCodes, p.Donor.Code)
			partnerCodes = append(partnerCodes, p.Partner.Code)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO pairings (pairing_id, donor_code, partner_code)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`, ids, donorCodes, partnerCodes); err != nil {
			return fmt.Errorf("audittrail: insert pairings: %w", err)
		}
	}

	buf := copyBufs.Get().(*pgcopy.Rows)
	defer copyBufs.Put(buf)
	buf.Reset()
	for i := range batch {
		var p []string
		if partners != nil {
			p = partners[i]
		}
		if err := writeRow(buf, &batch[i], &fs[i], p); err != nil {
			return err
		}
	}
	if err := buf.Send(ctx, tx); err != nil {
		return fmt.Errorf("audittrail: copy positions %d–%d: %w", batch[0].Position, batch[len(batch)-1].Position, err)
	}
	return writeMembers(ctx, tx, batch, fs)
}

// writeMembers inserts a members row for each pairing of each event of
// the batch that names several.
func writeMembers(ctx context.Context, tx pgx.Tx, batch []projections.Event, fs []facts) error {
	var ids []string
	var pos []int64
	for i := range fs {
		if len(fs[i].pairingIDs) < 2 {
			continue
		}
		for _, id := range slices.Compact(slices.Sorted(slices.Values(fs[i].pairingIDs))) {
			ids, pos = append(ids, id), append(pos, batch[i].Position)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO members (pairing_id, position) SELECT * FROM unnest($1::text[], $2::bigint[])`, ids, pos); err != nil {
		return fmt.Errorf("audittrail: members of positions %d–%d: %w", batch[0].Position, batch[len(batch)-1].Position, err)
	}
	return nil
}

// writeRow writes the audittrail row of ev (auditColumns); partners are the
// resolved partner codes of a "multi" event, nil otherwise.
func writeRow(c *pgcopy.Rows, ev *projections.Event, f *facts, partners []string) error {
	payload := []byte(ev.Payload)
	if len(payload) == 0 {
		b, err := json.Marshal(ev.Data)
		if err != nil {
			return fmt.Errorf("audittrail: position %d: encode payload: %w", ev.Position, err)
		}
		payload = b
	}
	zh, en := Label(ev.Type)
	c.Row()
	c.Int8(ev.Position)
	c.Text(ev.ID)
	c.Timestamptz(ev.RecordedAt)
	c.Text(ev.Metadata.Actor)
	c.Text(ev.Type)
	c.Int4(int32(ev.SchemaVersion))
	c.Text(zh)
	c.Text(en)
	c.Text(ev.StreamID)
	c.Int8(ev.StreamVersion)
	c.Text(ev.DonorCode)
	c.Text(ev.PartnerCode)
	if partners != nil {
		c.TextArray(partners)
	} else {
		c.Null()
	}
	c.TextArray(f.pairingIDs)
	if len(f.pairingIDs) > 0 {
		c.Text(f.pairingIDs[0])
	} else {
		c.Null()
	}
	c.TextOrNull(f.entityKind)
	c.TextOrNull(f.entityID)
	c.TextOrNull(f.relation)
	c.TextOrNull(f.originalID)
	c.TextOrNull(f.parentID)
	c.EventDateOrNull(f.businessDate)
	if f.hasAmount {
		c.Int8(f.amountFen)
	} else {
		c.Null()
	}
	c.TextOrNull(f.reversalReason)
	c.TextOrNull(f.documentKind)
	c.TextOrNull(f.documentNo)
	c.Text(ev.Metadata.IdempotencyKey)
	c.Text(ev.Metadata.CorrelationID)
	c.Text(ev.Metadata.CausationID)
	c.Bytea(ev.Hash[:])
	c.Bytea(payload)
	return nil
}

// resolve returns the distinct partner codes of pairing ids, in the order
// of ids, looking in batch (pairings established earlier in the batch) and
// then in stored (pairings established before it). Unknown ids are left
// out. The result is never nil.
func resolve(ids []string, batch, stored map[string]string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		code, ok := batch[id]
		if !ok {
			code, ok = stored[id]
		}
		if ok && !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	return out
}

// storedPairings returns the partner codes of those of ids already in the
// pairings table.
func storedPairings(ctx context.Context, tx pgx.Tx, ids []string) (map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT pairing_id, partner_code FROM pairings WHERE pairing_id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("audittrail: look up pairings: %w", err)
	}
	out := map[string]string{}
	var id, code string
	if _, err := pgx.ForEachRow(rows, []any{&id, &code}, func() error { out[id] = code; return nil }); err != nil {
		return nil, fmt.Errorf("audittrail: look up pairings: %w", err)
	}
	return out, nil
}

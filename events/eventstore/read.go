package eventstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
)

// ErrNotFound means no such stream, entity or idempotency key.
var ErrNotFound = errors.New("not found")

const recordColumns = `position, event_id, stream_id, stream_version, type, schema_version, recorded_at,
	donor_code, partner_code, actor, idempotency_key, correlation_id, causation_id, payload, prev_hash, hash`

func scanRecord(row pgx.Row) (events.Record, error) {
	var r events.Record
	var prev, hash, payload []byte // payload as bytes: no JSON validation pass per row
	err := row.Scan(&r.Position, &r.ID, &r.StreamID, &r.StreamVersion, &r.Type, &r.SchemaVersion, &r.RecordedAt,
		&r.DonorCode, &r.PartnerCode, &r.Metadata.Actor, &r.Metadata.IdempotencyKey, &r.Metadata.CorrelationID,
		&r.Metadata.CausationID, &payload, &prev, &hash)
	if err != nil {
		return r, err
	}
	r.Payload = payload
	r.RecordedAt = r.RecordedAt.UTC()
	if len(prev) != len(r.PrevHash) || len(hash) != len(r.Hash) {
		return r, fmt.Errorf("event at position %d: hash is not 32 bytes", r.Position)
	}
	copy(r.PrevHash[:], prev)
	copy(r.Hash[:], hash)
	return r, nil
}

func collect(rows pgx.Rows) ([]events.Record, error) {
	defer rows.Close()
	var out []events.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReadStream returns every event of a stream in stream order, and the
// stream's version (0 and no events when it does not exist).
func (s *Store) ReadStream(ctx context.Context, streamID string) ([]events.Record, int64, error) {
	rows, err := s.db.Query(ctx, `SELECT `+recordColumns+` FROM events WHERE stream_id = $1 ORDER BY stream_version`, streamID)
	if err != nil {
		return nil, 0, fmt.Errorf("read stream %s: %w", streamID, err)
	}
	recs, err := collect(rows)
	if err != nil {
		return nil, 0, fmt.Errorf("read stream %s: %w", streamID, err)
	}
	var version int64
	if len(recs) > 0 {
		version = recs[len(recs)-1].StreamVersion
	}
	return recs, version, nil
}

// ReadStreamAfter returns the events of a stream after version after, in
// stream order, and the stream's version (after, when nothing follows).
// Events never change once appended, so a reader that holds a stream up
// to a version needs only what follows it.
func (s *Store) ReadStreamAfter(ctx context.Context, streamID string, after int64) ([]events.Record, int64, error) {
	rows, err := s.db.Query(ctx, `SELECT `+recordColumns+` FROM events WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version`,
		streamID, after)
	if err != nil {
		return nil, 0, fmt.Errorf("read stream %s after %d: %w", streamID, after, err)
	}
	recs, err := collect(rows)
	if err != nil {
		return nil, 0, fmt.Errorf("read stream %s after %d: %w", streamID, after, err)
	}
	version := after
	if len(recs) > 0 {
		version = recs[len(recs)-1].StreamVersion
	}
	return recs, version, nil
}

// Filter narrows ReadAll to the events a reader may see. Empty fields match
// everything.
type Filter struct {
	DonorCode   string
	PartnerCode string
}

// ReadAll returns up to limit events with position > after, in position
// order. Because positions are assigned under a lock and committed in order,
// calling it again with after = the last position seen never skips an event.
//
// A filtered read is planned for its arguments every time. As a statement
// pgx caches per connection, from its sixth run Postgres may use a
// generic plan, made without them, in which the filter cannot use
// events_donor_position or events_partner_position: it walks the log by
// position and filters it, reading the rest of the log to fill a page of
// a donor with few events. An unfiltered read walks the log by position
// whatever its arguments, and keeps the cached statement.
func (s *Store) ReadAll(ctx context.Context, after int64, limit int, f Filter) ([]events.Record, error) {
	args := []any{after, limit, f.DonorCode, f.PartnerCode}
	if f != (Filter{}) {
		args = append([]any{pgx.QueryExecModeDescribeExec}, args...)
	}
	rows, err := s.db.Query(ctx, `SELECT `+recordColumns+` FROM events
		WHERE position > $1 AND ($3 = '' OR donor_code = $3) AND ($4 = '' OR partner_code = $4)
		ORDER BY position LIMIT $2`, args...)
	if err != nil {
		return nil, fmt.Errorf("read log after %d: %w", after, err)
	}
	recs, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("read log after %d: %w", after, err)
	}
	return recs, nil
}

// Head returns the position and hash of the last event (0 and the zero hash
// for an empty log).
func (s *Store) Head(ctx context.Context) (int64, events.Hash, error) {
	var pos int64
	var b []byte
	var h events.Hash
	if err := s.db.QueryRow(ctx, `SELECT position, hash FROM ledger_head`).Scan(&pos, &b); err != nil {
		return 0, h, fmt.Errorf("read head: %w", err)
	}
	copy(h[:], b)
	return pos, h, nil
}

// EntityRef says where an entity lives.
type EntityRef struct {
	ID       string
	Kind     string
	StreamID string
}

// Entity finds the stream of an entity id; ErrNotFound if there is none.
func (s *Store) Entity(ctx context.Context, id string) (EntityRef, error) {
	ref := EntityRef{ID: id}
	err := s.db.QueryRow(ctx, `SELECT kind, stream_id FROM entities WHERE entity_id = $1`, id).Scan(&ref.Kind, &ref.StreamID)
	if errors.Is(err, pgx.ErrNoRows) {
		return ref, fmt.Errorf("entity %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return ref, fmt.Errorf("entity %s: %w", id, err)
	}
	return ref, nil
}

// Prior is what an idempotency key was first used for.
type Prior struct {
	Fingerprint []byte
	Result      AppendResult
}

// Idempotency returns the stored outcome of a key; ErrNotFound if unused.
// Callers check it before validating a command, so that a repeat gets the
// first answer even when the command would now fail validation; Append
// checks again under its lock for repeats that race.
func (s *Store) Idempotency(ctx context.Context, key string) (*Prior, error) {
	var p Prior
	err := s.db.QueryRow(ctx, `SELECT fingerprint, result, position, event_ids FROM idempotency WHERE key = $1`, key).
		Scan(&p.Fingerprint, &p.Result.Result, &p.Result.LastPosition, &p.Result.EventIDs)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("idempotency key: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("idempotency key: %w", err)
	}
	p.Result.FirstPosition = p.Result.LastPosition - int64(len(p.Result.EventIDs)) + 1
	p.Result.Replayed = true
	return &p, nil
}

// NaturalKey returns the entry holding a natural key; ErrNotFound when no
// live entry holds it.
func (s *Store) NaturalKey(ctx context.Context, scope, key string) (string, error) {
	var holder string
	err := s.db.QueryRow(ctx, `SELECT entity_id FROM natural_keys WHERE scope = $1 AND key = $2`, scope, key).Scan(&holder)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("natural key %s %s: %w", scope, key, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("natural key %s %s: %w", scope, key, err)
	}
	return holder, nil
}

package eventstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events"
)

// BatchError says which request of a batch failed and why (Err is one of
// Append's typed errors: ErrWrongExpectedVersion, ErrIdempotencyKeyReused,
// ErrIDInUse, *DuplicateKeyError, or a malformed request). Nothing of the
// batch was written.
type BatchError struct {
	Index int
	Err   error
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("request %d of the batch: %v", e.Index, e.Err)
}
func (e *BatchError) Unwrap() error { return e.Err }

// AppendBatch appends reqs in order in one transaction, all or none. Each
// request is checked exactly as Append checks it — idempotency key,
// expected version, new entity ids, natural keys released and claimed —
// against the log as it stands plus the batch's requests before it; a
// request whose key was used before with the same fingerprint (in the log
// or earlier in the batch) writes nothing and answers the first result,
// Replayed. The events get consecutive positions in request order and the
// hash chain runs through them, as if appended one by one.
//
// Unlike a series of Appends in one transaction, it takes and moves the
// ledger head once and writes each table with one statement, so a batch
// of ten thousand requests costs about what one large insert does. Other
// appends wait for the batch to commit. The results are in request order.
func (s *Store) AppendBatch(ctx context.Context, reqs []*AppendRequest) ([]*AppendResult, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	out := make([]*AppendResult, len(reqs))
	err := planAndWrite(ctx, s.pool, reqs, func(p *Planner) error {
		for i, req := range reqs {
			var err error
			if out[i], err = p.Place(req); err != nil {
				return &BatchError{Index: i, Err: err}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// planAndWrite runs one transaction on a connection of pool in two round
// trips: BEGIN, the head lock and the lookups of reqs' names (lockedPlanner),
// then — once place has placed on the planner what is to be written —
// the writes and COMMIT. An error of place rolls back and is returned; so
// is any other error, wrapped: ErrOutcomeUnknown when the connection was
// lost after the writes were sent (they may have committed), and when it
// was lost before them unless nothing can have been sent (nothing was
// written then, but the answer to give is the same: repeat with the key).
func planAndWrite(ctx context.Context, pool *pgxpool.Pool, reqs []*AppendRequest, place func(*Planner) error) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("append batch: %w", err)
	}
	defer conn.Release()
	committed := false
	defer func() {
		if !committed && !conn.Conn().IsClosed() {
			_, _ = conn.Exec(context.WithoutCancel(ctx), "ROLLBACK") // after an error; a no-op outside a transaction
		}
	}()
	p, err := lockedPlanner(ctx, conn, reqs)
	var pg *pgconn.PgError
	if err != nil && !errors.As(err, &pg) {
		return lostConnection(err) // the caller repeats it with the same key either way
	}
	if err != nil {
		return err
	}
	if err := place(p); err != nil {
		return err
	}
	b := &pgx.Batch{}
	p.queueWrites(b)
	b.Queue("COMMIT")
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		if !errors.As(err, &pg) || sessionEnded(pg) {
			return fmt.Errorf("append batch: %w: %w", ErrOutcomeUnknown, err) // the writes and COMMIT were sent
		}
		return fmt.Errorf("append batch: %w", err)
	}
	committed = true
	return nil
}

// lockedPlanner begins a transaction on conn, locks the ledger head and
// returns a planner that knows every name reqs look at: BEGIN, the lock
// and the lookups go in one round trip (run in order: the lookups see the
// log as the lock holder does).
func lockedPlanner(ctx context.Context, conn *pgxpool.Conn, reqs []*AppendRequest) (*Planner, error) {
	var head int64
	var hash []byte
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(`SELECT position, hash FROM ledger_head FOR UPDATE`).QueryRow(func(row pgx.Row) error {
		if err := row.Scan(&head, &hash); err != nil {
			return fmt.Errorf("lock the head: %w", err)
		}
		return nil
	})
	var q LookupQuery
	for _, r := range reqs {
		rq := Query(r)
		q.Streams, q.Keys = append(q.Streams, rq.Streams...), append(q.Keys, rq.Keys...)
		q.Entities, q.NaturalKeys = append(q.Entities, rq.Entities...), append(q.NaturalKeys, rq.NaturalKeys...)
	}
	ex := queueLookups(b, q)
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("append batch: %w", err)
	}
	var headHash events.Hash
	copy(headHash[:], hash)
	p := NewPlanner(head, headHash)
	p.Learn(q, ex)
	return p, nil
}

// forEach scans every row with scan and closes rows.
func forEach(rows pgx.Rows, scan func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// queueWrites queues on b the inserts of the batch's rows, one statement
// a table, and the head's one move (nothing when every request was a
// repeat).
func (p *Planner) queueWrites(b *pgx.Batch) {
	if len(p.records) == 0 {
		return
	}
	n := len(p.records)
	pos, vers := make([]int64, n), make([]int64, n)
	sv := make([]int32, n)
	ids, streams, types, donors, partners, actors, keys, corrs, causes, payloads := make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n)
	at := make([]time.Time, n)
	prev, hashes := make([][]byte, n), make([][]byte, n)
	for i := range p.records {
		r := &p.records[i]
		pos[i], ids[i], streams[i], vers[i], types[i], sv[i] = r.Position, r.ID, r.StreamID, r.StreamVersion, r.Type, int32(r.SchemaVersion)
		at[i], donors[i], partners[i], actors[i], keys[i] = r.RecordedAt, r.DonorCode, r.PartnerCode, r.Metadata.Actor, r.Metadata.IdempotencyKey
		corrs[i], causes[i], payloads[i] = r.Metadata.CorrelationID, r.Metadata.CausationID, string(r.Payload)
		prev[i], hashes[i] = r.PrevHash[:], r.Hash[:]
	}
	b.Queue(`INSERT INTO events (position, event_id, stream_id, stream_version, type, schema_version, recorded_at,
			donor_code, partner_code, actor, idempotency_key, correlation_id, causation_id, payload, prev_hash, hash)
		SELECT p, id, s, v, t, sv, at, d, pc, a, k, c, ca, pl::json, ph, h FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[],
			$5::text[], $6::int[], $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
			$14::text[], $15::bytea[], $16::bytea[]) AS u(p, id, s, v, t, sv, at, d, pc, a, k, c, ca, pl, ph, h)`,
		pos, ids, streams, vers, types, sv, at, donors, partners, actors, keys, corrs, causes, payloads, prev, hashes)
	p.queueLookupWrites(b)
	last := &p.records[n-1]
	b.Queue(`UPDATE ledger_head SET position = $1, hash = $2`, last.Position, last.Hash[:])
	b.Queue(`SELECT pg_notify('ledger_appended', $1)`, fmt.Sprint(last.Position))
}

// queueLookupWrites queues on b the writes of the streams, entities,
// natural keys and idempotency records of the batch (those it has).
func (p *Planner) queueLookupWrites(b *pgx.Batch) {
	var sIDs []string
	var sVers []int64
	for id := range p.touched {
		sIDs, sVers = append(sIDs, id), append(sVers, p.versions[id])
	}
	b.Queue(`INSERT INTO streams (stream_id, version) SELECT * FROM unnest($1::text[], $2::bigint[])
		ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version`, sIDs, sVers)
	var eIDs, eKinds, eStreams []string
	var ePos []int64
	for _, e := range p.newEnts {
		eIDs, eKinds, eStreams, ePos = append(eIDs, e.id), append(eKinds, e.kind), append(eStreams, e.stream), append(ePos, e.position)
	}
	if len(eIDs) > 0 {
		b.Queue(`INSERT INTO entities (entity_id, kind, stream_id, position)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])`, eIDs, eKinds, eStreams, ePos)
	}
	var dScopes, dKeys, iScopes, iKeys, iHolders []string
	for k, was := range p.stored { // released, perhaps claimed again by another entry
		if now, live := p.natural[k]; !live || now != was {
			dScopes, dKeys = append(dScopes, k[0]), append(dKeys, k[1])
		}
	}
	for k, holder := range p.natural {
		if was, inTable := p.stored[k]; !inTable || was != holder {
			iScopes, iKeys, iHolders = append(iScopes, k[0]), append(iKeys, k[1]), append(iHolders, holder)
		}
	}
	if len(dScopes) > 0 {
		b.Queue(`DELETE FROM natural_keys n USING unnest($1::text[], $2::text[]) AS d(scope, key)
		WHERE n.scope = d.scope AND n.key = d.key`, dScopes, dKeys)
	}
	if len(iScopes) > 0 {
		b.Queue(`INSERT INTO natural_keys (scope, key, entity_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
			iScopes, iKeys, iHolders)
	}
	var kKeys []string
	var kFPs, kResults [][]byte
	var kPos []int64
	var kIDs []string // as text arrays, one literal per row
	var kAt []time.Time
	for _, r := range p.idem {
		kKeys, kFPs, kResults, kPos, kAt = append(kKeys, r.key), append(kFPs, r.fingerprint), append(kResults, r.result),
			append(kPos, r.position), append(kAt, r.recordedAt)
		kIDs = append(kIDs, textArray(r.eventIDs))
	}
	if len(kKeys) > 0 {
		b.Queue(`INSERT INTO idempotency (key, fingerprint, result, position, event_ids, recorded_at)
		SELECT k, f, r::json, p, ids::text[], at FROM unnest($1::text[], $2::bytea[], $3::text[], $4::bigint[], $5::text[], $6::timestamptz[])
			AS u(k, f, r, p, ids, at)`, kKeys, kFPs, byteStrings(kResults), kPos, kIDs, kAt)
	}
}

// textArray is ids as a Postgres text[] literal (ids are ULIDs: no quoting
// needed, but quoted anyway).
func textArray(ids []string) string {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for _, c := range []byte(id) {
			if c == '"' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

func byteStrings(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = string(b)
	}
	return out
}

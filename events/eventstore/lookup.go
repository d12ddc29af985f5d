package eventstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// LookupQuery names streams, idempotency keys, entity ids and natural
// keys (scope, key) to look up at once.
type LookupQuery struct {
	Streams     []string
	Keys        []string
	Entities    []string
	NaturalKeys [][2]string
}

// Existing is what the store holds of a LookupQuery's names; what is not
// in a map does not exist.
type Existing struct {
	Versions    map[string]int64     // stream → its version
	Priors      map[string]*Prior    // idempotency key → its first use
	Entities    map[string]bool      // entity ids in use
	NaturalKeys map[[2]string]string // natural key → the entry holding it
}

// Lookup reads what the store holds of q's names, with one query per kind
// of name sent together: for a batch of commands that would otherwise ask
// one by one.
func (s *Store) Lookup(ctx context.Context, q LookupQuery) (*Existing, error) {
	return lookup(ctx, s.db, q)
}

func lookup(ctx context.Context, db db, q LookupQuery) (*Existing, error) {
	b := &pgx.Batch{}
	ex := queueLookups(b, q)
	if b.Len() == 0 {
		return ex, nil
	}
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return ex, nil
}

// queueLookups queues on b one query per kind of name q holds, which fill
// the Existing returned as b is run: the lookups cost one round trip.
func queueLookups(b *pgx.Batch, q LookupQuery) *Existing {
	ex := &Existing{Versions: map[string]int64{}, Priors: map[string]*Prior{}, Entities: map[string]bool{}, NaturalKeys: map[[2]string]string{}}
	scan := func(what, sql string, arg []any, row func(pgx.Rows) error) {
		b.Queue(sql, arg...).Query(func(rows pgx.Rows) error {
			if err := forEach(rows, func() error { return row(rows) }); err != nil {
				return fmt.Errorf("look up %s: %w", what, err)
			}
			return nil
		})
	}
	if len(q.Streams) > 0 {
		scan("streams", `SELECT stream_id, version FROM streams WHERE stream_id = ANY($1)`, []any{q.Streams}, func(rows pgx.Rows) error {
			var id string
			var v int64
			err := rows.Scan(&id, &v)
			ex.Versions[id] = v
			return err
		})
	}
	if len(q.Keys) > 0 {
		scan("idempotency keys", `SELECT key, fingerprint, result, position, event_ids FROM idempotency WHERE key = ANY($1)`,
			[]any{q.Keys}, func(rows pgx.Rows) error {
				var key string
				p := &Prior{}
				err := rows.Scan(&key, &p.Fingerprint, &p.Result.Result, &p.Result.LastPosition, &p.Result.EventIDs)
				p.Result.FirstPosition = p.Result.LastPosition - int64(len(p.Result.EventIDs)) + 1
				p.Result.Replayed = true
				ex.Priors[key] = p
				return err
			})
	}
	if len(q.Entities) > 0 {
		scan("entities", `SELECT entity_id FROM entities WHERE entity_id = ANY($1)`, []any{q.Entities}, func(rows pgx.Rows) error {
			var id string
			err := rows.Scan(&id)
			ex.Entities[id] = true
			return err
		})
	}
	if len(q.NaturalKeys) > 0 {
		scopes, keys := make([]string, len(q.NaturalKeys)), make([]string, len(q.NaturalKeys))
		for i, k := range q.NaturalKeys {
			scopes[i], keys[i] = k[0], k[1]
		}
		scan("natural keys", `SELECT n.scope, n.key, n.entity_id FROM natural_keys n
			JOIN unnest($1::text[], $2::text[]) AS k(scope, key) ON n.scope = k.scope AND n.key = k.key`, []any{scopes, keys},
			func(rows pgx.Rows) error {
				var scope, key, holder string
				err := rows.Scan(&scope, &key, &holder)
				ex.NaturalKeys[[2]string{scope, key}] = holder
				return err
			})
	}
	return ex
}

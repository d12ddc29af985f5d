// Package eventstore is the ledger's book of record on PostgreSQL: an
// append-only log of events with a gap-free global position in commit
// order, per-stream optimistic concurrency, permanent idempotency, unique
// natural keys and a SHA-256 hash chain.
//
// Every append runs under a lock on the single ledger_head row: appends
// are serialised, so positions are assigned in commit order and a reader
// polling by position never skips an event. A lone append is one call of
// the SQL function ledger_append (see migrations/002_append_function.sql);
// concurrent appends of one Store are written together, checked one by one
// by the Planner, in one transaction and one flush (groupcommit.go).
package eventstore

import (
	"context"
	"embed"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the event store's schema: forward-only files NNN_name.sql,
// applied in order (services/platform/dbmigrate does it, as the set
// "eventstore").
var Migrations = mustSub(migrationFiles, "migrations")

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// Store reads and appends events. It is safe for concurrent use (a Store
// bound to a transaction is as safe as the transaction: not at all).
type Store struct {
	pool *pgxpool.Pool
	// db runs the statements: the pool, or the transaction of InTx.
	db db
	// group collects the appends of a Store on the pool (nil in InTx).
	group *group
}

// db is what the store's statements run on: a pool or a transaction.
type db interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// New returns a Store on pool. The schema must have been migrated.
func New(pool *pgxpool.Pool) *Store {
	s := &Store{pool: pool, db: pool}
	s.group = &group{store: s, gatherMax: maxGather, gathered: make(chan struct{}, 1)}
	return s
}

// InTx returns the store with every read and append running in tx: reads
// see what tx has appended so far, and nothing it appends is visible to
// others, nor its positions final, until tx commits; the first append
// takes the ledger head lock, which every other append then waits for
// until tx ends. For imports that must land whole or not at all.
func (s *Store) InTx(tx pgx.Tx) *Store { return &Store{pool: s.pool, db: tx} }

// Pool is the connection pool the store uses.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

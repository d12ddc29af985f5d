// Package eventstore is the ledger's book of record on PostgreSQL: an
// append-only log of events with a gap-free global position in commit
// order, per-stream optimistic concurrency, permanent idempotency, unique
// natural keys and a SHA-256 hash chain.
//
// Every append is one call of the SQL function ledger_append (see
// migrations/002_append_function.sql), which runs under a lock on the single
// ledger_head row: appends are serialised, so positions are assigned in
// commit order and a reader polling by position never skips an event.
package eventstore

import (
	"embed"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/services/dbmigrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the event store's schema.
var Migrations = dbmigrate.Set{Name: "eventstore", FS: mustSub(migrationFiles, "migrations")}

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// Store reads and appends events. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
}

// New returns a Store on pool. The schema must have been migrated.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Pool is the connection pool the store uses.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

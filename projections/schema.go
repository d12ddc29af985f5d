package projections

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"
)

// checkpointDDL creates the checkpoint of a projection schema: one row with
// the last position applied (0: nothing yet) and that event's hash (the
// zero hash at position 0; NULL means "unknown", and skips the chain check
// of the next event — for an operator who moves the position by hand).
const checkpointDDL = `
CREATE TABLE IF NOT EXISTS checkpoint (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position  bigint  NOT NULL CHECK (position >= 0),
    hash      bytea   CHECK (length(hash) = 32)
);
INSERT INTO checkpoint (position, hash)
VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000')
ON CONFLICT DO NOTHING;`

// versionTable is tern's version table inside a projection schema.
const versionTable = "schema_version"

// Migrate brings a projection's schema, "proj_<name>", up to date: it
// creates the schema if missing, runs p.Migrations() with tern on a
// connection whose search_path is that schema (so the migrations use
// unqualified names, and tern's version table, "schema_version", lives in
// the schema too) and creates the checkpoint table, a singleton row with
// the last position applied, starting at 0. "checkpoint" and
// "schema_version" are therefore reserved table names in a projection.
//
// It is idempotent and safe to call concurrently from several processes.
// The search_path holds only the schema (and the implicit pg_catalog):
// migrations must not rely on objects in "public".
func Migrate(ctx context.Context, pool *pgxpool.Pool, p Projection) error {
	if err := checkName(p); err != nil {
		return err
	}
	return migrateSchema(ctx, pool, Schema(p), p)
}

// MigrateInto is Migrate into a schema of the caller's choosing, e.g. a
// scratch schema an auditor's verification rebuilds into (Rebuild uses
// "proj_<name>_rebuild"). The caller drops it when done.
func MigrateInto(ctx context.Context, pool *pgxpool.Pool, schema string, p Projection) error {
	if err := checkName(p); err != nil {
		return err
	}
	return migrateSchema(ctx, pool, schema, p)
}

// migrateSchema is MigrateInto without the name check.
func migrateSchema(ctx context.Context, pool *pgxpool.Pool, schema string, p Projection) error {
	// A connection of its own, not one from the pool: its search_path is
	// set at startup, so it survives tern's "reset all" between migrations
	// and never leaks into a pooled connection.
	cfg := pool.Config().ConnConfig.Copy()
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["search_path"] = schema
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("migrate %s: connect: %w", schema, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	// Serialise concurrent migrators of this schema: CREATE SCHEMA/TABLE IF
	// NOT EXISTS can still collide on the catalog's unique indexes. The
	// session lock goes away with the connection.
	if _, err := conn.Exec(ctx, fmt.Sprintf("SELECT pg_advisory_lock(%d)", lockKey("migrate", schema))); err != nil {
		return fmt.Errorf("migrate %s: lock: %w", schema, err)
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+ident(schema)+";"+checkpointDDL); err != nil {
		return fmt.Errorf("migrate %s: schema and checkpoint: %w", schema, err)
	}
	m, err := migrate.NewMigrator(ctx, conn, schema+"."+versionTable)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", schema, err)
	}
	if err := m.LoadMigrations(p.Migrations()); err != nil {
		return fmt.Errorf("migrate %s: load migrations: %w", schema, err)
	}
	if err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", schema, err)
	}
	return nil
}

// Package dbmigrate applies the embedded, forward-only SQL migrations of the
// ledger's packages (the event store, auth, each projection) with tern.
package dbmigrate

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"
)

// Set is one package's migrations: files NNN_name.sql in FS, applied in
// order and recorded in the table schema_version_<Name>. Migrations are
// forward-only: a released file is never edited, a change is a new file.
type Set struct {
	Name string
	FS   fs.FS
}

// Apply brings every set up to its latest version, in the order given.
// Concurrent callers are serialised by tern's advisory lock, so several
// processes may start at once.
func Apply(ctx context.Context, pool *pgxpool.Pool, sets ...Set) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: acquire connection: %w", err)
	}
	defer conn.Release()
	for _, s := range sets {
		m, err := migrate.NewMigrator(ctx, conn.Conn(), "schema_version_"+s.Name)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", s.Name, err)
		}
		if err := m.LoadMigrations(s.FS); err != nil {
			return fmt.Errorf("migrate %s: load: %w", s.Name, err)
		}
		if err := m.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate %s: %w", s.Name, err)
		}
	}
	return nil
}

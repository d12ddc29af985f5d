package testenv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/platform/dbmigrate"
	"github.com/aidledger/aidledger/services/reporting/verify"
)

// BookOfRecord are the schemas of the ledger's book of record, in the
// order the binary applies them: the event store, users and tokens, the
// record of verification runs.
var BookOfRecord = []dbmigrate.Set{{Name: "eventstore", FS: eventstore.Migrations}, auth.Migrations, verify.Migrations}

// MigratedPool returns a pool on a new database of the test's own holding
// the schemas sets (BookOfRecord when none are given); the pool is closed
// and the database dropped at tb.Cleanup. The schemas are migrated once,
// into a template database named after the sets' files, which every call
// then clones (CREATE DATABASE … TEMPLATE): a clone costs a fraction of
// migrating. Failures are fatal to the test.
func MigratedPool(tb testing.TB, sets ...dbmigrate.Set) *pgxpool.Pool {
	tb.Helper()
	pool, err := pgxpool.New(context.Background(), MigratedURL(tb, sets...))
	if err != nil {
		tb.Fatalf("testenv.MigratedPool: %v", err)
	}
	tb.Cleanup(pool.Close)
	return pool
}

// MigratedURL is MigratedPool's database, as a URL, for code that opens
// its own connections.
func MigratedURL(tb testing.TB, sets ...dbmigrate.Set) string {
	tb.Helper()
	if len(sets) == 0 {
		sets = BookOfRecord
	}
	admin, err := adminURL()
	if err != nil {
		tb.Fatalf("testenv.MigratedPool: %v", err)
	}
	tmpl, err := template(admin, sets)
	if err != nil {
		tb.Fatalf("testenv.MigratedPool: %v", err)
	}
	return newDatabase(tb, admin, "TEMPLATE "+pgx.Identifier{tmpl}.Sanitize())
}

var (
	templatesMu sync.Mutex
	templates   = map[string]error{} // template name → how making it ended
)

// template returns the name of the template database of sets, making it
// first when this process has not yet. Several test binaries sharing a
// server (DATABASE_URL) serialise on an advisory lock; a template is
// marked IS_TEMPLATE only once fully migrated, so one left half-made by a
// killed binary is made again.
func template(admin string, sets []dbmigrate.Set) (string, error) {
	name, err := templateName(sets)
	if err != nil {
		return "", err
	}
	templatesMu.Lock()
	defer templatesMu.Unlock()
	if err, done := templates[name]; done {
		return name, err
	}
	err = makeTemplate(admin, name, sets)
	templates[name] = err
	return name, err
}

// templateName is "tmpl_" and a digest of the sets' names and files.
func templateName(sets []dbmigrate.Set) (string, error) {
	h := sha256.New()
	for _, s := range sets {
		fmt.Fprintf(h, "set %s\n", s.Name)
		err := fs.WalkDir(s.FS, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(s.FS, path)
			fmt.Fprintf(h, "file %s %d\n", path, len(b))
			h.Write(b)
			return err
		})
		if err != nil {
			return "", fmt.Errorf("reading the migrations of %s: %w", s.Name, err)
		}
	}
	return "tmpl_" + hex.EncodeToString(h.Sum(nil))[:20], nil
}

func makeTemplate(admin, name string, sets []dbmigrate.Set) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("connecting to the PostgreSQL server: %w", err)
	}
	defer conn.Close(context.Background())
	const lockKey = 0x61696474706c // "aidtpl"
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockKey); err != nil {
		return fmt.Errorf("template %s: lock: %w", name, err)
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, lockKey) //nolint:errcheck // the connection closes anyway
	var ready *bool
	err = conn.QueryRow(ctx, `SELECT datistemplate FROM pg_database WHERE datname = $1`, name).Scan(&ready)
	if err == nil && *ready {
		return nil // made by another test binary on this server
	}
	ident := pgx.Identifier{name}.Sanitize()
	if err == nil { // half made
		if _, err := conn.Exec(ctx, "DROP DATABASE "+ident+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("template %s: dropping a half-made one: %w", name, err)
		}
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	url, err := withDatabase(admin, name)
	if err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	err = dbmigrate.Apply(ctx, pool, sets...)
	pool.Close()
	if err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+ident+" IS_TEMPLATE true"); err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	return nil
}

// Ledger is a ledger on store with the default configuration.
func Ledger(tb testing.TB, store *eventstore.Store) *ledger.Ledger {
	tb.Helper()
	l, err := ledger.New(ledger.Config{Store: store})
	if err != nil {
		tb.Fatalf("testenv.Ledger: %v", err)
	}
	return l
}

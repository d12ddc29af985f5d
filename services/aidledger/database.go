package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/platform/dbmigrate"
	"github.com/aidledger/aidledger/services/platform/pgcluster"
	"github.com/aidledger/aidledger/services/reporting/verify"
)

// migrations are every schema of the ledger, in the order they apply.
var migrations = []dbmigrate.Set{dbmigrate.Set{Name: "eventstore", FS: eventstore.Migrations}, auth.Migrations, verify.Migrations}

// privateDatabase is the database the ledger creates in its private cluster.
const privateDatabase = "aidledger"

// database is an open connection pool and whatever must be stopped with it.
type database struct {
	Pool    *pgxpool.Pool
	cluster *pgcluster.Cluster
}

// Close closes the pool and stops the private cluster, if one was started.
func (d *database) Close() {
	d.Pool.Close()
	if d.cluster != nil {
		if err := d.cluster.Stop(); err != nil {
			slog.Warn("stopping the private PostgreSQL cluster", "err", err)
		}
	}
}

// openDatabase connects to f.DatabaseURL, or starts (or reuses) a private
// cluster under f.DataDir when it is empty, and applies the migrations.
func openDatabase(ctx context.Context, f DatabaseFlags, log *slog.Logger) (*database, error) {
	db := &database{}
	url := f.DatabaseURL
	if url == "" {
		dir, err := filepath.Abs(filepath.Join(f.DataDir, "postgres"))
		if err != nil {
			return nil, err
		}
		log.Info("no DATABASE_URL: starting a private PostgreSQL cluster", "dir", dir)
		if db.cluster, err = pgcluster.Start(ctx, pgcluster.Config{DataDir: dir}); err != nil {
			return nil, err
		}
		if err := createDatabase(ctx, db.cluster.URL("postgres"), privateDatabase); err != nil {
			db.cluster.Stop()
			return nil, err
		}
		url = db.cluster.URL(privateDatabase)
	}
	pool, err := pgxpool.New(ctx, url)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err == nil {
		err = dbmigrate.Apply(ctx, pool, migrations...)
	}
	for _, p := range readModels() {
		if err == nil {
			err = projections.Migrate(ctx, pool, p)
		}
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		if db.cluster != nil {
			db.cluster.Stop()
		}
		return nil, fmt.Errorf("database: %w", err)
	}
	db.Pool = pool
	return db, nil
}

// createDatabase creates name on the server of adminURL unless it exists.
func createDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to the private cluster: %w", err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "42P04" { // duplicate_database
		return nil
	}
	return err
}

// openLedger opens the database (see openDatabase) and the store and
// ledger on it, for the commands that need no NATS; Close stops them.
func openLedger(ctx context.Context, f DatabaseFlags, log *slog.Logger) (*stack, error) {
	db, err := openDatabase(ctx, f, log)
	if err != nil {
		return nil, err
	}
	s := &stack{log: log, db: db}
	if err := s.init(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openReadPool connects to a database for reads only (no migrations: it is
// a standby of the one openDatabase migrated, or the same).
func openReadPool(ctx context.Context, url string) (*pgxpool.Pool, error) {
	pool, err := pgxpool.New(ctx, url)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, fmt.Errorf("--read-database-url %s: %w", redacted(url), err)
	}
	return pool, nil
}

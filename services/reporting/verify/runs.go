package verify

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/services/platform/dbmigrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the schema of the record of verification runs.
var Migrations = dbmigrate.Set{Name: "verify", FS: func() fs.FS { s, _ := fs.Sub(migrationFiles, "migrations"); return s }()}

// Recorded is one recorded verification.
type Recorded struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Report Report    `json:"report"`
}

// Record appends a verification run by actor to table verify_runs.
func Record(ctx context.Context, pool *pgxpool.Pool, actor string, rep Report) (*Recorded, error) {
	body, err := json.Marshal(rep)
	if err != nil {
		return nil, fmt.Errorf("verify: record the run: %w", err)
	}
	run := &Recorded{Actor: actor, Report: rep}
	err = pool.QueryRow(ctx, `INSERT INTO verify_runs (actor, ok, position, report) VALUES ($1, $2, $3, $4) RETURNING id, at`,
		actor, rep.OK, rep.Head.Position, body).Scan(&run.ID, &run.At)
	if err != nil {
		return nil, fmt.Errorf("verify: record the run: %w", err)
	}
	return run, nil
}

// Latest returns the latest recorded run, or nil when there is none.
func Latest(ctx context.Context, pool *pgxpool.Pool) (*Recorded, error) {
	run := &Recorded{}
	var body []byte
	err := pool.QueryRow(ctx, `SELECT id, at, actor, report FROM verify_runs ORDER BY id DESC LIMIT 1`).Scan(&run.ID, &run.At, &run.Actor, &body)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("verify: latest run: %w", err)
	}
	if err := json.Unmarshal(body, &run.Report); err != nil {
		return nil, fmt.Errorf("verify: latest run: %w", err)
	}
	return run, nil
}

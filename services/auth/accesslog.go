package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultAccessListLimit is how many entries List returns when asked for
// limit ≤ 0.
const DefaultAccessListLimit = 100

// AccessLog records who read what, when (table access_log, migration 002).
// The table is append-only: entries are never changed or deleted.
type AccessLog struct {
	pool *pgxpool.Pool
}

// NewAccessLog returns the access log on pool (schema migrated).
func NewAccessLog(pool *pgxpool.Pool) *AccessLog { return &AccessLog{pool: pool} }

// AccessEntry is one row of the access log.
type AccessEntry struct {
	ID int64 `json:"id"`
	// At is the database time the entry was written, in UTC.
	At time.Time `json:"at"`
	// Actor is the principal's name; Role its role.
	Actor  string `json:"actor"`
	Role   Role   `json:"role"`
	Action string `json:"action"`
	Target string `json:"target"`
	Detail string `json:"detail,omitempty"`
}

// Record appends one entry: principal p did action (e.g. "history.read")
// on target (e.g. an entity id), with a free-text detail (the outcome).
// It returns only once the entry is committed, so a caller that records
// before answering never answers an unlogged read. p.Name and action must
// not be blank.
func (a *AccessLog) Record(ctx context.Context, p Principal, action, target, detail string) error {
	if strings.TrimSpace(p.Name) == "" {
		return errors.New("access log: the principal has no name")
	}
	if strings.TrimSpace(action) == "" {
		return errors.New("access log: no action")
	}
	_, err := a.pool.Exec(ctx, `INSERT INTO access_log (actor, role, action, target, detail) VALUES ($1, $2, $3, $4, $5)`,
		p.Name, string(p.Role), action, target, detail)
	if err != nil {
		return fmt.Errorf("access log: record %s %s: %w", action, target, err)
	}
	return nil
}

// List returns the newest limit entries, newest first (limit ≤ 0:
// DefaultAccessListLimit).
func (a *AccessLog) List(ctx context.Context, limit int) ([]AccessEntry, error) {
	if limit <= 0 {
		limit = DefaultAccessListLimit
	}
	rows, err := a.pool.Query(ctx, `SELECT id, at, actor, role, action, target, detail FROM access_log ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("access log: list: %w", err)
	}
	defer rows.Close()
	var out []AccessEntry
	for rows.Next() {
		var e AccessEntry
		var role string
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &role, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, fmt.Errorf("access log: list: %w", err)
		}
		e.At, e.Role = e.At.UTC(), Role(role)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("access log: list: %w", err)
	}
	return out, nil
}

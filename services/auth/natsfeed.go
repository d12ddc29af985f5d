package auth

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"
)

// FeedUser is the NATS account of a partner county's live feed.
type FeedUser struct {
	Name         string     `json:"name"`
	PartnerCode  string     `json:"partner_code"`
	PasswordHash string     `json:"-"`
	CreatedBy    string     `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
}

// ErrFeedUserExists means the county already has a live feed user.
var ErrFeedUserExists = errors.New("auth: the county already has a feed user (revoke it first)")

// FeedUsers keeps the NATS feed users in Postgres.
type FeedUsers struct{ pool *pgxpool.Pool }

// NewFeedUsers returns the feed users kept in pool's database.
func NewFeedUsers(pool *pgxpool.Pool) *FeedUsers { return &FeedUsers{pool: pool} }

// Create makes the feed user of partner county code (name is prefix
// followed by the code) with a new random password, which it returns: it
// is shown once, only its bcrypt hash is kept.
func (f *FeedUsers) Create(ctx context.Context, actor Principal, prefix, code string) (FeedUser, string, error) {
	if !validCode(code) {
		return FeedUser{}, "", fmt.Errorf("auth: %q is not a county code (six digits)", code)
	}
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		return FeedUser{}, "", fmt.Errorf("auth: %w", err)
	}
	password := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return FeedUser{}, "", fmt.Errorf("auth: %w", err)
	}
	u := FeedUser{Name: prefix + code, PartnerCode: code, PasswordHash: string(hash), CreatedBy: actor.Actor()}
	err = f.pool.QueryRow(ctx, `INSERT INTO nats_feed_users (name, partner_code, password_hash, created_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET password_hash = EXCLUDED.password_hash, created_by = EXCLUDED.created_by,
			created_at = now(), revoked_at = NULL WHERE nats_feed_users.revoked_at IS NOT NULL
		RETURNING created_at`, u.Name, code, u.PasswordHash, u.CreatedBy).Scan(&u.CreatedAt)
	var pg *pgconn.PgError
	if errors.Is(err, pgx.ErrNoRows) || (errors.As(err, &pg) && pg.Code == "23505") {
		return FeedUser{}, "", ErrFeedUserExists
	}
	if err != nil {
		return FeedUser{}, "", fmt.Errorf("auth: create feed user %s: %w", u.Name, err)
	}
	return u, password, nil
}

// List returns the feed users, live ones only unless all.
func (f *FeedUsers) List(ctx context.Context, all bool) ([]FeedUser, error) {
	rows, err := f.pool.Query(ctx, `SELECT name, partner_code, password_hash, created_by, created_at, revoked_at
		FROM nats_feed_users WHERE $1 OR revoked_at IS NULL ORDER BY name`, all)
	if err != nil {
		return nil, fmt.Errorf("auth: list feed users: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (FeedUser, error) {
		var u FeedUser
		err := row.Scan(&u.Name, &u.PartnerCode, &u.PasswordHash, &u.CreatedBy, &u.CreatedAt, &u.RevokedAt)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("auth: list feed users: %w", err)
	}
	return out, nil
}

// Revoke ends feed user name; false when there is no live one of that name.
func (f *FeedUsers) Revoke(ctx context.Context, name string) (bool, error) {
	tag, err := f.pool.Exec(ctx, `UPDATE nats_feed_users SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL`, name)
	if err != nil {
		return false, fmt.Errorf("auth: revoke feed user %s: %w", name, err)
	}
	return tag.RowsAffected() == 1, nil
}

// validCode: six digits (a county's administrative division code).
func validCode(code string) bool {
	if len(code) != 6 {
		return false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

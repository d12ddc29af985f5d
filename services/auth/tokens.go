package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base32"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/services/platform/dbmigrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the token table's schema.
var Migrations = dbmigrate.Set{Name: "auth", FS: func() fs.FS { s, _ := fs.Sub(migrationFiles, "migrations"); return s }()}

// ErrInvalidToken means the token is unknown or revoked.
var ErrInvalidToken = errors.New("invalid or revoked token")

// tokenPrefix marks aidledger tokens so they are recognisable in logs and
// secret scanners.
const tokenPrefix = "ald_"

// Tokens issues and checks bearer tokens.
type Tokens struct {
	pool *pgxpool.Pool
}

// NewTokens returns a token service on pool (schema migrated).
func NewTokens(pool *pgxpool.Pool) *Tokens { return &Tokens{pool: pool} }

// Create issues a token for p and returns it. The token itself is not
// stored and cannot be shown again.
func (t *Tokens) Create(ctx context.Context, p Principal) (string, error) {
	if err := validatePrincipal(p); err != nil {
		return "", err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	token := tokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw[:]))
	h := sha256.Sum256([]byte(token))
	_, err := t.pool.Exec(ctx, `INSERT INTO api_tokens (token_hash, name, role, donor_code, partner_code) VALUES ($1, $2, $3, $4, $5)`,
		h[:], p.Name, string(p.Role), p.DonorCode, p.PartnerCode)
	if err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	return token, nil
}

// Authenticate returns the principal of a live token, or ErrInvalidToken.
func (t *Tokens) Authenticate(ctx context.Context, token string) (Principal, error) {
	var p Principal
	if !strings.HasPrefix(token, tokenPrefix) {
		return p, ErrInvalidToken
	}
	h := sha256.Sum256([]byte(token))
	var role string
	err := t.pool.QueryRow(ctx, `SELECT name, role, donor_code, partner_code FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, h[:]).
		Scan(&p.Name, &role, &p.DonorCode, &p.PartnerCode)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrInvalidToken
	}
	if err != nil {
		return p, fmt.Errorf("authenticate: %w", err)
	}
	p.Role = Role(role)
	return p, nil
}

func validatePrincipal(p Principal) error {
	switch {
	case strings.TrimSpace(p.Name) == "":
		return errors.New("a name is required (--name)")
	case !p.Role.Valid():
		return fmt.Errorf("unknown role %q (admin, recorder, auditor or partner)", p.Role)
	case p.Role == RoleRecorder && p.DonorCode == "":
		return errors.New("a recorder needs a donor code (--donor)")
	case p.Role == RolePartner && p.PartnerCode == "":
		return errors.New("a partner needs a partner county code (--partner)")
	case p.Role != RoleRecorder && p.DonorCode != "", p.Role != RolePartner && p.PartnerCode != "":
		return fmt.Errorf("role %s takes no donor or partner scope", p.Role)
	}
	return nil
}

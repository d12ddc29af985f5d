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
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/services/platform/dbmigrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the token table's schema.
var Migrations = dbmigrate.Set{Name: "auth", FS: func() fs.FS { s, _ := fs.Sub(migrationFiles, "migrations"); return s }()}

// ErrInvalidToken means the token is unknown, revoked or expired.
var ErrInvalidToken = errors.New("invalid, revoked or expired token")

// ErrNoSuchToken means no token has the id given.
var ErrNoSuchToken = errors.New("no such token")

// tokenPrefix marks aidledger tokens so they are recognisable in logs and
// secret scanners.
const tokenPrefix = "ald_"

// DefaultTokenTTL is how long a token lives unless asked otherwise.
const DefaultTokenTTL = 90 * 24 * time.Hour

// lastUseGranularity: a token's last use is written at most this often
// (not on every request).
const lastUseGranularity = time.Minute

// Access-log actions of token administration.
const (
	TokenCreateAction = "token.create"
	TokenRevokeAction = "token.revoke"
)

// Tokens issues, lists, revokes and checks bearer tokens. Every issue and
// revocation is recorded in the access log, under the principal who did
// it.
type Tokens struct {
	pool  *pgxpool.Pool
	log   *AccessLog
	cache *tokenCache
}

// NewTokens returns a token service on pool (schema migrated).
func NewTokens(pool *pgxpool.Pool) *Tokens {
	return &Tokens{pool: pool, log: NewAccessLog(pool), cache: tokenCacheOf(pool)}
}

// Create issues a token for p that lives DefaultTokenTTL, issued by the
// system itself (tests, the demo): see Issue.
func (t *Tokens) Create(ctx context.Context, p Principal) (string, error) {
	token, _, err := t.Issue(ctx, System, p, DefaultTokenTTL)
	return token, err
}

// Issue issues a token for p, on by's authority, that expires after ttl
// (a negative ttl: never), and returns it with its id. The token itself is
// not stored and cannot be shown again; the id names it in lists and
// revocations.
func (t *Tokens) Issue(ctx context.Context, by, p Principal, ttl time.Duration) (token, id string, err error) {
	if err := validatePrincipal(p); err != nil {
		return "", "", err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", "", fmt.Errorf("create token: %w", err)
	}
	token = tokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw[:]))
	h := sha256.Sum256([]byte(token))
	id = events.NewID()
	var expires *time.Time
	if ttl >= 0 {
		e := time.Now().Add(ttl)
		expires = &e
	}
	_, err = t.pool.Exec(ctx, `INSERT INTO api_tokens (token_hash, id, name, role, donor_code, partner_code, expires_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, h[:], id, p.Name, string(p.Role), p.DonorCode, p.PartnerCode, expires, by.Actor())
	if err != nil {
		return "", "", fmt.Errorf("create token: %w", err)
	}
	detail := "for " + p.Actor() + scopeOf(p)
	if expires != nil {
		detail += ", expires " + expires.UTC().Format(time.RFC3339)
	}
	if err := t.log.Record(ctx, by, TokenCreateAction, id, detail); err != nil {
		return "", "", err
	}
	return token, id, nil
}

// Authenticate returns the principal of a live token (not revoked, not
// expired), or ErrInvalidToken; it records the token's use (to the
// minute). A token it found live is trusted for tokenCacheTTL (a second)
// without asking the database again: a revocation through another process
// takes effect within that.
func (t *Tokens) Authenticate(ctx context.Context, token string) (Principal, error) {
	var p Principal
	if !strings.HasPrefix(token, tokenPrefix) {
		return p, ErrInvalidToken
	}
	h := sha256.Sum256([]byte(token))
	now := time.Now()
	if p, ok := t.cache.get(h, now); ok {
		return p, nil
	}
	var role string
	var expires *time.Time
	err := t.pool.QueryRow(ctx, `WITH live AS (
			SELECT name, role, donor_code, partner_code, expires_at FROM api_tokens
			WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())),
		used AS (
			UPDATE api_tokens SET last_used_at = now() WHERE token_hash = $1 AND EXISTS (SELECT FROM live)
			AND (last_used_at IS NULL OR last_used_at < now() - $2::interval))
		SELECT name, role, donor_code, partner_code, expires_at FROM live`, h[:], interval(lastUseGranularity)).
		Scan(&p.Name, &role, &p.DonorCode, &p.PartnerCode, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrInvalidToken
	}
	if err != nil {
		return p, fmt.Errorf("authenticate: %w", err)
	}
	p.Role = Role(role)
	t.cache.put(h, p, expires, now)
	return p, nil
}

// TokenInfo is what is known of a token, never the token itself.
type TokenInfo struct {
	ID        string     `json:"id"`
	Principal Principal  `json:"principal"`
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy string     `json:"created_by"`
	ExpiresAt *time.Time `json:"expires_at"`
	LastUsed  *time.Time `json:"last_used_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	RevokedBy string     `json:"revoked_by"`
}

// Live reports whether the token still authenticates at now.
func (ti TokenInfo) Live(now time.Time) bool {
	return ti.RevokedAt == nil && (ti.ExpiresAt == nil || ti.ExpiresAt.After(now))
}

// List lists every token, newest first.
func (t *Tokens) List(ctx context.Context) ([]TokenInfo, error) {
	rows, err := t.pool.Query(ctx, `SELECT id, name, role, donor_code, partner_code, created_at, created_by, expires_at,
			last_used_at, revoked_at, revoked_by FROM api_tokens ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (TokenInfo, error) {
		var ti TokenInfo
		var role string
		err := r.Scan(&ti.ID, &ti.Principal.Name, &role, &ti.Principal.DonorCode, &ti.Principal.PartnerCode, &ti.CreatedAt,
			&ti.CreatedBy, &ti.ExpiresAt, &ti.LastUsed, &ti.RevokedAt, &ti.RevokedBy)
		ti.Principal.Role = Role(role)
		return ti, err
	})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// Revoke revokes the token with id on by's authority (at once: it
// authenticates no further request); revoking a revoked token changes
// nothing. ErrNoSuchToken for an unknown id.
func (t *Tokens) Revoke(ctx context.Context, by Principal, id string) error {
	tag, err := t.pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()),
		revoked_by = CASE WHEN revoked_at IS NULL THEN $2 ELSE revoked_by END WHERE id = $1`, id, by.Actor())
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("token %s: %w", id, ErrNoSuchToken)
	}
	t.cache.clear()
	return t.log.Record(ctx, by, TokenRevokeAction, id, "revoked")
}

// scopeOf is ", donor X" or ", partner Y" (nothing for admins and
// auditors).
func scopeOf(p Principal) string {
	switch {
	case p.DonorCode != "":
		return ", donor " + p.DonorCode
	case p.PartnerCode != "":
		return ", partner " + p.PartnerCode
	}
	return ""
}

// ErrInvalidPrincipal means a principal is incomplete or inconsistent: no
// name, an unknown role, a recorder without a donor, a partner without a
// county, or a scope on a role that takes none.
var ErrInvalidPrincipal = errors.New("invalid principal")

func validatePrincipal(p Principal) error {
	switch {
	case strings.TrimSpace(p.Name) == "":
		return fmt.Errorf("%w: a name is required (--name)", ErrInvalidPrincipal)
	case !utf8.ValidString(p.Name) || utf8.RuneCountInString(p.Name) > 100 ||
		strings.ContainsFunc(p.Name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }):
		// The name is the actor of every event the principal records.
		return fmt.Errorf("%w: a name is at most 100 characters of text, without control or bidirectional control characters",
			ErrInvalidPrincipal)
	case !p.Role.Valid():
		return fmt.Errorf("%w: unknown role %q (admin, recorder, auditor or partner)", ErrInvalidPrincipal, p.Role)
	case p.Role == RoleRecorder && p.DonorCode == "":
		return fmt.Errorf("%w: a recorder needs a donor code (--donor)", ErrInvalidPrincipal)
	case p.Role == RolePartner && p.PartnerCode == "":
		return fmt.Errorf("%w: a partner needs a partner county code (--partner)", ErrInvalidPrincipal)
	case p.Role != RoleRecorder && p.DonorCode != "", p.Role != RolePartner && p.PartnerCode != "":
		return fmt.Errorf("%w: role %s takes no donor or partner scope", ErrInvalidPrincipal, p.Role)
	}
	return nil
}

package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Sign-in policy.
const (
	// After MaxFailures consecutive failed sign-ins for a login (known or
	// not) or from a source address, each next attempt must wait: 1 s,
	// then twice as long each time, up to MaxLoginWait for a login and
	// MaxAddressWait for an address. A success forgets them, and so does
	// FailureMemory without a failure.
	MaxFailures    = 5
	FailureMemory  = 15 * time.Minute
	MaxLoginWait   = time.Minute
	MaxAddressWait = 15 * time.Minute
	// A session ends SessionIdle after its last use, and SessionLifetime
	// after it began, whichever comes first.
	SessionIdle     = 2 * time.Hour
	SessionLifetime = 12 * time.Hour
)

// Access-log actions of sign-in and sign-out.
const (
	SignInAction  = "user.sign_in"
	SignOutAction = "user.sign_out"
)

// Errors of Users.
var (
	ErrUserExists = errors.New("a user with this login exists")
	// ErrBadCredentials: unknown login, wrong password or disabled account
	// (which of them is not said).
	ErrBadCredentials = errors.New("wrong login or password")
	// ErrNoSession: the session token is unknown, ended or expired.
	ErrNoSession = errors.New("no such session, or it ended")
)

// ThrottledError means a sign-in came too soon after repeated failures
// for its login or from its address: it was not tried.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed sign-ins: try again in %s", e.RetryAfter.Round(time.Second))
}

// User is a local account of the web interface.
type User struct {
	// Login is what the user signs in with; Name is recorded as the actor
	// of everything they record.
	Login string
	Principal
}

// Session is a signed-in user's session.
type Session struct {
	// Token is the cookie's value (only its hash is stored).
	Token string
	// CSRF is the token every form of the session must carry.
	CSRF      string
	Login     string
	Principal Principal
	Expires   time.Time
}

// Users manages accounts and sessions (tables users and sessions).
type Users struct {
	pool *pgxpool.Pool
	log  *AccessLog
	demo bool // the demo's accounts: DemoPassword allowed
}

// NewUsers returns the account service on pool (schema migrated). Sign-ins
// and sign-outs are recorded in the access log.
func NewUsers(pool *pgxpool.Pool) *Users { return &Users{pool: pool, log: NewAccessLog(pool)} }

// NewDemoUsers is NewUsers for the demo, whose accounts share DemoPassword
// (refused anywhere else).
func NewDemoUsers(pool *pgxpool.Pool) *Users {
	us := NewUsers(pool)
	us.demo = true
	return us
}

// validLogin: 1–64 characters, no spaces or control characters.
func validLogin(login string) bool {
	if login == "" || utf8.RuneCountInString(login) > 64 || !utf8.ValidString(login) {
		return false
	}
	return !strings.ContainsFunc(login, func(r rune) bool { return r <= ' ' || r == 0x7f })
}

// ErrInvalidLogin means a login is empty, longer than 64 characters or
// holds spaces or control characters.
var ErrInvalidLogin = errors.New("a login is 1 to 64 characters without spaces")

// Access-log actions of user administration.
const (
	UserCreateAction   = "user.create"
	UserPasswordAction = "user.password"
	UserDisableAction  = "user.disable"
	UserEnableAction   = "user.enable"
)

// Create adds u with password (refused, ErrWeakPassword, when too short,
// common or holding the login), on by's authority (recorded in the access
// log). The principal follows the
// rules of API tokens (a recorder has a donor, a partner a county).
// ErrUserExists when the login is taken.
func (us *Users) Create(ctx context.Context, by Principal, u User, password string) error {
	if !validLogin(u.Login) {
		return ErrInvalidLogin
	}
	if err := validatePrincipal(u.Principal); err != nil {
		return err
	}
	if err := checkPolicy(u.Login, password, us.demo); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	_, err = us.pool.Exec(ctx, `INSERT INTO users (login, name, role, donor_code, partner_code, password_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
		u.Login, u.Name, string(u.Role), u.DonorCode, u.PartnerCode, hash)
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("user %s: %w", u.Login, ErrUserExists)
	}
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Login, err)
	}
	return us.log.Record(ctx, by, UserCreateAction, u.Login, "as "+u.Actor()+scopeOf(u.Principal))
}

// SetPassword replaces the password of login on by's authority, forgets
// its failed sign-ins and ends its sessions (a changed password signs
// everyone out of it).
func (us *Users) SetPassword(ctx context.Context, by Principal, login, password string) error {
	if err := checkPolicy(login, password, us.demo); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	if err := us.change(ctx, by, login, UserPasswordAction, "password set; sessions ended",
		`UPDATE users SET password_hash = $2 WHERE login = $1`, hash); err != nil {
		return err
	}
	if _, err := us.pool.Exec(ctx, `DELETE FROM sign_in_failures WHERE key = $1`, throttleKeys(login, "")[0]); err != nil {
		return fmt.Errorf("user %s: forget failed sign-ins: %w", login, err)
	}
	return nil
}

// Disable stops login from signing in, on by's authority, and ends its
// sessions; Enable lets it sign in again.
func (us *Users) Disable(ctx context.Context, by Principal, login string) error {
	return us.change(ctx, by, login, UserDisableAction, "disabled; sessions ended",
		`UPDATE users SET disabled_at = coalesce(disabled_at, now()) WHERE login = $1`)
}

// Enable lets a disabled login sign in again (see Disable).
func (us *Users) Enable(ctx context.Context, by Principal, login string) error {
	return us.change(ctx, by, login, UserEnableAction, "enabled",
		`UPDATE users SET disabled_at = NULL WHERE login = $1`)
}

// change runs update on login's row (its first argument the login) and
// ends the login's sessions, in one transaction, then records the action.
func (us *Users) change(ctx context.Context, by Principal, login, action, detail, update string, args ...any) error {
	err := pgx.BeginTxFunc(ctx, us.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, update, append([]any{login}, args...)...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%w: %s", ErrNoUser, login)
		}
		if action != UserEnableAction {
			_, err = tx.Exec(ctx, `UPDATE sessions SET ended_at = now() WHERE login = $1 AND ended_at IS NULL`, login)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, login, err)
	}
	return us.log.Record(ctx, by, action, login, detail)
}

// ErrNoUser means no user has the login given.
var ErrNoUser = errors.New("no such user")

// UserInfo is what an administrator sees of a user.
type UserInfo struct {
	User
	CreatedAt  time.Time  `json:"created_at"`
	LastSignIn *time.Time `json:"last_sign_in_at"`
	DisabledAt *time.Time `json:"disabled_at"`
	// FailedRecent are the login's consecutive failed sign-ins not yet
	// forgotten, and ThrottledUntil when its next attempt is allowed
	// (nil: now).
	FailedRecent   int        `json:"failed_attempts"`
	ThrottledUntil *time.Time `json:"throttled_until"`
}

// List lists every user, by login.
func (us *Users) List(ctx context.Context) ([]UserInfo, error) {
	rows, err := us.pool.Query(ctx, `SELECT u.login, name, role, donor_code, partner_code, created_at, last_sign_in_at,
			disabled_at, coalesce(f.failures, 0), CASE WHEN f.retry_at > now() THEN f.retry_at END
		FROM users u LEFT JOIN sign_in_failures f ON f.key = 'login:' || u.login AND f.last_at > now() - $1::interval
		ORDER BY u.login`, interval(FailureMemory))
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (UserInfo, error) {
		var u UserInfo
		var role string
		err := r.Scan(&u.Login, &u.Name, &role, &u.DonorCode, &u.PartnerCode, &u.CreatedAt, &u.LastSignIn, &u.DisabledAt,
			&u.FailedRecent, &u.ThrottledUntil)
		u.Role = Role(role)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// dummyHash is checked against for unknown logins, so that they take as
// long as wrong passwords.
var dummyHash = sync.OnceValue(func() string {
	h, _ := hashPassword("not the password of anyone")
	return h
})

// interval is d as a Postgres interval.
func interval(d time.Duration) string { return fmt.Sprintf("%d seconds", int64(d/time.Second)) }

// SignIn checks login's password, tried from source (the client's
// address; "" when unknown), and opens a session. An attempt that comes
// too soon after repeated failures for the login or from the address is
// *ThrottledError, whatever the password (see MaxFailures); an unknown
// login, a wrong password and a disabled account are all
// ErrBadCredentials. Every refusal takes as long as a password check, and
// the login's existence changes no answer. Every outcome is written to the
// access log; the session is returned only once that is done.
func (us *Users) SignIn(ctx context.Context, login, password, source string) (*Session, error) {
	keys := throttleKeys(login, source)
	var wait *time.Duration
	if err := us.pool.QueryRow(ctx, `SELECT max(retry_at) - now() FROM sign_in_failures
		WHERE key = ANY($1) AND retry_at > now() AND last_at > now() - $2::interval`, keys, interval(FailureMemory)).Scan(&wait); err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	if wait != nil {
		_, _ = checkPassword(dummyHash(), password)
		return nil, us.refuse(ctx, login, "refused: throttled", &ThrottledError{RetryAfter: wait.Round(time.Second) + time.Second})
	}
	var hash, role string
	var disabled bool
	u := User{Login: login}
	err := us.pool.QueryRow(ctx, `SELECT name, role, donor_code, partner_code, password_hash, disabled_at IS NOT NULL
		FROM users WHERE login = $1`, login).Scan(&u.Name, &role, &u.DonorCode, &u.PartnerCode, &hash, &disabled)
	known := err == nil
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		hash = dummyHash()
	case err != nil:
		return nil, fmt.Errorf("sign in: %w", err)
	}
	u.Role = Role(role)
	ok, err := checkPassword(hash, password)
	if err != nil {
		return nil, fmt.Errorf("sign in %s: %w", login, err)
	}
	if !ok || !known || disabled {
		if err := us.failed(ctx, keys); err != nil {
			return nil, err
		}
		// The same answer whatever failed: the account's existence and
		// state are not told to whoever tries it.
		outcome := map[bool]string{true: "wrong password", false: "unknown login"}[known]
		if ok && disabled {
			outcome = "refused: disabled"
		}
		return nil, us.refuse(ctx, login, outcome, ErrBadCredentials)
	}
	s := &Session{Token: randomToken(), CSRF: randomToken(), Login: login, Principal: u.Principal}
	h := sha256.Sum256([]byte(s.Token))
	err = pgx.BeginTxFunc(ctx, us.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sign_in_failures WHERE key = ANY($1)`, keys); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET last_sign_in_at = now() WHERE login = $1`, login); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO sessions (token_hash, login, csrf_token, expires_at) VALUES ($1, $2, $3, now() + $4::interval)
			RETURNING expires_at`, h[:], login, s.CSRF, interval(SessionLifetime)).Scan(&s.Expires)
	})
	if err != nil {
		return nil, fmt.Errorf("sign in %s: %w", login, err)
	}
	if err := us.log.Record(ctx, u.Principal, SignInAction, login, "signed in"); err != nil {
		return nil, err
	}
	return s, nil
}

// throttleKeys are the sign_in_failures keys of a sign-in: its login's
// and, when known, its source address's.
func throttleKeys(login, source string) []string {
	keys := []string{"login:" + login}
	if source != "" {
		keys = append(keys, "address:"+source)
	}
	return keys
}

// failed counts a failed sign-in against each key: the failures go on from
// the last ones unless FailureMemory has passed since, and from the
// MaxFailures-th on the next attempt must wait 2^(failures−MaxFailures)
// seconds, at most MaxLoginWait for a login and MaxAddressWait for an
// address.
func (us *Users) failed(ctx context.Context, keys []string) error {
	err := pgx.BeginTxFunc(ctx, us.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sign_in_failures AS f (key, failures, last_at)
			SELECT k, 1, now() FROM unnest($1::text[]) AS k
			ON CONFLICT (key) DO UPDATE SET last_at = now(),
				failures = CASE WHEN f.last_at > now() - $2::interval THEN f.failures + 1 ELSE 1 END`,
			keys, interval(FailureMemory)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE sign_in_failures SET retry_at = CASE WHEN failures >= $2 THEN now() + least(
				make_interval(secs => power(2, least(failures - $2, 20))),
				CASE WHEN key LIKE 'login:%' THEN $3::interval ELSE $4::interval END) END
			WHERE key = ANY($1)`, keys, MaxFailures, interval(MaxLoginWait), interval(MaxAddressWait))
		return err
	})
	if err != nil {
		return fmt.Errorf("sign in: count the failure: %w", err)
	}
	return nil
}

// refuse logs a refused sign-in and returns err (or the log's failure).
func (us *Users) refuse(ctx context.Context, login, outcome string, err error) error {
	name := login
	if strings.TrimSpace(name) == "" {
		name = "(blank)"
	}
	if lerr := us.log.Record(ctx, Principal{Name: name}, SignInAction, login, outcome); lerr != nil {
		return lerr
	}
	return err
}

// Session returns the live session of token and marks it used; ErrNoSession
// when it is unknown, ended, idle for SessionIdle, past its lifetime, or
// its user has been disabled.
func (us *Users) Session(ctx context.Context, token string) (*Session, error) {
	if token == "" {
		return nil, ErrNoSession
	}
	h := sha256.Sum256([]byte(token))
	s := &Session{Token: token}
	var role string
	err := us.pool.QueryRow(ctx, `UPDATE sessions s SET last_seen_at = now()
		FROM users u
		WHERE s.token_hash = $1 AND u.login = s.login AND s.ended_at IS NULL AND s.expires_at > now()
		  AND s.last_seen_at > now() - $2::interval AND u.disabled_at IS NULL
		RETURNING s.login, s.csrf_token, s.expires_at, u.name, u.role, u.donor_code, u.partner_code`, h[:], interval(SessionIdle)).
		Scan(&s.Login, &s.CSRF, &s.Expires, &s.Principal.Name, &role, &s.Principal.DonorCode, &s.Principal.PartnerCode)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	s.Principal.Role = Role(role)
	return s, nil
}

// SignOut ends the session of token (nothing happens for an unknown one).
func (us *Users) SignOut(ctx context.Context, token string) error {
	h := sha256.Sum256([]byte(token))
	var login, name, role string
	err := us.pool.QueryRow(ctx, `UPDATE sessions s SET ended_at = now() FROM users u
		WHERE s.token_hash = $1 AND s.ended_at IS NULL AND u.login = s.login RETURNING s.login, u.name, u.role`, h[:]).Scan(&login, &name, &role)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	return us.log.Record(ctx, Principal{Name: name, Role: Role(role)}, SignOutAction, login, "signed out")
}

// randomToken is 32 random bytes, base64url.
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}

package eventstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrWrongExpectedVersion means the stream moved on since the caller read it.
// Nothing was written; re-read the stream and decide again.
var ErrWrongExpectedVersion = errors.New("wrong expected version")

// ErrIdempotencyKeyReused means the idempotency key was first used for a request
// with a different fingerprint. Nothing was written.
var ErrIdempotencyKeyReused = errors.New("idempotency key reused with a different request")

// ErrOutcomeUnknown means the connection was lost after an append was
// sent and before its answer came: it may or may not have been committed.
// Look its idempotency key up (on another connection) to know, or repeat
// it with the same key: it is recorded once either way.
var ErrOutcomeUnknown = errors.New("append outcome unknown: the connection was lost")

// ErrIDInUse means an entity id given for a new entity already exists.
var ErrIDInUse = errors.New("id already in use")

// DuplicateKeyError means a natural key (voucher no, receipt no, order no) is
// already held by a live entry. Nothing was written.
type DuplicateKeyError struct {
	Scope    string // e.g. "voucher_no"
	Key      string
	EntityID string // the entry that holds it
}

func (e *DuplicateKeyError) Error() string {
	return fmt.Sprintf("%s %q is already recorded (by %s)", e.Scope, e.Key, e.EntityID)
}

// translate maps the SQLSTATEs raised by ledger_append to typed errors,
// and a connection lost once the call may have reached the server to
// ErrOutcomeUnknown.
func translate(err error, req *AppendRequest) error {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return lostConnection(err)
	}
	switch pg.Code {
	case "AL001":
		return fmt.Errorf("%w: %s", ErrWrongExpectedVersion, pg.Message)
	case "AL002":
		return fmt.Errorf("%w: %s", ErrIdempotencyKeyReused, pg.Message)
	case "AL003":
		e := &DuplicateKeyError{Scope: pg.Detail, EntityID: pg.Hint}
		for _, k := range req.Claim {
			if k.Scope == pg.Detail {
				e.Key = k.Key
			}
		}
		return e
	case "AL004":
		return fmt.Errorf("%w: %s", ErrIDInUse, pg.Detail)
	}
	if sessionEnded(pg) {
		return fmt.Errorf("%w: %w", ErrOutcomeUnknown, err) // it may have committed before the session ended
	}
	return err
}

// sessionEnded reports whether the server ended the session while a call
// ran — a shutdown, a crash, a failover, pg_terminate_backend, a
// synchronous commit cut short — rather than refused the call: whether
// what was sent committed is not known.
func sessionEnded(pg *pgconn.PgError) bool {
	return pg.Severity == "FATAL" || pg.Severity == "PANIC" || strings.HasPrefix(pg.Code, "08") || strings.HasPrefix(pg.Code, "57P")
}

// Unavailable reports whether err means the database cannot serve the
// call now, not that the call is wrong: it could not be reached, it ended
// the session, or it is a standby refusing writes (after a failover a
// connection may still reach the demoted primary). Worth a 503.
func Unavailable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return sessionEnded(pg) || pg.Code == "25006" // read_only_sql_transaction
	}
	return isConnectError(err) || pgconn.SafeToRetry(err)
}

// lostConnection is err, a failure that is not the server's answer,
// wrapped in ErrOutcomeUnknown unless nothing can have been sent (a
// failure to connect, or one pgconn knows is safe to retry).
func lostConnection(err error) error {
	if pgconn.SafeToRetry(err) || isConnectError(err) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
}

// isConnectError reports whether err is a failure to connect (nothing was
// sent).
func isConnectError(err error) bool {
	var ce *pgconn.ConnectError
	return errors.As(err, &ce)
}

package eventstore

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestSessionEndedIsOutcomeUnknown: when the server ends the session while
// an append runs (its primary crashing in a failover, an administrator),
// the append may have committed, so it is ErrOutcomeUnknown (repeat it with
// the same key), never a plain failure; a standby refusing the write is
// unavailable, not unknown; the ledger's own refusals stay what they are.
func TestSessionEndedIsOutcomeUnknown(t *testing.T) {
	req := &AppendRequest{StreamID: "s"}
	for _, c := range []struct {
		err                  *pgconn.PgError
		unknown, unavailable bool
	}{
		{&pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to unexpected postmaster exit"}, true, true},
		{&pgconn.PgError{Severity: "FATAL", Code: "57P02"}, true, true},
		{&pgconn.PgError{Severity: "ERROR", Code: "08006"}, true, true},
		{&pgconn.PgError{Severity: "ERROR", Code: "25006", Message: "cannot execute INSERT in a read-only transaction"}, false, true},
		{&pgconn.PgError{Severity: "ERROR", Code: "AL001"}, false, false},
		{&pgconn.PgError{Severity: "ERROR", Code: "23505"}, false, false},
	} {
		got := translate(c.err, req)
		if errors.Is(got, ErrOutcomeUnknown) != c.unknown {
			t.Errorf("%s %s: translated to %v, outcome unknown should be %v", c.err.Severity, c.err.Code, got, c.unknown)
		}
		if Unavailable(c.err) != c.unavailable {
			t.Errorf("%s %s: Unavailable should be %v", c.err.Severity, c.err.Code, c.unavailable)
		}
	}
}

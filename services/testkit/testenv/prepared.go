package testenv

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// PreparedRuns is how many times the prepared statements of q's
// connection whose text contains fragment have run (pg_prepared_statements;
// a statement run unnamed, planned for its arguments, is not among them).
// A test reads it before and after the calls it watches.
func PreparedRuns(tb testing.TB, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}, fragment string) int {
	tb.Helper()
	var runs int
	if err := q.QueryRow(context.Background(), `SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements
		WHERE strpos(statement, $1) > 0 AND strpos(statement, 'pg_prepared_statements') = 0`,
		fragment).Scan(&runs); err != nil {
		tb.Fatal(err)
	}
	return runs
}

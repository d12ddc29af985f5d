package balances

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// InSchema returns a Querier that runs this package's queries against a
// copy of the read model in another schema (for instance one rebuilt up to
// a past position for a point-in-time view). The queries name their tables
// "proj_balances.…"; InSchema redirects exactly those names, and refuses a
// query that still mentions the live schema afterwards rather than read it.
func InSchema(q Querier, schema string) Querier {
	return inSchema{q: q, qualifier: pgx.Identifier{schema}.Sanitize() + "."}
}

type inSchema struct {
	q         Querier
	qualifier string // the quoted schema and a dot
}

func (s inSchema) rewrite(sql string) (string, error) {
	sql = strings.ReplaceAll(sql, Schema+".", s.qualifier)
	if strings.Contains(sql, Schema) {
		return "", fmt.Errorf("balances: a query names %s in a way that cannot be redirected to %s", Schema, s.qualifier)
	}
	return sql, nil
}

// Query implements Querier.
func (s inSchema) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	sql, err := s.rewrite(sql)
	if err != nil {
		return nil, err
	}
	return s.q.Query(ctx, sql, args...)
}

// QueryRow implements Querier.
func (s inSchema) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	sql, err := s.rewrite(sql)
	if err != nil {
		return errRow{err}
	}
	return s.q.QueryRow(ctx, sql, args...)
}

// errRow is a pgx.Row whose Scan fails with err.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

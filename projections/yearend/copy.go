package yearend

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aidledger/aidledger/projections/internal/pgcopy"
)

// uniqueViolation is SQLSTATE 23505.
const uniqueViolation = "23505"

// newRows returns an empty COPY body for columns of table. Free text (ids,
// names, document numbers, details) is copied with each NUL, which a
// Postgres text cannot hold, as U+FFFD.
func newRows(table string, cols ...string) *pgcopy.Rows {
	w := pgcopy.New(table, cols...)
	w.ReplaceNUL = true
	return w
}

// send copies w's rows into its table (unqualified: the search_path picks
// the schema); it does nothing when there are none. A row whose key is
// already in the table is ErrInconsistent: an entity created again, by an
// event of a later batch.
func send(ctx context.Context, tx pgx.Tx, w *pgcopy.Rows) error {
	if err := w.Send(ctx, tx); err != nil {
		if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == uniqueViolation {
			return fmt.Errorf("yearend: copy %s: %w: %w", w.Table(), ErrInconsistent, err)
		}
		return fmt.Errorf("yearend: copy %s: %w", w.Table(), err)
	}
	return nil
}

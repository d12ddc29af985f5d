package balances

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// uniqueViolation is SQLSTATE 23505.
const uniqueViolation = "23505"

// copyRows is a table's new rows in PostgreSQL's binary COPY format, built
// straight from Go values: no per-value boxing or type-map lookups, which
// cost more than the rest of Apply's Go side together. It handles the types
// the read model uses: text, int4, int8, date and boolean.
type copyRows struct {
	table  string
	cols   []string
	buf    []byte
	rows   int
	fields int // fields written, to check every row has len(cols)
}

// pgEpoch is day 0 of PostgreSQL's binary date format.
var pgEpoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

func newCopyRows(table string, cols ...string) *copyRows {
	w := &copyRows{table: table, cols: cols}
	w.buf = append(w.buf, "PGCOPY\n\xff\r\n\x00"...)
	w.buf = binary.BigEndian.AppendUint32(w.buf, 0) // flags
	w.buf = binary.BigEndian.AppendUint32(w.buf, 0) // header extension length
	return w
}

// row starts a row; its len(cols) fields follow.
func (w *copyRows) row() {
	w.rows++
	w.buf = binary.BigEndian.AppendUint16(w.buf, uint16(len(w.cols)))
}

func (w *copyRows) field(n int) {
	w.fields++
	w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(int32(n)))
}

func (w *copyRows) null() { w.field(-1) }

func (w *copyRows) text(s string) {
	w.field(len(s))
	w.buf = append(w.buf, s...)
}

// textOrNull writes s, or NULL when s is "".
func (w *copyRows) textOrNull(s string) {
	if s == "" {
		w.null()
		return
	}
	w.text(s)
}

// textPtr writes *s, or NULL when s is nil.
func (w *copyRows) textPtr(s *string) {
	if s == nil {
		w.null()
		return
	}
	w.text(*s)
}

func (w *copyRows) int4(v int) {
	w.field(4)
	w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(int32(v)))
}

func (w *copyRows) int8(v int64) {
	w.field(8)
	w.buf = binary.BigEndian.AppendUint64(w.buf, uint64(v))
}

// date writes the day of t (midnight UTC), or NULL for the zero time.
func (w *copyRows) date(t time.Time) {
	if t.IsZero() {
		w.null()
		return
	}
	w.field(4)
	days := (t.Unix() - pgEpoch.Unix()) / (24 * 60 * 60) // exact: t is a midnight UTC
	w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(int32(days)))
}

func (w *copyRows) boolean(b bool) {
	w.field(1)
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

// send copies the rows into the table (unqualified: the search_path picks
// the schema); it does nothing when there are none. A row whose key is
// already in the table is ErrInconsistent.
func (w *copyRows) send(ctx context.Context, tx pgx.Tx) error {
	if w.rows == 0 {
		return nil
	}
	if w.fields != w.rows*len(w.cols) {
		return fmt.Errorf("copy %s: %d fields for %d rows of %d columns", w.table, w.fields, w.rows, len(w.cols))
	}
	w.buf = binary.BigEndian.AppendUint16(w.buf, 0xffff) // trailer
	sql := "COPY " + w.table + " (" + strings.Join(w.cols, ", ") + ") FROM STDIN (FORMAT binary)"
	if _, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(w.buf), sql); err != nil {
		if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == uniqueViolation {
			// An entity created again, by an event of a later batch.
			return fmt.Errorf("copy %s: %w: %w", w.table, ErrInconsistent, err)
		}
		return fmt.Errorf("copy %s: %w", w.table, err)
	}
	return nil
}

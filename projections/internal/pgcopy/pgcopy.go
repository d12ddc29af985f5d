// Package pgcopy writes rows in PostgreSQL's binary COPY format straight
// from Go values and sends them with COPY … FROM STDIN (FORMAT binary).
//
// Encoding by hand, rather than through pgx's CopyFrom with its per-value
// boxing and type-map dispatch, keeps the client side of a read model's
// Apply to about a microsecond per row: writing a value only appends to a
// buffer, so once the buffer has grown (or is reused, see Rows.Reset) it
// allocates nothing.
//
// A body is a header, then rows, each the number of its fields followed by
// the fields, each a big-endian int32 length (-1 for NULL) and the value in
// its column type's binary form, then a trailer:
//
//	w := pgcopy.New("donations", "donation_id", "amount_fen", "business_date")
//	for _, d := range donations {
//		w.Row()
//		w.Text(d.ID)
//		w.Int8(d.AmountFen)
//		w.DateOrNull(d.Date)
//	}
//	err := w.Send(ctx, tx)
//
// Each method writes one field of the row, in the order of the columns, and
// must match the column's type: PostgreSQL checks lengths, not types, so
// Int8 into an integer column fails, and Int4 into a date column silently
// stores a date. The types covered are text, integer (int4), bigint (int8),
// date, timestamptz, boolean, bytea (and json, whose binary form is its
// text) and text[].
package pgcopy

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
)

// header starts every body: the signature, then int32 flags and an int32
// header extension length, both 0.
const header = "PGCOPY\n\xff\r\n\x00" + "\x00\x00\x00\x00" + "\x00\x00\x00\x00"

// Day 0 of PostgreSQL's binary dates and microsecond 0 of its timestamps
// is 2000-01-01 00:00 UTC.
const (
	epochUnix      = 946684800 // 2000-01-01 00:00:00 UTC, in Unix seconds
	epochUnixMicro = epochUnix * 1_000_000
	secondsPerDay  = 24 * 60 * 60
)

// textOID is the OID of text, the element type of a text[].
const textOID = 25

// Rows is the body of one COPY of rows into a table's columns. Build it
// with New, write each row with Row and then one method call per column,
// and send it with Send.
//
// A Rows is not safe for concurrent use. It can be reused (Reset), for
// instance through a sync.Pool, to keep its grown buffer.
type Rows struct {
	// ReplaceNUL makes Text, TextOrNull, TextPtr and the elements of
	// TextArray write each NUL byte, which a PostgreSQL text cannot hold,
	// as U+FFFD. When it is false, text is written verbatim and
	// PostgreSQL rejects a NUL (invalid byte sequence), failing the COPY.
	ReplaceNUL bool

	table   string
	columns []string
	sql     string // the COPY statement, made on first use
	buf     []byte
	rows    int
	fields  int // fields written, to check that every row has len(columns)
}

// New returns an empty body for a COPY into the named columns of table.
// The names go into the statement as they are (not quoted, and the table
// not schema-qualified, so that the search_path picks the schema): they
// must be trusted SQL identifiers. New keeps columns; do not modify it.
func New(table string, columns ...string) *Rows {
	w := &Rows{table: table, columns: columns}
	w.Reset()
	return w
}

// Reset empties w of its rows, keeping its table, its columns, ReplaceNUL
// and its buffer's capacity.
func (w *Rows) Reset() {
	w.buf = append(w.buf[:0], header...)
	w.rows, w.fields = 0, 0
}

// Table is the table w copies into, as given to New.
func (w *Rows) Table() string { return w.table }

// Len is the number of rows written since New or Reset.
func (w *Rows) Len() int { return w.rows }

// Statement is the COPY … FROM STDIN (FORMAT binary) statement that Send
// runs.
func (w *Rows) Statement() string {
	if w.sql == "" {
		w.sql = "COPY " + w.table + " (" + strings.Join(w.columns, ", ") + ") FROM STDIN (FORMAT binary)"
	}
	return w.sql
}

// Bytes is the complete body: the header, the rows written so far and the
// trailer. It shares w's buffer: it is valid only until w is next written
// to or Reset.
func (w *Rows) Bytes() []byte {
	// Appended past len(w.buf), so a later field overwrites the trailer.
	return binary.BigEndian.AppendUint16(w.buf, 0xffff)
}

// Send runs the COPY of w's rows in tx, on tx's underlying connection. It
// does nothing when there are no rows. It fails without sending anything
// when the number of fields written is not that of the rows times the
// columns. The errors of the COPY are returned as they are (a
// *pgconn.PgError for an error PostgreSQL raised), for the caller to
// inspect and to wrap with the context it knows. w is left unchanged.
func (w *Rows) Send(ctx context.Context, tx pgx.Tx) error {
	if w.rows == 0 {
		return nil
	}
	if w.fields != w.rows*len(w.columns) {
		return fmt.Errorf("%d fields for %d rows of %d columns", w.fields, w.rows, len(w.columns))
	}
	_, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(w.Bytes()), w.Statement())
	return err
}

// Row starts a row; one field per column follows.
func (w *Rows) Row() {
	w.rows++
	w.buf = binary.BigEndian.AppendUint16(w.buf, uint16(len(w.columns)))
}

// field starts a field of n bytes (-1 for NULL).
func (w *Rows) field(n int) {
	w.fields++
	w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(int32(n)))
}

// Null writes a NULL, of any column type.
func (w *Rows) Null() { w.field(-1) }

// Text writes s into a text (or varchar) column; see ReplaceNUL.
func (w *Rows) Text(s string) {
	if w.ReplaceNUL {
		s = replaceNUL(s)
	}
	w.field(len(s))
	w.buf = append(w.buf, s...)
}

// TextOrNull writes s, or NULL when s is "".
func (w *Rows) TextOrNull(s string) {
	if s == "" {
		w.Null()
		return
	}
	w.Text(s)
}

// TextPtr writes *s, or NULL when s is nil.
func (w *Rows) TextPtr(s *string) {
	if s == nil {
		w.Null()
		return
	}
	w.Text(*s)
}

// replaceNUL returns s with each NUL byte replaced by U+FFFD; it allocates
// only when there is one.
func replaceNUL(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// Int4 writes v into an integer (int4) column.
func (w *Rows) Int4(v int32) {
	w.field(4)
	w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(v))
}

// Int8 writes v into a bigint (int8) column.
func (w *Rows) Int8(v int64) {
	w.field(8)
	w.buf = binary.BigEndian.AppendUint64(w.buf, uint64(v))
}

// Bool writes b into a boolean column.
func (w *Rows) Bool(b bool) {
	w.field(1)
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

// Bytea writes b verbatim, into a bytea column, or into a json column
// (whose binary form is its text, unchecked here: PostgreSQL validates it).
// A nil b is an empty value, not NULL.
func (w *Rows) Bytea(b []byte) {
	w.field(len(b))
	w.buf = append(w.buf, b...)
}

// Timestamptz writes the instant t, to the microsecond (truncated towards
// the past), into a timestamptz column. The zero time is the instant
// 0001-01-01 00:00 UTC, not NULL.
func (w *Rows) Timestamptz(t time.Time) {
	w.Int8(t.UnixMicro() - epochUnixMicro)
}

// DateOrNull writes the day t is the midnight UTC of into a date column, or
// NULL when t is the zero time. t must be a midnight UTC (the form of
// events.Date.Time), or the day may be off by one.
func (w *Rows) DateOrNull(t time.Time) {
	if t.IsZero() {
		w.Null()
		return
	}
	w.field(4)
	days := (t.Unix() - epochUnix) / secondsPerDay // exact for a midnight UTC
	w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(int32(days)))
}

// EventDateOrNull writes d into a date column, or NULL for the zero Date.
func (w *Rows) EventDateOrNull(d events.Date) { w.DateOrNull(d.Time()) }

// TextArray writes ss as a one-dimensional text[] with lower bound 1 and
// no NULL elements, or as the empty array when ss is empty (nil included:
// use Null for NULL). See ReplaceNUL.
func (w *Rows) TextArray(ss []string) {
	w.fields++
	at := len(w.buf)
	w.buf = binary.BigEndian.AppendUint32(w.buf, 0) // the field's length, set below
	if len(ss) == 0 {
		w.buf = binary.BigEndian.AppendUint32(w.buf, 0) // dimensions
		w.buf = binary.BigEndian.AppendUint32(w.buf, 0) // no NULLs
		w.buf = binary.BigEndian.AppendUint32(w.buf, textOID)
	} else {
		w.buf = binary.BigEndian.AppendUint32(w.buf, 1) // dimensions
		w.buf = binary.BigEndian.AppendUint32(w.buf, 0) // no NULLs
		w.buf = binary.BigEndian.AppendUint32(w.buf, textOID)
		w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(len(ss)))
		w.buf = binary.BigEndian.AppendUint32(w.buf, 1) // lower bound
		for _, s := range ss {
			if w.ReplaceNUL {
				s = replaceNUL(s)
			}
			w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(len(s)))
			w.buf = append(w.buf, s...)
		}
	}
	binary.BigEndian.PutUint32(w.buf[at:], uint32(len(w.buf)-at-4))
}

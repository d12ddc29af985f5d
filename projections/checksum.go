package projections

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// TableDigest is the checksum of one table of a read model.
type TableDigest struct {
	Table string
	Rows  int64
	// SHA256 is the hex SHA-256 of every row rendered as text (the row's
	// composite text form, as "SELECT t::text" gives it), each followed by
	// a newline, in the table's ORDER BY (ties broken by the text itself).
	SHA256 string
}

// Digest is the checksum of a read model: of each of its tables and of all
// of them together, with the checkpoint it was taken at. (It is not called
// Checksum because the function that computes it is.)
type Digest struct {
	Schema string
	// Position is the schema's checkpoint in the same snapshot as the rows.
	Position int64
	Tables   []TableDigest
	// Combined is the hex SHA-256 of "name\nrows\nsha256\n" for each table
	// in Projection.Tables order: equal Combined digests mean equal read
	// models.
	Combined string
}

// Equal reports whether c and o digest the same rows (whatever their
// schemas and positions).
func (c Digest) Equal(o Digest) bool { return c.Combined == o.Combined }

// textSettings pins every setting that changes how values render as text,
// so that a checksum does not depend on the session that takes it. It is
// transaction-local.
const textSettings = `SELECT set_config('DateStyle', 'ISO, YMD', true), set_config('TimeZone', 'UTC', true),
	set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true),
	set_config('bytea_output', 'hex', true)`

// Checksum digests the read model of p held in schema (Schema(p) for the
// live one), table by table in the tables' ORDER BY, streaming the rows
// (no table is held in memory).
//
// When q can begin a transaction (a pool or a connection), the checksum
// runs in a REPEATABLE READ READ ONLY transaction of its own, so the tables
// and the checkpoint come from one snapshot. When q is a transaction, it is
// used as it is (the caller chooses the snapshot) and the text-rendering
// settings (DateStyle, TimeZone, IntervalStyle, extra_float_digits,
// bytea_output) are set locally in it for the rest of that transaction.
// Text columns sort by the database's collation, so compare checksums
// taken in the same database, or in databases with the same collation.
func Checksum(ctx context.Context, q Querier, schema string, p Projection) (Digest, error) {
	var out Digest
	err := inSnapshot(ctx, q, func(q Querier) error {
		var err error
		out, err = checksum(ctx, q, schema, p)
		return err
	})
	return out, err
}

// inSnapshot runs fn in a REPEATABLE READ READ ONLY transaction when q can
// begin one, else in q as it is, after pinning the text settings.
func inSnapshot(ctx context.Context, q Querier, fn func(Querier) error) error {
	if b, ok := q.(txBeginner); ok {
		tx, err := b.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return fmt.Errorf("begin snapshot: %w", err)
		}
		defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read only
		q = tx
	}
	var ignore [5]string
	if err := q.QueryRow(ctx, textSettings).Scan(&ignore[0], &ignore[1], &ignore[2], &ignore[3], &ignore[4]); err != nil {
		return fmt.Errorf("text settings: %w", err)
	}
	return fn(q)
}

// checksum is Checksum inside the caller's snapshot (text settings set).
func checksum(ctx context.Context, q Querier, schema string, p Projection) (Digest, error) {
	c := Digest{Schema: schema}
	if err := q.QueryRow(ctx, "SELECT position FROM "+qualified(schema, "checkpoint")).Scan(&c.Position); err != nil {
		return c, fmt.Errorf("checksum %s: checkpoint: %w", schema, err)
	}
	combined := sha256.New()
	for _, t := range p.Tables() {
		tc, err := tableChecksum(ctx, q, schema, t)
		if err != nil {
			return c, fmt.Errorf("checksum %s: %w", schema, err)
		}
		c.Tables = append(c.Tables, tc)
		fmt.Fprintf(combined, "%s\n%d\n%s\n", tc.Table, tc.Rows, tc.SHA256)
	}
	c.Combined = hex.EncodeToString(combined.Sum(nil))
	return c, nil
}

// rowAlias names the row in checksum and diff queries; unlikely to clash
// with a column name (which would win over the table alias).
const rowAlias = "aidledger_row"

// tableChecksum digests one table.
func tableChecksum(ctx context.Context, q Querier, schema string, t Table) (TableDigest, error) {
	tc := TableDigest{Table: t.Name}
	// Ties are broken by the selected text ("1"), so that each row is
	// rendered once: repeating the expression in ORDER BY renders it twice.
	order := "1"
	if t.OrderBy != "" {
		order = t.OrderBy + ", 1"
	}
	rows, err := q.Query(ctx, fmt.Sprintf(`SELECT %[1]s::text COLLATE "C" FROM %[2]s AS %[1]s ORDER BY %[3]s`,
		rowAlias, qualified(schema, t.Name), order))
	if err != nil {
		return tc, fmt.Errorf("table %s: %w", t.Name, err)
	}
	defer rows.Close()
	h := sha256.New()
	for rows.Next() {
		writeRow(h, rows.RawValues()[0])
		tc.Rows++
	}
	if err := rows.Err(); err != nil {
		return tc, fmt.Errorf("table %s: %w", t.Name, err)
	}
	tc.SHA256 = hex.EncodeToString(h.Sum(nil))
	return tc, nil
}

// writeRow adds one row's text to a table digest.
func writeRow(h hash.Hash, row []byte) {
	h.Write(row)
	h.Write([]byte{'\n'})
}

// String is a one-line summary: position, combined digest, rows per table.
func (c Digest) String() string {
	s := c.Schema + "@" + strconv.FormatInt(c.Position, 10) + " " + c.Combined
	for _, t := range c.Tables {
		s += " " + t.Table + "=" + strconv.FormatInt(t.Rows, 10)
	}
	return s
}

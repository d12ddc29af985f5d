package projections

import (
	"context"
	"fmt"
	"strings"
)

// RowDiff is one key whose rows differ between two schemas of a read model.
type RowDiff struct {
	Table string
	// Key is the values of the table's ORDER BY expressions for these rows,
	// as a JSON array.
	Key string
	// A and B are the rows with that key (as text) in the first and the
	// second schema; empty when the key is absent there. Usually one row
	// each, when the ORDER BY is a unique key.
	A, B []string
}

// Diff lists, table by table, the keys (a table's ORDER BY expressions)
// whose rows are present in one schema and not the other, or differ —
// what an auditor looks at when two checksums disagree. Keys come in text
// order within each table. Like Checksum, it runs in a snapshot of its own
// when q is a pool or connection. The list can be as long as the tables:
// use it when checksums differ.
func Diff(ctx context.Context, q Querier, schemaA, schemaB string, p Projection) ([]RowDiff, error) {
	var out []RowDiff
	err := inSnapshot(ctx, q, func(q Querier) error {
		var err error
		out, err = diff(ctx, q, schemaA, schemaB, p, 0)
		return err
	})
	return out, err
}

// diff is Diff inside the caller's snapshot; limit > 0 caps the rows
// returned per table.
func diff(ctx context.Context, q Querier, schemaA, schemaB string, p Projection, limit int) ([]RowDiff, error) {
	var out []RowDiff
	for _, t := range p.Tables() {
		key := "json_build_array(" + strings.Join(orderKeys(t.OrderBy), ", ") + ")::text"
		if t.OrderBy == "" {
			key = rowAlias + "::text"
		}
		side := func(schema string) string {
			return fmt.Sprintf(`SELECT %[1]s AS key, array_agg(%[2]s::text ORDER BY %[2]s::text COLLATE "C") AS rows
				FROM %[3]s AS %[2]s GROUP BY 1`, key, rowAlias, qualified(schema, t.Name))
		}
		sql := fmt.Sprintf(`WITH a AS (%s), b AS (%s)
			SELECT coalesce(a.key, b.key), coalesce(a.rows, '{}'), coalesce(b.rows, '{}')
			FROM a FULL JOIN b ON a.key = b.key
			WHERE a.rows IS DISTINCT FROM b.rows
			ORDER BY coalesce(a.key, b.key) COLLATE "C"`, side(schemaA), side(schemaB))
		if limit > 0 {
			sql += fmt.Sprintf(" LIMIT %d", limit)
		}
		rows, err := q.Query(ctx, sql)
		if err != nil {
			return nil, fmt.Errorf("diff %s: %w", t.Name, err)
		}
		for rows.Next() {
			d := RowDiff{Table: t.Name}
			if err := rows.Scan(&d.Key, &d.A, &d.B); err != nil {
				rows.Close()
				return nil, fmt.Errorf("diff %s: %w", t.Name, err)
			}
			out = append(out, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("diff %s: %w", t.Name, err)
		}
	}
	return out, nil
}

// orderKeys splits an ORDER BY list into its expressions, without ASC,
// DESC and NULLS FIRST/LAST. Commas inside parentheses and quotes do not
// split.
func orderKeys(orderBy string) []string {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(orderBy); i++ {
		c := orderBy[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, orderBy[start:i])
			start = i + 1
		}
	}
	parts = append(parts, orderBy[start:])
	for i, part := range parts {
		parts[i] = stripDirection(part)
	}
	return parts
}

// stripDirection removes trailing ASC/DESC and NULLS FIRST/LAST.
func stripDirection(expr string) string {
	expr = strings.TrimSpace(expr)
	for {
		upper := strings.ToUpper(expr)
		trimmed := false
		for _, suffix := range []string{"NULLS FIRST", "NULLS LAST", "ASC", "DESC"} {
			if strings.HasSuffix(upper, " "+suffix) {
				expr = strings.TrimSpace(expr[:len(expr)-len(suffix)])
				trimmed = true
				break
			}
		}
		if !trimmed {
			return expr
		}
	}
}

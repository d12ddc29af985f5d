package audittrail

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/projections"
)

// Projection loads in bulk during rebuilds.
var _ projections.BulkLoader = Projection{}

// BeginBulk implements projections.BulkLoader. Primary keys and unique indexes are kept
// (they are invariants, checked row by row); the other indexes of the
// current schema are dropped and recorded in the table deferred_indexes.
// It fails if a bulk load is already under way, or if the current schema
// does not hold the audittrail table (a search_path left unset).
func (Projection) BeginBulk(ctx context.Context, tx pgx.Tx) error {
	var ours bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass(format('%I.audittrail', current_schema())) IS NOT NULL`).Scan(&ours); err != nil {
		return fmt.Errorf("audittrail: begin bulk load: %w", err)
	}
	if !ours {
		return fmt.Errorf("audittrail: begin bulk load: the current schema has no audittrail table (search_path not set?)")
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE deferred_indexes (name text PRIMARY KEY, definition text NOT NULL)`); err != nil {
		return fmt.Errorf("audittrail: begin bulk load: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO deferred_indexes (name, definition)
		SELECT ic.relname, pg_get_indexdef(i.indexrelid)
		FROM pg_index i
		JOIN pg_class ic ON ic.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = ic.relnamespace
		WHERE n.nspname = current_schema() AND NOT i.indisprimary AND NOT i.indisunique
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`); err != nil {
		return fmt.Errorf("audittrail: begin bulk load: record indexes: %w", err)
	}
	names, err := column(ctx, tx, `SELECT name FROM deferred_indexes ORDER BY name`)
	if err != nil {
		return fmt.Errorf("audittrail: begin bulk load: %w", err)
	}
	for _, name := range names {
		if _, err := tx.Exec(ctx, "DROP INDEX "+pgx.Identifier{name}.Sanitize()); err != nil {
			return fmt.Errorf("audittrail: begin bulk load: %w", err)
		}
	}
	return nil
}

// EndBulk implements BulkLoader. It raises maintenance_work_mem for its
// transaction (SET LOCAL) so that each index is sorted in memory, and
// analyses the filtered columns.
func (Projection) EndBulk(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
		return fmt.Errorf("audittrail: end bulk load: %w", err)
	}
	defs, err := column(ctx, tx, `SELECT definition FROM deferred_indexes ORDER BY name`)
	if err != nil {
		return fmt.Errorf("audittrail: end bulk load: %w", err)
	}
	for _, def := range defs {
		if _, err := tx.Exec(ctx, def); err != nil {
			return fmt.Errorf("audittrail: end bulk load: %s: %w", def, err)
		}
	}
	if _, err := tx.Exec(ctx, `DROP TABLE deferred_indexes`); err != nil {
		return fmt.Errorf("audittrail: end bulk load: %w", err)
	}
	// Statistics for the planner, of the filtered columns only (the wide
	// ones, payload above all, would make ANALYZE slow for nothing).
	if _, err := tx.Exec(ctx, `ANALYZE audittrail (pairing_id, type, actor, donor_code, partner_code, business_date,
		document_no, entity_id, original_id, parent_id, correlation_id), pairings`); err != nil {
		return fmt.Errorf("audittrail: end bulk load: analyze: %w", err)
	}
	return nil
}

// column runs a query of one text column.
func column(ctx context.Context, tx pgx.Tx, sql string) ([]string, error) {
	rows, err := tx.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Package projections builds the ledger's read models from the event
// stream. Each read model is a Projection in its own sub-package
// (balances, audittrail, …) with its own SQL migrations; this package runs
// them: live from NATS JetStream (one durable pull consumer
// per projection), and rebuilt from sequence 1 into fresh tables.
//
// Every projection lives in its own Postgres schema, "proj_<name>", with a
// checkpoint table holding the last position applied. Rows and checkpoint
// change in the same transaction, and an event is applied only when its
// position is checkpoint+1, so redeliveries and duplicates are harmless and
// a gap (an out-of-order delivery) is filled from the stream first.
package projections

import (
	"context"
	"io/fs"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
)

// Event is a record with its decoded payload.
type Event struct {
	events.Record
	Data events.Event
}

// Table is one table of a read model, with the ORDER BY that lists its rows
// deterministically (for checksums and diffs).
type Table struct {
	Name    string
	OrderBy string
}

// Projection is one read model.
type Projection interface {
	// Name is the read model's name ("balances"): its schema is
	// "proj_<name>" and its durable consumer "proj-<name>".
	Name() string
	// Migrations create the read model's tables. They run with search_path
	// set to the target schema, so they use unqualified names.
	Migrations() fs.FS
	// Apply applies consecutive events, in position order, in tx (whose
	// search_path is the target schema; use unqualified table names). It
	// must be deterministic: the same events always give the same rows (no
	// now(), no random ids), so a rebuild equals the live model.
	Apply(ctx context.Context, tx pgx.Tx, batch []Event) error
	// Tables lists the tables whose contents are the read model.
	Tables() []Table
}

// Schema is the Postgres schema a projection lives in.
func Schema(p Projection) string { return "proj_" + p.Name() }

// BulkLoader is implemented by projections that rebuild faster by building
// their secondary indexes once, after the last event, rather than row by
// row. Rebuild calls BeginBulk on the freshly migrated schema and EndBulk
// after the replay, before catching up and switching over; both run in a
// transaction whose search_path is that schema. Afterwards the schema must
// be exactly what migrations and Apply alone would have made.
type BulkLoader interface {
	BeginBulk(ctx context.Context, tx pgx.Tx) error
	EndBulk(ctx context.Context, tx pgx.Tx) error
}

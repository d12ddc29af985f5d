package projections

import (
	"context"
	"fmt"
	"hash/fnv"
	"regexp"

	"github.com/jackc/pgx/v5"
)

// Querier is what the read helpers need of a database handle: a
// *pgxpool.Pool, a *pgx.Conn or a pgx.Tx.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// txBeginner is a Querier that can open a transaction of its own (a pool or
// a connection, not a transaction).
type txBeginner interface {
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// validName is what a projection's Name must look like: it becomes part of
// schema names ("proj_<name>_rebuild" must fit Postgres's 63 bytes) and of
// the durable consumer name.
var validName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,49}$`)

// checkName reports a projection whose name cannot be used.
func checkName(p Projection) error {
	if p == nil {
		return fmt.Errorf("projections: nil projection")
	}
	if !validName.MatchString(p.Name()) {
		return fmt.Errorf("projections: name %q must match %s", p.Name(), validName)
	}
	return nil
}

// rebuildSchema is where Rebuild builds a projection before switching over.
func rebuildSchema(p Projection) string { return Schema(p) + "_rebuild" }

// oldSchema is the name the live schema briefly takes during a switch-over.
func oldSchema(p Projection) string { return Schema(p) + "_old" }

// consumerName is a projection's durable JetStream consumer.
func consumerName(p Projection) string { return "proj-" + p.Name() }

// ident quotes a Postgres identifier.
func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// qualified quotes schema.table.
func qualified(schema, table string) string { return pgx.Identifier{schema, table}.Sanitize() }

// lockKey is the advisory lock key of a schema: every apply step and the
// switch-over of a schema hold it for their whole transaction, so they are
// serialised across goroutines and processes. FNV-1a keeps it identical in
// every process.
func lockKey(purpose, schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("aidledger/projections/" + purpose + "/" + schema))
	return int64(h.Sum64())
}

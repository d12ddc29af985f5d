package balances

import "github.com/jackc/pgx/v5"

// planned makes pgx run a statement as an unnamed prepared statement,
// planned afresh for its arguments on every execution. Apply's statements
// must not use pgx's default cached (named) statements: after five runs
// Postgres may switch such a statement to a generic plan made when the
// tables were nearly empty (a sequential scan), and keep it while a
// rebuild grows the tables to millions of rows — 6× slower in the
// benchmark. Pass it as the first argument of Query or Exec.
const planned = pgx.QueryExecModeDescribeExec

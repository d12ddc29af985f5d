package yearend

import "github.com/jackc/pgx/v5"

// planned makes pgx run a statement as an unnamed prepared statement,
// planned afresh for its arguments on every execution. Apply's statements
// must not use pgx's default cached statements: after five runs Postgres
// may switch such a statement to a generic plan made when the tables were
// nearly empty and keep it while a rebuild grows them to millions of rows.
// Pass it as the first argument of Query or Exec.
const planned = pgx.QueryExecModeDescribeExec

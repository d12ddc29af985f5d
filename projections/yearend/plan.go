package yearend

import "github.com/jackc/pgx/v5"

// planned makes pgx run a statement as an unnamed prepared statement,
// planned afresh for its arguments on every execution. Apply's statements
// and Compute's reads of the contributions must not use pgx's default
// cached statements: after five runs on a connection Postgres may switch
// such a statement to a generic plan, made without the arguments — for
// Apply, when the tables were nearly empty, kept while a rebuild grows
// them to millions of rows; for Compute, a serial bitmap scan of a donor's
// year where its arguments call for a parallel scan, which took half as
// long again or more. Pass it as the first argument of Query or Exec.
const planned = pgx.QueryExecModeDescribeExec

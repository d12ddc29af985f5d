package yearend

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// row is a row of the contributions table: as a fold step emits it, and
// as Compute reads it (without donorCode, which its queries filter on).
type row struct {
	position   int64
	ordinal    int
	eventID    string
	typ        string
	recordedAt time.Time
	donorCode  string
	pairingID  string
	figure     string
	year       int
	attributed events.Date // zero: counted by a budget or plan year
	own        events.Date
	amount     int64
	documentNo string
	flag       FootnoteKind
	detail     string
}

// rowColumns are the columns readRows scans, in order.
const rowColumns = `c.position, c.ordinal, c.event_id, c.type, c.recorded_at, c.pairing_id, c.figure, c.year,
	c.attributed_on, c.own_date, c.amount, c.document_no, coalesce(c.flag, ''), coalesce(c.flag_detail, '')`

// countedRowsSQL selects the rows a report counts: the donor's, of the
// year, applied up to the position, attributed on or before the cut-off
// (or counted by budget or plan year).
const countedRowsSQL = `SELECT ` + rowColumns + ` FROM ` + Schema + `.contributions c
	WHERE c.donor_code = $1 AND c.year = $2 AND c.position <= $3
	  AND (c.attributed_on IS NULL OR c.attributed_on <= $4)
	ORDER BY c.position, c.ordinal`

// counts reports whether a report of the donor for per at position pos
// counts r (r being the donor's): countedRowsSQL, in Go, for Memory.
func (r *row) counts(per period, pos int64) bool {
	return r.year == per.year && r.position <= pos && (r.attributed.IsZero() || !r.attributed.After(per.cutoff))
}

// earlierSQL selects the donor's rows of years before the report's that
// it carries over (earlierRows), applied up to the position.
var earlierSQL = `SELECT ` + rowColumns + ` FROM ` + Schema + `.contributions c
	WHERE c.donor_code = $1 AND c.year < $2 AND c.position <= $3
	  AND c.figure IN ('` + strings.Join(slices.Sorted(maps.Keys(earlierRows)), "', '") + `')
	ORDER BY c.position, c.ordinal`

// earlier reports whether r (the donor's) is a row earlierSQL selects for
// per at position pos: earlierSQL, in Go, for Memory.
func (r *row) earlier(per period, pos int64) bool {
	_, carried := earlierRows[r.figure]
	return r.year < per.year && r.position <= pos && carried
}

// movedOutSQL selects the donor's reversals dated in the year up to the
// cut-off but counted in another year (an entry error undoing an earlier
// year's entry), applied up to the position.
const movedOutSQL = `SELECT ` + rowColumns + ` FROM ` + Schema + `.contributions c
	WHERE c.donor_code = $1 AND c.flag = 'cross_year_reversal' AND c.own_date BETWEEN $2 AND $3
	  AND c.year <> $4 AND c.position <= $5
	ORDER BY c.position, c.ordinal`

// movesOut reports whether r (the donor's) is a reversal that a report
// for per at position pos notes as moved out of the year: movedOutSQL, in
// Go, for Memory.
func (r *row) movesOut(per period, pos int64) bool {
	return r.flag == FootCrossYear && !r.own.IsZero() && !r.own.Before(per.first) && !r.own.After(per.cutoff) &&
		r.year != per.year && r.position <= pos
}

// readRows runs a query of rowColumns and returns its rows.
func readRows(ctx context.Context, q projections.Querier, sql string, args ...any) ([]row, error) {
	var out []row
	err := scanRows(ctx, q, sql, func(r *row) error {
		out = append(out, *r)
		return nil
	}, args...)
	return out, err
}

// scanBatch is how many rows scanRows hands over at a time.
const scanBatch = 1024

// scanRows runs a query of rowColumns, planned for its arguments
// (planned), and calls each with every row in order, stopping at its
// first error. The rows are decoded on the calling
// goroutine and handed, a batch at a time, to another that calls each, so
// that decoding and folding overlap; each is only ever called from that
// one goroutine, and returns before scanRows does. The row is reused: each
// must copy what it keeps (its strings may be kept). The few distinct
// types, figures and pairing ids are shared between rows rather than
// allocated for each.
func scanRows(ctx context.Context, q projections.Querier, sql string, each func(*row) error, args ...any) error {
	rs, err := q.Query(ctx, sql, append([]any{planned}, args...)...)
	if err != nil {
		return err
	}
	defer rs.Close()

	full, free := make(chan []row, 2), make(chan []row, 3)
	for range cap(free) {
		free <- make([]row, 0, scanBatch)
	}
	var failed atomic.Bool
	folded := make(chan error, 1)
	go func() {
		var err error
		for batch := range full {
			for i := 0; i < len(batch) && err == nil; i++ {
				if err = each(&batch[i]); err != nil {
					failed.Store(true)
				}
			}
			free <- batch[:0]
		}
		folded <- err
	}()

	names := map[string]string{}
	intern := func(b []byte) string {
		if s, ok := names[string(b)]; ok {
			return s
		}
		s := string(b)
		names[s] = s
		return s
	}
	// One set of destinations for every row (not a new one per Scan).
	var r row
	var typ, pairingID, figure pgtype.DriverBytes
	var attributed, own pgtype.Date
	var ordinal int32
	var flag string
	dest := []any{&r.position, &ordinal, &r.eventID, &typ, &r.recordedAt, &pairingID, &figure, &r.year,
		&attributed, &own, &r.amount, &r.documentNo, &flag, &r.detail}
	batch := <-free
	for !failed.Load() && rs.Next() {
		if err = rs.Scan(dest...); err != nil {
			err = fmt.Errorf("scan: %w", err)
			break
		}
		r.ordinal, r.attributed, r.own, r.flag = int(ordinal), dateOf(attributed), dateOf(own), FootnoteKind(flag)
		r.typ, r.pairingID, r.figure = intern(typ), intern(pairingID), intern(figure)
		batch = append(batch, r)
		if len(batch) == cap(batch) {
			full <- batch
			batch = <-free
		}
	}
	if err == nil {
		err = rs.Err()
	}
	if err == nil {
		full <- batch
	}
	close(full)
	if ferr := <-folded; ferr != nil {
		return ferr
	}
	return err
}

// lineItem is r as a line item of the report.
func (r *row) lineItem() LineItem {
	return LineItem{EventID: r.eventID, Position: r.position, Type: r.typ, PairingID: r.pairingID,
		Figure: r.figure, BusinessDate: r.own, AmountFen: r.amount, DocumentNo: r.documentNo}
}

package yearend

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/internal/pgcopy"
)

// rowState says how a lookup row must be written at the end of a batch:
// fresh rows are copied, dirty rows of earlier batches updated.
type rowState struct{ fresh, dirty bool }

// touch marks a row changed (a fresh row is simply copied as it ends up).
func (r *rowState) touch() {
	if !r.fresh {
		r.dirty = true
	}
}

// pairing is what contributions need of a pairing: its donor (every row
// carries the donor code) and its partner (for partner mismatches).
type pairing struct {
	rowState
	id          string
	donorCode   string
	partnerCode string
	est         events.PairingEstablished // fresh rows only
	position    int64                     // fresh rows only
}

// commitment is what an adjustment needs: the budget year it counts in.
type commitment struct {
	rowState
	id, pairingID string
	budgetYear    int
	// shares is the allocation of a commitment of several pairings (nil
	// for one of a single pairing).
	shares []events.Share
}

// disbursement is what reversals and receipts need.
type disbursement struct {
	rowState
	id, pairingID string
	date          events.Date
	amountFen     int64
	// reversedEntryErrorFen is taken out of a confirmed receipt;
	// reversedFen (both reasons) limits further reversals.
	reversedEntryErrorFen, reversedFen int64
	receiptConfirmed                   bool
}

// donation is what a donation reversal needs: the kind decides the figure.
type donation struct {
	rowState
	id, pairingID string
	kind          events.DonationKind
	date          events.Date
	amountFen     int64
}

// secondment is what a secondment reversal needs: the category decides
// the figure, the start date the year.
type secondment struct {
	rowState
	id, pairingID string
	category      events.StaffCategory
	inbound       bool // received from the partner side: counted as staff_inbound
	start         events.Date
	end           events.Date // zero until it ends
	reversed      bool
}

// anniversary is the day s has served one year (a start on 29 February:
// 1 March).
func (s *secondment) anniversary() events.Date {
	t := s.start.Time()
	return events.DateOf(t.Year()+1, t.Month(), t.Day())
}

// project is what a progress report needs: the plan year and the latest
// progress, from which the report's change is counted.
type project struct {
	rowState
	id, pairingID string
	planYear      int
	done          bool
	asOf          events.Date
	investmentFen int64
	// started and completed are the project's 开工 and 竣工 dates
	// (events.ProjectDates; zero: not known); plans maps a calendar year
	// to the investment planned in it (never 0).
	started, completed events.Date
	plans              map[int]int64
}

// targetsRow is a pairing's targets for a year as set at a position.
type targetsRow struct {
	position             int64
	pairingID, donorCode string
	year                 int
	targets              events.Targets
}

// batchState is one Apply call's working set: the lookup rows the batch
// reads, creates or changes, the rows it adds to contributions and its
// chain rows (encoded for COPY as the events are applied). It lives for
// one call only, so a rolled-back transaction leaves nothing behind.
// (Memory keeps one for good instead, with every lookup row in it.)
//
// Every event is folded in order exactly as if it were alone in a batch;
// only the writing is grouped, so the tables do not depend on how the
// events were cut into batches.
type batchState struct {
	pairings      map[string]*pairing
	commitments   map[string]*commitment
	disbursements map[string]*disbursement
	donations     map[string]*donation
	secondments   map[string]*secondment
	projects      map[string]*project
	indicators    map[string]*indicator

	// targets are the AnnualTargetsSet folded, orders the
	// ReportOrderSet, styles the ReportStyleSet, in ledger order.
	targets []targetsRow
	orders  []orderRow
	styles  []styleRow

	// contributions are the rows emitted, encoded for COPY; in a Memory
	// (contributions nil) they are collected in rows instead.
	contributions *pgcopy.Rows
	rows          []row
	chain         *pgcopy.Rows

	// cur is the event being folded and ordinal the number of rows it
	// has contributed so far.
	cur     *projections.Event
	ordinal int
}

func newBatchState() *batchState {
	b := &batchState{
		pairings:      map[string]*pairing{},
		commitments:   map[string]*commitment{},
		disbursements: map[string]*disbursement{},
		donations:     map[string]*donation{},
		secondments:   map[string]*secondment{},
		projects:      map[string]*project{},
		indicators:    map[string]*indicator{},
		contributions: newContributionRows(),
		chain:         newRows("chain", "position", "hash", "prev_hash"),
	}
	return b
}

// lookup returns the entity id of map m (created earlier in the batch or
// loaded from an earlier one), or ErrInconsistent.
func lookup[T any](m map[string]*T, kind, id string) (*T, error) {
	if e, ok := m[id]; ok {
		return e, nil
	}
	return nil, fmt.Errorf("%w: unknown %s %q", ErrInconsistent, kind, id)
}

// create stores e under id in m, or reports ErrInconsistent when the batch
// already created or loaded it. A duplicate of a row of an earlier batch
// that no event of this one refers to is caught when its COPY hits the
// primary key (also ErrInconsistent).
func create[T any](m map[string]*T, kind, id string, e *T) error {
	if id == "" {
		return fmt.Errorf("%w: %s without an id", ErrInconsistent, kind)
	}
	if _, dup := m[id]; dup {
		return fmt.Errorf("%w: %s %q created twice", ErrInconsistent, kind, id)
	}
	m[id] = e
	return nil
}

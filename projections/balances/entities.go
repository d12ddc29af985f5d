package balances

import (
	"time"

	"github.com/aidledger/aidledger/events"
)

// rowState says how an entity row reaches the database at the end of a
// batch: a fresh row (created by an event of the batch) is copied in whole;
// a loaded row (created by an earlier batch) is updated when dirty.
type rowState struct {
	fresh bool
	dirty bool
}

// touch marks a loaded row as changed.
func (s *rowState) touch() { s.dirty = true }

// commitment is a commitments row: the commitment and its adjustments.
// Its disbursement totals live in its disbursements rows.
type commitment struct {
	rowState
	id           string
	pairingID    string
	projectID    string // "" when not linked to a project
	budgetYear   int
	sourceLevel  string
	docNo        string
	batch        string
	businessDate time.Time
	amountFen    int64
	adjustedFen  int64
	// shares is the allocation of a commitment of several pairings (nil
	// for one of a single pairing).
	shares []events.Share
}

// disbursement is a disbursements row.
type disbursement struct {
	rowState
	id              string
	commitmentID    string
	pairingID       string
	businessDate    time.Time
	amountFen       int64
	payeeName       string
	payeeCreditCode string
	voucherNo       string
	overJustify     *string // nil unless disbursed under an over-commitment approval
	overApprovedBy  *string

	reversedEntryErrorFen    int64
	reversedFundsReturnedFen int64
	receiptDate              time.Time // zero until confirmed
	receiptRef               string
}

// confirmed reports whether the partner confirmed receipt.
func (d *disbursement) confirmed() bool { return !d.receiptDate.IsZero() }

// confirmedFen is what a confirmed receipt counts: the amount disbursed net
// of entry_error reversals (a funds_returned reversal happened after the
// money arrived, so it does not undo the receipt).
func (d *disbursement) confirmedFen() int64 { return d.amountFen - d.reversedEntryErrorFen }

// project is a projects row.
type project struct {
	rowState
	id              string
	pairingID       string
	name            string
	sector          string
	deliveryMode    string
	plannedTotalFen int64
	planYear        int
	businessDate    time.Time

	status                 string    // "" until the first report
	asOf                   time.Time // zero until the first report
	completedInvestmentFen int64
	tier                   string
	started, completed     events.Date   // events.ProjectDates after the latest report
	yearPlans              map[int]int64 // year → planned fen (never 0)
}

// donation is a donations row (never updated).
type donation struct {
	rowState
	id           string
	pairingID    string
	kind         string
	businessDate time.Time
	amountFen    int64
}

// secondment is a secondments row.
type secondment struct {
	rowState
	id             string
	pairingID      string
	category       string
	inbound        bool // received from the partner side: counted apart, without person-days
	startDate      time.Time
	plannedEndDate time.Time // zero when none was given
	endDate        time.Time // zero while running
	reversed       bool
}

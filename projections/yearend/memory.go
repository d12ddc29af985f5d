package yearend

import (
	"fmt"
	"slices"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// Memory is the yearend read model of one donor held in memory: the same
// fold as Apply, with every lookup row kept in a map instead of a table.
// It recomputes a report from a run of the log alone, without Postgres —
// the offline check of an evidence bundle — and the report it computes at
// a position equals Compute's at that position.
//
// It is not safe for concurrent use.
type Memory struct {
	donorCode string
	state     *batchState
	rows      []row
	targets   []targetsRow
	order     []string   // the latest ReportOrderSet's
	style     DonorStyle // the latest ReportStyleSet's
	pairings  []donorPairing
	position  int64
	hash      events.Hash
}

// NewMemory returns an empty model of donorCode's figures.
func NewMemory(donorCode string) *Memory {
	b := newBatchState()
	b.contributions, b.chain = nil, nil // rows are kept, not copied
	return &Memory{donorCode: donorCode, state: b}
}

// Apply folds ev, the next event of a run of the log: positions must
// increase strictly from one call to the next. Events of other donors and
// of types this build does not know (a nil Data) only move the model's
// position (their figures are not the donor's). The run must begin before
// the donor's first event, or events referring to earlier ones are
// ErrInconsistent. After an error the model must not be used again.
func (m *Memory) Apply(ev projections.Event) error {
	if ev.Position <= m.position {
		return fmt.Errorf("yearend: position %d follows %d", ev.Position, m.position)
	}
	m.position, m.hash = ev.Position, ev.Hash
	if ev.Data == nil || ev.DonorCode != m.donorCode {
		return nil
	}
	b := m.state
	b.cur, b.ordinal = &ev, 0
	if err := b.fold(ev.Data); err != nil {
		return fmt.Errorf("yearend: position %d (%s %s): %w", ev.Position, ev.Type, ev.ID, err)
	}
	b.cur = nil
	for i := range b.rows {
		if b.rows[i].donorCode != m.donorCode {
			return fmt.Errorf("%w: position %d counts for donor %s", ErrInconsistent, ev.Position, b.rows[i].donorCode)
		}
	}
	m.rows, b.rows = append(m.rows, b.rows...), b.rows[:0]
	m.targets, b.targets = append(m.targets, b.targets...), b.targets[:0]
	for _, o := range b.orders {
		m.order = o.pairingIDs
	}
	b.orders = b.orders[:0]
	for _, s := range b.styles {
		m.style = s.style
	}
	b.styles = b.styles[:0]
	if e, ok := ev.Data.(events.PairingEstablished); ok {
		m.pairings = append(m.pairings, donorPairing{id: text(e.PairingID), position: ev.Position,
			donor:     events.Unit{Code: text(e.Donor.Code), Name: text(e.Donor.Name), ShortName: text(e.Donor.ShortName)},
			partner:   events.Unit{Code: text(e.Partner.Code), Name: text(e.Partner.Name), ShortName: text(e.Partner.ShortName)},
			programme: text(string(e.Programme)), validFrom: e.ValidFrom, validTo: e.ValidTo})
	}
	return nil
}

// Position is the last position applied (0 before any) and Hash its hash.
func (m *Memory) Position() int64 { return m.position }

// Compute is yearend.Compute at the model's position: the donor's report
// for year up to cutoff (zero: 31 December). Errors: ErrInvalid for the
// year or cut-off, ErrPosition when nothing was applied, ErrNotFound when
// the donor has no pairing.
func (m *Memory) Compute(year int, cutoff events.Date) (*Report, error) {
	per, err := newPeriod(year, cutoff)
	if err != nil {
		return nil, err
	}
	if m.position == 0 {
		return nil, fmt.Errorf("%w: nothing applied", ErrPosition)
	}
	if len(m.pairings) == 0 {
		return nil, fmt.Errorf("donor %s at position %d: %w", m.donorCode, m.position, ErrNotFound)
	}
	rows := rowSets{counted: func(each func(*row) error) error {
		for i := range m.rows {
			if r := &m.rows[i]; r.counts(per, m.position) {
				if err := each(r); err != nil {
					return err
				}
			}
		}
		return nil
	}}
	for i := range m.rows {
		r := &m.rows[i]
		if r.movesOut(per, m.position) {
			rows.movedOut = append(rows.movedOut, *r)
		}
		if r.earlier(per, m.position) {
			rows.earlier = append(rows.earlier, *r)
		}
	}
	targets := map[string]events.Targets{}
	for _, t := range m.targets { // in ledger order: the latest wins
		if t.year == year && t.donorCode == m.donorCode {
			targets[t.pairingID] = t.targets
		}
	}
	pairings := slices.Clone(m.pairings)
	sortByOrder(pairings, m.order)
	r, err := assemble(m.donorCode, per, m.position, m.hash, pairings, rows, targets)
	if err != nil {
		return nil, err
	}
	r.DonorStyle = m.style
	return r, nil
}

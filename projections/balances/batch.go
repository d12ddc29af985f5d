package balances

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
)

// batchState is one Apply call's working set: the entity rows the batch
// creates or changes and the pairing_years deltas it adds up. It lives for
// one call only, so a rolled-back transaction leaves nothing behind.
//
// Every event is folded into it in order, exactly as if it were alone in a
// batch; only the writing is grouped. A (pairing, year) touched by any
// event gets a row even when its deltas net to zero, so the tables do not
// depend on how the events were cut into batches.
type batchState struct {
	years map[yearKey]*counters

	pairings      map[string]events.PairingEstablished // created by this batch
	commitments   map[string]*commitment
	disbursements map[string]*disbursement
	projects      map[string]*project
	donations     map[string]*donation
	secondments   map[string]*secondment
	indicators    map[string]*indicator
	targets       map[yearKey]events.Targets // set by this batch
}

func newBatchState() *batchState {
	return &batchState{
		years:         map[yearKey]*counters{},
		pairings:      map[string]events.PairingEstablished{},
		commitments:   map[string]*commitment{},
		disbursements: map[string]*disbursement{},
		projects:      map[string]*project{},
		donations:     map[string]*donation{},
		secondments:   map[string]*secondment{},
		indicators:    map[string]*indicator{},
		targets:       map[yearKey]events.Targets{},
	}
}

// add adds delta to counter c of (pairingID, year), creating the row.
func (b *batchState) add(pairingID string, year int, c counter, delta int64) {
	k := yearKey{pairingID: pairingID, year: year}
	row := b.years[k]
	if row == nil {
		row = new(counters)
		b.years[k] = row
	}
	row[c] += delta
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
// already created it or loaded it. A duplicate of a row of an earlier batch
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

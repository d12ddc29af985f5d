package ledger

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"github.com/aidledger/aidledger/events"
)

// commitmentState is a commitment stream folded: the commitment, its
// adjustments and every disbursement against it with their reversals and
// receipts.
type commitmentState struct {
	version      int64
	commitment   events.FundsCommitted
	committedFen int64 // amount + Σ adjustments
	// shares is the current allocation of a commitment of several
	// pairings (nil for one of a single pairing), allocated its sum.
	shares        []events.Share
	allocated     int64
	netDisbursed  int64 // Σ disbursed − Σ reversed
	disbursements map[string]*disbursementState
	reversals     map[string]bool // ids of the disbursement reversals
}

type disbursementState struct {
	events.FundsDisbursed
	reversedFen int64
	returned    bool // some reversal was funds_returned: real money moved
	confirmed   bool
}

// remaining is what can still be reversed.
func (d *disbursementState) remaining() int64 { return d.AmountFen - d.reversedFen }

// foldCommitment folds the events of a commitment stream at version.
func foldCommitment(evs []events.Event, version int64) *commitmentState {
	s := &commitmentState{disbursements: map[string]*disbursementState{}, reversals: map[string]bool{}}
	return s.extended(evs, version)
}

// extended is s (the stream folded to s.version) with evs, the stream's
// events after it, folded in, at version. s is never changed: a state
// once made is shared by the commands deciding on it. The maps are copied
// (pointers only) and an entry a reversal or receipt changes is copied
// before it is changed, which costs far less than folding the whole
// stream again.
func (s *commitmentState) extended(evs []events.Event, version int64) *commitmentState {
	n := *s
	n.version = version
	n.disbursements, n.reversals = maps.Clone(s.disbursements), maps.Clone(s.reversals)
	changed := func(id string) *disbursementState {
		d := *n.disbursements[id]
		n.disbursements[id] = &d
		return &d
	}
	for _, e := range evs {
		switch e := e.(type) {
		case events.FundsCommitted:
			n.commitment, n.committedFen = e, e.AmountFen
			n.allocate(e.Shares)
		case events.CommitmentAllocated:
			n.allocate(e.Shares)
		case events.CommitmentAdjusted:
			n.committedFen += e.DeltaFen
		case events.FundsDisbursed:
			n.disbursements[e.DisbursementID] = &disbursementState{FundsDisbursed: e}
			n.netDisbursed += e.AmountFen
		case events.DisbursementReversed:
			d := changed(e.DisbursementID)
			d.reversedFen += e.AmountFen
			d.returned = d.returned || e.Reason == events.ReasonFundsReturned
			n.netDisbursed -= e.AmountFen
			n.reversals[e.ReversalID] = true
		case events.FundsReceiptConfirmed:
			changed(e.DisbursementID).confirmed = true
		}
	}
	return &n
}

// allocate makes shares the commitment's allocation.
func (s *commitmentState) allocate(shares []events.Share) {
	s.shares, s.allocated = shares, 0
	for _, sh := range shares {
		s.allocated += sh.AmountFen
	}
}

// funds reports whether the commitment funds pairing id.
func (s *commitmentState) funds(id string) bool {
	if s.shares == nil {
		return id == s.commitment.PairingID
	}
	for _, sh := range s.shares {
		if sh.PairingID == id {
			return true
		}
	}
	return false
}

// pairingOf is the pairing disbursement id was paid to (the commitment's
// when it has no such disbursement).
func (s *commitmentState) pairingOf(id string) string {
	if d, ok := s.disbursements[id]; ok && d.PairingID != "" {
		return d.PairingID
	}
	return s.commitment.PairingID
}

// notAReversal refuses to treat a disbursement reversal as a disbursement:
// a reversal is never itself reversed.
func (s *commitmentState) notAReversal(id string) error {
	if !s.reversals[id] {
		return nil
	}
	return rule(CodeCannotReverseReversal, "", fmt.Sprintf("%s is a reversal; a reversal is never itself reversed — record a new disbursement instead", id),
		fmt.Sprintf("%s 是一笔冲正记录,冲正记录不能再被冲正;如需更正请重新录入拨付", id))
}

// loadCommitment is commitment id's stream folded: the state kept from
// the last load extended by the events since (commitments), or folded
// whole.
func (l *Ledger) loadCommitment(ctx context.Context, id string) (*commitmentState, error) {
	evs, version, err := l.load(ctx, commitmentStream(id))
	if err != nil {
		return nil, err
	}
	if l.commitments == nil { // a Batch's ledger
		return foldCommitment(evs, version), nil
	}
	s := l.commitments.get(id)
	switch {
	case s != nil && s.version == version:
		return s, nil
	case s != nil && s.version < version && int(s.version) <= len(evs):
		s = s.extended(evs[s.version:], version)
	default:
		s = foldCommitment(evs, version)
	}
	l.commitments.put(id, s)
	return s, nil
}

// commitmentStates keeps the last state folded of each commitment decided
// on, up to max of them (beyond, an arbitrary one is dropped). Safe for
// concurrent use; the states themselves are never changed.
type commitmentStates struct {
	mu  sync.Mutex
	max int
	m   map[string]*commitmentState
}

func newCommitmentStates(max int) *commitmentStates {
	return &commitmentStates{max: max, m: map[string]*commitmentState{}}
}

// get is the state kept of commitment id, or nil.
func (c *commitmentStates) get(id string) *commitmentState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[id]
}

// put keeps s as commitment id's unless a later version is kept.
func (c *commitmentStates) put(id string, s *commitmentState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[id]; ok && old.version >= s.version {
		return
	}
	if _, ok := c.m[id]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[id] = s
}

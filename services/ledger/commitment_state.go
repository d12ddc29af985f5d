package ledger

import (
	"context"
	"fmt"

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
	s := &commitmentState{version: version, disbursements: map[string]*disbursementState{}, reversals: map[string]bool{}}
	for _, e := range evs {
		switch e := e.(type) {
		case events.FundsCommitted:
			s.commitment, s.committedFen = e, e.AmountFen
			s.allocate(e.Shares)
		case events.CommitmentAllocated:
			s.allocate(e.Shares)
		case events.CommitmentAdjusted:
			s.committedFen += e.DeltaFen
		case events.FundsDisbursed:
			s.disbursements[e.DisbursementID] = &disbursementState{FundsDisbursed: e}
			s.netDisbursed += e.AmountFen
		case events.DisbursementReversed:
			d := s.disbursements[e.DisbursementID]
			d.reversedFen += e.AmountFen
			d.returned = d.returned || e.Reason == events.ReasonFundsReturned
			s.netDisbursed -= e.AmountFen
			s.reversals[e.ReversalID] = true
		case events.FundsReceiptConfirmed:
			s.disbursements[e.DisbursementID].confirmed = true
		}
	}
	return s
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

func (l *Ledger) loadCommitment(ctx context.Context, id string) (*commitmentState, error) {
	evs, version, err := l.load(ctx, commitmentStream(id))
	if err != nil {
		return nil, err
	}
	return foldCommitment(evs, version), nil
}

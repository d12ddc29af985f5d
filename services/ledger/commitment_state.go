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
	version       int64
	commitment    events.FundsCommitted
	committedFen  int64 // amount + Σ adjustments
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

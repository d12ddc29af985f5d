package eventstore

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
)

// ChainBreak describes the first place where the stored log does not match
// its hash chain.
type ChainBreak struct {
	Position int64
	Reason   string
}

// VerifyChain recomputes the hash chain over the whole log, in batches, and
// returns the first break (nil when every stored hash, prev_hash link and
// position matches) and the number of events checked.
func (s *Store) VerifyChain(ctx context.Context) (*ChainBreak, int64, error) {
	var prev events.Hash
	var checked, after int64
	const batch = 10000
	for {
		recs, err := s.ReadAll(ctx, after, batch, Filter{})
		if err != nil {
			return nil, checked, fmt.Errorf("verify chain: %w", err)
		}
		for i := range recs {
			r := &recs[i]
			if r.Position != after+1 {
				return &ChainBreak{Position: after + 1, Reason: fmt.Sprintf("position %d is missing (next is %d)", after+1, r.Position)}, checked, nil
			}
			if r.PrevHash != prev {
				return &ChainBreak{Position: r.Position, Reason: "prev_hash does not match the hash of the previous event"}, checked, nil
			}
			if events.ChainHash(prev, r.Position, r.Canonical()) != r.Hash {
				return &ChainBreak{Position: r.Position, Reason: "stored hash does not match the event's contents"}, checked, nil
			}
			prev, after = r.Hash, r.Position
			checked++
		}
		if len(recs) < batch {
			break
		}
	}
	head, headHash, err := s.Head(ctx)
	if err != nil {
		return nil, checked, fmt.Errorf("verify chain: %w", err)
	}
	if head != after || headHash != prev {
		return &ChainBreak{Position: head, Reason: fmt.Sprintf("ledger head (%d) does not match the last event (%d)", head, after)}, checked, nil
	}
	return nil, checked, nil
}

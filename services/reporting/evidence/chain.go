package evidence

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
)

// ChainError says where a segment does not hold together.
type ChainError struct {
	Position int64
	Reason   string
}

func (e *ChainError) Error() string { return fmt.Sprintf("position %d: %s", e.Position, e.Reason) }

// chainCheck follows a segment event by event: each at the next position,
// its hash recomputed from its contents, linked to the one before (the
// anchor for the first), the last one the head.
type chainCheck struct {
	seg  Segment
	want int64 // the position expected next
	prev events.Hash
}

func newChainCheck(seg Segment) *chainCheck {
	return &chainCheck{seg: seg, want: seg.FirstPosition, prev: seg.AnchorHash}
}

// next checks r, the next record of the segment.
func (c *chainCheck) next(r *events.Record) error {
	switch {
	case r.Position > c.seg.HeadPosition:
		return &ChainError{r.Position, fmt.Sprintf("beyond the segment's head, position %d", c.seg.HeadPosition)}
	case r.Position != c.want:
		return &ChainError{c.want, fmt.Sprintf("missing: the next event is at position %d", r.Position)}
	case events.ChainHash(r.PrevHash, r.Position, r.Canonical()) != r.Hash:
		return &ChainError{r.Position, "the event's hash does not match its contents: the event was altered"}
	case r.PrevHash != c.prev:
		what := "the hash of position " + fmt.Sprint(r.Position-1)
		if r.Position == c.seg.FirstPosition {
			what = "the segment's anchor"
		}
		return &ChainError{r.Position, fmt.Sprintf("prev_hash %s is not %s, %s", r.PrevHash, what, c.prev)}
	}
	c.prev, c.want = r.Hash, r.Position+1
	return nil
}

// end checks that the segment reached its head.
func (c *chainCheck) end() error {
	switch {
	case c.want <= c.seg.HeadPosition:
		return &ChainError{c.want, fmt.Sprintf("missing: the segment ends before its head, position %d", c.seg.HeadPosition)}
	case c.prev != c.seg.HeadHash:
		return &ChainError{c.seg.HeadPosition, fmt.Sprintf("the last hash is %s, not the head hash %s", c.prev, c.seg.HeadHash)}
	}
	return nil
}

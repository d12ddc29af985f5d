package transparency

import (
	"context"
	"errors"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/tlog"
)

// SegmentProof proves a run of consecutive events — positions First to
// Last — included in the tree of TreeSize events, with far fewer hashes
// than one inclusion proof per event: Before and After are the hashes of
// the compact ranges on either side of the run (leaves [0, First−1) and
// [Last, TreeSize), in compact.RangeNodes order). With the run's own leaf
// hashes they give the tree's root (VerifySegment), which a checkpoint
// signs. An evidence bundle carries one for its chain segment.
type SegmentProof struct {
	First    int64       `json:"first_position"`
	Last     int64       `json:"last_position"`
	TreeSize int64       `json:"tree_size"`
	Before   []tlog.Hash `json:"before"`
	After    []tlog.Hash `json:"after"`
}

// ProveSegment proves positions first to last included in the tree of
// size events.
func (t *Tree) ProveSegment(ctx context.Context, first, last, size int64) (*SegmentProof, error) {
	if first < 1 || first > last || last > size {
		return nil, fmt.Errorf("transparency: positions %d to %d are not in a tree of %d: %w", first, last, size, ErrBeyondTree)
	}
	p := &SegmentProof{First: first, Last: last, TreeSize: size}
	err := t.readOnly(ctx, size, func(hr tlog.HashReader) error {
		var err error
		if p.Before, err = rangeHashes(hr, 0, first-1); err != nil {
			return err
		}
		p.After, err = rangeHashes(hr, last, size)
		return err
	})
	return p, err
}

// rangeHashes reads the hashes of the compact range [begin, end): every
// node of it is a complete subtree, whose hash tlog stores.
func rangeHashes(hr tlog.HashReader, begin, end int64) ([]tlog.Hash, error) {
	nodes := compact.RangeNodes(uint64(begin), uint64(end), nil)
	idx := make([]int64, len(nodes))
	for i, n := range nodes {
		idx[i] = tlog.StoredHashIndex(int(n.Level), int64(n.Index))
	}
	return hr.ReadHashes(idx)
}

// ErrSegmentMismatch means a segment's leaves and proof do not give the
// root they were checked against.
var ErrSegmentMismatch = errors.New("the events are not those of the tree")

// VerifySegment checks that leaves, the leaf hashes of positions p.First
// to p.Last, with proof p give root, the root of the tree of p.TreeSize
// events.
func VerifySegment(p *SegmentProof, leaves []tlog.Hash, root tlog.Hash) error {
	if p.First < 1 || p.Last < p.First || p.TreeSize < p.Last || int64(len(leaves)) != p.Last-p.First+1 {
		return fmt.Errorf("transparency: a proof of positions %d to %d in a tree of %d for %d events: %w", p.First, p.Last, p.TreeSize,
			len(leaves), ErrSegmentMismatch)
	}
	rf := &compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	r, err := rf.NewRange(0, uint64(p.First-1), raw(p.Before))
	if err != nil {
		return fmt.Errorf("transparency: the hashes before the segment: %w", err)
	}
	for _, l := range leaves {
		if err := r.Append(l[:], nil); err != nil {
			return fmt.Errorf("transparency: %w", err)
		}
	}
	after, err := rf.NewRange(uint64(p.Last), uint64(p.TreeSize), raw(p.After))
	if err != nil {
		return fmt.Errorf("transparency: the hashes after the segment: %w", err)
	}
	if err := r.AppendRange(after, nil); err != nil {
		return fmt.Errorf("transparency: %w", err)
	}
	got, err := r.GetRootHash(nil)
	if err != nil {
		return fmt.Errorf("transparency: %w", err)
	}
	if tlog.Hash(got) != root {
		return fmt.Errorf("transparency: positions %d to %d with the proof give root %s, not %s: %w", p.First, p.Last,
			tlog.Hash(got), root, ErrSegmentMismatch)
	}
	return nil
}

func raw(hs []tlog.Hash) [][]byte {
	out := make([][]byte, len(hs))
	for i := range hs {
		out[i] = hs[i][:]
	}
	return out
}

package evidence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/transparency-dev/formats/log"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/aidledger/aidledger/events/transparency"
)

// MemberTransparency is the bundle's proof that its events are those of
// the ledger's transparency log: present when a checkpoint covered the
// segment at export.
const MemberTransparency = "transparency.json"

// CheckTransparency is the check of MemberTransparency (Problem.Check).
const CheckTransparency = "transparency"

// TransparencyProof is member transparency.json: a signed checkpoint of
// the ledger's transparency log that covers the segment — with the
// witnesses' cosignatures it had at export — and the proof that the
// segment's events, positions first to head, are in the tree it signs.
type TransparencyProof struct {
	Checkpoint string                    `json:"checkpoint"`
	Proof      transparency.SegmentProof `json:"proof"`
}

// Keys are the public keys a bundle's checkpoint is checked with: the
// ledger log's, which must have signed it, and witnesses', each of which
// must have cosigned it. Without LogKey the proof is checked against the
// checkpoint's stated root, its signature not at all (a Note says so).
type Keys struct {
	LogKey    note.Verifier
	Witnesses []note.Verifier
}

// BundleCheckpoint is the checkpoint a bundle carries, as Verify read it.
type BundleCheckpoint struct {
	Origin string `json:"origin"`
	Size   int64  `json:"size"`
	Root   string `json:"root_hash"`
	// Signed: its signature was checked with the ledger's key; Cosigners
	// the witnesses whose cosignatures were checked.
	Signed    bool     `json:"signed"`
	Cosigners []string `json:"cosigners,omitempty"`
}

// proveSegment is the transparency member of a bundle of segment seg: the
// latest checkpoint covering it that a witness cosigned, or else the
// latest covering it; nil when no checkpoint covers it yet.
func proveSegment(ctx context.Context, tree *transparency.Tree, seg Segment) (*TransparencyProof, error) {
	cosigned, err := tree.Cosignatures(ctx, 1)
	if err != nil {
		return nil, err
	}
	var cp *transparency.Checkpoint
	if len(cosigned) > 0 && cosigned[0].Size >= seg.HeadPosition {
		cp = &cosigned[0]
	} else {
		latest, err := tree.Latest(ctx)
		if errors.Is(err, transparency.ErrNoCheckpoint) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if latest.Size < seg.HeadPosition {
			return nil, nil
		}
		cp = latest
	}
	p, err := tree.ProveSegment(ctx, seg.FirstPosition, seg.HeadPosition, cp.Size)
	if err != nil {
		return nil, fmt.Errorf("evidence: prove the segment in checkpoint %d: %w", cp.Size, err)
	}
	return &TransparencyProof{Checkpoint: cp.Note, Proof: *p}, nil
}

// checkTransparency checks the bundle's transparency member against the
// leaf hashes of its events (positions m.Chain.FirstPosition onwards).
func checkTransparency(body []byte, m *Manifest, leaves []tlog.Hash, keys Keys, res *Result) {
	bad := func(format string, a ...any) { res.problem(CheckTransparency, MemberTransparency, 0, format, a...) }
	var tp TransparencyProof
	if err := json.Unmarshal(body, &tp); err != nil {
		bad("not a transparency proof: %v", err)
		return
	}
	text, _, _ := strings.Cut(tp.Checkpoint, "\n\n")
	var cp log.Checkpoint
	if _, err := cp.Unmarshal([]byte(text + "\n")); err != nil {
		bad("not a checkpoint: %v", err)
		return
	}
	bc := &BundleCheckpoint{Origin: cp.Origin, Size: int64(cp.Size), Root: tlog.Hash(cp.Hash).String()}
	res.Checkpoint = bc
	if keys.LogKey == nil {
		res.Notes = append(res.Notes, "the checkpoint's signature was not checked: give the ledger log's public key (--key)")
	} else {
		n, err := note.Open([]byte(tp.Checkpoint), note.VerifierList(append([]note.Verifier{keys.LogKey}, keys.Witnesses...)...))
		if err != nil {
			bad("the checkpoint is not signed by the ledger's key %s: %v", keys.LogKey.Name(), err)
			return
		}
		signedBy := map[string]bool{}
		for _, s := range n.Sigs {
			signedBy[s.Name] = true
		}
		if bc.Signed = signedBy[keys.LogKey.Name()]; !bc.Signed {
			bad("the checkpoint is not signed by the ledger's key %s", keys.LogKey.Name())
		}
		for _, w := range keys.Witnesses {
			if !signedBy[w.Name()] {
				bad("the checkpoint is not cosigned by the witness %s", w.Name())
				continue
			}
			bc.Cosigners = append(bc.Cosigners, w.Name())
		}
	}
	p := tp.Proof
	if p.First != m.Chain.FirstPosition || p.Last != m.Chain.HeadPosition || p.TreeSize != bc.Size {
		bad("the proof is of positions %d to %d in a tree of %d, not of the segment %d to %d in the checkpoint's %d",
			p.First, p.Last, p.TreeSize, m.Chain.FirstPosition, m.Chain.HeadPosition, bc.Size)
		return
	}
	if err := transparency.VerifySegment(&p, leaves, tlog.Hash(cp.Hash)); err != nil {
		bad("the bundle's events are not those of the tree the checkpoint signs: %v", err)
	}
}

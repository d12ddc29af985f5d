package transparency_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/events/transparency"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// appendVisits appends n one-event commands and returns every record.
func appendVisits(t *testing.T, s *eventstore.Store, from, n int) []events.Record {
	t.Helper()
	ctx := context.Background()
	for i := from; i < from+n; i++ {
		e := events.VisitConducted{VisitID: fmt.Sprintf("V%d", i), PairingIDList: []string{"P1"}, Direction: events.VisitOutbound,
			StartDate: events.DateOf(2025, 3, 1)}
		if _, err := s.Append(ctx, &eventstore.AppendRequest{StreamID: fmt.Sprintf("visit-%d", i), Events: []events.Event{e},
			DonorCode: "D1", PartnerCode: "632624", Metadata: events.Metadata{Actor: "test"}}); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := s.ReadAll(ctx, 0, 1_000_000, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// mth is RFC 6962's Merkle tree hash of leaves, straight from its
// definition (§2.1), as a reference.
func mth(leaves []tlog.Hash) tlog.Hash {
	h := rfc6962.DefaultHasher
	if len(leaves) == 1 {
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	l, r := mth(leaves[:k]), mth(leaves[k:])
	return tlog.Hash(h.HashChildren(l[:], r[:]))
}

// The tree extended by several processes at once holds every event once;
// its roots are RFC 6962's, and its inclusion and consistency proofs
// verify with tlog's own verifier and with transparency-dev/merkle's.
func TestTreeAndProofs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := eventstore.New(testenv.MigratedPool(t))
	tree := transparency.New(s)
	appendVisits(t, s, 0, 150)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if _, err := tree.Extend(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	recs := appendVisits(t, s, 150, 107) // a second extension from 150
	if size, err := tree.Extend(ctx); err != nil || size != int64(len(recs)) {
		t.Fatalf("size %d (%v), want %d", size, err, len(recs))
	}
	leaves := make([]tlog.Hash, len(recs))
	for i := range recs {
		leaves[i] = transparency.LeafHash(&recs[i])
		if want := rfc6962.DefaultHasher.HashLeaf(transparency.LeafData(&recs[i])); string(want) != string(leaves[i][:]) {
			t.Fatal("the leaf hash is not RFC 6962's")
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 60 {
		checkRandomProofs(t, tree, rng, leaves, func(size int64) tlog.Hash { return mth(leaves[:size]) })
	}
	// a run of consecutive events proven at once, and a changed one refused
	for range 40 {
		size := 1 + rng.Int64N(int64(len(recs)))
		first := 1 + rng.Int64N(size)
		last := first + rng.Int64N(size-first+1)
		p, err := tree.ProveSegment(ctx, first, last, size)
		if err != nil {
			t.Fatal(err)
		}
		root := mth(leaves[:size])
		run := slices.Clone(leaves[first-1 : last])
		if err := transparency.VerifySegment(p, run, root); err != nil {
			t.Fatalf("segment %d–%d of %d: %v", first, last, size, err)
		}
		run[rng.IntN(len(run))][0] ^= 1
		if err := transparency.VerifySegment(p, run, root); !errors.Is(err, transparency.ErrSegmentMismatch) {
			t.Fatalf("segment %d–%d of %d with a changed event: %v", first, last, size, err)
		}
	}
	if _, err := tree.InclusionProof(ctx, 1, int64(len(recs))+1); !errors.Is(err, transparency.ErrBeyondTree) {
		t.Errorf("a proof beyond the tree: %v", err)
	}
}

func raw[H ~[]tlog.Hash](hs H) [][]byte {
	out := make([][]byte, len(hs))
	for i := range hs {
		out[i] = hs[i][:]
	}
	return out
}

// Checkpoints are C2SP signed notes the ledger's key verifies; a witness's
// cosignature over one is kept and served with it; a cosignature over a
// checkpoint the ledger did not sign is refused.
func TestCheckpointsAndCosignatures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := eventstore.New(testenv.MigratedPool(t))
	tree := transparency.New(s)
	dir := t.TempDir()
	keyFile, _, err := transparency.GenerateKey(dir, "ledger.example/aid")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := transparency.GenerateKey(dir, "ledger.example/aid"); err == nil {
		t.Error("a key was overwritten")
	}
	signer, verifier, err := transparency.LoadSigner(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := tree.Sign(ctx, signer); c != nil || err != nil {
		t.Fatalf("a checkpoint of an empty log: %v %v", c, err)
	}
	appendVisits(t, s, 0, 10)
	c, err := tree.Sign(ctx, signer)
	if err != nil {
		t.Fatal(err)
	}
	cp, _, _, err := log.ParseCheckpoint([]byte(c.Note), "ledger.example/aid", verifier)
	if err != nil || cp.Size != 10 || string(cp.Hash) != string(c.Root[:]) {
		t.Fatalf("checkpoint %+v: %v", cp, err)
	}
	if again, err := tree.Sign(ctx, signer); err != nil || again.Size != 10 || again.Note != c.Note {
		t.Errorf("signing an unchanged tree again: %+v %v", again, err)
	}

	wkeyFile, wpub, err := transparency.GenerateKey(dir, "witness.example")
	if err != nil {
		t.Fatal(err)
	}
	wsigner, wverifier, err := transparency.LoadSigner(wkeyFile)
	if err != nil {
		t.Fatal(err)
	}
	wkey := strings.TrimSpace(readFile(t, wpub))
	n, err := note.Open([]byte(c.Note), note.VerifierList(verifier))
	if err != nil {
		t.Fatal(err)
	}
	cosigned, err := note.Sign(n, wsigner)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // idempotent
		got, err := tree.AddCosignature(ctx, verifier, wkey, cosigned, "审计员")
		if err != nil || len(got.Cosigners) != 1 || got.Cosigners[0].Witness != "witness.example" {
			t.Fatalf("cosignature: %+v %v", got, err)
		}
	}
	latest, err := tree.Latest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if served, err := note.Open([]byte(latest.Note), note.VerifierList(verifier, wverifier)); err != nil || len(served.Sigs) != 2 {
		t.Errorf("the served checkpoint does not carry both signatures: %v", err)
	}
	// a witness signing a checkpoint the ledger never signed
	forged := log.Checkpoint{Origin: "ledger.example/aid", Size: 10, Hash: make([]byte, 32)}.Marshal()
	bad, err := note.Sign(&note.Note{Text: string(forged)}, wsigner, signer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tree.AddCosignature(ctx, verifier, wkey, bad, "x"); !errors.Is(err, transparency.ErrBadCosignature) {
		t.Errorf("a cosignature of a checkpoint not stored: %v", err)
	}
	if _, err := tree.AddCosignature(ctx, verifier, wkey, []byte(c.Note), "x"); !errors.Is(err, transparency.ErrBadCosignature) {
		t.Errorf("a note without the witness's signature: %v", err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Proofs at scale: a tree of 2^20 leaves (its hashes stored as Extend
// stores them, computed in memory and copied in), proven from the
// database at random sizes and positions, each proof checked by tlog's
// verifier and by transparency-dev/merkle's.
func TestProofsOfAMillionLeaves(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := eventstore.New(testenv.MigratedPool(t))
	const n = 1 << 20
	var stored memHashes
	leaves := make([]tlog.Hash, n)
	for i := range int64(n) {
		data := fmt.Appendf(nil, "leaf %d", i)
		hs, err := tlog.StoredHashes(i, data, stored)
		if err != nil {
			t.Fatal(err)
		}
		leaves[i] = hs[0]
		stored = append(stored, hs...)
	}
	rows := make([][]any, len(stored))
	for i, h := range stored {
		rows[i] = []any{int64(i), h[:]}
	}
	if _, err := s.Pool().CopyFrom(ctx, pgx.Identifier{"tree_hashes"}, []string{"idx", "hash"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE tree_head SET size = $1`, n); err != nil {
		t.Fatal(err)
	}
	tree := transparency.New(s)
	rng := rand.New(rand.NewPCG(3, 4))
	for range 25 {
		checkRandomProofs(t, tree, rng, leaves, func(size int64) tlog.Hash {
			h, err := tlog.TreeHash(size, stored)
			if err != nil {
				t.Fatal(err)
			}
			return h
		})
	}
}

// checkRandomProofs checks the tree's root at a random size against
// rootOf (the reference), and an inclusion and a consistency proof at
// random with tlog's verifier and transparency-dev/merkle's.
func checkRandomProofs(t *testing.T, tree *transparency.Tree, rng *rand.Rand, leaves []tlog.Hash, rootOf func(int64) tlog.Hash) {
	t.Helper()
	ctx := context.Background()
	size := 1 + rng.Int64N(int64(len(leaves)))
	root, err := tree.Root(ctx, size)
	if err != nil {
		t.Fatal(err)
	}
	if root != rootOf(size) {
		t.Fatalf("root of %d is not RFC 6962's", size)
	}
	pos := 1 + rng.Int64N(size)
	incl, err := tree.InclusionProof(ctx, pos, size)
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckRecord(incl, size, root, pos-1, leaves[pos-1]); err != nil {
		t.Fatalf("inclusion of %d in %d (tlog): %v", pos, size, err)
	}
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, uint64(pos-1), uint64(size), leaves[pos-1][:], raw(incl), root[:]); err != nil {
		t.Fatalf("inclusion of %d in %d (merkle): %v", pos, size, err)
	}
	if size > 1 && tlog.CheckRecord(incl, size, root, pos-1, leaves[pos%size]) == nil {
		t.Fatalf("the inclusion proof of %d also proves another leaf", pos)
	}
	from := 1 + rng.Int64N(size)
	cons, err := tree.ConsistencyProof(ctx, from, size)
	if err != nil {
		t.Fatal(err)
	}
	old := rootOf(from)
	if err := tlog.CheckTree(cons, size, root, from, old); err != nil {
		t.Fatalf("consistency %d → %d (tlog): %v", from, size, err)
	}
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, uint64(from), uint64(size), raw(cons), old[:], root[:]); err != nil {
		t.Fatalf("consistency %d → %d (merkle): %v", from, size, err)
	}
}

// memHashes is a tree's stored hashes in memory.
type memHashes []tlog.Hash

func (m memHashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = m[x]
	}
	return out, nil
}

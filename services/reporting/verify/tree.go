package verify

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/transparency-dev/formats/log"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/aidledger/aidledger/events/transparency"
)

// TreeResult is the check of the stored transparency log against the
// events: the Merkle tree is recomputed from the log's contents.
type TreeResult struct {
	// Events is how many events the log holds; Stored how many the
	// stored tree covers.
	Events int64 `json:"events"`
	Stored int64 `json:"stored"`
	// FirstDiffering is the first position whose stored leaf hash is not
	// its event's (0: none).
	FirstDiffering int64  `json:"first_differing,omitempty"`
	Reason         string `json:"reason,omitempty"`
}

// CheckpointResult is the check of one checkpoint given to verify: the
// ledger must be an extension of the tree it signs.
type CheckpointResult struct {
	Origin string `json:"origin,omitempty"`
	Size   int64  `json:"size,omitempty"`
	Root   string `json:"root_hash,omitempty"`
	OK     bool   `json:"ok"`
	// FirstDiffering names, where it can be found, the first position
	// whose event is not the one the checkpoint covered.
	FirstDiffering int64  `json:"first_differing,omitempty"`
	Reason         string `json:"reason,omitempty"`
}

// memoryHashes is a tree's stored hashes in memory, by index.
type memoryHashes []tlog.Hash

// ReadHashes returns the hashes at indexes.
func (m memoryHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		if idx < 0 || idx >= int64(len(m)) {
			return nil, fmt.Errorf("no hash %d", idx)
		}
		out[i] = m[idx]
	}
	return out, nil
}

// checkTree recomputes the Merkle tree over every event of the log, in
// one snapshot, compares it with the stored tree and checks each of
// cfg.Checkpoints against it (signature with cfg.LogKey, then root).
func checkTree(ctx context.Context, cfg Config, rep *Report) error {
	tx, err := cfg.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return errf("tree: begin snapshot: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read only

	tr := &TreeResult{}
	rep.Tree = tr
	if err := tx.QueryRow(ctx, `SELECT size FROM tree_head`).Scan(&tr.Stored); err != nil {
		return errf("tree: read the stored tree's size: %w", err)
	}
	var hashes memoryHashes
	var leaves []tlog.Hash
	rows, err := tx.Query(ctx, `SELECT `+recordColumns+` FROM events ORDER BY position`)
	if err != nil {
		return errf("tree: read the log: %w", err)
	}
	for rows.Next() {
		r, _, err := scanRecord(rows)
		if err != nil {
			rows.Close()
			return errf("tree: read position %d: %w", tr.Events+1, err)
		}
		if r.Position != tr.Events+1 {
			break // a gap: the chain check reports it; the tree stops there
		}
		stored, err := tlog.StoredHashes(tr.Events, transparency.LeafData(&r), hashes)
		if err != nil {
			rows.Close()
			return errf("tree: hash position %d: %w", r.Position, err)
		}
		hashes = append(hashes, stored...)
		leaves = append(leaves, stored[0])
		tr.Events++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errf("tree: read the log: %w", err)
	}
	// The stored tree's leaves against the events'.
	n := min(tr.Stored, tr.Events)
	if n > 0 {
		idx := make([]int64, n)
		for i := range idx {
			idx[i] = tlog.StoredHashIndex(0, int64(i))
		}
		stored, err := readStored(ctx, tx, idx)
		if err != nil {
			return err
		}
		for i := range stored {
			if stored[i] != leaves[i] {
				tr.FirstDiffering = int64(i) + 1
				tr.Reason = fmt.Sprintf("the stored transparency log's leaf for position %d is not the hash of the event stored there", i+1)
				break
			}
		}
	}
	if tr.Reason == "" && tr.Stored > tr.Events {
		tr.Reason = fmt.Sprintf("the stored transparency log covers %d events but the log holds %d", tr.Stored, tr.Events)
	}
	for _, text := range cfg.Checkpoints {
		rep.Checkpoints = append(rep.Checkpoints, checkCheckpoint(text, cfg.LogKey, hashes, leaves, tr))
	}
	return nil
}

// readStored reads stored hashes by index (a missing one is the zero hash).
func readStored(ctx context.Context, tx pgx.Tx, idx []int64) ([]tlog.Hash, error) {
	rows, err := tx.Query(ctx, `SELECT coalesce(h.hash, '\x'::bytea) FROM unnest($1::bigint[]) WITH ORDINALITY AS i (idx, n)
		LEFT JOIN tree_hashes h ON h.idx = i.idx ORDER BY i.n`, idx)
	if err != nil {
		return nil, errf("tree: read the stored leaves: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (tlog.Hash, error) {
		var b []byte
		err := row.Scan(&b)
		var h tlog.Hash
		copy(h[:], b)
		return h, err
	})
	if err != nil {
		return nil, errf("tree: read the stored leaves: %w", err)
	}
	return out, nil
}

// checkCheckpoint checks one checkpoint note against the recomputed tree.
func checkCheckpoint(text []byte, key note.Verifier, hashes memoryHashes, leaves []tlog.Hash, tr *TreeResult) CheckpointResult {
	res := CheckpointResult{}
	if key == nil {
		res.Reason = "no public key of the ledger's log to check the checkpoint's signature with (--key)"
		return res
	}
	cp, _, _, err := log.ParseCheckpoint(text, key.Name(), key)
	if err != nil {
		var unverified *note.UnverifiedNoteError
		if errors.As(err, &unverified) {
			res.Reason = "the checkpoint is not signed by the ledger's key " + key.Name()
		} else {
			res.Reason = "not a checkpoint signed by " + key.Name() + ": " + err.Error()
		}
		return res
	}
	res.Origin, res.Size, res.Root = cp.Origin, int64(cp.Size), tlog.Hash(cp.Hash).String()
	events := int64(len(leaves))
	if res.Size > events {
		res.Reason = fmt.Sprintf("the checkpoint covers %d events but the ledger holds %d: events were removed", res.Size, events)
		res.FirstDiffering = events + 1
		return res
	}
	if res.Size == 0 {
		res.OK = true
		return res
	}
	root, err := tlog.TreeHash(res.Size, hashes)
	if err != nil {
		res.Reason = "the tree cannot be recomputed: " + err.Error()
		return res
	}
	if string(root[:]) == string(cp.Hash) {
		res.OK = true
		return res
	}
	res.Reason = fmt.Sprintf("the ledger is not an extension of the tree this checkpoint signs: its first %d events hash to %s, not %s",
		res.Size, root, res.Root)
	if tr.FirstDiffering > 0 && tr.FirstDiffering <= res.Size {
		res.FirstDiffering = tr.FirstDiffering
		res.Reason += fmt.Sprintf("; position %d is the first whose event differs from the stored log's leaf", tr.FirstDiffering)
	}
	return res
}

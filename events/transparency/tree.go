// Package transparency keeps the ledger's transparency log: an RFC 6962
// Merkle tree over the event log (one leaf per event, leaf index =
// position − 1), stored in Postgres beside the log, with checkpoints —
// origin, tree size and root hash — signed by a key that is not in the
// database, and cosigned by witnesses who checked that each tree extends
// the last one they saw.
//
// With it, an auditor who kept an earlier checkpoint can prove that the
// ledger today extends the ledger then, whatever else was rewritten to
// match: the chain can be re-hashed and the stream republished by someone
// with the database's keys, but not the checkpoint's signature, nor a
// witness's memory.
//
// The tree and its proofs are golang.org/x/mod/sumdb/tlog's (RFC 6962
// hashing), the signed notes golang.org/x/mod/sumdb/note's (Ed25519) in
// the C2SP checkpoint format of github.com/transparency-dev/formats.
package transparency

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// LeafData is what the log's leaf for record r covers: its position as 8
// bytes big-endian followed by its canonical bytes (what the hash chain
// covers besides the previous hash). The leaf hash is
// tlog.RecordHash(LeafData(r)) = SHA-256(0x00 ‖ data), as RFC 6962 has it.
func LeafData(r *events.Record) []byte {
	c := r.Canonical()
	b := make([]byte, 8, 8+len(c))
	binary.BigEndian.PutUint64(b, uint64(r.Position))
	return append(b, c...)
}

// LeafHash is the hash of record r's leaf.
func LeafHash(r *events.Record) tlog.Hash { return tlog.RecordHash(LeafData(r)) }

// ErrBeyondTree means a proof or root was asked for a size the tree does
// not hold (yet).
var ErrBeyondTree = errors.New("beyond the tree")

// Tree is the Merkle tree over the event log in Postgres.
type Tree struct {
	pool  *pgxpool.Pool
	store *eventstore.Store
}

// New returns the tree over store's log.
func New(store *eventstore.Store) *Tree { return &Tree{pool: store.Pool(), store: store} }

// extendBatch is how many events one transaction of Extend hashes.
const extendBatch = 2000

// Extend hashes the events appended since the tree's size into it, in
// transactions of extendBatch events, and returns the new size. Several
// processes may extend at once: the tree_head row lock orders them and a
// transaction that finds the tree already extended retries from there. A
// crash loses at most the transaction under way.
func (t *Tree) Extend(ctx context.Context) (int64, error) {
	for {
		size, err := t.Size(ctx)
		if err != nil {
			return 0, err
		}
		recs, err := t.store.ReadAll(ctx, size, extendBatch, eventstore.Filter{})
		if err != nil {
			return 0, fmt.Errorf("transparency: read the log after %d: %w", size, err)
		}
		if len(recs) == 0 {
			return size, nil
		}
		if err := t.append(ctx, size, recs); err != nil {
			return 0, err
		}
	}
}

// append adds recs, the events after position size, to a tree of that
// size; it does nothing when the tree is no longer of that size.
func (t *Tree) append(ctx context.Context, size int64, recs []events.Record) error {
	return pgx.BeginTxFunc(ctx, t.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		var now int64
		if err := tx.QueryRow(ctx, `SELECT size FROM tree_head FOR UPDATE`).Scan(&now); err != nil {
			return fmt.Errorf("transparency: lock the tree head: %w", err)
		}
		if now != size {
			return nil // extended meanwhile: the caller reads on from the new size
		}
		hr := &pendingHashes{db: dbHashes{ctx, tx}, pending: map[int64]tlog.Hash{}}
		var idx []int64
		var hashes [][]byte
		for i := range recs {
			r := &recs[i]
			if r.Position != size+int64(i)+1 {
				return fmt.Errorf("transparency: position %d follows %d in the log", r.Position, size+int64(i))
			}
			stored, err := tlog.StoredHashes(r.Position-1, LeafData(r), hr)
			if err != nil {
				return fmt.Errorf("transparency: hash position %d: %w", r.Position, err)
			}
			first := tlog.StoredHashIndex(0, r.Position-1)
			for j, h := range stored {
				hr.pending[first+int64(j)] = h
				idx = append(idx, first+int64(j))
				hashes = append(hashes, h[:])
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO tree_hashes (idx, hash) SELECT * FROM unnest($1::bigint[], $2::bytea[])`, idx, hashes); err != nil {
			return fmt.Errorf("transparency: store hashes: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE tree_head SET size = $1`, size+int64(len(recs))); err != nil {
			return fmt.Errorf("transparency: move the tree head: %w", err)
		}
		return nil
	})
}

// Size is how many events the tree holds.
func (t *Tree) Size(ctx context.Context) (int64, error) {
	var size int64
	if err := t.pool.QueryRow(ctx, `SELECT size FROM tree_head`).Scan(&size); err != nil {
		return 0, fmt.Errorf("transparency: read the tree size: %w", err)
	}
	return size, nil
}

// Root is the root hash of the tree's first size leaves.
func (t *Tree) Root(ctx context.Context, size int64) (tlog.Hash, error) {
	var root tlog.Hash
	err := t.readOnly(ctx, size, func(hr tlog.HashReader) error {
		var err error
		root, err = tlog.TreeHash(size, hr)
		return err
	})
	return root, err
}

// Leaf is the stored leaf hash of the event at position.
func (t *Tree) Leaf(ctx context.Context, position int64) (tlog.Hash, error) {
	var leaf tlog.Hash
	err := t.readOnly(ctx, position, func(hr tlog.HashReader) error {
		hs, err := hr.ReadHashes([]int64{tlog.StoredHashIndex(0, position-1)})
		if err == nil {
			leaf = hs[0]
		}
		return err
	})
	return leaf, err
}

// InclusionProof proves that the event at position is leaf position−1 of
// the tree of size leaves (tlog.CheckRecord verifies it).
func (t *Tree) InclusionProof(ctx context.Context, position, size int64) (tlog.RecordProof, error) {
	if position < 1 || position > size {
		return nil, fmt.Errorf("transparency: position %d is not in a tree of %d: %w", position, size, ErrBeyondTree)
	}
	var proof tlog.RecordProof
	err := t.readOnly(ctx, size, func(hr tlog.HashReader) error {
		var err error
		proof, err = tlog.ProveRecord(size, position-1, hr)
		return err
	})
	return proof, err
}

// ConsistencyProof proves that the tree of to leaves extends the tree of
// from leaves (tlog.CheckTree verifies it).
func (t *Tree) ConsistencyProof(ctx context.Context, from, to int64) (tlog.TreeProof, error) {
	if from < 1 || from > to {
		return nil, fmt.Errorf("transparency: no proof from %d to %d: %w", from, to, ErrBeyondTree)
	}
	var proof tlog.TreeProof
	err := t.readOnly(ctx, to, func(hr tlog.HashReader) error {
		var err error
		proof, err = tlog.ProveTree(to, from, hr)
		return err
	})
	return proof, err
}

// readOnly runs fn with the stored hashes, once the tree holds size leaves.
func (t *Tree) readOnly(ctx context.Context, size int64, fn func(tlog.HashReader) error) error {
	return pgx.BeginTxFunc(ctx, t.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var have int64
		if err := tx.QueryRow(ctx, `SELECT size FROM tree_head`).Scan(&have); err != nil {
			return fmt.Errorf("transparency: read the tree size: %w", err)
		}
		if size < 1 || size > have {
			return fmt.Errorf("transparency: the tree holds %d events, not %d: %w", have, size, ErrBeyondTree)
		}
		if err := fn(dbHashes{ctx, tx}); err != nil {
			return fmt.Errorf("transparency: %w", err)
		}
		return nil
	})
}

// dbHashes reads stored hashes from tree_hashes in a transaction (tlog's
// HashReader takes no context: the transaction's is kept with it).
type dbHashes struct {
	ctx context.Context
	q   pgx.Tx
}

// ReadHashes returns the hashes at indexes, in their order.
func (d dbHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	rows, err := d.q.Query(d.ctx, `SELECT i.idx, h.hash FROM unnest($1::bigint[]) WITH ORDINALITY AS i (idx, n)
		LEFT JOIN tree_hashes h ON h.idx = i.idx ORDER BY i.n`, indexes)
	if err != nil {
		return nil, fmt.Errorf("read tree hashes: %w", err)
	}
	defer rows.Close()
	out := make([]tlog.Hash, 0, len(indexes))
	for rows.Next() {
		var idx int64
		var h []byte
		if err := rows.Scan(&idx, &h); err != nil {
			return nil, fmt.Errorf("read tree hashes: %w", err)
		}
		if len(h) != len(tlog.Hash{}) {
			return nil, fmt.Errorf("tree hash %d is missing", idx)
		}
		out = append(out, tlog.Hash(h))
	}
	return out, rows.Err()
}

// pendingHashes reads the hashes of the transaction under way before the
// stored ones.
type pendingHashes struct {
	db      dbHashes
	pending map[int64]tlog.Hash
}

// ReadHashes returns the hashes at indexes, in their order.
func (p *pendingHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	for i, idx := range indexes {
		h, ok := p.pending[idx]
		if !ok {
			missing = append(missing, idx)
			continue
		}
		out[i] = h
	}
	if len(missing) == 0 {
		return out, nil
	}
	stored, err := p.db.ReadHashes(missing)
	if err != nil {
		return nil, err
	}
	for i, idx := range indexes {
		if _, ok := p.pending[idx]; !ok {
			out[i], stored = stored[0], stored[1:]
		}
	}
	return out, nil
}

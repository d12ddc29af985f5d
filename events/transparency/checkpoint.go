package transparency

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/transparency-dev/formats/log"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a signed tree head: the C2SP checkpoint note the ledger
// signed over (origin, Size, Root), with the witnesses' cosignatures.
type Checkpoint struct {
	Size     int64     `json:"size"`
	Root     tlog.Hash `json:"root_hash"`
	SignedAt time.Time `json:"signed_at"`
	// Note is the signed note: the checkpoint text, a blank line, the
	// ledger's signature line and one line per witness cosignature.
	Note string `json:"note"`
	// Cosigners are the witnesses that cosigned it.
	Cosigners []Cosigner `json:"cosigners"`
}

// Cosigner is a witness that cosigned a checkpoint.
type Cosigner struct {
	Witness    string    `json:"witness"`
	Key        string    `json:"key"`
	Actor      string    `json:"actor"`
	ReceivedAt time.Time `json:"received_at"`
}

// ErrNoCheckpoint means the ledger has signed no checkpoint yet.
var ErrNoCheckpoint = errors.New("no checkpoint signed yet")

// ErrBadCosignature means a cosignature does not verify, or is not over a
// checkpoint the ledger signed.
var ErrBadCosignature = errors.New("bad cosignature")

// Sign extends the tree and, when it holds events that the latest
// checkpoint does not cover, signs a checkpoint of it with signer (whose
// name is the checkpoint's origin). It returns the latest checkpoint.
func (t *Tree) Sign(ctx context.Context, signer note.Signer) (*Checkpoint, error) {
	size, err := t.Extend(ctx)
	if err != nil {
		return nil, err
	}
	latest, err := t.Latest(ctx)
	if err != nil && !errors.Is(err, ErrNoCheckpoint) {
		return nil, err
	}
	if size == 0 || (latest != nil && latest.Size >= size) {
		return latest, nil
	}
	root, err := t.Root(ctx, size)
	if err != nil {
		return nil, err
	}
	text := log.Checkpoint{Origin: signer.Name(), Size: uint64(size), Hash: root[:]}.Marshal()
	signed, err := note.Sign(&note.Note{Text: string(text)}, signer)
	if err != nil {
		return nil, fmt.Errorf("transparency: sign checkpoint %d: %w", size, err)
	}
	if _, err := t.pool.Exec(ctx, `INSERT INTO checkpoints (size, root, note) VALUES ($1, $2, $3) ON CONFLICT (size) DO NOTHING`,
		size, root[:], string(signed)); err != nil {
		return nil, fmt.Errorf("transparency: store checkpoint %d: %w", size, err)
	}
	return t.Latest(ctx)
}

// Run signs a checkpoint whenever the log has grown by every events or,
// if it has grown at all, each interval, until ctx ends. A failure is
// logged and tried again a second later.
func (t *Tree) Run(ctx context.Context, signer note.Signer, interval time.Duration, every int64, logf func(msg string, args ...any)) error {
	tick := time.NewTicker(min(interval, time.Second))
	defer tick.Stop()
	var last time.Time
	for {
		signed, err := t.signDue(ctx, signer, time.Since(last) >= interval, every)
		if signed {
			last = time.Now()
		}
		if err != nil && ctx.Err() == nil {
			logf("transparency log: could not sign a checkpoint (will retry)", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// signDue extends the tree and signs it when it holds events the latest
// checkpoint does not cover and either timeUp or every of them are new.
func (t *Tree) signDue(ctx context.Context, signer note.Signer, timeUp bool, every int64) (bool, error) {
	size, err := t.Extend(ctx)
	if err != nil {
		return false, err
	}
	var covered int64
	switch latest, err := t.Latest(ctx); {
	case err == nil:
		covered = latest.Size
	case !errors.Is(err, ErrNoCheckpoint):
		return false, err
	}
	if size == covered || (!timeUp && size-covered < every) {
		return false, nil
	}
	_, err = t.Sign(ctx, signer)
	return err == nil, err
}

// Latest is the latest signed checkpoint with its cosignatures.
func (t *Tree) Latest(ctx context.Context) (*Checkpoint, error) {
	return t.checkpoint(ctx, `SELECT size, root, note, signed_at FROM checkpoints ORDER BY size DESC LIMIT 1`)
}

// At is the checkpoint signed at size, with its cosignatures.
func (t *Tree) At(ctx context.Context, size int64) (*Checkpoint, error) {
	return t.checkpoint(ctx, `SELECT size, root, note, signed_at FROM checkpoints WHERE size = $1`, size)
}

func (t *Tree) checkpoint(ctx context.Context, query string, args ...any) (*Checkpoint, error) {
	c := &Checkpoint{Cosigners: []Cosigner{}}
	var root []byte
	err := t.pool.QueryRow(ctx, query, args...).Scan(&c.Size, &root, &c.Note, &c.SignedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNoCheckpoint
	}
	if err != nil {
		return nil, fmt.Errorf("transparency: read checkpoint: %w", err)
	}
	c.Root = tlog.Hash(root)
	rows, err := t.pool.Query(ctx, `SELECT witness, key, actor, received_at, signature FROM checkpoint_cosignatures
		WHERE size = $1 ORDER BY witness`, c.Size)
	if err != nil {
		return nil, fmt.Errorf("transparency: read cosignatures of %d: %w", c.Size, err)
	}
	defer rows.Close()
	for rows.Next() {
		var w Cosigner
		var line string
		if err := rows.Scan(&w.Witness, &w.Key, &w.Actor, &w.ReceivedAt, &line); err != nil {
			return nil, fmt.Errorf("transparency: read cosignatures of %d: %w", c.Size, err)
		}
		c.Cosigners = append(c.Cosigners, w)
		c.Note += line + "\n"
	}
	return c, rows.Err()
}

// Cosignatures lists the sizes that witnesses cosigned, newest first (at
// most limit checkpoints).
func (t *Tree) Cosignatures(ctx context.Context, limit int) ([]Checkpoint, error) {
	rows, err := t.pool.Query(ctx, `SELECT DISTINCT size FROM checkpoint_cosignatures ORDER BY size DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("transparency: list cosigned checkpoints: %w", err)
	}
	sizes, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("transparency: list cosigned checkpoints: %w", err)
	}
	out := make([]Checkpoint, 0, len(sizes))
	for _, s := range sizes {
		c, err := t.At(ctx, s)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, nil
}

// AddCosignature records a witness's cosignature: cosigned is a checkpoint
// the ledger signed (verified with ledger) carrying the witness's
// signature, verified with witnessKey (a note verifier key). Posting the
// same cosignature again changes nothing.
func (t *Tree) AddCosignature(ctx context.Context, ledger note.Verifier, witnessKey string, cosigned []byte, actor string) (*Checkpoint, error) {
	wv, err := note.NewVerifier(strings.TrimSpace(witnessKey))
	if err != nil {
		return nil, fmt.Errorf("%w: the witness key: %v", ErrBadCosignature, err)
	}
	if wv.Name() == ledger.Name() {
		return nil, fmt.Errorf("%w: the witness key has the ledger's name", ErrBadCosignature)
	}
	n, err := note.Open(cosigned, note.VerifierList(ledger, wv))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadCosignature, err)
	}
	var line string
	signedByLedger := false
	for _, s := range n.Sigs {
		switch s.Name {
		case ledger.Name():
			signedByLedger = true
		case wv.Name():
			line = "— " + s.Name + " " + s.Base64
		}
	}
	if !signedByLedger || line == "" {
		return nil, fmt.Errorf("%w: the note must carry the ledger's signature and the witness's", ErrBadCosignature)
	}
	var cp log.Checkpoint
	if _, err := cp.Unmarshal([]byte(n.Text)); err != nil {
		return nil, fmt.Errorf("%w: not a checkpoint: %v", ErrBadCosignature, err)
	}
	stored, err := t.At(ctx, int64(cp.Size))
	if errors.Is(err, ErrNoCheckpoint) || (err == nil && !strings.HasPrefix(stored.Note, n.Text+"\n")) {
		return nil, fmt.Errorf("%w: the ledger signed no such checkpoint of size %d", ErrBadCosignature, cp.Size)
	}
	if err != nil {
		return nil, err
	}
	if _, err := t.pool.Exec(ctx, `INSERT INTO checkpoint_cosignatures (size, witness, key, signature, actor) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (size, witness) DO NOTHING`, int64(cp.Size), wv.Name(), strings.TrimSpace(witnessKey), line, actor); err != nil {
		return nil, fmt.Errorf("transparency: store the cosignature of %s: %w", wv.Name(), err)
	}
	return t.At(ctx, int64(cp.Size))
}

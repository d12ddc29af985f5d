// Package witness is the ledger's witness, run by a partner county, an
// auditor or a provincial office on a machine of their own: it fetches the
// ledger's latest signed checkpoint, checks that the tree it signs extends
// the last one the witness saw (a consistency proof), cosigns it and posts
// the cosignature back. It keeps the last checkpoint it saw in a state
// directory of its own, so a ledger rewritten behind it — whatever else
// was re-hashed to match — cannot make it cosign: it raises an alarm
// naming both tree heads.
package witness

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/transparency-dev/formats/log"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Config says which ledger to watch and with which keys.
type Config struct {
	// Ledger is the ledger's base URL; Token an API token for it.
	Ledger, Token string
	// LedgerKey verifies the ledger's checkpoints.
	LedgerKey note.Verifier
	// Signer is the witness's key; PublicKey its verifier key text.
	Signer    note.Signer
	PublicKey string
	// State is the directory holding the last checkpoint seen.
	State string
	// Client is the HTTP client; default http.DefaultClient.
	Client *http.Client
}

// Result is one check.
type Result struct {
	// Size and Root are the checkpoint checked; Previous the size of the
	// one seen before (0: none).
	Size, Previous int64
	Root           string
	// Alarm, when not empty, says why the ledger is not an extension of
	// what the witness saw: nothing was cosigned.
	Alarm string
	// Cosigned: the cosignature was posted and accepted.
	Cosigned bool
}

// stateFile is the last checkpoint seen, in the state directory.
const stateFile = "checkpoint"

// Check fetches, checks, cosigns and posts the ledger's latest
// checkpoint once. An inconsistency is a Result with Alarm (and the state
// is left as it was); an error means the check could not be made.
func Check(ctx context.Context, cfg Config) (Result, error) {
	var res Result
	if cfg.Client == nil {
		cfg.Client = http.DefaultClient
	}
	var latest struct {
		Note string `json:"note"`
	}
	if err := call(ctx, cfg, http.MethodGet, "/v1/checkpoint", nil, &latest); err != nil {
		return res, err
	}
	cp, n, err := open(cfg.LedgerKey, []byte(latest.Note))
	if err != nil {
		return res, fmt.Errorf("witness: the ledger's checkpoint: %w", err)
	}
	res.Size, res.Root = int64(cp.Size), tlog.Hash(cp.Hash).String()
	statePath := filepath.Join(cfg.State, stateFile)
	if before, err := os.ReadFile(statePath); err == nil {
		old, _, err := open(cfg.LedgerKey, before)
		if err != nil {
			return res, fmt.Errorf("witness: the checkpoint in %s: %w", statePath, err)
		}
		res.Previous = int64(old.Size)
		if alarm, err := consistent(ctx, cfg, old, cp); err != nil || alarm != "" {
			res.Alarm = alarm
			return res, err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return res, fmt.Errorf("witness: %w", err)
	}
	cosigned, err := note.Sign(n, cfg.Signer)
	if err != nil {
		return res, fmt.Errorf("witness: cosign: %w", err)
	}
	body := map[string]string{"checkpoint": string(cosigned), "witness_key": cfg.PublicKey}
	if err := call(ctx, cfg, http.MethodPost, "/v1/checkpoint/cosignatures", body, nil); err != nil {
		return res, err
	}
	res.Cosigned = true
	if err := os.MkdirAll(cfg.State, 0o700); err != nil {
		return res, fmt.Errorf("witness: %w", err)
	}
	tmp := statePath + ".tmp"
	if err := os.WriteFile(tmp, []byte(latest.Note), 0o600); err != nil {
		return res, fmt.Errorf("witness: keep the checkpoint: %w", err)
	}
	if err := os.Rename(tmp, statePath); err != nil {
		return res, fmt.Errorf("witness: keep the checkpoint: %w", err)
	}
	return res, nil
}

// open verifies a checkpoint note with the ledger's key.
func open(key note.Verifier, text []byte) (*log.Checkpoint, *note.Note, error) {
	cp, _, n, err := log.ParseCheckpoint(text, key.Name(), key)
	if err != nil {
		return nil, nil, err
	}
	return cp, n, nil
}

// consistent checks that tree cp extends tree old ("" when it does, the
// alarm otherwise).
func consistent(ctx context.Context, cfg Config, old, cp *log.Checkpoint) (string, error) {
	heads := fmt.Sprintf("the tree head seen before (size %d, root %s) and the ledger's now (size %d, root %s)",
		old.Size, tlog.Hash(old.Hash), cp.Size, tlog.Hash(cp.Hash))
	switch {
	case cp.Size < old.Size:
		return "the ledger's tree shrank: " + heads, nil
	case cp.Size == old.Size:
		if !bytes.Equal(cp.Hash, old.Hash) {
			return "the ledger signed two different trees of one size: " + heads, nil
		}
		return "", nil
	}
	var proof struct {
		Proof []string `json:"proof"`
	}
	if err := call(ctx, cfg, http.MethodGet, fmt.Sprintf("/v1/proofs/consistency?from=%d&to=%d", old.Size, cp.Size), nil, &proof); err != nil {
		return "", err
	}
	p := make(tlog.TreeProof, len(proof.Proof))
	for i, s := range proof.Proof {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			return "the ledger's consistency proof is malformed: " + heads, nil
		}
		p[i] = tlog.Hash(b)
	}
	if err := tlog.CheckTree(p, int64(cp.Size), tlog.Hash(cp.Hash), int64(old.Size), tlog.Hash(old.Hash)); err != nil {
		return "the ledger is not an extension of what this witness saw: " + heads + ": " + err.Error(), nil
	}
	return "", nil
}

// call sends a request to the ledger and decodes its JSON answer into out.
func call(ctx context.Context, cfg Config, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("witness: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(cfg.Ledger, "/")+path, rd)
	if err != nil {
		return fmt.Errorf("witness: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+cfg.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("witness: %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("witness: %s %s: %w", method, path, err)
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("witness: %s %s: %s: %s", method, path, res.Status, bytes.TrimSpace(b))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("witness: %s %s: %w", method, path, err)
	}
	return nil
}

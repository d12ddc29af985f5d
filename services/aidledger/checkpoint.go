package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/events/transparency"
)

// CheckpointFlags configure the signing of the transparency log's
// checkpoints.
type CheckpointFlags struct {
	LogKey           string        `name:"log-key" env:"AIDLEDGER_LOG_KEY" help:"Key file (aidledger keys generate) that signs the transparency log's checkpoints; its .pub file must lie beside it. Keep it off the database's machine. Without it no checkpoint is signed here."`
	CheckpointEvery  time.Duration `name:"checkpoint-every" env:"AIDLEDGER_CHECKPOINT_EVERY" default:"10s" help:"Sign a checkpoint at least this often while the log grows."`
	CheckpointEvents int64         `name:"checkpoint-events" env:"AIDLEDGER_CHECKPOINT_EVENTS" default:"1000" help:"Sign a checkpoint as soon as this many events are not yet covered."`
}

// useLogKey loads the log's signing key from f (nothing when none given).
func (s *stack) useLogKey(f CheckpointFlags) error {
	s.checkpoints = f
	if f.LogKey == "" {
		return nil
	}
	signer, verifier, err := transparency.LoadSigner(f.LogKey)
	if err != nil {
		return err
	}
	s.logKey, s.logVerifier = signer, verifier
	return nil
}

// runCheckpoints keeps the transparency log and signs its checkpoints.
func (s *stack) runCheckpoints(ctx context.Context) error {
	s.log.Info("signing the transparency log's checkpoints", "origin", s.logKey.Name(), "every", s.checkpoints.CheckpointEvery,
		"events", s.checkpoints.CheckpointEvents)
	return s.tree.Run(ctx, s.logKey, s.checkpoints.CheckpointEvery, max(1, s.checkpoints.CheckpointEvents), s.log.Warn)
}

// demoLogKey is the demo's own log key under dataDir, made on first use.
func demoLogKey(dataDir string) (string, error) {
	dir := filepath.Join(dataDir, "keys")
	key := filepath.Join(dir, "aidledger-demo"+transparency.KeySuffix)
	if _, err := os.Stat(key); errors.Is(err, os.ErrNotExist) {
		if key, _, err = transparency.GenerateKey(dir, "aidledger-demo"); err != nil {
			return "", err
		}
	}
	return key, nil
}

// KeysCmd manages signing keys.
type KeysCmd struct {
	Generate KeysGenerateCmd `cmd:"" help:"Make a key pair: NAME.key (keep it secret, off the database's machine) and NAME.pub (hand it out)."`
}

// KeysGenerateCmd makes a key pair.
type KeysGenerateCmd struct {
	Out  string `name:"out" required:"" help:"Directory to write the key pair in (created if needed; a key is never overwritten)."`
	Name string `name:"name" default:"aidledger" help:"The key's name: for the ledger's key, the checkpoints' origin (e.g. aidledger.zhonglou.gov.cn); for a witness's key, the witness."`
}

// Run writes the key pair.
func (c *KeysGenerateCmd) Run(log *slog.Logger) error {
	key, pub, err := transparency.GenerateKey(c.Out, c.Name)
	if err != nil {
		return err
	}
	fmt.Printf("secret key: %s\npublic key: %s\n", key, pub)
	return nil
}

// CheckpointCmd prints the latest signed checkpoint.
type CheckpointCmd struct {
	DatabaseFlags
	Out string `name:"out" help:"Write the checkpoint note to this file (default: print it)."`
}

// Run prints or writes the latest checkpoint note.
func (c *CheckpointCmd) Run(ctx context.Context, log *slog.Logger) error {
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer db.Close()
	cp, err := transparency.New(eventstore.New(db.Pool)).Latest(ctx)
	if err != nil {
		return err
	}
	if c.Out == "" {
		fmt.Print(cp.Note)
		return nil
	}
	return os.WriteFile(c.Out, []byte(cp.Note), 0o644)
}

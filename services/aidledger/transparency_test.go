package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transparency-dev/formats/log"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/events/transparency"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ports/api"
	"github.com/aidledger/aidledger/services/testkit/demoenv"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// witnessedLedger is the demo ledger with a signed transparency log, its
// API, and a witness's keys and state.
type witnessedLedger struct {
	t           *testing.T
	env         *demoenv.Env
	tree        *transparency.Tree
	keyFile     string // the ledger's signing key; .pub beside it
	pub         string
	witnessKey  string
	state       string
	url, token  string
	db          []string
	appendCount int
}

func newWitnessedLedger(t *testing.T) *witnessedLedger {
	t.Helper()
	env := demoenv.New(t, yearend.New())
	dir := t.TempDir()
	w := &witnessedLedger{t: t, env: env, tree: transparency.New(env.Store), state: filepath.Join(dir, "witness-state"),
		db: []string{"--database-url", env.DatabaseURL}}
	var err error
	if w.keyFile, w.pub, err = transparency.GenerateKey(filepath.Join(dir, "ledger"), "ledger.test/aid"); err != nil {
		t.Fatal(err)
	}
	if w.witnessKey, _, err = transparency.GenerateKey(filepath.Join(dir, "witness"), "witness.test"); err != nil {
		t.Fatal(err)
	}
	_, verifier, err := transparency.LoadSigner(w.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	tokens := auth.NewTokens(env.Pool)
	a, err := api.New(api.Config{Pool: env.Pool, Store: env.Store, Ledger: testenv.Ledger(t, env.Store), Tokens: tokens,
		Tree: w.tree, LogVerifier: verifier})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	w.url = srv.URL
	if w.token, err = tokens.Create(context.Background(), auth.Principal{Name: "省审计厅", Role: auth.RoleAuditor}); err != nil {
		t.Fatal(err)
	}
	return w
}

// sign signs a checkpoint with the ledger's key (as serve does) and
// returns it.
func (w *witnessedLedger) sign() *transparency.Checkpoint {
	w.t.Helper()
	signer, _, err := transparency.LoadSigner(w.keyFile)
	if err != nil {
		w.t.Fatal(err)
	}
	c, err := w.tree.Sign(context.Background(), signer)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// keep writes a checkpoint to a file, as an auditor keeps one.
func (w *witnessedLedger) keep(c *transparency.Checkpoint) string {
	w.t.Helper()
	f := filepath.Join(w.t.TempDir(), fmt.Sprintf("checkpoint-%d", c.Size))
	if err := os.WriteFile(f, []byte(c.Note), 0o644); err != nil {
		w.t.Fatal(err)
	}
	return f
}

// witness runs the witness once through the binary.
func (w *witnessedLedger) witness() (int, string) {
	w.t.Helper()
	code, out, stderr := run(w.t, "witness", "--ledger", w.url, "--token", w.token, "--ledger-key", w.pub, "--key", w.witnessKey,
		"--state", w.state)
	return code, out + stderr
}

// appendVisits records n more events.
func (w *witnessedLedger) appendVisits(n int, tag string) {
	w.t.Helper()
	for range n {
		w.appendCount++
		e := events.VisitConducted{VisitID: fmt.Sprintf("W%s%d", tag, w.appendCount), PairingIDList: []string{"P1"},
			Direction: events.VisitOutbound, StartDate: events.DateOf(2026, 3, 1)}
		if _, err := w.env.Store.Append(context.Background(), &eventstore.AppendRequest{StreamID: fmt.Sprintf("visit-w%s%d", tag, w.appendCount),
			Events: []events.Event{e}, DonorCode: "D1", PartnerCode: "632624", Metadata: events.Metadata{Actor: "test"}}); err != nil {
			w.t.Fatal(err)
		}
	}
}

// rehash re-chains the log from position from, as an insider with the
// database's keys would after changing an event, and moves the head.
func (w *witnessedLedger) rehash(from int64) {
	w.t.Helper()
	ctx := context.Background()
	recs, err := w.env.Store.ReadAll(ctx, from-2, 1_000_000, eventstore.Filter{})
	if err != nil {
		w.t.Fatal(err)
	}
	prev := recs[0].Hash
	for _, r := range recs[1:] {
		h := events.ChainHash(prev, r.Position, r.Canonical())
		if _, err := w.env.Pool.Exec(ctx, `UPDATE events SET prev_hash = $1, hash = $2 WHERE position = $3`, prev[:], h[:], r.Position); err != nil {
			w.t.Fatal(err)
		}
		prev = h
	}
	if _, err := w.env.Pool.Exec(ctx, `UPDATE ledger_head SET hash = $1`, prev[:]); err != nil {
		w.t.Fatal(err)
	}
}

// rebuildTree drops the stored tree from size on and hashes it again from
// the (rewritten) log.
func (w *witnessedLedger) rebuildTree(size int64) {
	w.t.Helper()
	ctx := context.Background()
	for _, q := range []struct {
		sql string
		arg int64
	}{
		{`DELETE FROM checkpoint_cosignatures WHERE size > $1`, size}, {`DELETE FROM checkpoints WHERE size > $1`, size},
		{`DELETE FROM tree_hashes WHERE idx >= $1`, tlog.StoredHashIndex(0, size)}, {`UPDATE tree_head SET size = $1`, size},
	} {
		if _, err := w.env.Pool.Exec(ctx, q.sql, q.arg); err != nil {
			w.t.Fatal(err)
		}
	}
	if _, err := w.tree.Extend(ctx); err != nil {
		w.t.Fatal(err)
	}
}

// The insider's rewrite: one old event changed with the triggers off, the
// whole chain re-hashed from there and the transparency log rebuilt to
// match. verify alone passes — the database agrees with itself — but
// verify --checkpoint with a checkpoint kept from before exits 1 naming
// the position, and the witness holding that checkpoint raises an alarm.
func TestInsiderRewriteCaughtByCheckpointAndWitness(t *testing.T) {
	t.Parallel()
	w := newWitnessedLedger(t)
	before := w.sign()
	kept := w.keep(before)
	if code, out := w.witness(); code != 0 || !strings.Contains(out, fmt.Sprintf("cosigned checkpoint size %d", before.Size)) {
		t.Fatalf("the first witness run: exit %d", code)
	}
	w.appendVisits(5, "a")
	after := w.sign()
	if code, out := w.witness(); code != 0 || !strings.Contains(out, fmt.Sprintf("previously seen size %d", before.Size)) {
		t.Fatalf("the witness of an honest extension: exit %d", code)
	}
	if latest, err := w.tree.Latest(context.Background()); err != nil || len(latest.Cosigners) != 1 || latest.Size != after.Size {
		t.Fatalf("the ledger keeps the witness's cosignature: %+v %v", latest, err)
	}
	if code, out, _ := run(t, append([]string{"verify", "--checkpoint", kept, "--key", w.pub}, w.db...)...); code != 0 ||
		!strings.Contains(out, "the ledger extends it") {
		t.Fatalf("verify --checkpoint of an honest ledger: exit %d", code)
	}
	// an evidence bundle carries the cosigned checkpoint and the proof of its segment
	bundle := filepath.Join(t.TempDir(), "bundle.zip")
	if code, out, _ := run(t, append([]string{"export", "--donor", demoenv.Linan, "--year", "2025", "--out", bundle, "--wait", "1s"}, w.db...)...); code != 0 ||
		!strings.Contains(out, fmt.Sprintf("carries the checkpoint of %d events", after.Size)) {
		t.Fatalf("export: exit %d", code)
	}
	witnessPub := strings.TrimSuffix(w.witnessKey, transparency.KeySuffix) + transparency.PubSuffix
	if code, out, _ := run(t, "verify", "--bundle", bundle, "--key", w.pub, "--witness-key", witnessPub); code != 0 ||
		!strings.Contains(out, "cosigned by witness.test") {
		t.Fatalf("verify --bundle with the keys: exit %d", code)
	}
	otherDir := t.TempDir()
	_, otherPub, err := transparency.GenerateKey(otherDir, "ledger.test/aid")
	if err != nil {
		t.Fatal(err)
	}
	_, otherWitness, err := transparency.GenerateKey(otherDir, "witness.other")
	if err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, "verify", "--bundle", bundle, "--key", otherPub); code != 1 || !strings.Contains(out, "not signed by the ledger's key") {
		t.Fatalf("verify --bundle with another ledger's key: exit %d, want 1", code)
	}
	if code, out, _ := run(t, "verify", "--bundle", bundle, "--key", w.pub, "--witness-key", otherWitness); code != 1 ||
		!strings.Contains(out, "not cosigned by the witness witness.other") {
		t.Fatalf("verify --bundle naming a witness that did not cosign: exit %d, want 1", code)
	}

	ctx := context.Background()
	if _, err := w.env.Pool.Exec(ctx, `ALTER TABLE events DISABLE TRIGGER events_append_only;
		UPDATE events SET actor = actor || ' (rewritten)' WHERE position = 100`); err != nil {
		t.Fatal(err)
	}
	w.rehash(100)
	w.rebuildTree(0)
	if code, out, _ := run(t, append([]string{"verify"}, w.db...)...); code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("the rewrite is consistent with itself: verify alone should pass (exit %d)", code)
	}
	code, out, _ := run(t, append([]string{"verify", "--checkpoint", kept, "--key", w.pub}, w.db...)...)
	if code != 1 || !strings.Contains(out, "NOT EXTENDED") {
		t.Fatalf("verify --checkpoint after the rewrite: exit %d, want 1", code)
	}
	w.sign() // the insider even signs the rewritten tree with the ledger's key
	if code, out := w.witness(); code != 1 || !strings.Contains(out, "ALARM") ||
		!strings.Contains(out, fmt.Sprintf("size %d, root %s", after.Size, after.Root)) {
		t.Fatalf("the witness after the rewrite: exit %d, want an alarm naming the head it saw", code)
	}
}

// Restoring an older backup and entering different figures: even signed
// with the ledger's own key, the new tree of the size a witness saw is not
// the one it saw.
func TestRestoredBackupCaughtByCheckpointAndWitness(t *testing.T) {
	t.Parallel()
	w := newWitnessedLedger(t)
	backup := w.sign()
	w.appendVisits(4, "a")
	seen := w.sign()
	kept := w.keep(seen)
	if code, _ := w.witness(); code != 0 {
		t.Fatalf("the witness: exit %d", code)
	}
	// the backup: the log as it stood at the first checkpoint
	ctx := context.Background()
	for _, q := range []string{`DELETE FROM events WHERE position > $1`,
		`UPDATE ledger_head SET position = $1, hash = (SELECT hash FROM events WHERE position = $1)`} {
		if _, err := w.env.Pool.Exec(ctx, `ALTER TABLE events DISABLE TRIGGER events_append_only`); err != nil {
			t.Fatal(err)
		}
		if _, err := w.env.Pool.Exec(ctx, q, backup.Size); err != nil {
			t.Fatal(err)
		}
	}
	w.rebuildTree(backup.Size)
	w.appendVisits(4, "b") // different entries at the same positions
	w.sign()
	code, out, _ := run(t, append([]string{"verify", "--checkpoint", kept, "--key", w.pub}, w.db...)...)
	if code != 1 || !strings.Contains(out, "NOT EXTENDED") {
		t.Fatalf("verify --checkpoint after the restore: exit %d, want 1", code)
	}
	if code, out := w.witness(); code != 1 || !strings.Contains(out, "two different trees of one size") {
		t.Fatalf("the witness after the restore: exit %d, want an alarm", code)
	}
}

// getJSON sends an authenticated GET to the witnessed ledger's API.
func (w *witnessedLedger) getJSON(path string, out any) int {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+w.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		w.t.Fatalf("GET %s: %v", path, err)
	}
	return res.StatusCode
}

// Every event read from the log can be proven included in the signed
// checkpoint: the served audit path and the event's own leaf hash give
// the root the ledger's key signed.
func TestInclusionProofsOverHTTP(t *testing.T) {
	t.Parallel()
	w := newWitnessedLedger(t)
	var problem struct{ Code string }
	if st := w.getJSON("/v1/checkpoint", &problem); st != http.StatusNotFound || problem.Code != "no_checkpoint" {
		t.Fatalf("the checkpoint before any is signed: %d %s", st, problem.Code)
	}
	w.sign()
	var cp api.CheckpointView
	if st := w.getJSON("/v1/checkpoint", &cp); st != http.StatusOK {
		t.Fatalf("checkpoint: %d", st)
	}
	_, verifier, err := transparency.LoadSigner(w.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	signed, _, _, err := log.ParseCheckpoint([]byte(cp.Note), verifier.Name(), verifier)
	if err != nil || int64(signed.Size) != cp.Size {
		t.Fatalf("the served checkpoint: %v", err)
	}
	recs, err := w.env.Store.ReadAll(context.Background(), 0, 1_000_000, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, pos := range []int64{1, 2, cp.Size / 3, cp.Size - 1, cp.Size} {
		var p struct {
			LeafHash string   `json:"leaf_hash"`
			Proof    []string `json:"proof"`
		}
		if st := w.getJSON(fmt.Sprintf("/v1/proofs/inclusion?position=%d&tree_size=%d", pos, cp.Size), &p); st != http.StatusOK {
			t.Fatalf("inclusion of %d: %d", pos, st)
		}
		proof := make(tlog.RecordProof, len(p.Proof))
		for i, s := range p.Proof {
			b, _ := base64.StdEncoding.DecodeString(s)
			proof[i] = tlog.Hash(b)
		}
		leaf := transparency.LeafHash(&recs[pos-1])
		if leaf.String() != p.LeafHash {
			t.Errorf("the leaf hash of %d served is not the event's", pos)
		}
		if err := tlog.CheckRecord(proof, cp.Size, tlog.Hash(signed.Hash), pos-1, leaf); err != nil {
			t.Errorf("the event at %d is not proven in the signed checkpoint: %v", pos, err)
		}
	}
	if st := w.getJSON(fmt.Sprintf("/v1/proofs/inclusion?position=1&tree_size=%d", cp.Size+1), &problem); st != http.StatusUnprocessableEntity ||
		problem.Code != "beyond_tree" {
		t.Errorf("a proof beyond the tree: %d %s", st, problem.Code)
	}
}

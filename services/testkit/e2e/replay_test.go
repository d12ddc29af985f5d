package e2e_test

import (
	"context"
	"testing"

	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/intake/demo"
)

// Rebuilding each read model from JetStream sequence 1 gives exactly the
// live read model (equal checksums), and switches over to it.
func TestReplayEqualsLive(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s.store); err != nil {
		t.Fatal(err)
	}
	head := s.waitProjected()
	for _, p := range []projections.Projection{balances.New(), audittrail.New()} {
		res, err := projections.Rebuild(ctx, projections.RebuildConfig{Pool: s.pool, NATSURL: s.nats, Projection: p})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Match || res.Position != head || res.Live.Combined == "" {
			t.Fatalf("%s: rebuilt at %d (head %d), match %v, diffs %v", p.Name(), res.Position, head, res.Match, res.Diffs)
		}
		after, err := projections.Checksum(ctx, s.pool, projections.Schema(p), p)
		if err != nil {
			t.Fatal(err)
		}
		if !after.Equal(res.Rebuilt) {
			t.Fatalf("%s: the live schema after the switch is not the rebuilt one", p.Name())
		}
		t.Logf("%s: %d events, checksum %s", p.Name(), res.Events, res.Rebuilt.Combined)
	}
}

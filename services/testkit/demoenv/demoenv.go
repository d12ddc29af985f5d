// Package demoenv gives tests a ledger holding the demo data set
// (services/intake/demo): in a fresh database (testenv.MigratedURL), migrated as the
// binary migrates it, published to an embedded NATS server (testenv.NATS)
// with stream sequence = position, and read models built from the stream.
// Real Postgres, real JetStream; the test binary's TestMain must call
// testenv.Main.
package demoenv

import (
	"context"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/events/relay"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/services/intake/demo"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// The demo's donors: 钟楼 (its events start at position 1) and 临安 (whose
// events follow 钟楼's).
const (
	Zhonglou = "320404"
	Linan    = "330112"
)

// Env is the demo ledger.
type Env struct {
	DatabaseURL string
	Pool        *pgxpool.Pool
	Store       *eventstore.Store
	NATSURL     string
	// Head is the position of the last demo event.
	Head int64
}

// New loads the demo into a fresh ledger, publishes it and builds models
// from the stream; everything is closed when the test ends.
func New(tb testing.TB, models ...projections.Projection) *Env {
	tb.Helper()
	ctx := context.Background()
	e := &Env{DatabaseURL: testenv.MigratedURL(tb)}
	var err error
	if e.Pool, err = pgxpool.New(ctx, e.DatabaseURL); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(e.Pool.Close)
	e.Store = eventstore.New(e.Pool)
	loaded, err := demo.Load(ctx, e.Store)
	if err != nil {
		tb.Fatal(err)
	}
	e.Head = loaded.Position
	_, e.NATSURL = testenv.NATS(tb)
	e.publish(tb)
	for _, p := range models {
		if _, err := projections.Rebuild(ctx, projections.RebuildConfig{Pool: e.Pool, NATSURL: e.NATSURL, Projection: p,
			Logger: slog.New(slog.DiscardHandler)}); err != nil {
			tb.Fatalf("build %s: %v", p.Name(), err)
		}
	}
	return e
}

// publish puts every event of the log on the LEDGER stream, sequence =
// position, as the relay does.
func (e *Env) publish(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	nc, err := nats.Connect(e.NATSURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := relay.EnsureStream(ctx, js, relay.StreamConfig{}); err != nil {
		tb.Fatal(err)
	}
	recs, err := e.Store.ReadAll(ctx, 0, int(e.Head)+1, eventstore.Filter{})
	if err != nil {
		tb.Fatal(err)
	}
	for i := range recs {
		if _, err := js.PublishMsg(ctx, relay.Message(&recs[i]), jetstream.WithExpectLastSequence(uint64(recs[i].Position-1))); err != nil {
			tb.Fatalf("publish %d: %v", recs[i].Position, err)
		}
	}
}

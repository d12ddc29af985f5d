package relay_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/events/relay"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// crash is what the fault hook panics with.
type crash struct{ point string }

// killModes: each incarnation of the relay dies in one of these ways, in
// turn: by a panic or a cancellation at the n-th call of a fault point, or
// by a cancellation at a random time ("timer").
var killPoints = []string{relay.FaultResumed, relay.FaultBeforePublish, relay.FaultAfterPublish, relay.FaultAfterAck, "timer"}

// TestCrashAnywhere kills the relay over and over, at every fault point and
// at random times, while 10,000 events are appended, restarting it each
// time: the stream ends up holding each position exactly once.
func TestCrashAnywhere(t *testing.T) {
	t.Parallel()
	const total = 10_000
	store := newStore(t)
	_, url := testenv.NATS(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 42))

	appended := make(chan error, 1)
	go func() {
		appended <- newAppender(store).append(context.Background(), total, 4, 200*time.Microsecond)
	}()

	kills := map[string]int{}
	appending := true
	for incarnation := 0; appending || incarnation < 2*len(killPoints); incarnation++ {
		select {
		case err := <-appended:
			if err != nil {
				t.Fatal(err)
			}
			appending = false
		default:
		}
		point := killPoints[incarnation%len(killPoints)]
		panics := incarnation/len(killPoints)%2 == 0
		countdown := 1
		if point != relay.FaultResumed {
			countdown = 1 + rng.IntN(100)
		}
		ctx, cancel := context.WithCancel(context.Background())
		hook := func(p string) {
			if p != point {
				return
			}
			if countdown--; countdown == 0 {
				kills[fmt.Sprintf("%s/%s", point, map[bool]string{true: "panic", false: "cancel"}[panics])]++
				if panics {
					panic(crash{p})
				}
				cancel()
			}
		}
		timer := time.AfterFunc(time.Duration(10+rng.IntN(150))*time.Millisecond, func() {
			if point == "timer" {
				kills["timer"]++ // only read after Run returned
			}
			cancel()
		})
		r, err := relay.New(relay.Config{Store: store, NATSURL: url, Logger: quiet, FaultHook: hook,
			Batch: 1 + rng.IntN(700), MaxInFlight: 1 + rng.IntN(3000), MaxBackoff: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := runRecovering(ctx, r); err != nil {
			t.Fatalf("incarnation %d: %v", incarnation, err)
		}
		timer.Stop()
		cancel()
	}
	t.Logf("kills: %v", kills)

	run := start(t, relay.Config{Store: store, NATSURL: url})
	waitCaughtUp(t, run.relay, 60*time.Second)
	run.stop(t)
	checkStream(t, url, store)
}

// runRecovering runs r until ctx is done or the fault hook panics with a
// crash, which it recovers.
func runRecovering(ctx context.Context, r *relay.Relay) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(crash); !ok {
				panic(v)
			}
			err = nil
		}
	}()
	return r.Run(ctx)
}

// TestLatePublishOfDeadIncarnation: a publish that a dead relay left in
// flight lands after its successor has read the stream's last sequence
// (simulated by publishing the next event from another connection at the
// "resumed" point, three times). The successor's own publish of that
// position is refused by the expected-sequence guard, it re-reads the
// stream and goes on: nothing is doubled or skipped.
func TestLatePublishOfDeadIncarnation(t *testing.T) {
	t.Parallel()
	// With one publish in flight, each ghost costs the relay one resume;
	// with many, the publishes after the refused one land in place.
	for _, inflight := range []int{1, 2000} {
		t.Run(fmt.Sprint("in-flight ", inflight), func(t *testing.T) { testLatePublish(t, inflight) })
	}
}

func testLatePublish(t *testing.T, inflight int) {
	const total = 50
	store := newStore(t)
	_, url := testenv.NATS(t)
	mustAppend(t, newAppender(store), total)
	js := jetStream(t, url)
	ghosts := 0
	var r *relay.Relay
	hook := func(point string) {
		next := r.Published() + 1
		if point != relay.FaultResumed || ghosts == 3 || next > total {
			return
		}
		recs, err := store.ReadAll(context.Background(), next-1, 1, eventstore.Filter{})
		if err != nil || len(recs) != 1 {
			t.Errorf("reading position %d: %v", next, err)
			return
		}
		if _, err := js.PublishMsg(context.Background(), relay.Message(&recs[0]), jetstream.WithExpectLastSequence(uint64(next-1))); err != nil {
			t.Errorf("ghost publish of %d: %v", next, err)
		}
		ghosts++
	}
	var err error
	r, err = relay.New(relay.Config{Store: store, NATSURL: url, Logger: quiet, FaultHook: hook,
		MaxInFlight: inflight, MaxBackoff: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	waitCaughtUp(t, r, 20*time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if inflight == 1 && ghosts != 3 || ghosts == 0 {
		t.Fatalf("%d ghost publishes; want 3 with one publish in flight, at least 1 otherwise", ghosts)
	}
	checkStream(t, url, store)
}

// TestForeignWriter: a message from another writer lands in the stream
// while the relay is publishing (here: just after it resumed). The relay's
// own publish of that position is refused; the events it already had in
// flight land after the foreign message, each at its position. When the
// relay resumes it finds the foreign message among the last messages it
// checks and stops with ErrDiverged, building nothing more on it.
func TestForeignWriter(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	_, url := testenv.NATS(t)
	a := newAppender(store)
	mustAppend(t, a, 20)
	run := start(t, relay.Config{Store: store, NATSURL: url})
	waitCaughtUp(t, run.relay, 20*time.Second)
	run.stop(t)
	mustAppend(t, a, 30)

	js := jetStream(t, url)
	ctx := context.Background()
	foreign := 0
	hook := func(point string) {
		if point == relay.FaultResumed && foreign == 0 {
			foreign++
			if _, err := js.Publish(ctx, "aid.X.Y.visit_conducted", []byte("{}"), jetstream.WithMsgID("foreign")); err != nil {
				t.Errorf("foreign publish: %v", err)
			}
		}
	}
	const inflight = 10
	r, err := relay.New(relay.Config{Store: store, NATSURL: url, Logger: quiet, FaultHook: hook, MaxInFlight: inflight})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	runErr := r.Run(runCtx)
	if !errors.Is(runErr, relay.ErrDiverged) || !strings.Contains(runErr.Error(), "message 21 ") {
		t.Fatalf("Run: %v, want ErrDiverged naming message 21", runErr)
	}
	stream, err := js.Stream(ctx, relay.DefaultStreamName)
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The events in flight with 21 (22 … 20+inflight at most) follow it.
	if last := info.State.LastSeq; last < 21 || last > 20+inflight || info.State.Msgs != last {
		t.Fatalf("stream holds %d messages up to sequence %d, want at most %d after the foreign message 21",
			info.State.Msgs, last, inflight-1)
	}
	if msg, err := stream.GetMsg(ctx, 21); err != nil || msg.Header.Get(jetstream.MsgIDHeader) != "foreign" {
		t.Fatalf("message 21: %v %v, want the foreign one", msg, err)
	}
	recs, err := store.ReadAll(ctx, 21, 50, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[:info.State.LastSeq-21] {
		msg, err := stream.GetMsg(ctx, uint64(rec.Position))
		if err != nil || msg.Header.Get(jetstream.MsgIDHeader) != rec.ID {
			t.Fatalf("message %d: %v %v, want the ledger's event %s", rec.Position, msg, err, rec.ID)
		}
	}
	t.Logf("Run: %v; the stream ends at %d", runErr, info.State.LastSeq)
}

// Package demo loads a realistic demonstration data set through the ledger's
// own commands: two donor districts, their pairings across programmes, and
// a few hundred entries over two fiscal years, with reversals, an
// adjustment and an approved over-commitment.
//
// The commands are planned first, then issued in order of their business
// dates on a clock that runs a few days behind them, as an office keeping
// its books would have: an entry is recorded soon after the day it
// happened, so a year-end summary of the demo shows the occasional late
// entry, not a year of them. Every command carries a deterministic
// idempotency key and the data come from a fixed seed, so loading again
// writes nothing new.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
)

// Admin is the principal the demo records under.
var Admin = auth.Principal{Name: "演示数据", Role: auth.RoleAdmin}

// keyPrefix starts every demo idempotency key. An earlier version of the
// demo keyed its commands "demo-NNNNN" in another order; keyPrefix differs
// so that such a ledger is recognised (ErrOlderDemo) rather than doubled.
const (
	keyPrefix    = "demo2-"
	olderDemoKey = "demo-00001"
)

// ErrOlderDemo is returned by Load for a ledger holding the data of an
// earlier version of the demo, which this one would double.
var ErrOlderDemo = errors.New("this ledger holds the data of an earlier version of the demo; start the demo on a new data directory")

// booksOpened is when the demo office began keeping its books in the
// ledger: the pairings are registered that day.
var booksOpened = events.DateOf(2025, time.January, 2)

type pairingSpec struct {
	donor     ledger.UnitInput
	partner   ledger.UnitInput
	programme string
	from, to  string
	scale     int64 // typical disbursement in fen
}

var (
	zhonglou = ledger.UnitInput{Code: "320404", Name: "常州市钟楼区", ShortName: "钟楼"}
	linan    = ledger.UnitInput{Code: "330112", Name: "杭州市临安区", ShortName: "临安"}
	pairings = []pairingSpec{
		{zhonglou, ledger.UnitInput{Code: "632624", Name: "班玛县", ShortName: "班玛"}, "counterpart_support", "2021-01-01", "2030-12-31", 30_000_000},
		{zhonglou, ledger.UnitInput{Code: "610927", Name: "镇坪县", ShortName: "镇坪"}, "east_west", "2021-01-01", "2030-12-31", 20_000_000},
		{linan, ledger.UnitInput{Code: "513331", Name: "白玉县", ShortName: "白玉"}, "east_west", "2021-01-01", "2030-12-31", 40_000_000},
		{linan, ledger.UnitInput{Code: "330825", Name: "龙游县", ShortName: "龙游"}, "mountain_sea", "2023-01-01", "2027-12-31", 10_000_000},
		{linan, ledger.UnitInput{Code: "330127", Name: "淳安县", ShortName: "淳安"}, "mountain_sea", "2023-01-01", "2027-12-31", 8_000_000},
		{linan, ledger.UnitInput{Code: "500102", Name: "重庆市涪陵区", ShortName: "涪陵"}, "counterpart_support", "2021-01-01", "2030-12-31", 15_000_000},
	}
	years = []int{2025, 2026}
)

// Summary says what Load did.
type Summary struct {
	Commands int   // commands issued
	Written  int   // commands that wrote events (the rest were repeats)
	Position int64 // ledger position after loading
}

// step is one planned command: run on the day it happened (or soon after),
// its result kept in out for the steps that refer to it.
type step struct {
	date events.Date
	what string
	run  func(ledger.Request) (*ledger.Written, error)
	out  *ledger.Written
}

// loader plans the demo's commands.
type loader struct {
	ctx   context.Context
	l     *ledger.Ledger
	rng   *rand.Rand
	steps []step
}

// Load records the demo data set in store, each command on a clock a few
// days after its business date (never after now). Running it again on the
// same ledger writes nothing new.
func Load(ctx context.Context, store *eventstore.Store) (Summary, error) {
	var sum Summary
	switch _, err := store.Idempotency(ctx, olderDemoKey); {
	case err == nil:
		return sum, ErrOlderDemo
	case !errors.Is(err, eventstore.ErrNotFound):
		return sum, fmt.Errorf("demo: %w", err)
	}
	clock := &scenarioClock{rng: rand.New(rand.NewPCG(2025, 1205))}
	l, err := ledger.New(ledger.Config{Store: store, Now: clock.Now})
	if err != nil {
		return sum, fmt.Errorf("demo: %w", err)
	}
	ld := &loader{ctx: ctx, l: l, rng: rand.New(rand.NewPCG(2025, 1122))}
	for _, p := range pairings {
		ld.pairing(p)
	}
	slices.SortStableFunc(ld.steps, func(a, b step) int { return a.date.Time().Compare(b.date.Time()) })
	for i, s := range ld.steps {
		clock.advance(s.date)
		w, err := s.run(ledger.Request{Principal: Admin, IdempotencyKey: fmt.Sprintf("%s%05d", keyPrefix, i+1)})
		if err != nil {
			return sum, fmt.Errorf("demo %s dated %s (command %d): %w", s.what, s.date, i+1, err)
		}
		*s.out = *w
		sum.Commands++
		if !w.Replayed {
			sum.Written++
		}
		sum.Position = max(sum.Position, w.Position)
	}
	return sum, nil
}

// at plans a command keyed in on day d (or up to three days after) — as a
// rule its business date; what it writes is found, once it has run, in the
// Written returned (steps keyed in later may refer to it).
func (ld *loader) at(d events.Date, what string, run func(ledger.Request) (*ledger.Written, error)) *ledger.Written {
	out := new(ledger.Written)
	ld.steps = append(ld.steps, step{date: d, what: what, run: run, out: out})
	return out
}

// between returns a random amount in [lo, hi] fen, rounded to whole 元.
func (ld *loader) between(lo, hi int64) int64 { return (lo + ld.rng.Int64N(hi-lo+1)) / 100 * 100 }

// day returns a date in month m of year y (months after October 2026 are
// kept out: the demo must never be dated in the future).
func (ld *loader) day(y, m int) events.Date {
	if y == 2026 && m > 10 {
		m = 10
	}
	return events.DateOf(y, time.Month(m), 1+ld.rng.IntN(28))
}

// scenarioClock is the demo ledger's clock: some office hours within a few
// days after the business date of the command being issued, never going
// back and never beyond now.
type scenarioClock struct {
	rng  *rand.Rand
	last time.Time
}

// advance sets the clock for a command dated d.
func (c *scenarioClock) advance(d events.Date) {
	delay := time.Duration(c.rng.IntN(4))*24*time.Hour + time.Duration(9*60+c.rng.IntN(8*60))*time.Minute
	t := d.Time().Add(delay - 8*time.Hour) // office hours in China (UTC+8)
	if next := c.last.Add(time.Minute); t.Before(next) {
		t = next
	}
	if now := time.Now(); now.Before(t) {
		t = now
	}
	c.last = t
}

// Now is the ledger's clock.
func (c *scenarioClock) Now() time.Time { return c.last }

// Package demo loads a realistic demonstration data set through the ledger's
// own commands: two donor districts, their pairings across programmes, and
// a few hundred entries over two fiscal years, with reversals, an
// adjustment and an approved over-commitment.
//
// Every command carries a deterministic idempotency key and the data come
// from a fixed seed, so loading again writes nothing new.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
)

// Admin is the principal the demo records under.
var Admin = auth.Principal{Name: "演示数据", Role: auth.RoleAdmin}

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

// loader issues the demo's commands.
type loader struct {
	l   *ledger.Ledger
	rng *rand.Rand
	n   int
	sum Summary
}

// Load records the demo data set through l. Running it again on the same
// ledger writes nothing new.
func Load(ctx context.Context, l *ledger.Ledger) (Summary, error) {
	ld := &loader{l: l, rng: rand.New(rand.NewPCG(2025, 1122))}
	for _, p := range pairings {
		if err := ld.pairing(ctx, p); err != nil {
			return ld.sum, err
		}
	}
	return ld.sum, nil
}

// do runs one command with the next deterministic idempotency key.
func (ld *loader) do(ctx context.Context, what string, run func(ledger.Request) (*ledger.Written, error)) (*ledger.Written, error) {
	ld.n++
	w, err := run(ledger.Request{Principal: Admin, IdempotencyKey: fmt.Sprintf("demo-%05d", ld.n)})
	if err != nil {
		return nil, fmt.Errorf("demo %s (command %d): %w", what, ld.n, err)
	}
	ld.sum.Commands++
	if !w.Replayed {
		ld.sum.Written++
	}
	ld.sum.Position = max(ld.sum.Position, w.Position)
	return w, nil
}

// between returns a random amount in [lo, hi] fen, rounded to whole 元.
func (ld *loader) between(lo, hi int64) int64 { return (lo + ld.rng.Int64N(hi-lo+1)) / 100 * 100 }

// day returns a date in month m of year y (months after October 2026 are
// kept out: the demo must never be dated in the future).
func (ld *loader) day(y, m int) string {
	if y == 2026 && m > 10 {
		m = 10
	}
	return fmt.Sprintf("%d-%02d-%02d", y, m, 1+ld.rng.IntN(28))
}

package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/aidledger/aidledger/projections"
)

// rebuildGCPercent is the GOGC of a rebuild.
const rebuildGCPercent = 400

// ReplayCmd rebuilds a read model from the stream.
type ReplayCmd struct {
	DatabaseFlags
	NATSFlags
	Projection string `name:"projection" required:"" help:"Read model to rebuild (balances, audittrail, yearend)."`
}

// Run rebuilds the projection from JetStream sequence 1 into fresh tables,
// switches over atomically, and prints the checksums of the live and the
// rebuilt read model at the same position.
func (c *ReplayCmd) Run(ctx context.Context, log *slog.Logger) error {
	var p projections.Projection
	var names []string
	for _, m := range readModels() {
		names = append(names, m.Name())
		if m.Name() == c.Projection {
			p = m
		}
	}
	if p == nil {
		return fmt.Errorf("unknown projection %q (known: %s)", c.Projection, strings.Join(names, ", "))
	}
	s, err := openStack(ctx, log, c.DatabaseFlags, c.NATSFlags)
	if err != nil {
		return err
	}
	defer s.Close()
	// A rebuild is a batch job that allocates fast: collect garbage four
	// times less often (measured: ~18% faster, a few hundred MB more).
	debug.SetGCPercent(rebuildGCPercent)
	report, finish := progress("rebuilding "+p.Name(), "events")
	res, err := projections.Rebuild(ctx, projections.RebuildConfig{Pool: s.db.Pool, NATSURL: s.readerURL, Projection: p, Progress: report, Logger: log})
	finish()
	if err != nil {
		return err
	}
	rate := float64(res.Events) / res.Duration.Seconds()
	fmt.Printf("rebuilt %s: %d events in %s (%.0f events/s), switched over at position %d\n", p.Name(), res.Events, res.Duration.Round(1e6), rate, res.Position)
	fmt.Printf("live checksum:    %s\nrebuilt checksum: %s\n", res.Live, res.Rebuilt)
	if !res.Match {
		for _, d := range res.Diffs {
			fmt.Printf("  differs: %+v\n", d)
		}
		return fmt.Errorf("the rebuilt %s differs from the live one (the rebuilt one is now live)", p.Name())
	}
	fmt.Println("identical: the live read model is exactly what its events give")
	return nil
}

package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/reporting/evidence"
)

// ExportCmd writes an evidence bundle.
type ExportCmd struct {
	DatabaseFlags
	SummaryFlags
	Out string `required:"" help:"Write the bundle (a ZIP archive) to this file; it is replaced only once the bundle is complete."`
}

// Run exports the bundle of the year-end summary the flags name (see
// evidence.ExportFile), recorded in the access log under actor
// "operator", and prints what it holds. The yearend read model must be
// kept up to date by a running projector.
func (c *ExportCmd) Run(ctx context.Context, log *slog.Logger) error {
	req, err := c.request()
	if err != nil {
		return err
	}
	s, err := openLedger(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.waitYearend(ctx, c.Wait); err != nil {
		return err
	}
	report, finish := progress("exporting", "events")
	b, err := evidence.ExportFile(ctx, s.db.Pool, auth.NewAccessLog(s.db.Pool), operator, req, c.Out, report)
	finish()
	if err != nil {
		return err
	}
	m := b.Manifest
	fmt.Printf("evidence bundle %s (%d bytes, seal sha256 %s)\n", c.Out, b.Bytes, b.Seal)
	fmt.Printf("  year-end summary of %s %s for %d to %s, profile %s\n", m.Donor.Code, m.Donor.Name, m.Year, m.Cutoff, m.Profile)
	fmt.Printf("  chain segment: positions %d..%d (%d events, %d of the donor), anchored on %s at %d\n",
		m.Chain.FirstPosition, m.Chain.HeadPosition, m.Events, m.DonorEvents, m.Chain.AnchorHash, m.Chain.AnchorPosition)
	fmt.Printf("  head hash: %s\n", m.Chain.HeadHash)
	if b.Checkpoint > 0 {
		fmt.Printf("  transparency log: carries the checkpoint of %d events and the proof that the segment is in it\n", b.Checkpoint)
	} else {
		fmt.Printf("  transparency log: NO checkpoint covers position %d yet — export again once one is signed (serve signs every few seconds) to carry the proof\n",
			m.Chain.HeadPosition)
	}
	fmt.Printf("check it offline with: aidledger verify --bundle %s [--key LEDGER.pub --witness-key WITNESS.pub]\n", c.Out)
	return nil
}

package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/aidledger/aidledger/events/transparency"

	"github.com/aidledger/aidledger/services/reporting/evidence"
	"github.com/aidledger/aidledger/services/reporting/verify"
)

// VerifyCmd checks the ledger end to end (register it in CLI as
//
//	Verify VerifyCmd `cmd:"" help:"Verify the hash chain, the stream and the read models; exit 0 ok, 1 discrepancy, 2 could not run."`
//
// ).
type VerifyCmd struct {
	DatabaseFlags
	NATSFlags
	From        int64  `name:"from" default:"1" help:"First position to verify; the chain is anchored on the hash stored at the one before."`
	Stream      bool   `name:"stream" help:"Compare the JetStream stream with the log, message by message."`
	Projections bool   `name:"projections" help:"Rebuild every read model into scratch tables from the stream and diff it against the live one."`
	JSON        bool   `name:"json" help:"Print a machine-readable JSON summary on stdout."`
	Bundle      string `name:"bundle" help:"Check this evidence bundle (from aidledger export) offline instead: no database, no NATS."`
	// Checkpoints are checkpoint notes kept from earlier (aidledger
	// checkpoint --out, a witness's state); Key the log's public key.
	Checkpoints []string `name:"checkpoint" type:"existingfile" help:"A checkpoint kept from earlier (aidledger checkpoint --out, a witness's state), repeatable: the ledger must extend the tree it signs, whatever else was rewritten to match."`
	Key         string   `name:"key" type:"existingfile" help:"The ledger log's public key (its .pub file), which must have signed each --checkpoint, or the checkpoint a --bundle carries."`
	WitnessKeys []string `name:"witness-key" type:"existingfile" help:"With --bundle: a witness's public key (repeatable); the bundle's checkpoint must carry its cosignature, which it gives only to a tree that extends what it saw before."`
}

// Run verifies and EXITS THE PROCESS ITSELF unless everything holds, since
// the command's exit code carries the verdict: 0 when all holds (Run
// returns nil), 1 on any discrepancy, 2 when the check could not run. It
// closes the database (and a private cluster or embedded NATS server)
// before exiting.
func (c *VerifyCmd) Run(ctx context.Context, log *slog.Logger) error {
	if code := c.run(ctx, log); code != verify.ExitOK {
		os.Exit(code)
	}
	return nil
}

// jsonSummary is what --json prints: the report, or why there is none.
type jsonSummary struct {
	verify.Report
	ExitCode int    `json:"exit_code"`
	Error    string `json:"error,omitempty"`
}

// run does the work and returns the exit code; everything it opens is
// closed when it returns.
func (c *VerifyCmd) run(ctx context.Context, log *slog.Logger) int {
	if c.Bundle != "" {
		return c.verifyBundle()
	}
	rep, err := c.verify(ctx, log)
	code := verify.ExitCode(rep, err)
	return c.verdict(code, err, &jsonSummary{Report: rep, ExitCode: code, Error: errText(err)}, func() { printReport(rep) })
}

func (c *VerifyCmd) verify(ctx context.Context, log *slog.Logger) (verify.Report, error) {
	cfg := verify.Config{From: c.From, Stream: c.Stream, Projections: c.Projections, Logger: log}
	if c.Key != "" {
		key, err := transparency.LoadVerifier(c.Key)
		if err != nil {
			return verify.Report{}, err
		}
		cfg.LogKey = key
	}
	for _, f := range c.Checkpoints {
		b, err := os.ReadFile(f)
		if err != nil {
			return verify.Report{}, err
		}
		cfg.Checkpoints = append(cfg.Checkpoints, b)
	}
	if c.Stream || c.Projections {
		s, err := openStack(ctx, log, c.DatabaseFlags, c.NATSFlags)
		if err != nil {
			return verify.Report{}, err
		}
		defer s.Close()
		cfg.Pool, cfg.NATSURL, cfg.ReadModels = s.db.Pool, s.readerURL, readModels()
	} else {
		db, err := openDatabase(ctx, c.DatabaseFlags, log)
		if err != nil {
			return verify.Report{}, err
		}
		defer db.Close()
		cfg.Pool = db.Pool
	}
	var finish func()
	cfg.Progress, finish = progress("verifying", "events")
	rep, err := verify.Run(ctx, cfg)
	finish()
	return rep, err
}

// printReport writes the human-readable verdict on stdout.
func printReport(rep verify.Report) {
	fmt.Printf("ledger head: position %d, hash %s\n", rep.Head.Position, rep.Head.Hash)
	if b := rep.ChainBreak; b != nil {
		fmt.Printf("CHAIN BROKEN at position %d (%s): %s\n", b.Position, b.Kind, b.Reason)
		fmt.Printf("  %d events from position %d verified before it\n", rep.Checked, rep.From)
	} else {
		fmt.Printf("hash chain: %d events from position %d verified (anchor %s)\n", rep.Checked, rep.From, rep.Anchor)
	}
	if s := rep.Stream; s != nil {
		fmt.Printf("stream %s: %d positions compared (sequences %d..%d), %d mismatches", s.Name, s.Compared, s.FirstSeq, s.LastSeq,
			int64(len(rep.StreamMismatches))+s.Omitted)
		if s.Lag > 0 {
			fmt.Printf(", %d events not yet published", s.Lag)
		}
		fmt.Println()
		for _, m := range rep.StreamMismatches {
			fmt.Printf("  position %d (%s): %s\n", m.Position, m.Kind, m.Reason)
		}
		if s.Omitted > 0 {
			fmt.Printf("  … and %d more\n", s.Omitted)
		}
	}
	for _, p := range rep.Projections {
		switch {
		case p.Error != "":
			fmt.Printf("read model %s: NOT REBUILT: %s\n", p.Name, p.Error)
		case p.Match:
			fmt.Printf("read model %s: identical to its rebuild at position %d\n", p.Name, p.Position)
		default:
			fmt.Printf("read model %s: DIFFERS from its rebuild at position %d (%d rows)\n", p.Name, p.Position, p.Diffs)
			for _, d := range rep.ProjectionDiffs {
				if d.Projection == p.Name {
					fmt.Printf("  %s %s: live %v, rebuilt %v\n", d.Table, d.Key, d.Live, d.Rebuilt)
				}
			}
			if p.Omitted > 0 {
				fmt.Printf("  … and %d more\n", p.Omitted)
			}
		}
	}
	for _, m := range rep.SummaryMismatches {
		fmt.Printf("published summary at position %d (event %s): %s\n", m.Position, m.EventID, m.Reason)
	}
	if t := rep.Tree; t != nil {
		if t.Reason != "" {
			fmt.Printf("transparency log: DIFFERS: %s\n", t.Reason)
		} else {
			fmt.Printf("transparency log: the stored tree's %d leaves are the events' (%d events)\n", t.Stored, t.Events)
		}
	}
	for _, c := range rep.Checkpoints {
		if c.OK {
			fmt.Printf("checkpoint %s size %d (root %s): the ledger extends it\n", c.Origin, c.Size, c.Root)
		} else {
			fmt.Printf("checkpoint %s size %d: NOT EXTENDED: %s\n", c.Origin, c.Size, c.Reason)
		}
	}
	if rep.OK {
		fmt.Println("OK: everything checked holds")
	} else {
		fmt.Println("DISCREPANCY: see above")
	}
}

// bundleSummary is what --json prints for --bundle.
type bundleSummary struct {
	*evidence.Result
	ExitCode int    `json:"exit_code"`
	Error    string `json:"error,omitempty"`
}

// verifyBundle checks c.Bundle offline and returns the exit code.
func (c *VerifyCmd) verifyBundle() int {
	if c.Stream || c.Projections || c.From != 1 {
		fmt.Fprintln(os.Stderr, "aidledger verify: --bundle checks a bundle alone; it takes neither --stream, --projections nor --from")
		return verify.ExitCannotRun
	}
	keys, err := c.bundleKeys()
	if err != nil {
		fmt.Fprintln(os.Stderr, "aidledger verify:", err)
		return verify.ExitCannotRun
	}
	res, err := evidence.VerifyFile(c.Bundle, keys)
	code := verify.ExitOK
	switch {
	case err != nil:
		code = verify.ExitCannotRun
	case !res.OK:
		code = verify.ExitDiscrepancy
	}
	return c.verdict(code, err, &bundleSummary{Result: res, ExitCode: code, Error: errText(err)}, func() { printBundleResult(c.Bundle, res) })
}

// bundleKeys are the keys --key and --witness-key name.
func (c *VerifyCmd) bundleKeys() (evidence.Keys, error) {
	var keys evidence.Keys
	if c.Key != "" {
		k, err := transparency.LoadVerifier(c.Key)
		if err != nil {
			return keys, err
		}
		keys.LogKey = k
	}
	for _, f := range c.WitnessKeys {
		if keys.LogKey == nil {
			return keys, fmt.Errorf("--witness-key needs --key (the ledger log's public key)")
		}
		w, err := transparency.LoadVerifier(f)
		if err != nil {
			return keys, err
		}
		keys.Witnesses = append(keys.Witnesses, w)
	}
	return keys, nil
}

// verdict prints the outcome — summary as JSON with --json, else human
// (only when the check ran) — reports a failure to run on stderr, and
// returns the exit code (ExitCannotRun when the JSON cannot be written).
func (c *VerifyCmd) verdict(code int, err error, summary any, human func()) int {
	if c.JSON {
		if jerr := printJSON(summary); jerr != nil {
			fmt.Fprintln(os.Stderr, "aidledger verify:", jerr)
			return verify.ExitCannotRun
		}
	} else if err == nil {
		human()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "aidledger verify: could not run:", err)
	}
	return code
}

// errText is err's message, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// printBundleResult writes the human-readable verdict on a bundle.
func printBundleResult(path string, res *evidence.Result) {
	fmt.Printf("evidence bundle %s (seal sha256 %s)\n", path, res.Seal)
	if m := res.Manifest; m != nil {
		fmt.Printf("  year-end summary of %s %s for %d to %s, profile %s\n", m.Donor.Code, m.Donor.Name, m.Year, m.Cutoff, m.Profile)
		fmt.Printf("  chain segment: positions %d..%d (%d events), anchored on %s at %d\n",
			m.Chain.FirstPosition, m.Chain.HeadPosition, m.Events, m.Chain.AnchorHash, m.Chain.AnchorPosition)
		fmt.Printf("  head hash: %s\n", m.Chain.HeadHash)
	}
	if cp := res.Checkpoint; cp != nil {
		fmt.Printf("  transparency log: checkpoint %s of %d events (root %s)", cp.Origin, cp.Size, cp.Root)
		if cp.Signed {
			fmt.Print(", signature checked")
		}
		if len(cp.Cosigners) > 0 {
			fmt.Printf(", cosigned by %s", strings.Join(cp.Cosigners, ", "))
		}
		fmt.Println()
	}
	for _, p := range res.Problems {
		where := p.Check
		if p.Member != "" {
			where += " " + p.Member
		}
		if p.Position != 0 {
			where += fmt.Sprintf(" position %d", p.Position)
		}
		fmt.Printf("PROBLEM (%s): %s\n", where, p.Reason)
	}
	for _, n := range res.Notes {
		fmt.Printf("NOTE: %s\n", n)
	}
	if res.OK {
		fmt.Println("OK: seal, manifest, hash chain and the summary recomputed from the events all hold")
		fmt.Println("compare the head hash with the one the ledger published for this summary")
	} else {
		fmt.Println("DISCREPANCY: see above")
	}
}

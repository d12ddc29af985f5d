package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/reporting/summary"
)

// ReportCmd groups the reports.
type ReportCmd struct {
	Yearend YearendCmd `cmd:"" help:"A donor's year-end summary (年度总结)."`
}

// SummaryFlags say which year-end summary: shared by report yearend and
// export.
type SummaryFlags struct {
	Donor   string        `required:"" help:"Donor code."`
	Year    int           `required:"" help:"Fiscal year."`
	Cutoff  string        `help:"Statistical cut-off date YYYY-MM-DD (default 31 December)."`
	Profile string        `default:"official" enum:"official,exact,approx" help:"Rounding profile."`
	Style   string        `placeholder:"by_pairing|by_programme" help:"The paragraph: a clause group per pairing (by_pairing), or a sentence per programme (by_programme); by default the donor's, else by_pairing."`
	Lead    string        `help:"A sentence the paragraph opens with."`
	Wait    time.Duration `default:"10s" help:"How long to wait for the read model to reach the ledger head."`

	AtPosition   int64  `name:"at-position" help:"Compute as the ledger stood at this position."`
	AsRecordedAt string `name:"as-recorded-at" help:"Compute as the ledger stood at this instant (RFC 3339, or a date: the end of that day, UTC+8)."`
}

// request is the summary the flags ask for (format and language aside).
func (f *SummaryFlags) request() (summary.Request, error) {
	req := summary.Request{DonorCode: f.Donor, Year: f.Year, Profile: f.Profile, Style: f.Style, Lead: f.Lead, AtPosition: f.AtPosition}
	var err error
	if f.Cutoff != "" {
		if req.Cutoff, err = events.ParseDate(f.Cutoff); err != nil {
			return req, fmt.Errorf("--cutoff: %w", err)
		}
	}
	if f.AsRecordedAt != "" {
		if req.AsRecordedAt, err = events.ParseInstant(f.AsRecordedAt); err != nil {
			return req, fmt.Errorf("--as-recorded-at: %w", err)
		}
	}
	return req, nil
}

// YearendCmd generates a year-end summary.
type YearendCmd struct {
	DatabaseFlags
	SummaryFlags
	Format string `default:"text" enum:"text,md,json,csv,xlsx,pdf" help:"text, md, json, csv, xlsx or pdf."`
	Lang   string `default:"zh" enum:"zh,en" help:"zh or en."`
	// Publish records the summary as handed in.
	Publish bool   `help:"Record the summary as published (a SummaryGenerated event: the office hands it in); without it nothing is recorded."`
	Out     string `help:"Write to this file instead of stdout."`
}

// Run computes the summary from the yearend read model (kept up to date
// by a running projector), records it as a SummaryGenerated event when
// asked to publish it, and writes it out. The operator acts as an admin.
func (c *YearendCmd) Run(ctx context.Context, log *slog.Logger) error {
	req, err := c.request()
	if err != nil {
		return err
	}
	req.Format, req.Lang = c.Format, c.Lang
	s, err := openLedger(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.waitYearend(ctx, c.Wait); err != nil {
		return err
	}
	var res *summary.Result
	if c.Publish {
		res, err = summary.Publish(ctx, s.db.Pool, s.ledger, operator, req)
	} else {
		res, err = summary.Render(ctx, s.db.Pool, operator, req)
	}
	if err != nil {
		return err
	}
	defer res.Close()
	if res.Recorded != nil {
		log.Info("year-end summary published", "position", res.Position, "chain_hash", res.ChainHash,
			"recorded_at_position", res.Recorded.Position, "replayed", res.Recorded.Replayed)
	} else {
		log.Info("year-end summary", "position", res.Position, "chain_hash", res.ChainHash)
	}
	if c.Out == "" {
		_, err = res.WriteTo(os.Stdout)
		return err
	}
	return writeFile(c.Out, res)
}

// operator is the principal the CLI acts, reads and logs access under.
var operator = auth.Principal{Name: "operator", Role: auth.RoleAdmin}

// waitYearend waits up to wait for the yearend read model (kept up to
// date by a running projector) to reach the ledger head; when it does
// not, it warns and lets the caller go on at the position the model
// reflects.
func (s *stack) waitYearend(ctx context.Context, wait time.Duration) error {
	head, _, err := s.store.Head(ctx)
	if err != nil {
		return err
	}
	reached, err := projections.WaitFor(ctx, s.db.Pool, yearend.New(), head, wait)
	if errors.Is(err, projections.ErrNotReached) {
		s.log.Warn("the yearend read model is behind the ledger; the summary shows the position it reflects (is a projector running?)",
			"read_model", reached, "ledger_head", head)
		return nil
	}
	return err
}

// writeFile writes the summary to the file path, replacing it; a failed
// write leaves no partial file.
func writeFile(path string, res *summary.Result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = res.WriteTo(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

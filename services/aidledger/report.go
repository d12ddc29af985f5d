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
	"github.com/aidledger/aidledger/services/summary"
)

// ReportCmd groups the reports.
type ReportCmd struct {
	Yearend YearendCmd `cmd:"" help:"A donor's year-end summary (年度总结)."`
}

// YearendCmd generates a year-end summary.
type YearendCmd struct {
	DatabaseFlags
	Donor   string        `required:"" help:"Donor code."`
	Year    int           `required:"" help:"Fiscal year."`
	Cutoff  string        `help:"Statistical cut-off date YYYY-MM-DD (default 31 December)."`
	Format  string        `default:"text" enum:"text,md,json,csv,xlsx" help:"text, md, json, csv or xlsx."`
	Lang    string        `default:"zh" enum:"zh,en" help:"zh or en."`
	Profile string        `default:"official" enum:"official,exact,approx" help:"Rounding profile."`
	Out     string        `help:"Write to this file instead of stdout."`
	Wait    time.Duration `default:"10s" help:"How long to wait for the read model to reach the ledger head."`

	AtPosition   int64  `name:"at-position" help:"Compute as the ledger stood at this position."`
	AsRecordedAt string `name:"as-recorded-at" help:"Compute as the ledger stood at this instant (RFC 3339, or a date: the end of that day, UTC+8)."`
}

// Run computes the summary from the yearend read model (kept up to date
// by a running projector), records it as a SummaryGenerated event and
// writes it out. The operator acts as an admin.
func (c *YearendCmd) Run(ctx context.Context, log *slog.Logger) error {
	var cutoff events.Date
	if c.Cutoff != "" {
		d, err := events.ParseDate(c.Cutoff)
		if err != nil {
			return fmt.Errorf("--cutoff: %w", err)
		}
		cutoff = d
	}
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer db.Close()
	s := &stack{log: log, db: db}
	s.init()
	head, _, err := s.store.Head(ctx)
	if err != nil {
		return err
	}
	if reached, err := projections.WaitFor(ctx, db.Pool, yearend.New(), head, c.Wait); errors.Is(err, projections.ErrNotReached) {
		log.Warn("the yearend read model is behind the ledger; the summary shows the position it reflects (is a projector running?)",
			"read_model", reached, "ledger_head", head)
	} else if err != nil {
		return err
	}
	req := summary.Request{DonorCode: c.Donor, Year: c.Year, Cutoff: cutoff, Format: c.Format, Lang: c.Lang, Profile: c.Profile, AtPosition: c.AtPosition}
	if c.AsRecordedAt != "" {
		if req.AsRecordedAt, err = events.ParseInstant(c.AsRecordedAt); err != nil {
			return fmt.Errorf("--as-recorded-at: %w", err)
		}
	}
	res, err := summary.Generate(ctx, db.Pool, s.ledger, auth.Principal{Name: "operator", Role: auth.RoleAdmin}, req)
	if err != nil {
		return err
	}
	log.Info("year-end summary", "position", res.Position, "chain_hash", res.ChainHash, "recorded_at_position", res.Recorded.Position)
	if c.Out == "" {
		_, err = os.Stdout.Write(res.Body)
		return err
	}
	return os.WriteFile(c.Out, res.Body, 0o644)
}

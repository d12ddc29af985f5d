package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/reporting/summary"
)

// BalancesCmd prints a donor's balances, live or at a point in time.
type BalancesCmd struct {
	DatabaseFlags
	NATSFlags
	Donor        string `required:"" help:"Donor code."`
	Year         int    `help:"Fiscal year (0: all years)."`
	AtPosition   int64  `name:"at-position" help:"The balances as the first N events of the ledger give them (rebuilt from the stream)."`
	AsRecordedAt string `name:"as-recorded-at" help:"The balances from what had been recorded by this instant (RFC 3339, or a date: the end of that day, UTC+8)."`
	AsOfDate     string `name:"as-of-date" help:"Business dates up to this day, as corrected since (combines with the two above)."`
	JSON         bool   `name:"json" help:"Print {position, data} as JSON."`
}

// Run prints the balances from the live read model or, with a point in
// time, from the read model rebuilt up to it from the stream into a
// scratch schema (balances.ReadAt), as the HTTP API answers them.
func (c *BalancesCmd) Run(ctx context.Context, log *slog.Logger) error {
	var recordedBy time.Time
	var day events.Date
	var err error
	if c.AsRecordedAt != "" {
		if recordedBy, err = events.ParseInstant(c.AsRecordedAt); err != nil {
			return fmt.Errorf("--as-recorded-at: %w", err)
		}
	}
	if c.AsOfDate != "" {
		if day, err = events.ParseDate(c.AsOfDate); err != nil {
			return fmt.Errorf("--as-of-date: %w", err)
		}
	}
	if c.AtPosition > 0 && !recordedBy.IsZero() {
		return errors.New("give at most one of --at-position and --as-recorded-at")
	}
	var rep *balances.DonorReport
	var position int64
	read := func(q balances.Querier) (err error) {
		rep, err = balances.Donor(ctx, q, c.Donor, c.Year)
		return err
	}
	if c.AtPosition == 0 && recordedBy.IsZero() && day.IsZero() {
		db, err := openDatabase(ctx, c.DatabaseFlags, log)
		if err != nil {
			return err
		}
		defer db.Close()
		err = pgx.BeginTxFunc(ctx, db.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			if position, err = projections.Position(ctx, tx, balances.New()); err != nil {
				return err
			}
			return read(tx)
		})
		if err != nil {
			return err
		}
	} else {
		s, err := openStack(ctx, log, c.DatabaseFlags, c.NATSFlags)
		if err != nil {
			return err
		}
		defer s.Close()
		pit := balances.PointInTime{Position: c.AtPosition}
		switch {
		case !recordedBy.IsZero():
			if pit.Position, err = summary.PositionRecordedBy(ctx, s.db.Pool, recordedBy); err != nil {
				return err
			}
			if pit.Position == 0 {
				return fmt.Errorf("nothing had been recorded by %s", recordedBy.Format(time.RFC3339))
			}
		case pit.Position == 0:
			if pit.Position, _, err = s.store.Head(ctx); err != nil {
				return err
			}
		}
		if !day.IsZero() {
			pit.Keep = audittrail.AsOf(day)
		}
		if position, err = balances.ReadAt(ctx, s.db.Pool, s.readerURL, log, pit, read); err != nil {
			return err
		}
	}
	if c.JSON {
		return printJSON(struct {
			Position int64                 `json:"position"`
			Data     *balances.DonorReport `json:"data"`
		}{position, rep})
	}
	return printBalances(position, rep)
}

// printBalances writes a donor's balances as a table, money in 元.
func printBalances(position int64, rep *balances.DonorReport) error {
	year := "all years"
	if rep.Year != 0 {
		year = fmt.Sprint(rep.Year)
	}
	fmt.Printf("%s %s, %s, at ledger position %d\n\n", rep.Donor.Code, rep.Donor.Name, year, position)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "PARTNER\tPROGRAMME\tCOMMITTED 元\tDISBURSED (NET) 元\tOUTSTANDING 元\tRATE\tSOCIAL 元\tCONSUMPTION 元\tSTAFF\tVISITS\t")
	row := func(partner, programme string, f balances.Figures) {
		rate := "-"
		if f.Fiscal.DisbursalRate != nil {
			rate = f.Fiscal.DisbursalRate.Percent
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t\n", partner, programme, events.Yuan(f.Fiscal.CommittedTotalFen),
			events.Yuan(f.Fiscal.NetDisbursedFen), events.Yuan(f.Fiscal.OutstandingFen), rate, events.Yuan(f.Social.TotalNetFen),
			events.Yuan(f.Consumption.TotalNetFen), f.Staff.Persons, f.Visits)
	}
	for _, p := range rep.Pairings {
		row(p.Partner.Code+" "+p.Partner.Name, p.Programme, p.Figures)
	}
	row("TOTAL", "", rep.Totals)
	return w.Flush()
}

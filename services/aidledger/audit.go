package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"text/tabwriter"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/audittrail"
)

// AuditCmd prints the audit trail, optionally as it stood at a point in
// time.
type AuditCmd struct {
	DatabaseFlags
	PairingID    string `name:"pairing" help:"Only this pairing's events."`
	Type         string `help:"Only this event type, e.g. aid.funds_disbursed."`
	DocumentNo   string `name:"document-no" help:"Only this document, voucher, receipt or order number."`
	EntityID     string `name:"entity" help:"Only events touching this entity."`
	AtPosition   int64  `name:"at-position" help:"The log as it stood at this position."`
	AsRecordedAt string `name:"as-recorded-at" help:"Only what had been recorded by this instant (RFC 3339, or a date: the end of that day, UTC+8)."`
	AsOfDate     string `name:"as-of-date" help:"Business dates up to this day, as corrected since."`
	Limit        int    `default:"100" help:"Page size (at most 1000)."`
	After        int64  `help:"Continue after this position (the previous page's next)."`
	JSON         bool   `name:"json" help:"Print JSON."`
}

// Run prints one page of the audit trail from its read model.
func (c *AuditCmd) Run(ctx context.Context, log *slog.Logger) error {
	f := audittrail.Filter{PairingID: c.PairingID, Type: c.Type, DocumentNo: c.DocumentNo, EntityID: c.EntityID,
		AtPosition: c.AtPosition, AfterPosition: c.After, Limit: c.Limit}
	var err error
	if c.AsRecordedAt != "" {
		if f.AsRecordedAt, err = events.ParseInstant(c.AsRecordedAt); err != nil {
			return fmt.Errorf("--as-recorded-at: %w", err)
		}
	}
	if c.AsOfDate != "" {
		if f.AsOfDate, err = events.ParseDate(c.AsOfDate); err != nil {
			return fmt.Errorf("--as-of-date: %w", err)
		}
	}
	if err := f.Validate(); err != nil {
		return err
	}
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer db.Close()
	page, err := audittrail.Query(ctx, db.Pool, f)
	if err != nil {
		return err
	}
	if c.JSON {
		return printJSON(page)
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "position\trecorded_at\tactor\ttype\tbusiness_date\tamount_fen\tdocument\tentity")
	for _, e := range page.Entries {
		amount := ""
		if e.AmountFen != nil {
			amount = fmt.Sprint(*e.AmountFen)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Position, e.RecordedAt.In(events.ChinaTime).Format("2006-01-02 15:04:05"),
			e.Actor, e.LabelZH, e.BusinessDate, amount, e.DocumentNo, e.EntityID)
	}
	if page.NextAfter > 0 {
		fmt.Fprintf(w, "\nmore: --after %d\n", page.NextAfter)
	}
	return w.Flush()
}

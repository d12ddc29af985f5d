package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"text/tabwriter"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/reporting/history"
)

// HistoryCmd prints the history of one entity from the book of record.
type HistoryCmd struct {
	DatabaseFlags
	ID   string `arg:"" name:"id" help:"Id of a pairing, commitment, disbursement, project, donation, purchase, sale, secondment or visit."`
	JSON bool   `name:"json" help:"Print the history as JSON instead of a table."`
}

// Run reads the history (history.Of), records the read in the access log
// as actor "operator" before printing anything — a failed log write prints
// nothing — and prints the steps as a table or, with --json, as JSON.
func (c *HistoryCmd) Run(ctx context.Context, log *slog.Logger) error {
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer db.Close()
	h, herr := history.Of(ctx, eventstore.New(db.Pool), c.ID)
	var outcome string
	switch {
	case errors.Is(herr, history.ErrNotFound):
		outcome = "not found"
	case herr != nil:
		outcome = "failed: " + herr.Error()
	default:
		outcome = h.Kind + ", " + strconv.Itoa(len(h.Steps)) + " steps"
	}
	if err := auth.NewAccessLog(db.Pool).Record(ctx, operator, "history.read", c.ID, outcome); err != nil {
		return fmt.Errorf("history: not shown: %w", err)
	}
	if herr != nil {
		return herr
	}
	if c.JSON {
		return printJSON(h)
	}
	return printHistory(h)
}

// printHistory writes a history as an aligned table, money in 元.
func printHistory(h *history.History) error {
	fmt.Fprintf(os.Stdout, "%s %s (stream %s, donor %s, partner %s)\n\n", h.Kind, h.EntityID, h.StreamID, h.DonorCode, h.PartnerCode)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "POSITION\tRECORDED AT\tACTOR\tTYPE\tDATE\tDOCUMENTS\tAMOUNT (元)\tAFTER")
	for _, s := range h.Steps {
		amount := ""
		if s.AmountFen != 0 {
			amount = events.Yuan(s.AmountFen)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Position, s.RecordedAt.Format("2006-01-02 15:04:05Z"), s.Actor,
			s.Type, s.BusinessDate, s.Documents, amount, s.Figure)
	}
	return w.Flush()
}

package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/intake/importer"
)

// ImportCmd imports a spreadsheet of entries.
type ImportCmd struct {
	DatabaseFlags
	File    string `arg:"" type:"path" help:"The XLSX or CSV file, made from a template (aidledger import-template)."`
	Type    string `required:"" enum:"disbursement,donation,purchase,sale,secondment,visit,labour_transfer,investment,training,agreement,park,workshop" help:"What the rows are: disbursement, donation, purchase, sale, secondment, visit, labour_transfer, investment, training, agreement, park or workshop."`
	DryRun  bool   `name:"dry-run" help:"Check every row and write nothing."`
	SkipBad bool   `name:"skip-bad" help:"Import the good rows when some are bad (by default nothing is written unless every row is good)."`
	As      string `name:"as" default:"operator" help:"The name recorded as the actor of the entries."`
	JSON    bool   `name:"json" help:"Print the result as JSON."`
}

// Run imports the file (importer.Import) as an admin named --as, and
// prints what happened: the counts, and every bad row with its column and
// reason. It fails (exit 1) when any row is bad or nothing was written
// though something should have been.
func (c *ImportCmd) Run(ctx context.Context, log *slog.Logger) error {
	data, err := os.ReadFile(c.File)
	if err != nil {
		return err
	}
	rows, err := importer.Read(data)
	if err != nil {
		return err
	}
	s, err := openLedger(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer s.Close()
	report, finish := progress("checking rows", "rows")
	res, err := importer.Import(ctx, s.store, s.ledger, auth.Principal{Name: c.As, Role: auth.RoleAdmin}, c.Type, rows,
		importer.Options{DryRun: c.DryRun, SkipBad: c.SkipBad, Progress: report})
	finish()
	if err != nil {
		return err
	}
	if c.JSON {
		if err := printJSON(res); err != nil {
			return err
		}
	} else {
		printImport(res)
	}
	if res.Bad > 0 {
		return fmt.Errorf("%d of %d rows have problems", res.Bad, res.Rows)
	}
	return nil
}

// printImport writes an import's result.
func printImport(res *importer.Result) {
	what := "imported"
	if res.DryRun {
		what = "checked (dry run)"
	}
	fmt.Printf("%s %d %s rows: %d new, %d imported before, %d with problems\n", what, res.Rows, res.Type, res.New, res.Replayed, res.Bad)
	if res.Committed {
		fmt.Printf("written to the ledger, up to position %d\n", res.Position)
	} else {
		fmt.Println("nothing was written")
	}
	if len(res.Problems) == 0 {
		return
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ROW\tCOLUMN\tCODE\tPROBLEM")
	for _, p := range res.Problems {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s / %s\n", p.Row, p.Column, p.Code, p.MessageZh, strings.TrimSpace(p.Message))
	}
	_ = w.Flush()
}

// ImportTemplateCmd writes an import template.
type ImportTemplateCmd struct {
	DatabaseFlags
	Type   string `arg:"" enum:"disbursement,donation,purchase,sale,secondment,visit,labour_transfer,investment,training,agreement,park,workshop" help:"disbursement, donation, purchase, sale, secondment, visit, labour_transfer, investment, training, agreement, park or workshop."`
	Format string `default:"xlsx" enum:"xlsx,csv" help:"xlsx or csv."`
	Out    string `required:"" help:"The file to write."`
	Donor  string `help:"List the pairings and commitments of this donor in the reference sheets (default: every donor's)."`
}

// Run writes the template, with reference sheets listing the pairings and
// commitments (of --donor) as the web interface's do.
func (c *ImportTemplateCmd) Run(ctx context.Context, log *slog.Logger) error {
	var refs importer.References
	if c.Format == "xlsx" {
		db, err := openDatabase(ctx, c.DatabaseFlags, log)
		if err != nil {
			return err
		}
		defer db.Close()
		p := auth.Principal{Name: "command line", Role: auth.RoleAdmin}
		if c.Donor != "" {
			p = auth.Principal{Name: "command line", Role: auth.RoleRecorder, DonorCode: c.Donor}
		}
		if refs, err = importer.LoadReferences(ctx, db.Pool, p); err != nil {
			return err
		}
	}
	b, err := importer.Template(c.Type, c.Format, refs)
	if err != nil {
		return err
	}
	return os.WriteFile(c.Out, b, 0o644)
}

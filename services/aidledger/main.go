// Command aidledger is the ledger's single binary: the web interface and
// the HTTP API, the migrations and the operator's tools, as subcommands.
//
//	aidledger demo                       everything, embedded, with demo data
//	aidledger serve --http 127.0.0.1:8080 [--database-url URL] [--nats-url URL]
//	aidledger relay | project            the relay or the projector alone
//	aidledger replay --projection NAME   rebuild a read model
//	aidledger verify [--stream] [--projections] | --bundle FILE
//	aidledger export --donor CODE --year YYYY --out FILE
//	aidledger migrate [--database-url URL]
//	aidledger token create --role R [--donor CODE | --partner CODE] --name NAME
//	aidledger user create --role R [--donor CODE | --partner CODE] --name NAME
//	aidledger import FILE --type T [--dry-run] [--skip-bad]
//	aidledger keys generate --out DIR --name NAME
//	aidledger checkpoint [--out FILE]
//	aidledger verify --checkpoint FILE --key LEDGER.pub
//	aidledger witness --ledger URL --ledger-key LEDGER.pub --key WITNESS.key --state DIR
//
// Without --database-url (or DATABASE_URL) the ledger starts a private
// PostgreSQL cluster from the machine's binaries under --data-dir; without
// --nats-url (or NATS_URL) an embedded NATS server with JetStream.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/alecthomas/kong"
)

// DatabaseFlags say where the book of record is.
type DatabaseFlags struct {
	DatabaseURL string `name:"database-url" env:"DATABASE_URL" help:"PostgreSQL URL; when empty a private cluster is started under --data-dir."`
	DataDir     string `name:"data-dir" env:"AIDLEDGER_DATA_DIR" default:"data" help:"Directory for local data (the private PostgreSQL cluster)."`
}

// CLI is the command line.
type CLI struct {
	Demo       DemoCmd           `cmd:"" help:"Run everything on embedded defaults with demo data (the quickest start)."`
	Serve      ServeCmd          `cmd:"" help:"Serve the web interface and the HTTP API with the relay and the projector (applies migrations first)."`
	Relay      RelayCmd          `cmd:"" help:"Publish committed events to NATS JetStream, in position order."`
	Project    ProjectCmd        `cmd:"" help:"Keep every read model up to date from the stream."`
	Replay     ReplayCmd         `cmd:"" help:"Rebuild a read model from the stream and switch over atomically."`
	Report     ReportCmd         `cmd:"" help:"Reports: the year-end summary."`
	Verify     VerifyCmd         `cmd:"" help:"Verify the hash chain, the stream and the read models, or an evidence bundle offline; exit 0 ok, 1 discrepancy, 2 could not run."`
	Export     ExportCmd         `cmd:"" help:"Write an evidence bundle: a year-end summary with the chain segment it follows from, checkable offline."`
	History    HistoryCmd        `cmd:"" help:"Show every event that touched an entity, with the running figure after each step (the read is access-logged)."`
	Audit      AuditCmd          `cmd:"" help:"Print the audit trail, filtered, optionally as it stood at a position, an instant or a business date."`
	Balances   BalancesCmd       `cmd:"" help:"Print a donor's balances, optionally as they stood at a position, an instant or a business date."`
	Migrate    MigrateCmd        `cmd:"" help:"Apply the database migrations and exit."`
	Token      TokenCmd          `cmd:"" help:"Manage API tokens."`
	User       UserCmd           `cmd:"" help:"Manage the web interface's user accounts."`
	Import     ImportCmd         `cmd:"" help:"Import a spreadsheet of entries (XLSX or CSV made from a template); --dry-run checks it and writes nothing."`
	Template   ImportTemplateCmd `cmd:"" name:"import-template" help:"Write the spreadsheet template of an import type."`
	Keys       KeysCmd           `cmd:"" help:"Make signing keys (the transparency log's, a witness's)."`
	Checkpoint CheckpointCmd     `cmd:"" help:"Print the transparency log's latest signed checkpoint (a C2SP note) or write it to --out."`
	Witness    WitnessCmd        `cmd:"" help:"Witness a ledger: check its latest checkpoint extends the last one seen, cosign it and post it back; exit 1 with an alarm otherwise."`
	NATSUser   NATSUserCmd       `cmd:"" name:"nats-user" help:"Manage the NATS users of partner counties' live feeds."`
	Stream     StreamCmd         `cmd:"" help:"Manage the ledger's JetStream stream."`
	Loadtest   LoadtestCmd       `cmd:"" help:"Drive a running ledger's API with concurrent clients; report commands/s and latency beside raw pgbench INSERTs."`
}

func main() {
	var cli CLI
	kctx := kong.Parse(&cli, kong.Name("aidledger"),
		kong.Description("Event-sourced ledger for counterpart aid (对口支援 / 东西部协作 / 山海协作)."),
		kong.UsageOnError())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	slog.SetDefault(logger)
	kctx.BindTo(ctx, (*context.Context)(nil))
	kctx.Bind(logger)
	if err := kctx.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "aidledger:", err)
		os.Exit(1)
	}
}

// Package balances is the "balances" read model: what each pairing
// committed, disbursed, gave, bought, sent and built, per fiscal year, with
// the commitments, disbursements and projects behind the figures.
//
// Fiscal year is the calendar year of an event's business date, except:
// commitments and their adjustments count in the commitment's budget year,
// projects in their plan year, purchases on their completed date and
// facilitated sales in the year their period ends. A reversal with reason
// entry_error counts in the ORIGINAL's year (the entry should never have
// been made); one with reason funds_returned counts in its own year (real
// money came back). Visits and secondments can only be reversed as entry
// errors, so their reversals always count in the original's year.
//
// Money is int64 分 in every table, struct and JSON field (suffix _fen).
// Rates are computed on read as exact ratios (see Rate), never floats.
//
// Tables (schema proj_balances): pairings; pairing_years, additive counters
// per pairing and fiscal year; commitments and disbursements (a
// commitment's disbursement totals are summed from its disbursements when
// read); projects with their latest progress; two small lookup tables for
// reversals and ends, donations and secondments; and indicators, one row per
// office-indicator entry (labour transfer, investment, training, agreement,
// park, workshop, principal-led visit) with what it counted, for its
// reversal and a site's reports. Purchases, sales and other visits need
// none: their reversals carry the original's date and pairings.
//
// Apply is the only writer. Queries (Pairings, PairingYear, Donor,
// Commitment, Project) read schema-qualified tables and work on any Querier.
package balances

import (
	"embed"
	"io/fs"

	"github.com/aidledger/aidledger/projections"
)

// Schema is the Postgres schema of the read model; queries name it.
const Schema = "proj_balances"

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Projection is the balances read model. The zero value is ready to use.
type Projection struct{}

// New returns the balances projection.
func New() *Projection { return &Projection{} }

var _ projections.Projection = (*Projection)(nil)

// Name is "balances" (schema proj_balances).
func (*Projection) Name() string { return "balances" }

// Migrations are the read model's forward-only SQL files (NNN_name.sql) at
// the root of the returned FS. They use unqualified names and must run with
// search_path set to proj_balances.
func (*Projection) Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil { // the directory is embedded at build time
		panic("balances: embedded migrations: " + err.Error())
	}
	return sub
}

// Tables lists the read model's tables with a deterministic row order.
func (*Projection) Tables() []projections.Table {
	return []projections.Table{
		{Name: "pairings", OrderBy: "pairing_id"},
		{Name: "pairing_years", OrderBy: "pairing_id, year"},
		{Name: "commitments", OrderBy: "commitment_id"},
		{Name: "disbursements", OrderBy: "commitment_id, disbursement_id"},
		{Name: "projects", OrderBy: "project_id"},
		{Name: "donations", OrderBy: "donation_id"},
		{Name: "secondments", OrderBy: "secondment_id"},
		{Name: "indicators", OrderBy: "entity_id"},
		{Name: "targets", OrderBy: "pairing_id, year"},
	}
}

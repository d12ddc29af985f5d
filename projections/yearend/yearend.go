// Package yearend is the "yearend" read model and the computation of a
// donor's year-end summary (年度总结, Report) from it.
//
// The model stores one row per CONTRIBUTION: an event's signed effect on
// one figure of one pairing (the json names of Figures:
// "fiscal_disbursed_fen", "visits", "staff_teacher" …), with the fiscal
// year it counts in, the business date that decided that year, its
// document number and the flag a footnote must explain. Compute sums the
// rows of a donor and year up to a ledger position and a cut-off date, so
// the position and the cut-off fully determine a report: rows are only
// ever inserted, and a report computed again at the same position is
// identical however many events arrived since.
//
// Year rules (the fiscal year is the calendar year of the deciding date):
//
//   - disbursements, donations and visits by their business date, visits
//     once per pairing they list;
//   - purchases by their completed date, facilitated sales by the end of
//     their period, secondments by their start date (one person counted
//     under their category in the year they start);
//   - a reversal with reason entry_error by the ORIGINAL's business date
//     (the entry should never have been made), one with reason
//     funds_returned by its own date (real money came back);
//   - receipts confirmed by the partner by the disbursement's date, for the
//     disbursement's amount net of entry_error reversals;
//   - commitments and adjustments in the commitment's budget year, and
//     projects (registered, planned total, completed, completed investment
//     as of their latest progress report) in their plan year: these rows
//     have no deciding date (attributed_on is NULL) and no cut-off
//     excludes them.
//
// Tables (schema proj_yearend): contributions; chain, the hash of every
// event applied (for the report's provenance); pairings; and the lookups
// that events referring to earlier ones need — commitments (budget year),
// disbursements (date, amount, reversals, receipt), donations (kind),
// secondments (category, direction, start), projects (plan year, latest
// progress) and indicators (what an office-indicator entry contributed, for
// its reversal and a site's next report); targets, report_orders and
// report_styles, each as set at a position.
//
// Apply is the only writer. Compute reads schema-qualified tables and works
// on any projections.Querier.
package yearend

import (
	"embed"
	"io/fs"

	"github.com/aidledger/aidledger/projections"
)

// Schema is the Postgres schema of the read model; Compute names it.
const Schema = "proj_yearend"

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Projection is the yearend read model. The zero value is ready to use and
// holds no state: everything it needs lives in its tables.
type Projection struct{}

// New returns the yearend projection.
func New() *Projection { return &Projection{} }

var _ projections.Projection = (*Projection)(nil)

// Name is "yearend" (schema proj_yearend).
func (*Projection) Name() string { return "yearend" }

// Migrations are the read model's forward-only SQL files (NNN_name.sql) at
// the root of the returned FS. They use unqualified names and must run with
// search_path set to the target schema.
func (*Projection) Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil { // the directory is embedded at build time
		panic("yearend: embedded migrations: " + err.Error())
	}
	return sub
}

// Tables lists the read model's tables with a deterministic row order.
func (*Projection) Tables() []projections.Table {
	return []projections.Table{
		{Name: "contributions", OrderBy: "position, ordinal"},
		{Name: "chain", OrderBy: "position"},
		{Name: "pairings", OrderBy: "pairing_id"},
		{Name: "commitments", OrderBy: "commitment_id"},
		{Name: "disbursements", OrderBy: "disbursement_id"},
		{Name: "donations", OrderBy: "donation_id"},
		{Name: "secondments", OrderBy: "secondment_id"},
		{Name: "projects", OrderBy: "project_id"},
		{Name: "indicators", OrderBy: "entity_id"},
		{Name: "targets", OrderBy: "position, pairing_id"},
		{Name: "report_orders", OrderBy: "position"},
		{Name: "report_styles", OrderBy: "position"},
	}
}

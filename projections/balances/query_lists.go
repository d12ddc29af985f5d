package balances

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aidledger/aidledger/events"
)

// CommitmentSummary is a commitment with its totals, without its
// disbursements (see Commitment for those).
type CommitmentSummary struct {
	CommitmentID string      `json:"commitment_id"`
	PairingID    string      `json:"pairing_id"`
	ProjectID    string      `json:"project_id,omitempty"`
	BudgetYear   int         `json:"budget_year"`
	SourceLevel  string      `json:"source_level"`
	DocNo        string      `json:"doc_no"`
	Batch        string      `json:"batch,omitempty"`
	BusinessDate events.Date `json:"business_date"`
	// Shares, for a commitment of several pairings of one programme, is
	// each pairing's share (the commitment's pairing first) and
	// UnallocatedFen what of the committed total no share holds yet.
	Shares         []events.Share `json:"shares,omitempty"`
	UnallocatedFen int64          `json:"unallocated_fen,omitempty"`
	CommitmentTotals
}

// commitmentSelect reads commitments (alias c) with their totals, in the
// order scanSummary scans.
const commitmentSelect = `SELECT c.commitment_id, c.pairing_id, c.project_id, c.budget_year, c.source_level, c.doc_no,
	c.batch, c.business_date, c.shares, ` + commitmentTotalsColumns + `
	FROM proj_balances.commitments c ` + disbursementTotals

// scanSummary scans a row of commitmentSelect into c and derives its
// computed totals.
func scanSummary(row pgx.Row, c *CommitmentSummary) error {
	var project pgtype.Text
	var date pgtype.Date
	if err := row.Scan(append([]any{&c.CommitmentID, &c.PairingID, &project, &c.BudgetYear, &c.SourceLevel, &c.DocNo, &c.Batch,
		&date, &c.Shares}, totalsDest(&c.CommitmentTotals)...)...); err != nil {
		return err
	}
	c.ProjectID, c.BusinessDate = project.String, dateOf(date)
	c.finish()
	if c.Shares != nil {
		c.UnallocatedFen = c.CommittedTotalFen
		for _, sh := range c.Shares {
			c.UnallocatedFen -= sh.AmountFen
		}
	}
	return nil
}

// CommitmentList lists the commitments of the pairings — those shared
// with other pairings included — newest budget year first, then by
// business date and id.
func CommitmentList(ctx context.Context, q Querier, pairingIDs []string) ([]CommitmentSummary, error) {
	rows, err := q.Query(ctx, commitmentSelect+`
		WHERE c.pairing_id = ANY($1) OR c.share_pairings && $1::text[]
		ORDER BY c.budget_year DESC, c.business_date, c.commitment_id`, pairingIDs)
	if err != nil {
		return nil, fmt.Errorf("balances: commitments: %w", err)
	}
	defer rows.Close()
	out := []CommitmentSummary{}
	for rows.Next() {
		var c CommitmentSummary
		if err := scanSummary(rows, &c); err != nil {
			return nil, fmt.Errorf("balances: commitments: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("balances: commitments: %w", err)
	}
	return out, nil
}

// ProjectList lists the projects of the pairings (without their
// commitments: see Project), newest plan year first, then by name.
func ProjectList(ctx context.Context, q Querier, pairingIDs []string) ([]ProjectDetail, error) {
	rows, err := q.Query(ctx, `SELECT `+projectColumns+`
		FROM proj_balances.projects WHERE pairing_id = ANY($1) ORDER BY plan_year DESC, name, project_id`, pairingIDs)
	if err != nil {
		return nil, fmt.Errorf("balances: projects: %w", err)
	}
	return scanProjects(rows)
}

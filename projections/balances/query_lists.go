package balances

import (
	"context"
	"fmt"

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
	CommitmentTotals
}

// CommitmentList lists the commitments of the pairings — those shared
// with other pairings included — newest budget year first, then by
// business date and id.
func CommitmentList(ctx context.Context, q Querier, pairingIDs []string) ([]CommitmentSummary, error) {
	rows, err := q.Query(ctx, `SELECT c.commitment_id, c.pairing_id, c.project_id, c.budget_year, c.source_level, c.doc_no,
		c.batch, c.business_date, `+commitmentTotalsColumns+`
		FROM proj_balances.commitments c `+disbursementTotals+`
		WHERE c.pairing_id = ANY($1)
		   OR EXISTS (SELECT 1 FROM json_array_elements(c.shares) s WHERE s->>'pairing_id' = ANY($1))
		ORDER BY c.budget_year DESC, c.business_date, c.commitment_id`, pairingIDs)
	if err != nil {
		return nil, fmt.Errorf("balances: commitments: %w", err)
	}
	defer rows.Close()
	out := []CommitmentSummary{}
	for rows.Next() {
		var c CommitmentSummary
		var project pgtype.Text
		var date pgtype.Date
		if err := rows.Scan(append([]any{&c.CommitmentID, &c.PairingID, &project, &c.BudgetYear, &c.SourceLevel, &c.DocNo, &c.Batch, &date},
			totalsDest(&c.CommitmentTotals)...)...); err != nil {
			return nil, fmt.Errorf("balances: commitments: %w", err)
		}
		c.ProjectID, c.BusinessDate = project.String, dateOf(date)
		c.finish()
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

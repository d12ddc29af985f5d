package balances

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aidledger/aidledger/events"
)

// ProjectDetail is an aid project (援建项目) as registered, its latest
// progress report and the commitments that fund it.
type ProjectDetail struct {
	ProjectID       string      `json:"project_id"`
	PairingID       string      `json:"pairing_id"`
	Name            string      `json:"name"`
	Sector          string      `json:"sector"`
	DeliveryMode    string      `json:"delivery_mode"`
	PlannedTotalFen int64       `json:"planned_total_fen"`
	PlanYear        int         `json:"plan_year"`
	BusinessDate    events.Date `json:"business_date"`
	// Status, AsOf and CompletedInvestmentFen are the latest report's
	// (status "" and as_of null before the first one).
	Status                 string      `json:"status"`
	AsOf                   events.Date `json:"as_of"`
	CompletedInvestmentFen int64       `json:"completed_investment_fen"`
	Completed              bool        `json:"completed"` // completed or accepted
	// CompletionRate is completed investment / planned total.
	CompletionRate *Rate `json:"completion_rate"`
	// Tier is the level that approved it ("" when not stated); StartedOn
	// (开工) and CompletedOn (竣工) its dates as its reports give them
	// (events.ProjectDates; null when not known); YearPlans its planned
	// investment by calendar year (年度投资计划).
	Tier        string           `json:"tier"`
	StartedOn   events.Date      `json:"started_on"`
	CompletedOn events.Date      `json:"completed_on"`
	YearPlans   map[string]int64 `json:"year_plans"`
	// Commitments linked to the project, by budget year then id, and
	// their totals summed.
	Commitments       []ProjectCommitment `json:"commitments"`
	CommittedTotalFen int64               `json:"committed_total_fen"`
	DisbursedFen      int64               `json:"disbursed_fen"`
	ReversedFen       int64               `json:"reversed_fen"`
	NetDisbursedFen   int64               `json:"net_disbursed_fen"`
}

// ProjectCommitment is a commitment linked to a project, with its totals.
type ProjectCommitment struct {
	CommitmentID string `json:"commitment_id"`
	BudgetYear   int    `json:"budget_year"`
	SourceLevel  string `json:"source_level"`
	DocNo        string `json:"doc_no"`
	CommitmentTotals
}

// projectColumns are the columns scanProjects reads.
const projectColumns = `project_id, pairing_id, name, sector, delivery_mode, planned_total_fen, plan_year,
	business_date, status, as_of, completed_investment_fen, tier, started_on, completed_on, year_plans`

// scanProjects reads rows of projectColumns into projects without their
// commitments (an empty list), and closes rows.
func scanProjects(rows pgx.Rows) ([]ProjectDetail, error) {
	defer rows.Close()
	out := []ProjectDetail{}
	for rows.Next() {
		var p ProjectDetail
		var date, asOf, started, completed pgtype.Date
		var plans []byte
		if err := rows.Scan(&p.ProjectID, &p.PairingID, &p.Name, &p.Sector, &p.DeliveryMode, &p.PlannedTotalFen, &p.PlanYear, &date,
			&p.Status, &asOf, &p.CompletedInvestmentFen, &p.Tier, &started, &completed, &plans); err != nil {
			return nil, fmt.Errorf("balances: projects: %w", err)
		}
		if err := json.Unmarshal(plans, &p.YearPlans); err != nil {
			return nil, fmt.Errorf("balances: project %s: year plans: %w", p.ProjectID, err)
		}
		p.BusinessDate, p.AsOf, p.StartedOn, p.CompletedOn = dateOf(date), dateOf(asOf), dateOf(started), dateOf(completed)
		p.Completed = events.ProjectStatus(p.Status).Done()
		p.CompletionRate = NewRate(p.CompletedInvestmentFen, p.PlannedTotalFen)
		p.Commitments = []ProjectCommitment{}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("balances: projects: %w", err)
	}
	return out, nil
}

// Project returns the project with its commitments. ErrNotFound: no such
// project.
func Project(ctx context.Context, q Querier, projectID string) (*ProjectDetail, error) {
	rows, err := q.Query(ctx, `SELECT `+projectColumns+` FROM proj_balances.projects WHERE project_id = $1`, projectID)
	if err != nil {
		return nil, fmt.Errorf("balances: project %s: %w", projectID, err)
	}
	list, err := scanProjects(rows)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("project %s: %w", projectID, ErrNotFound)
	}
	p := &list[0]

	rows, err = q.Query(ctx, `SELECT c.commitment_id, c.budget_year, c.source_level, c.doc_no, `+commitmentTotalsColumns+`
		FROM proj_balances.commitments c `+disbursementTotals+`
		WHERE c.project_id = $1 ORDER BY c.budget_year, c.commitment_id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("balances: commitments of project %s: %w", projectID, err)
	}
	for rows.Next() {
		var pc ProjectCommitment
		if err := rows.Scan(append([]any{&pc.CommitmentID, &pc.BudgetYear, &pc.SourceLevel, &pc.DocNo},
			totalsDest(&pc.CommitmentTotals)...)...); err != nil {
			rows.Close()
			return nil, fmt.Errorf("balances: commitments of project %s: %w", projectID, err)
		}
		pc.finish()
		p.CommittedTotalFen += pc.CommittedTotalFen
		p.DisbursedFen += pc.DisbursedFen
		p.ReversedFen += pc.ReversedFen
		p.NetDisbursedFen += pc.NetDisbursedFen
		p.Commitments = append(p.Commitments, pc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("balances: commitments of project %s: %w", projectID, err)
	}
	return p, nil
}

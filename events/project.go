package events

// AidProjectRegistered (援建项目立项): an aid project is approved for a pairing.
type AidProjectRegistered struct {
	ProjectID       string       `json:"project_id"`
	PairingID       string       `json:"pairing_id"`
	Name            string       `json:"name"`
	Sector          string       `json:"sector"`
	DeliveryMode    DeliveryMode `json:"delivery_mode"`
	PlannedTotalFen int64        `json:"planned_total_fen"`
	PlanYear        int          `json:"plan_year"`
	BusinessDate    Date         `json:"business_date"`
	// Tier is the level that approved the project; "" when not stated
	// (projects registered before tiers were recorded).
	Tier ProjectTier `json:"tier,omitempty"`
}

// EventType implements Event.
func (AidProjectRegistered) EventType() string { return "aid.project_registered" }

// PairingIDs implements PairingScoped.
func (e AidProjectRegistered) PairingIDs() []string { return []string{e.PairingID} }

// ProjectProgressReported (项目进度): the state of a project as of a day. The
// as-of dates of one project only move forward.
type ProjectProgressReported struct {
	ProjectID              string        `json:"project_id"`
	PairingID              string        `json:"pairing_id"`
	AsOf                   Date          `json:"as_of"`
	Status                 ProjectStatus `json:"status"`
	CompletedInvestmentFen int64         `json:"completed_investment_fen"`
	// StartedOn (开工日期) and CompletedOn (竣工日期) state when work began
	// and ended; zero when the report does not state them (see
	// ProjectDates for what counts then).
	StartedOn   Date `json:"started_on,omitzero"`
	CompletedOn Date `json:"completed_on,omitzero"`
}

// EventType implements Event.
func (ProjectProgressReported) EventType() string { return "aid.project_progress_reported" }

// PairingIDs implements PairingScoped.
func (e ProjectProgressReported) PairingIDs() []string { return []string{e.PairingID} }

// ProjectDates returns a project's start (开工) and completion (竣工) dates
// after report r, given those known before it (zero: not yet known). A
// date the report states replaces the one known; a report that shows the
// project started (in progress or beyond) or done without stating the
// date sets it, when none is known, to the report's as-of date. A report
// that no longer shows the project done clears the completion date.
//
// The ledger checks new reports and the read models count projects by
// year with this one rule.
func ProjectDates(started, completed Date, r ProjectProgressReported) (Date, Date) {
	if !r.StartedOn.IsZero() {
		started = r.StartedOn
	} else if started.IsZero() && r.Status != ProjectNotStarted {
		started = r.AsOf
	}
	switch {
	case !r.Status.Done():
		completed = Date{}
	case !r.CompletedOn.IsZero():
		completed = r.CompletedOn
	case completed.IsZero():
		completed = r.AsOf
	}
	return started, completed
}

// ProjectYearPlanned (年度投资计划): the investment planned for a project in
// one calendar year. A later plan for the same project and year replaces
// the earlier one; a plan of 0 withdraws it.
type ProjectYearPlanned struct {
	ProjectID    string `json:"project_id"`
	PairingID    string `json:"pairing_id"`
	Year         int    `json:"year"`
	PlannedFen   int64  `json:"planned_fen"`
	BusinessDate Date   `json:"business_date"` // the day the plan was approved
}

// EventType implements Event.
func (ProjectYearPlanned) EventType() string { return "aid.project_year_planned" }

// Apply returns the year plans of a project (year → planned fen, never
// 0) after e: a copy of plans (which it leaves alone) with e's year set, or
// removed when e withdraws it.
func (e ProjectYearPlanned) Apply(plans map[int]int64) map[int]int64 {
	out := make(map[int]int64, len(plans)+1)
	for y, fen := range plans {
		out[y] = fen
	}
	out[e.Year] = e.PlannedFen
	if e.PlannedFen == 0 {
		delete(out, e.Year)
	}
	return out
}

// PairingIDs implements PairingScoped.
func (e ProjectYearPlanned) PairingIDs() []string { return []string{e.PairingID} }

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
}

// EventType implements Event.
func (ProjectProgressReported) EventType() string { return "aid.project_progress_reported" }

// PairingIDs implements PairingScoped.
func (e ProjectProgressReported) PairingIDs() []string { return []string{e.PairingID} }

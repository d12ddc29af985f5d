package ledger

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// RegisterProject records an AidProjectRegistered (援建项目立项).
type RegisterProject struct {
	ProjectID       string              `json:"project_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	PairingID       string              `json:"pairing_id"`
	Name            string              `json:"name" maxLength:"200"`
	Sector          string              `json:"sector" maxLength:"100" doc:"e.g. 教育, 医疗, 产业, 基础设施"`
	DeliveryMode    events.DeliveryMode `json:"delivery_mode" enum:"cheque,turnkey" doc:"cheque 交支票, turnkey 交钥匙"`
	PlannedTotalFen int64               `json:"planned_total_fen" doc:"planned investment in 分 (fen)"`
	PlanYear        int                 `json:"plan_year"`
	BusinessDate    string              `json:"business_date,omitempty" format:"date" doc:"立项日期; today when omitted"`
	Tier            events.ProjectTier  `json:"tier,omitempty" enum:"national,provincial,municipal,county" doc:"项目层级: the level that approved it (optional)"`
}

// RegisterProject approves an aid project for a pairing in force on its
// registration date.
func (l *Ledger) RegisterProject(ctx context.Context, req Request, cmd RegisterProject) (*Written, error) {
	in := cmd
	in.ProjectID = assignID(cmd.ProjectID)
	return l.recordEntry(ctx, req, "RegisterProject", cmd, in, Written{ProjectID: in.ProjectID})
}

func (cmd RegisterProject) pairing() string { return cmd.PairingID }

func (cmd RegisterProject) check(today events.Date) error {
	_, err := cmd.event(today)
	return err
}

func (cmd RegisterProject) event(today events.Date) (events.AidProjectRegistered, error) {
	c := &check{today: today}
	c.id("project_id", cmd.ProjectID)
	c.text("name", cmd.Name, 200)
	c.text("sector", cmd.Sector, 100)
	oneOf(c, "delivery_mode", cmd.DeliveryMode, events.DeliveryModes)
	c.amount("planned_total_fen", cmd.PlannedTotalFen)
	c.year("plan_year", cmd.PlanYear)
	date := c.pastOrToday("business_date", cmd.BusinessDate)
	if cmd.Tier != "" {
		oneOf(c, "tier", cmd.Tier, events.ProjectTiers)
	}
	return events.AidProjectRegistered{ProjectID: cmd.ProjectID, PairingID: cmd.PairingID, Name: cmd.Name, Sector: cmd.Sector,
		DeliveryMode: cmd.DeliveryMode, PlannedTotalFen: cmd.PlannedTotalFen, PlanYear: cmd.PlanYear, BusinessDate: date,
		Tier: cmd.Tier}, c.result()
}

// decide registers the project of pairing pr, in force on its date.
func (cmd RegisterProject) decide(today events.Date, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today)
	if err != nil {
		return nil, err
	}
	if err := inForce(pr, ev.BusinessDate, "business_date"); err != nil {
		return nil, err
	}
	return &eventstore.AppendRequest{StreamID: projectStream(ev.ProjectID), Events: []events.Event{ev},
		DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code,
		NewEntities: []eventstore.Entity{{ID: ev.ProjectID, Kind: "project"}}}, nil
}

// projectStatusZh names the project statuses in Chinese.
var projectStatusZh = map[events.ProjectStatus]string{events.ProjectNotStarted: "未开工", events.ProjectInProgress: "在建",
	events.ProjectCompleted: "完工", events.ProjectAccepted: "已验收"}

// projectState is a project stream folded.
type projectState struct {
	version    int64
	registered events.AidProjectRegistered
	last       *events.ProjectProgressReported
	// started and completed are its dates as events.ProjectDates gives
	// them after the last report (zero: not known).
	started, completed events.Date
}

// foldProject folds the events of a project stream at version.
func foldProject(evs []events.Event, version int64) *projectState {
	s := &projectState{version: version}
	for _, e := range evs {
		switch e := e.(type) {
		case events.AidProjectRegistered:
			s.registered = e
		case events.ProjectProgressReported:
			s.last = &e
			s.started, s.completed = events.ProjectDates(s.started, s.completed, e)
		}
	}
	return s
}

func (l *Ledger) loadProject(ctx context.Context, id string) (*projectState, error) {
	if _, err := l.entity(ctx, "project_id", id, "project"); err != nil {
		return nil, err
	}
	evs, version, err := l.load(ctx, projectStream(id))
	if err != nil {
		return nil, err
	}
	return foldProject(evs, version), nil
}

// ReportProgress records a ProjectProgressReported (项目进度).
type ReportProgress struct {
	AsOf                   string               `json:"as_of" format:"date"`
	Status                 events.ProjectStatus `json:"status" enum:"not_started,in_progress,completed,accepted"`
	CompletedInvestmentFen int64                `json:"completed_investment_fen" doc:"investment completed so far, in 分 (fen)"`
	StartedOn              string               `json:"started_on,omitempty" format:"date" doc:"开工日期; when omitted, a project first reported in progress (or beyond) started on as_of"`
	CompletedOn            string               `json:"completed_on,omitempty" format:"date" doc:"竣工日期; when omitted, a project first reported completed or accepted was completed on as_of"`
}

// ReportProgress reports a project's state as of a day. As-of dates of a
// project never go back, nor does its status.
func (l *Ledger) ReportProgress(ctx context.Context, req Request, projectID string, cmd ReportProgress) (*Written, error) {
	return l.onProject(ctx, req, "ReportProgress", projectID, cmd)
}

// projectCommand is a command on an existing project, decided on the
// project's stream and its pairing.
type projectCommand interface {
	// check checks the command's own fields.
	check(today events.Date, projectID string) error
	decide(today events.Date, s *projectState, pr events.PairingEstablished) (*eventstore.AppendRequest, error)
}

// onProject runs cmd (op names it) on project projectID: its fields
// checked, the project loaded, its pairing one the caller may write for,
// then decided and appended.
func (l *Ledger) onProject(ctx context.Context, req Request, op, projectID string, cmd projectCommand) (*Written, error) {
	today := l.today()
	if err := cmd.check(today, projectID); err != nil {
		return nil, err
	}
	return l.run(ctx, req, op+"/"+projectID, cmd, Written{ProjectID: projectID}, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		s, err := l.loadProject(ctx, projectID)
		if err != nil {
			return nil, err
		}
		pr, err := l.writablePairing(ctx, req.Principal, target{"project_id", "project", projectID}, s.registered.PairingID)
		if err != nil {
			return nil, err
		}
		return cmd.decide(today, s, pr)
	})
}

func (cmd ReportProgress) check(today events.Date, projectID string) error {
	_, err := cmd.event(today, projectID, "")
	return err
}

func (cmd ReportProgress) event(today events.Date, projectID, pairingID string) (events.ProjectProgressReported, error) {
	c := &check{today: today}
	asOf := c.date("as_of", cmd.AsOf)
	c.past("as_of", asOf)
	oneOf(c, "status", cmd.Status, events.ProjectStatuses)
	c.nonNegative("completed_investment_fen", cmd.CompletedInvestmentFen, MaxAmountFen)
	started := c.optionalDate("started_on", cmd.StartedOn)
	completed := c.optionalDate("completed_on", cmd.CompletedOn)
	if c.err == nil && !started.IsZero() && cmd.Status == events.ProjectNotStarted {
		c.fail(invalid("started_on", "a project not started has no start date", "未开工项目不能填写开工日期"))
	}
	if c.err == nil && !completed.IsZero() && !cmd.Status.Done() {
		c.fail(invalid("completed_on", "only a completed or accepted project has a completion date", "只有完工或已验收的项目才能填写竣工日期"))
	}
	c.notAfter("started_on", started, "as_of", asOf)
	c.notAfter("completed_on", completed, "as_of", asOf)
	return events.ProjectProgressReported{ProjectID: projectID, PairingID: pairingID, AsOf: asOf,
		Status: cmd.Status, CompletedInvestmentFen: cmd.CompletedInvestmentFen, StartedOn: started, CompletedOn: completed}, c.result()
}

// decide reports progress of project s as of a day not before its
// registration nor its last report, with a status that never goes back.
func (cmd ReportProgress) decide(today events.Date, s *projectState, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today, s.registered.ProjectID, s.registered.PairingID)
	if err != nil {
		return nil, err
	}
	asOf := ev.AsOf
	if asOf.Before(s.registered.BusinessDate) {
		return nil, invalid("as_of", fmt.Sprintf("as_of %s is before the project was registered (%s)", asOf, s.registered.BusinessDate),
			fmt.Sprintf("进度日期 %s 早于立项日期 %s", asOf, s.registered.BusinessDate))
	}
	if s.last != nil {
		if asOf.Before(s.last.AsOf) {
			return nil, rule(CodeAsOfNotMonotonic, "as_of", fmt.Sprintf("progress was already reported as of %s; as_of cannot go back", s.last.AsOf),
				fmt.Sprintf("已有 %s 的进度报告,进度日期不能倒退", s.last.AsOf))
		}
		if slices.Index(events.ProjectStatuses, cmd.Status) < slices.Index(events.ProjectStatuses, s.last.Status) {
			return nil, rule(CodeStatusNotMonotonic, "status", fmt.Sprintf("the project is already %s; its status cannot go back to %s", s.last.Status, cmd.Status),
				fmt.Sprintf("项目状态已为“%s”,不能退回“%s”", projectStatusZh[s.last.Status], projectStatusZh[cmd.Status]))
		}
	}
	started, completed := events.ProjectDates(s.started, s.completed, ev)
	if !completed.IsZero() && completed.Before(started) {
		return nil, invalid("completed_on", fmt.Sprintf("completion %s is before the start %s", completed, started),
			fmt.Sprintf("竣工日期 %s 早于开工日期 %s", completed, started))
	}
	return &eventstore.AppendRequest{StreamID: projectStream(ev.ProjectID), ExpectedVersion: s.version, Events: []events.Event{ev},
		DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code}, nil
}

// PlanProjectYear records a ProjectYearPlanned (年度投资计划).
type PlanProjectYear struct {
	Year         int    `json:"year"`
	PlannedFen   int64  `json:"planned_fen" doc:"investment planned for the year, in 分 (fen); 0 withdraws the year's plan"`
	BusinessDate string `json:"business_date,omitempty" format:"date" doc:"the day the plan was approved; today when omitted"`
}

// PlanProjectYear sets a project's planned investment for one calendar
// year, replacing an earlier plan for that year. The year must be one in
// which the project's pairing is in force, not before the project's plan
// year; the plan is dated on or after the project's registration.
func (l *Ledger) PlanProjectYear(ctx context.Context, req Request, projectID string, cmd PlanProjectYear) (*Written, error) {
	return l.onProject(ctx, req, "PlanProjectYear", projectID, cmd)
}

func (cmd PlanProjectYear) check(today events.Date, projectID string) error {
	_, err := cmd.event(today, projectID, "")
	return err
}

func (cmd PlanProjectYear) event(today events.Date, projectID, pairingID string) (events.ProjectYearPlanned, error) {
	c := &check{today: today}
	c.year("year", cmd.Year)
	c.nonNegative("planned_fen", cmd.PlannedFen, MaxAmountFen)
	date := c.pastOrToday("business_date", cmd.BusinessDate)
	return events.ProjectYearPlanned{ProjectID: projectID, PairingID: pairingID, Year: cmd.Year, PlannedFen: cmd.PlannedFen,
		BusinessDate: date}, c.result()
}

// decide plans a year of project s, of pairing pr.
func (cmd PlanProjectYear) decide(today events.Date, s *projectState, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today, s.registered.ProjectID, s.registered.PairingID)
	if err != nil {
		return nil, err
	}
	if reg := s.registered.BusinessDate; ev.BusinessDate.Before(reg) {
		return nil, invalid("business_date", fmt.Sprintf("business_date %s is before the project was registered (%s)", ev.BusinessDate, reg),
			fmt.Sprintf("下达日期 %s 早于立项日期 %s", ev.BusinessDate, reg))
	}
	if ev.Year < s.registered.PlanYear {
		return nil, invalid("year", fmt.Sprintf("year %d is before the project's plan year %d", ev.Year, s.registered.PlanYear),
			fmt.Sprintf("年度 %d 早于项目计划年度 %d", ev.Year, s.registered.PlanYear))
	}
	first, last := events.DateOf(ev.Year, time.January, 1), events.DateOf(ev.Year, time.December, 31)
	if pr.ValidTo.Before(first) || pr.ValidFrom.After(last) {
		return nil, rule(CodePairingNotValid, "year", fmt.Sprintf("pairing %s (%s–%s) is not in force in %d", pr.PairingID, pr.ValidFrom, pr.ValidTo, ev.Year),
			fmt.Sprintf("结对关系 %s 的有效期为 %s 至 %s,%d 年不在有效期内", pr.PairingID, pr.ValidFrom, pr.ValidTo, ev.Year))
	}
	return &eventstore.AppendRequest{StreamID: projectStream(ev.ProjectID), ExpectedVersion: s.version, Events: []events.Event{ev},
		DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code}, nil
}

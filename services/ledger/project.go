package ledger

import (
	"context"
	"fmt"
	"slices"

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
}

// RegisterProject approves an aid project for a pairing.
func (l *Ledger) RegisterProject(ctx context.Context, req Request, cmd RegisterProject) (*Written, error) {
	c := l.newCheck()
	id := c.id("project_id", cmd.ProjectID)
	c.text("name", cmd.Name, 200)
	c.text("sector", cmd.Sector, 100)
	c.oneOf("delivery_mode", string(cmd.DeliveryMode), cmd.DeliveryMode.Valid(), "cheque, turnkey")
	c.amount("planned_total_fen", cmd.PlannedTotalFen)
	c.year("plan_year", cmd.PlanYear)
	date := c.pastOrToday("business_date", cmd.BusinessDate)
	if c.err != nil {
		return nil, c.err
	}
	pr, err := l.pairingInForce(ctx, req.Principal, "pairing_id", cmd.PairingID, date, "business_date")
	if err != nil {
		return nil, err
	}
	ev := events.AidProjectRegistered{ProjectID: id, PairingID: cmd.PairingID, Name: cmd.Name, Sector: cmd.Sector,
		DeliveryMode: cmd.DeliveryMode, PlannedTotalFen: cmd.PlannedTotalFen, PlanYear: cmd.PlanYear, BusinessDate: date}
	return l.run(ctx, req, "RegisterProject", cmd, Written{ProjectID: id}, func(context.Context) (*eventstore.AppendRequest, error) {
		return &eventstore.AppendRequest{StreamID: projectStream(id), Events: []events.Event{ev},
			DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code,
			NewEntities: []eventstore.Entity{{ID: id, Kind: "project"}}}, nil
	})
}

// projectState is a project stream folded.
type projectState struct {
	version    int64
	registered events.AidProjectRegistered
	last       *events.ProjectProgressReported
}

func (l *Ledger) loadProject(ctx context.Context, id string) (*projectState, error) {
	if _, err := l.entity(ctx, "project_id", "project", id); err != nil {
		return nil, err
	}
	evs, version, err := l.load(ctx, projectStream(id))
	if err != nil {
		return nil, err
	}
	s := &projectState{version: version}
	for _, e := range evs {
		switch e := e.(type) {
		case events.AidProjectRegistered:
			s.registered = e
		case events.ProjectProgressReported:
			s.last = &e
		}
	}
	return s, nil
}

// ReportProgress records a ProjectProgressReported (项目进度).
type ReportProgress struct {
	AsOf                   string               `json:"as_of" format:"date"`
	Status                 events.ProjectStatus `json:"status" enum:"not_started,in_progress,completed,accepted"`
	CompletedInvestmentFen int64                `json:"completed_investment_fen" doc:"investment completed so far, in 分 (fen)"`
}

// ReportProgress reports a project's state as of a day. As-of dates of a
// project never go back, nor does its status.
func (l *Ledger) ReportProgress(ctx context.Context, req Request, projectID string, cmd ReportProgress) (*Written, error) {
	c := l.newCheck()
	asOf := c.date("as_of", cmd.AsOf)
	c.past("as_of", asOf)
	c.oneOf("status", string(cmd.Status), cmd.Status.Valid(), "not_started, in_progress, completed, accepted")
	c.nonNegative("completed_investment_fen", cmd.CompletedInvestmentFen, MaxAmountFen)
	if c.err != nil {
		return nil, c.err
	}
	return l.run(ctx, req, "ReportProgress/"+projectID, cmd, Written{ProjectID: projectID}, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		s, err := l.loadProject(ctx, projectID)
		if err != nil {
			return nil, err
		}
		pr, err := l.writablePairing(ctx, req.Principal, "project_id", s.registered.PairingID)
		if err != nil {
			return nil, err
		}
		if asOf.Before(s.registered.BusinessDate) {
			return nil, invalid("as_of", fmt.Sprintf("as_of %s is before the project was registered (%s)", asOf, s.registered.BusinessDate),
				fmt.Sprintf("进度日期 %s 早于立项日期 %s", asOf, s.registered.BusinessDate))
		}
		if s.last != nil {
			if asOf.Before(s.last.AsOf) {
				return nil, rule("as_of_not_monotonic", "as_of", fmt.Sprintf("progress was already reported as of %s; as_of cannot go back", s.last.AsOf),
					fmt.Sprintf("已有 %s 的进度报告,进度日期不能倒退", s.last.AsOf))
			}
			if slices.Index(events.ProjectStatuses, cmd.Status) < slices.Index(events.ProjectStatuses, s.last.Status) {
				return nil, rule("status_not_monotonic", "status", fmt.Sprintf("the project is already %s; its status cannot go back to %s", s.last.Status, cmd.Status),
					fmt.Sprintf("项目状态已为 %s,不能退回 %s", s.last.Status, cmd.Status))
			}
		}
		ev := events.ProjectProgressReported{ProjectID: projectID, PairingID: s.registered.PairingID, AsOf: asOf,
			Status: cmd.Status, CompletedInvestmentFen: cmd.CompletedInvestmentFen}
		return &eventstore.AppendRequest{StreamID: projectStream(projectID), ExpectedVersion: s.version, Events: []events.Event{ev},
			DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code}, nil
	})
}

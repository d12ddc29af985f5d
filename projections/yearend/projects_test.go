package yearend_test

import (
	"testing"

	"github.com/aidledger/aidledger/events"
)

// TestProjectsByYear: projects counted by calendar year whatever their
// plan year. 乙县 has a school of plan year 2021 started in 2021 and
// completed in 2023 (a report as of 2024 states the completion date), a
// clinic of plan year 2023 started in 2023 and still under way, and a
// road planned for 2023 that had not started by the end of June.
func TestProjectsByYear(t *testing.T) {
	t.Parallel()
	s := &script{tb: t}
	d := func(v string) events.Date { return day(t, v) }
	id := map[string]string{}
	add := func(name string, e events.Event) { id[name] = s.add(e) }
	add("P", events.PairingEstablished{PairingID: pYi, Donor: jia, Partner: yi, Programme: events.ProgrammeEastWest,
		ValidFrom: d("2021-01-01"), ValidTo: d("2025-12-31")})
	add("SCHOOL", events.AidProjectRegistered{ProjectID: "SCHOOL", PairingID: pYi, Name: "学校", Sector: "教育",
		DeliveryMode: events.DeliveryTurnkey, PlannedTotalFen: 500 * wan, PlanYear: 2021, BusinessDate: d("2021-03-01")})
	add("S1", events.ProjectProgressReported{ProjectID: "SCHOOL", PairingID: pYi, AsOf: d("2021-12-31"),
		Status: events.ProjectInProgress, CompletedInvestmentFen: 100 * wan, StartedOn: d("2021-05-10")})
	add("S-PLAN", events.ProjectYearPlanned{ProjectID: "SCHOOL", PairingID: pYi, Year: 2023, PlannedFen: 300 * wan,
		BusinessDate: d("2023-01-15")})
	add("S2", events.ProjectProgressReported{ProjectID: "SCHOOL", PairingID: pYi, AsOf: d("2022-12-31"),
		Status: events.ProjectInProgress, CompletedInvestmentFen: 250 * wan})
	add("S3", events.ProjectProgressReported{ProjectID: "SCHOOL", PairingID: pYi, AsOf: d("2023-06-30"),
		Status: events.ProjectInProgress, CompletedInvestmentFen: 380 * wan})
	add("S4", events.ProjectProgressReported{ProjectID: "SCHOOL", PairingID: pYi, AsOf: d("2024-01-20"),
		Status: events.ProjectAccepted, CompletedInvestmentFen: 490 * wan, CompletedOn: d("2023-11-28")})
	add("CLINIC", events.AidProjectRegistered{ProjectID: "CLINIC", PairingID: pYi, Name: "卫生院", Sector: "医疗",
		DeliveryMode: events.DeliveryCheque, PlannedTotalFen: 200 * wan, PlanYear: 2023, BusinessDate: d("2023-02-01")})
	add("C-PLAN", events.ProjectYearPlanned{ProjectID: "CLINIC", PairingID: pYi, Year: 2023, PlannedFen: 150 * wan,
		BusinessDate: d("2023-02-01")})
	add("C1", events.ProjectProgressReported{ProjectID: "CLINIC", PairingID: pYi, AsOf: d("2023-09-30"),
		Status: events.ProjectInProgress, CompletedInvestmentFen: 60 * wan, StartedOn: d("2023-04-01")})
	add("ROAD", events.AidProjectRegistered{ProjectID: "ROAD", PairingID: pYi, Name: "道路", Sector: "基础设施",
		DeliveryMode: events.DeliveryCheque, PlannedTotalFen: 100 * wan, PlanYear: 2023, BusinessDate: d("2023-03-01")})
	add("R-PLAN", events.ProjectYearPlanned{ProjectID: "ROAD", PairingID: pYi, Year: 2023, PlannedFen: 100 * wan,
		BusinessDate: d("2023-03-01")})
	add("R1", events.ProjectProgressReported{ProjectID: "ROAD", PairingID: pYi, AsOf: d("2023-08-31"),
		Status: events.ProjectInProgress, CompletedInvestmentFen: 10 * wan, StartedOn: d("2023-08-01")})
	// The road's 2023 plan is first withdrawn, then set again: it counts once.
	add("R-PLAN0", events.ProjectYearPlanned{ProjectID: "ROAD", PairingID: pYi, Year: 2023, BusinessDate: d("2023-09-01")})
	add("R-PLAN2", events.ProjectYearPlanned{ProjectID: "ROAD", PairingID: pYi, Year: 2023, PlannedFen: 80 * wan,
		BusinessDate: d("2023-09-02")})

	pool := newModel(t)
	applyAll(t, pool, s.evs, 0)
	ids := func(names ...string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = id[n]
		}
		return out
	}
	type want struct {
		underWay, started, continuing, finished, plannedProjects, plannedStarted int64
		plannedFen, investedFen, completionBP, startBP                           int64
	}
	for _, c := range []struct {
		year   int
		cutoff string
		want   want
	}{
		// 2021: the school started (its plan year; no annual plan).
		{2021, "", want{underWay: 1, started: 1, investedFen: 100 * wan}},
		// 2022: the school continues.
		{2022, "", want{underWay: 1, continuing: 1, investedFen: 150 * wan}},
		// 2023, whole year: the school continues and is completed (on
		// 28 November, stated by a report as of 2024, whose investment does
		// not count in 2023), the clinic and the road start; all three are
		// planned for 2023 (300 + 150 + 80 万元) and have started.
		{2023, "", want{underWay: 3, started: 2, continuing: 1, finished: 1, plannedProjects: 3, plannedStarted: 3,
			plannedFen: 530 * wan, investedFen: (380 - 250 + 60 + 10) * wan, completionBP: 3774, startBP: 10000}},
		// 2023 to the end of June: the road has not started; only the
		// school's report as of 30 June counts for investment.
		{2023, "2023-06-30", want{underWay: 2, started: 1, continuing: 1, plannedProjects: 3, plannedStarted: 2,
			plannedFen: 530 * wan, investedFen: 130 * wan, completionBP: 2453, startBP: 6667}},
		// 2024: the clinic and the road continue (no report says they are
		// done); the school's last report adds 110 万元.
		{2024, "", want{underWay: 2, continuing: 2, investedFen: 110 * wan}},
	} {
		var cutoff events.Date
		if c.cutoff != "" {
			cutoff = d(c.cutoff)
		}
		r := compute(t, pool, jia.Code, c.year, cutoff, 0)
		if len(r.Pairings) != 1 {
			t.Fatalf("%d cut %s: %d pairings", c.year, c.cutoff, len(r.Pairings))
		}
		f := r.Pairings[0].Figures
		got := want{f.ProjectsUnderWay.Value, f.ProjectsStarted.Value, f.ProjectsContinuing.Value, f.ProjectsFinished.Value,
			f.YearPlannedProjects.Value, f.YearPlannedStarted.Value, f.YearPlannedFen.Value, f.YearInvestedFen.Value,
			f.YearCompletionRateBP, f.StartRateBP}
		if got != c.want {
			t.Errorf("%d cut %q:\n got %+v\nwant %+v", c.year, c.cutoff, got, c.want)
		}
		if c.year == 2023 && c.cutoff == "" {
			// The school counts as 竣工 in 2023, not in its plan year.
			sameJSON(t, "2023 finished", f.ProjectsFinished, fig(1, ids("S4")...))
			sameJSON(t, "2023 started", f.ProjectsStarted, fig(2, ids("C1", "R1")...))
			sameJSON(t, "2023 planned", f.YearPlannedFen, fig(530*wan, ids("S-PLAN", "C-PLAN", "R-PLAN", "R-PLAN0", "R-PLAN2")...))
			sameJSON(t, "2023 planned projects", f.YearPlannedProjects,
				fig(3, ids("S-PLAN", "C-PLAN", "R-PLAN", "R-PLAN0", "R-PLAN2")...))
		}
	}
	// The plan year view is unchanged: the school counts as completed in
	// 2021, its plan year.
	r := compute(t, pool, jia.Code, 2021, events.Date{}, 0)
	sameJSON(t, "2021 completed (plan year)", r.Pairings[0].Figures.ProjectsCompleted, fig(1, ids("S4")...))
}

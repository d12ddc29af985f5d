package yearend_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// baseOf returns the base figures of f by json name.
func baseOf(tb testing.TB, f yearend.Figures) map[string]yearend.Figure {
	tb.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		tb.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		tb.Fatal(err)
	}
	out := map[string]yearend.Figure{}
	for _, name := range append(yearend.BaseFigures(), yearend.FigProjectsContinuing, yearend.FigProjectsUnderWay,
		yearend.FigStaffInPost, yearend.FigStaffYearOrMore) {
		fg := fig(0)
		if all[name] == nil { // an office indicator's zero figure is left out
			out[name] = fg
			continue
		}
		if err := json.Unmarshal(all[name], &fg); err != nil {
			tb.Fatalf("figure %s: %v", name, err)
		}
		out[name] = fg
	}
	return out
}

// checkOracle compares a report with the oracle's figures and footnotes,
// and checks that its line items add up to its figures.
func checkOracle(t *testing.T, what string, r *yearend.Report, o *oracle) {
	t.Helper()
	listed := map[string]bool{}
	items := map[[2]string]int64{}
	for _, li := range r.LineItems.All() {
		items[[2]string{li.PairingID, li.Figure}] += li.AmountFen
	}
	for _, p := range r.Pairings {
		listed[p.PairingID] = true
		for name, got := range baseOf(t, p.Figures) {
			want := fig(0)
			if f := o.figs[p.PairingID][name]; f != nil {
				var ids []string
				for id := range f.ids {
					ids = append(ids, id)
				}
				want = fig(f.value, ids...)
			}
			if looseFigures[name] && got.Value == want.Value &&
				!slices.ContainsFunc(got.EventIDs, func(id string) bool { return !o.stateEvents[id] }) {
				want = got
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: pairing %s %s = %d %v, oracle %d %v", what, p.PairingID, name, got.Value, got.EventIDs,
					want.Value, want.EventIDs)
			}
			// (the unallocated part of a commitment of several pairings is
			// listed on its first pairing but is no pairing's figure:
			// checkProgrammes checks it)
			if slices.Contains(yearend.BaseFigures(), name) && name != "fiscal_unallocated_fen" &&
				items[[2]string{p.PairingID, name}] != got.Value {
				t.Errorf("%s: pairing %s %s: line items sum to %d, figure %d", what, p.PairingID, name,
					items[[2]string{p.PairingID, name}], got.Value)
			}
		}
	}
	for _, p := range r.Pairings {
		checkTargets(t, what, r, p, o)
	}
	checkProgrammes(t, what, r, o)
	for p, figs := range o.figs {
		if !listed[p] {
			for name, f := range figs {
				t.Errorf("%s: pairing %s not listed, but the oracle has %s = %d", what, p, name, f.value)
			}
		}
	}
	got := slices.Clone(r.Footnotes)
	slices.SortStableFunc(got, compareNotes)
	want := o.notes
	if want == nil {
		want = []yearend.Footnote{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: footnotes differ: %s", what, firstDiff(asJSON(t, got), asJSON(t, want)))
	}
}

// TestOracle checks Compute against the oracle on a random history of
// three donors, for every year, with and without a cut-off, at the
// checkpoint and at earlier positions.
func TestOracle(t *testing.T) {
	t.Parallel()
	pool := newModel(t)
	evs := generate(7, 3, 3, 4000, nil)
	applyAll(t, pool, evs, 500)
	last := evs[len(evs)-1].Position
	r := rand.New(rand.NewPCG(1, 2))
	positions := []int64{0, last / 3, last / 2, last - 1 - int64(r.IntN(100))}
	checked := 0
	for _, donor := range []string{"D00", "D01", "D02"} {
		for year := 2022; year <= 2026; year++ {
			for _, cutoff := range []events.Date{{}, events.DateOf(year, 11, 30), events.DateOf(year, 6, 30)} {
				for _, at := range positions {
					rep := compute(t, pool, donor, year, cutoff, at)
					upTo := at
					if at == 0 {
						upTo = last
					}
					if rep.Position != upTo || rep.ChainHash != evs[upTo-1].Hash.String() {
						t.Fatalf("position %d hash %s, want %d %s", rep.Position, rep.ChainHash, upTo, evs[upTo-1].Hash)
					}
					checkOracle(t, fmt.Sprintf("%s %d cut %s at %d", donor, year, cutoff, upTo), rep,
						expect(evs, donor, year, cutoff, upTo))
					checked++
				}
			}
		}
	}
	t.Logf("%d reports checked against the oracle over %d events", checked, len(evs))
}

// TestOracleProgressGoesBack: a project reported completed, then in
// progress with less investment, then accepted. The ledger refuses a
// status that goes back and the generated histories never hold one, but
// the read model folds it (a completed project stops counting), and its
// figures at each position still agree with the oracle's.
func TestOracleProgressGoesBack(t *testing.T) {
	t.Parallel()
	s := workedExample(t).s
	first := s.last()
	d := func(v string) events.Date { return day(t, v) }
	s.add(events.AidProjectRegistered{ProjectID: "PR9", PairingID: pBing, Name: "丙县大桥", Sector: "交通", DeliveryMode: events.DeliveryCheque,
		PlannedTotalFen: 90 * wan, PlanYear: 2025, BusinessDate: d("2025-03-01")})
	for _, p := range []struct {
		asOf   string
		status events.ProjectStatus
		fen    int64
	}{{"2025-08-01", events.ProjectCompleted, 90 * wan}, {"2025-09-01", events.ProjectInProgress, 60 * wan},
		{"2025-10-01", events.ProjectAccepted, 95 * wan}} {
		s.add(events.ProjectProgressReported{ProjectID: "PR9", PairingID: pBing, AsOf: d(p.asOf), Status: p.status, CompletedInvestmentFen: p.fen})
	}
	pool := newModel(t)
	applyAll(t, pool, s.evs, 0)
	completed := []int64{}
	for at := first + 1; at <= s.last(); at++ {
		rep := compute(t, pool, jia.Code, 2025, events.Date{}, at)
		checkOracle(t, fmt.Sprintf("at %d", at), rep, expect(s.evs, jia.Code, 2025, events.Date{}, at))
		for _, p := range rep.Pairings {
			if p.PairingID == pBing {
				completed = append(completed, p.Figures.ProjectsCompleted.Value)
			}
		}
	}
	if !slices.Equal(completed, []int64{0, 1, 0, 1}) {
		t.Errorf("丙县's completed projects at each step: %v, want [0 1 0 1]", completed)
	}
}

// TestBatchSizes: the tables and the reports do not depend on how the
// events were cut into batches (1, 7, all at once), including the hand-
// made scenarios whose reversals and receipts refer across batches.
func TestBatchSizes(t *testing.T) {
	t.Parallel()
	w := workedExample(t)
	evs := w.s.evs
	// A random history after the worked example, following it.
	evs = append(evs, generate(11, 2, 2, 800, &evs[len(evs)-1].Record)...)
	var dumps []string
	var reports [][]*yearend.Report
	for _, size := range []int{1, 7, 0} {
		pool := newModel(t)
		applyAll(t, pool, evs, size)
		dumps = append(dumps, dump(t, pool))
		var rs []*yearend.Report
		for _, q := range []struct {
			donor string
			year  int
		}{{jia.Code, 2025}, {"D00", 2024}, {"D01", 2023}} {
			rs = append(rs, compute(t, pool, q.donor, q.year, events.Date{}, 0))
			rs = append(rs, compute(t, pool, q.donor, q.year, events.DateOf(q.year, 11, 30), int64(len(w.s.evs)+300)))
		}
		reports = append(reports, rs)
	}
	for i := 1; i < len(dumps); i++ {
		if dumps[i] != dumps[0] {
			t.Errorf("tables after batch size %d differ from batch size 1: %s", []int{1, 7, 0}[i], firstDiff(dumps[0], dumps[i]))
		}
		if !reflect.DeepEqual(reports[i], reports[0]) {
			t.Errorf("reports after batch size %d differ from batch size 1", []int{1, 7, 0}[i])
		}
	}
	if n := len(reports[0][0].Pairings); n != 2 {
		t.Errorf("worked example: %d pairings", n)
	}
}

// checkTargets compares a pairing's targets with the latest set for the
// year, and its progress with its figures: an entry for each indicator
// with a target, its result the figure it is measured against, its rate
// rounded from result / target, behind when below the share of the year
// elapsed at the cut-off.
func checkTargets(t *testing.T, what string, r *yearend.Report, p yearend.PairingFigures, o *oracle) {
	t.Helper()
	want, set := o.targets[p.PairingID]
	if !set {
		if p.Targets != nil || p.Progress != nil {
			t.Errorf("%s: pairing %s has targets %+v, progress %+v; none were set", what, p.PairingID, p.Targets, p.Progress)
		}
		return
	}
	if p.Targets == nil || *p.Targets != want {
		t.Errorf("%s: pairing %s targets %+v, want %+v", what, p.PairingID, p.Targets, want)
		return
	}
	f := baseOf(t, p.Figures)
	results := map[string]int64{"fiscal_fen": f["fiscal_disbursed_fen"].Value,
		"social_fen":      f["social_cash_fen"].Value + f["social_in_kind_fen"].Value,
		"consumption_fen": f["purchases_fen"].Value + f["sales_fen"].Value, "persons_employed": f["labour_persons"].Value,
		"poverty_persons_employed": f["labour_poverty_persons"].Value, "enterprises": f["investment_records"].Value,
		"investment_fen": f["investment_fen"].Value, "visits": f["visits"].Value,
		"staff": f["staff_cadre"].Value + f["staff_teacher"].Value + f["staff_doctor"].Value + f["staff_agronomist"].Value +
			f["staff_technician"].Value,
		"trainees": f["training_participants"].Value, "projects": f["projects_registered"].Value}
	expected := events.YearElapsedBP(r.Year, r.Cutoff)
	var keys []string
	for _, pr := range p.Progress {
		keys = append(keys, pr.Indicator)
		if pr.Target != want.Target(pr.Indicator) || pr.Result != results[pr.Indicator] || pr.ExpectedBP != expected ||
			pr.Behind != (pr.RateBP < expected) {
			t.Errorf("%s: pairing %s progress %+v (result %d, target %d, expected %d)", what, p.PairingID, pr,
				results[pr.Indicator], want.Target(pr.Indicator), expected)
		}
		// |rate × target − result × 10000| ≤ target / 2
		if d := pr.RateBP*pr.Target - pr.Result*10000; 2*d > pr.Target || -2*d > pr.Target {
			t.Errorf("%s: pairing %s %s rate %d bp for %d of %d", what, p.PairingID, pr.Indicator, pr.RateBP, pr.Result, pr.Target)
		}
	}
	var withTarget []string
	for _, k := range events.TargetKeys {
		if want.Target(k) > 0 {
			withTarget = append(withTarget, k)
		}
	}
	if !slices.Equal(keys, withTarget) {
		t.Errorf("%s: pairing %s progress of %v, want %v", what, p.PairingID, keys, withTarget)
	}
}

// checkProgrammes checks each programme's figures against the sums of its
// pairings' (value and events, figure by figure) — the unallocated part
// of commitments of several pairings against the oracle's, which no
// pairing has — and that every pairing is in its programme's list, once,
// in report order.
func checkProgrammes(t *testing.T, what string, r *yearend.Report, o *oracle) {
	t.Helper()
	var programmes []string
	sums := map[string]map[string]yearend.Figure{}
	partners := map[string][]string{}
	for _, p := range r.Pairings {
		if sums[p.Programme] == nil {
			programmes = append(programmes, p.Programme)
			sums[p.Programme] = map[string]yearend.Figure{}
		}
		partners[p.Programme] = append(partners[p.Programme], p.PairingID)
		for name, f := range baseOf(t, p.Figures) {
			if name == "fiscal_unallocated_fen" {
				if f.Value != 0 || len(f.EventIDs) != 0 {
					t.Errorf("%s: pairing %s has unallocated funds %d", what, p.PairingID, f.Value)
				}
				if u := o.unallocated[p.PairingID]; u != nil {
					f = fig(u.value, slices.Collect(maps.Keys(u.ids))...)
				}
			}
			s := sums[p.Programme][name]
			sums[p.Programme][name] = fig(s.Value+f.Value, append(s.EventIDs, f.EventIDs...)...)
		}
	}
	var got []string
	for _, pg := range r.Programmes {
		got = append(got, pg.Programme)
		if !slices.Equal(pg.PairingIDs, partners[pg.Programme]) || len(pg.Partners) != len(pg.PairingIDs) {
			t.Errorf("%s: programme %s pairings %v, want %v", what, pg.Programme, pg.PairingIDs, partners[pg.Programme])
		}
		for name, f := range baseOf(t, pg.Figures) {
			if want := sums[pg.Programme][name]; !reflect.DeepEqual(f, want) {
				t.Errorf("%s: programme %s %s = %d %v, pairings sum to %d %v", what, pg.Programme, name, f.Value, f.EventIDs,
					want.Value, want.EventIDs)
			}
		}
	}
	if !slices.Equal(got, programmes) {
		t.Errorf("%s: programmes %v, want %v", what, got, programmes)
	}
}

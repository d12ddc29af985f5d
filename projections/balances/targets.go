package balances

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
)

// Progress is one indicator's target for a year against its result so far:
// the completion rate (目标任务完成率) and, at a day of the year, the share of
// the year elapsed (序时进度) it should have reached.
type Progress struct {
	Indicator string `json:"indicator"` // the events.Targets json name
	Target    int64  `json:"target"`
	Result    int64  `json:"result"`
	// Rate is result / target (nil when no target is set).
	Rate *Rate `json:"rate"`
	// ExpectedBP is the share of the year elapsed, in basis points; Behind
	// says the rate is below it.
	ExpectedBP int64 `json:"expected_bp"`
	Behind     bool  `json:"behind"`
}

// ProgressOf compares the targets set with f's results, for the indicators
// that have a target, at a point of the year where expectedBP of it has
// elapsed (see events.YearElapsedBP).
func ProgressOf(t events.Targets, f Figures, expectedBP int64) []Progress {
	var out []Progress
	for _, key := range events.TargetKeys {
		target := t.Target(key)
		if target <= 0 {
			continue
		}
		p := Progress{Indicator: key, Target: target, Result: f.Result(key), ExpectedBP: expectedBP}
		p.Rate = NewRate(p.Result, target)
		p.Behind = p.Rate.BasisPoints < expectedBP
		out = append(out, p)
	}
	return out
}

// Result is the figure a target of indicator key (an events.Targets json
// name) is measured against: fiscal funds net disbursed, social and
// consumption aid net, labour transfers, investment records and net
// amount, staff sent, visits, training participants, projects registered.
func (f *Figures) Result(key string) int64 {
	switch key {
	case "fiscal_fen":
		return f.Fiscal.NetDisbursedFen
	case "social_fen":
		return f.Social.TotalNetFen
	case "consumption_fen":
		return f.Consumption.TotalNetFen
	case "persons_employed":
		return f.Labour.Persons
	case "poverty_persons_employed":
		return f.Labour.PovertyPersons
	case "enterprises":
		return f.Investment.Records
	case "investment_fen":
		return f.Investment.NetFen
	case "staff":
		return f.Staff.Persons
	case "visits":
		return f.Visits
	case "trainees":
		return f.Trainings.Participants
	case "projects":
		return f.Projects.Registered
	}
	return 0
}

// targetsSet records the targets of a pairing for a year (the latest set
// replaces earlier ones), and touches its pairing_years row.
func (b *batchState) targetsSet(e events.AnnualTargetsSet) {
	k := yearKey{pairingID: e.PairingID, year: e.Year}
	b.targets[k] = e.Targets
	b.add(k.pairingID, k.year, cVisits, 0)
}

// writeTargets upserts the targets the batch set.
func (b *batchState) writeTargets(ctx context.Context, tx pgx.Tx) error {
	if len(b.targets) == 0 {
		return nil
	}
	var ids, targets []string
	var years []int32
	for _, k := range slices.SortedFunc(maps.Keys(b.targets), compareYearKeys) {
		t, err := json.Marshal(b.targets[k])
		if err != nil {
			return err
		}
		ids, years, targets = append(ids, k.pairingID), append(years, int32(k.year)), append(targets, string(t))
	}
	_, err := tx.Exec(ctx, `INSERT INTO targets (pairing_id, year, targets)
		SELECT id, year, t::json FROM unnest($1::text[], $2::int[], $3::text[]) AS u(id, year, t)
		ON CONFLICT (pairing_id, year) DO UPDATE SET targets = EXCLUDED.targets`, planned, ids, years, targets)
	return err
}

// scanTargets reads a targets column (NULL: none set).
func scanTargets(raw []byte) (*events.Targets, error) {
	if raw == nil {
		return nil, nil
	}
	var t events.Targets
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	return &t, nil
}

package yearend

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// TargetProgress is one indicator's target for the report's year against
// its result up to the cut-off (目标任务完成率), and the share of the year
// elapsed at the cut-off (序时进度) it should have reached.
type TargetProgress struct {
	Indicator string `json:"indicator"` // the events.Targets json name
	Target    int64  `json:"target"`
	Result    int64  `json:"result"`
	// RateBP is result / target in basis points (half up); ExpectedBP the
	// share of the year elapsed at the end of the cut-off day (rounded
	// down); Behind says RateBP is below it.
	RateBP     int64 `json:"rate_bp"`
	ExpectedBP int64 `json:"expected_bp"`
	Behind     bool  `json:"behind"`
}

// Result is the figure a target of indicator key (an events.Targets json
// name) is measured against: fiscal aid net disbursed, social and
// consumption aid, persons employed through labour cooperation and of whom
// lifted out of poverty, investment records and amount, staff sent
// (cadres and professionals), visits, training participants, projects
// registered for the plan year. Targets themselves never count.
func (f *Figures) Result(key string) int64 {
	switch key {
	case "fiscal_fen":
		return f.FiscalDisbursedFen.Value
	case "social_fen":
		return f.SocialFen.Value
	case "consumption_fen":
		return f.ConsumptionFen.Value
	case "persons_employed":
		return f.LabourPersons.Value
	case "poverty_persons_employed":
		return f.LabourPovertyPersons.Value
	case "enterprises":
		return f.InvestmentRecords.Value
	case "investment_fen":
		return f.InvestmentFen.Value
	case "staff":
		return f.StaffCadre.Value + f.StaffProfessional.Value
	case "visits":
		return f.Visits.Value
	case "trainees":
		return f.TrainingParticipants.Value
	case "projects":
		return f.ProjectsRegistered.Value
	}
	return 0
}

// progressOf compares targets t with f's results for the indicators that
// have a target, expectedBP of the year having elapsed.
func progressOf(t events.Targets, f *Figures, expectedBP int64) []TargetProgress {
	var out []TargetProgress
	for _, key := range events.TargetKeys {
		target := t.Target(key)
		if target <= 0 {
			continue
		}
		p := TargetProgress{Indicator: key, Target: target, Result: f.Result(key), ExpectedBP: expectedBP}
		p.RateBP = basisPoints(p.Result, target)
		p.Behind = p.RateBP < expectedBP
		out = append(out, p)
	}
	return out
}

// targetsSet keeps the targets of a pairing for a year as set at the
// event's position.
func (b *batchState) targetsSet(e events.AnnualTargetsSet) error {
	p, err := lookup(b.pairings, "pairing", e.PairingID)
	if err != nil {
		return err
	}
	if e.Year < 1 || e.Year > 9999 {
		return fmt.Errorf("%w: targets of pairing %s for year %d", ErrInconsistent, e.PairingID, e.Year)
	}
	b.targets = append(b.targets, targetsRow{position: b.cur.Position, pairingID: text(e.PairingID), donorCode: text(p.donorCode),
		year: e.Year, targets: e.Targets})
	return nil
}

// writeTargets copies the targets rows of the batch.
func (b *batchState) writeTargets(ctx context.Context, tx pgx.Tx) error {
	w := newRows("targets", "position", "pairing_id", "donor_code", "year", "targets")
	for _, t := range b.targets {
		raw, err := json.Marshal(t.targets)
		if err != nil {
			return fmt.Errorf("yearend: targets of pairing %s: %w", t.pairingID, err)
		}
		w.Row()
		w.Int8(t.position)
		w.Text(t.pairingID)
		w.Text(t.donorCode)
		w.Int4(int32(t.year))
		w.Bytea(raw)
	}
	return send(ctx, tx, w)
}

// targetsSQL selects, per pairing of the donor, the latest targets for the
// year set up to the position.
const targetsSQL = `SELECT DISTINCT ON (pairing_id) pairing_id, targets FROM ` + Schema + `.targets
	WHERE donor_code = $1 AND year = $2 AND position <= $3
	ORDER BY pairing_id, position DESC`

// readTargets runs targetsSQL.
func readTargets(ctx context.Context, q projections.Querier, donorCode string, year int, pos int64) (map[string]events.Targets, error) {
	rs, err := q.Query(ctx, targetsSQL, donorCode, year, pos)
	if err != nil {
		return nil, fmt.Errorf("yearend: targets of %s for %d: %w", donorCode, year, err)
	}
	defer rs.Close()
	out := map[string]events.Targets{}
	for rs.Next() {
		var id string
		var raw []byte
		if err := rs.Scan(&id, &raw); err != nil {
			return nil, fmt.Errorf("yearend: targets of %s for %d: %w", donorCode, year, err)
		}
		var t events.Targets
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, fmt.Errorf("yearend: targets of pairing %s: %w", id, err)
		}
		out[id] = t
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("yearend: targets of %s for %d: %w", donorCode, year, err)
	}
	return out, nil
}

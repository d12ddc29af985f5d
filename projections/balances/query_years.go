package balances

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/aidledger/aidledger/events"
)

// YearFigures is the figures of one pairing in one fiscal year.
type YearFigures struct {
	PairingID string `json:"pairing_id"`
	Year      int    `json:"year"`
	Figures
	// Targets are the pairing's targets for the year (nil: none set).
	Targets *events.Targets `json:"targets,omitempty"`
}

// DonorPairing is one pairing of a donor with its figures (and, for a
// year, its targets: nil when none are set).
type DonorPairing struct {
	Pairing
	Figures
	Targets *events.Targets `json:"targets,omitempty"`
}

// DonorReport is a donor's figures for a year (or all years): one entry
// per pairing and the donor's totals, summed in fen before any derived
// figure is computed.
type DonorReport struct {
	Donor    events.Unit    `json:"donor"`
	Year     int            `json:"year"` // 0: all years
	Pairings []DonorPairing `json:"pairings"`
	Totals   Figures        `json:"totals"`
}

// yearColumns is the counters of pairing_years in counter order, for alias y.
var yearColumns = "y." + strings.Join(counterColumns[:], ", y.")

// yearSums is the counters summed over the joined pairing_years rows.
var yearSums = func() string {
	s := make([]string, len(counterColumns))
	for i, c := range counterColumns {
		s[i] = "coalesce(sum(y." + c + "), 0)::bigint"
	}
	return strings.Join(s, ", ")
}()

// counterDest returns scan destinations for the counters in order.
func counterDest(c *counters) []any {
	d := make([]any, len(c))
	for i := range c {
		d[i] = &c[i]
	}
	return d
}

// PairingYear returns the pairing's figures for year, or for every year it
// has non-zero figures in (one entry per year, ascending) when year is 0. A year in
// which nothing happened gives zero figures. ErrNotFound: no such pairing.
func PairingYear(ctx context.Context, q Querier, pairingID string, year int) ([]YearFigures, error) {
	ok, err := pairingExists(ctx, q, pairingID)
	if err != nil {
		return nil, fmt.Errorf("balances: pairing %s: %w", pairingID, err)
	}
	if !ok {
		return nil, fmt.Errorf("pairing %s: %w", pairingID, ErrNotFound)
	}
	rows, err := q.Query(ctx, `SELECT y.year, t.targets::text, `+yearColumns+` FROM proj_balances.pairing_years y
		LEFT JOIN proj_balances.targets t ON t.pairing_id = y.pairing_id AND t.year = y.year
		WHERE y.pairing_id = $1 AND ($2::int = 0 OR y.year = $2) ORDER BY y.year`, pairingID, year)
	if err != nil {
		return nil, fmt.Errorf("balances: pairing %s year %d: %w", pairingID, year, err)
	}
	out := []YearFigures{}
	for rows.Next() {
		var c counters
		var targets []byte
		py := YearFigures{PairingID: pairingID}
		if err := rows.Scan(append([]any{&py.Year, &targets}, counterDest(&c)...)...); err != nil {
			rows.Close()
			return nil, fmt.Errorf("balances: pairing %s year %d: %w", pairingID, year, err)
		}
		if py.Targets, err = scanTargets(targets); err != nil {
			rows.Close()
			return nil, fmt.Errorf("balances: pairing %s year %d: %w", pairingID, py.Year, err)
		}
		if year == 0 && c == (counters{}) && py.Targets == nil {
			continue // touched, but everything netted out: nothing to show
		}
		py.Figures = figuresOf(&c)
		out = append(out, py)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("balances: pairing %s year %d: %w", pairingID, year, err)
	}
	if year != 0 && len(out) == 0 {
		out = append(out, YearFigures{PairingID: pairingID, Year: year, Figures: figuresOf(&counters{})})
	}
	return out, nil
}

// Donor returns the donor's figures for year (all years summed when year
// is 0): one entry per pairing of the donor that has figures in the year or
// is valid on some day of it (every pairing when year is 0), ordered by
// partner code, programme and validity, and the donor's totals.
// ErrNotFound: the donor has no pairing at all.
func Donor(ctx context.Context, q Querier, donorCode string, year int) (*DonorReport, error) {
	return DonorForPartner(ctx, q, donorCode, "", year)
}

// DonorForPartner is Donor restricted to the donor's pairings with
// partnerCode ("": all of them), the totals theirs alone: a partner
// county's view. ErrNotFound when the donor has no such pairing.
func DonorForPartner(ctx context.Context, q Querier, donorCode, partnerCode string, year int) (*DonorReport, error) {
	rows, err := q.Query(ctx, `SELECT `+pairingColumns+`, (SELECT t.targets::text FROM proj_balances.targets t
			WHERE t.pairing_id = p.pairing_id AND t.year = $2), `+yearSums+`
		FROM proj_balances.pairings p
		LEFT JOIN proj_balances.pairing_years y ON y.pairing_id = p.pairing_id AND ($2::int = 0 OR y.year = $2)
		WHERE p.donor_code = $1 AND ($3 = '' OR p.partner_code = $3)
		GROUP BY p.pairing_id
		HAVING $2::int = 0 OR count(y.pairing_id) > 0
			OR (extract(year FROM p.valid_from) <= $2 AND extract(year FROM p.valid_to) >= $2)
		ORDER BY `+pairingOrder, donorCode, year, partnerCode)
	if err != nil {
		return nil, fmt.Errorf("balances: donor %s year %d: %w", donorCode, year, err)
	}
	r := &DonorReport{Year: year, Pairings: []DonorPairing{}}
	var total counters
	for rows.Next() {
		var dp DonorPairing
		var c counters
		var targets []byte
		dest, done := pairingDest(&dp.Pairing)
		if err := rows.Scan(append(append(dest, &targets), counterDest(&c)...)...); err != nil {
			rows.Close()
			return nil, fmt.Errorf("balances: donor %s year %d: %w", donorCode, year, err)
		}
		done()
		if dp.Targets, err = scanTargets(targets); err != nil {
			rows.Close()
			return nil, fmt.Errorf("balances: donor %s year %d: %w", donorCode, year, err)
		}
		if err := addCounters(&total, &c); err != nil {
			rows.Close()
			return nil, fmt.Errorf("balances: donor %s year %d: %w", donorCode, year, err)
		}
		dp.Figures = figuresOf(&c)
		r.Pairings = append(r.Pairings, dp)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("balances: donor %s year %d: %w", donorCode, year, err)
	}
	if len(r.Pairings) == 0 {
		ps, err := Pairings(ctx, q, PairingFilter{DonorCode: donorCode, PartnerCode: partnerCode})
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return nil, fmt.Errorf("donor %s: %w", donorCode, ErrNotFound)
		}
		r.Donor = ps[0].Donor
	} else {
		r.Donor = r.Pairings[0].Donor
	}
	r.Totals = figuresOf(&total)
	return r, nil
}

// addCounters adds c to total, failing rather than wrapping on overflow.
func addCounters(total, c *counters) error {
	for i, v := range c {
		t := total[i]
		if (v > 0 && t > math.MaxInt64-v) || (v < 0 && t < math.MinInt64-v) {
			return fmt.Errorf("%s: sum overflows int64", counterColumns[i])
		}
		total[i] = t + v
	}
	return nil
}

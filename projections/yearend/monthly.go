package yearend

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/projections"
)

// Monthly returns, for donorCode's contributions to pairings attributed
// to a business date in year (as the read model stands), the sum of each
// base figure named in figures per month (index 0 is January): the series
// behind a monthly chart. Rows counted by a budget or plan year
// (commitments, projects) have no month and are not included. Like
// Compute's reads, it is planned for its arguments every time (planned).
func Monthly(ctx context.Context, q projections.Querier, donorCode string, year int, pairings, figures []string) (map[string][12]int64, error) {
	rows, err := q.Query(ctx, `SELECT figure, extract(month FROM attributed_on)::int, sum(amount)::bigint
		FROM `+Schema+`.contributions
		WHERE donor_code = $1 AND year = $2 AND attributed_on IS NOT NULL AND figure = ANY($3) AND pairing_id = ANY($4)
		GROUP BY 1, 2`, planned, donorCode, year, figures, pairings)
	if err != nil {
		return nil, fmt.Errorf("yearend: monthly figures of %s in %d: %w", donorCode, year, err)
	}
	defer rows.Close()
	out := map[string][12]int64{}
	for rows.Next() {
		var figure string
		var month int
		var sum int64
		if err := rows.Scan(&figure, &month, &sum); err != nil {
			return nil, fmt.Errorf("yearend: monthly figures: %w", err)
		}
		m := out[figure]
		m[month-1] = sum
		out[figure] = m
	}
	return out, rows.Err()
}

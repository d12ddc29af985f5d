package yearend

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// donorPairing is a pairing of the donor as established.
type donorPairing struct {
	id        string
	position  int64
	donor     events.Unit
	partner   events.Unit
	programme string
	validFrom events.Date
	validTo   events.Date
}

// validIn reports whether the pairing is in force on some day of year.
func (p *donorPairing) validIn(year int) bool {
	return p.validFrom.Year() <= year && p.validTo.Year() >= year
}

// donorPairings returns the pairings of the donor established at or before
// position, in the order they were established.
func donorPairings(ctx context.Context, q projections.Querier, donorCode string, position int64) ([]donorPairing, error) {
	rs, err := q.Query(ctx, `SELECT pairing_id, position, donor_code, donor_name, donor_short_name, partner_code,
			partner_name, partner_short_name, programme, valid_from, valid_to
		FROM `+Schema+`.pairings WHERE donor_code = $1 AND position <= $2 ORDER BY position`, donorCode, position)
	if err != nil {
		return nil, fmt.Errorf("yearend: pairings of %s: %w", donorCode, err)
	}
	defer rs.Close()
	var out []donorPairing
	for rs.Next() {
		var p donorPairing
		var from, to pgtype.Date
		if err := rs.Scan(&p.id, &p.position, &p.donor.Code, &p.donor.Name, &p.donor.ShortName, &p.partner.Code,
			&p.partner.Name, &p.partner.ShortName, &p.programme, &from, &to); err != nil {
			return nil, fmt.Errorf("yearend: pairings of %s: %w", donorCode, err)
		}
		p.validFrom, p.validTo = dateOf(from), dateOf(to)
		out = append(out, p)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("yearend: pairings of %s: %w", donorCode, err)
	}
	return out, nil
}

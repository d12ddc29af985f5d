package balances

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aidledger/aidledger/events"
)

// Pairing is a pairing (结对关系) as established.
type Pairing struct {
	PairingID      string      `json:"pairing_id"`
	Donor          events.Unit `json:"donor"`
	Partner        events.Unit `json:"partner"`
	Programme      string      `json:"programme"`
	AgreementDocNo string      `json:"agreement_doc_no"`
	ValidFrom      events.Date `json:"valid_from"`
	ValidTo        events.Date `json:"valid_to"`
}

// PairingFilter selects pairings; an empty field matches every value.
type PairingFilter struct {
	DonorCode   string
	PartnerCode string
}

// pairingColumns are the columns scanPairing reads, for table alias p.
const pairingColumns = `p.pairing_id, p.donor_code, p.donor_name, p.donor_short_name, p.partner_code, p.partner_name,
	p.partner_short_name, p.programme, p.agreement_doc_no, p.valid_from, p.valid_to`

// pairingOrder lists pairings by donor, partner, programme and validity.
const pairingOrder = `p.donor_code, p.partner_code, p.programme, p.valid_from, p.pairing_id`

// pairingDest returns scan destinations for pairingColumns into p and a
// function that finishes p after the scan.
func pairingDest(p *Pairing) (dest []any, done func()) {
	var from, to pgtype.Date
	dest = []any{&p.PairingID, &p.Donor.Code, &p.Donor.Name, &p.Donor.ShortName, &p.Partner.Code, &p.Partner.Name,
		&p.Partner.ShortName, &p.Programme, &p.AgreementDocNo, &from, &to}
	return dest, func() { p.ValidFrom, p.ValidTo = dateOf(from), dateOf(to) }
}

// Pairings lists the pairings matching f, ordered by donor code, partner
// code, programme and validity. No match is an empty list, not an error.
func Pairings(ctx context.Context, q Querier, f PairingFilter) ([]Pairing, error) {
	rows, err := q.Query(ctx, `SELECT `+pairingColumns+` FROM proj_balances.pairings p
		WHERE ($1 = '' OR p.donor_code = $1) AND ($2 = '' OR p.partner_code = $2)
		ORDER BY `+pairingOrder, f.DonorCode, f.PartnerCode)
	if err != nil {
		return nil, fmt.Errorf("balances: pairings: %w", err)
	}
	out := []Pairing{}
	for rows.Next() {
		var p Pairing
		dest, done := pairingDest(&p)
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, fmt.Errorf("balances: pairings: %w", err)
		}
		done()
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("balances: pairings: %w", err)
	}
	return out, nil
}

// pairingExists reports whether the pairing is in the read model.
func pairingExists(ctx context.Context, q Querier, pairingID string) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM proj_balances.pairings WHERE pairing_id = $1)`, pairingID).Scan(&ok)
	return ok, err
}

package ledger

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// DonationItemInput is one line of an in-kind donation.
type DonationItemInput struct {
	Description string `json:"description" maxLength:"200"`
	Quantity    string `json:"quantity,omitempty" maxLength:"20" doc:"exact decimal, e.g. \"12.5\""`
	Unit        string `json:"unit,omitempty" maxLength:"20"`
	ValueFen    int64  `json:"value_fen,omitempty"`
}

// RecordDonation records a DonationReceived (社会帮扶: 捐款捐物).
type RecordDonation struct {
	DonationID     string              `json:"donation_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	PairingID      string              `json:"pairing_id"`
	DonorName      string              `json:"donor_name" maxLength:"200"`
	DonorType      events.DonorType    `json:"donor_type" enum:"enterprise,social_org,individual,public_body,other"`
	Kind           events.DonationKind `json:"kind" enum:"cash,in_kind"`
	AmountFen      int64               `json:"amount_fen" doc:"cash amount, or the valued amount of goods, in 分 (fen)"`
	ValuationBasis string              `json:"valuation_basis,omitempty" maxLength:"500" doc:"required for in_kind: how the goods were valued (invoice, market price …)"`
	Items          []DonationItemInput `json:"items,omitempty" maxItems:"200"`
	ReceiptNo      string              `json:"receipt_no" maxLength:"100" doc:"donation receipt number, unique per donor"`
	BusinessDate   string              `json:"business_date" format:"date"`
}

// RecordDonation records a social donation to a partner. In-kind gifts need
// a valuation basis; receipt numbers are unique per donor.
func (l *Ledger) RecordDonation(ctx context.Context, req Request, cmd RecordDonation) (*Written, error) {
	in := cmd
	in.DonationID = assignID(cmd.DonationID)
	return l.recordEntry(ctx, req, "RecordDonation", cmd, in, Written{DonationID: in.DonationID})
}

func (cmd RecordDonation) pairing() string { return cmd.PairingID }

func (cmd RecordDonation) check(today events.Date) error {
	_, err := cmd.event(today)
	return err
}

func (cmd RecordDonation) event(today events.Date) (events.DonationReceived, error) {
	c := &check{today: today}
	c.id("donation_id", cmd.DonationID)
	c.text("donor_name", cmd.DonorName, 200)
	oneOf(c, "donor_type", cmd.DonorType, events.DonorTypes)
	oneOf(c, "kind", cmd.Kind, events.DonationKinds)
	c.amount("amount_fen", cmd.AmountFen)
	c.optionalText("valuation_basis", cmd.ValuationBasis, 500)
	if c.err == nil && cmd.Kind == events.DonationInKind && cmd.ValuationBasis == "" {
		c.fail(rule(CodeValuationBasisRequired, "valuation_basis", "an in-kind donation needs a valuation basis",
			"捐物须注明价值认定依据(valuation_basis)"))
	}
	var items []events.DonationItem
	for i, it := range cmd.Items {
		f := fmt.Sprintf("items[%d].", i)
		c.text(f+"description", it.Description, 200)
		c.optionalMatch(f+"quantity", it.Quantity, decimalRe, "a decimal number such as 12.5", "数字,如 12.5")
		c.optionalText(f+"unit", it.Unit, 20)
		c.nonNegative(f+"value_fen", it.ValueFen, MaxAmountFen)
		items = append(items, events.DonationItem(it))
	}
	c.text("receipt_no", cmd.ReceiptNo, 100)
	date := c.date("business_date", cmd.BusinessDate)
	c.past("business_date", date)
	return events.DonationReceived{DonationID: cmd.DonationID, PairingID: cmd.PairingID, DonorName: cmd.DonorName,
		DonorType: cmd.DonorType, Kind: cmd.Kind, AmountFen: cmd.AmountFen, ValuationBasis: cmd.ValuationBasis, Items: items,
		ReceiptNo: cmd.ReceiptNo, BusinessDate: date}, c.result()
}

// decide records the donation to pairing pr, in force on its date; the
// receipt number is claimed for the donor.
func (cmd RecordDonation) decide(today events.Date, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today)
	if err != nil {
		return nil, err
	}
	if err := inForce(pr, ev.BusinessDate, "business_date"); err != nil {
		return nil, err
	}
	return entryAppend(pr, "donation", ev.DonationID, ev, receiptKey(pr.Donor.Code, cmd.ReceiptNo, ev.DonationID)), nil
}

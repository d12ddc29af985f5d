package ledger

import (
	"context"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// RecordPurchase records a ProductPurchased (消费帮扶-采购).
type RecordPurchase struct {
	PurchaseID         string         `json:"purchase_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	PairingID          string         `json:"pairing_id"`
	BuyerName          string         `json:"buyer_name" maxLength:"200"`
	SupplierName       string         `json:"supplier_name" maxLength:"200"`
	SupplierCountyCode string         `json:"supplier_county_code,omitempty" maxLength:"6" doc:"6-digit code of the county the goods come from"`
	Product            string         `json:"product" maxLength:"200"`
	Quantity           string         `json:"quantity,omitempty" maxLength:"20" doc:"exact decimal, e.g. \"12.5\""`
	Unit               string         `json:"unit,omitempty" maxLength:"20"`
	AmountFen          int64          `json:"amount_fen" doc:"amount in 分 (fen)"`
	Channel            events.Channel `json:"channel" enum:"platform_832,fair,canteen,union,ecommerce,store,other"`
	OrderNo            string         `json:"order_no" maxLength:"100" doc:"unique per channel across purchases and facilitated sales"`
	CompletedDate      string         `json:"completed_date" format:"date" doc:"the purchase counts on this date"`
}

// RecordPurchase records a completed purchase of the partner's products.
// (channel, order no) is unique across purchases and facilitated sales.
func (l *Ledger) RecordPurchase(ctx context.Context, req Request, cmd RecordPurchase) (*Written, error) {
	in := cmd
	in.PurchaseID = assignID(cmd.PurchaseID)
	return l.recordEntry(ctx, req, "RecordPurchase", cmd, in, Written{PurchaseID: in.PurchaseID})
}

func (cmd RecordPurchase) pairing() string { return cmd.PairingID }

func (cmd RecordPurchase) check(today events.Date) error {
	_, err := cmd.event(today)
	return err
}

func (cmd RecordPurchase) event(today events.Date) (events.ProductPurchased, error) {
	c := &check{today: today}
	c.id("purchase_id", cmd.PurchaseID)
	c.text("buyer_name", cmd.BuyerName, 200)
	c.text("supplier_name", cmd.SupplierName, 200)
	c.optionalMatch("supplier_county_code", cmd.SupplierCountyCode, countyCodeRe, "a 6-digit administrative division code", "6 位行政区划代码")
	c.text("product", cmd.Product, 200)
	c.optionalMatch("quantity", cmd.Quantity, decimalRe, "a decimal number such as 12.5", "数字,如 12.5")
	c.optionalText("unit", cmd.Unit, 20)
	c.amount("amount_fen", cmd.AmountFen)
	oneOf(c, "channel", cmd.Channel, events.Channels)
	c.text("order_no", cmd.OrderNo, 100)
	date := c.date("completed_date", cmd.CompletedDate)
	c.past("completed_date", date)
	return events.ProductPurchased{PurchaseID: cmd.PurchaseID, PairingID: cmd.PairingID, BuyerName: cmd.BuyerName,
		SupplierName: cmd.SupplierName, SupplierCountyCode: cmd.SupplierCountyCode, Product: cmd.Product, Quantity: cmd.Quantity,
		Unit: cmd.Unit, AmountFen: cmd.AmountFen, Channel: cmd.Channel, OrderNo: cmd.OrderNo, CompletedDate: date}, c.result()
}

// decide records the purchase for pairing pr, in force on the completion
// date; the order number is claimed on its channel.
func (cmd RecordPurchase) decide(today events.Date, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today)
	if err != nil {
		return nil, err
	}
	if err := inForce(pr, ev.CompletedDate, "completed_date"); err != nil {
		return nil, err
	}
	return entryAppend(pr, "purchase", ev.PurchaseID, ev, orderKey(cmd.Channel, cmd.OrderNo, ev.PurchaseID)), nil
}

// RecordSale records a SalesFacilitated (消费帮扶-帮助销售).
type RecordSale struct {
	SaleID     string         `json:"sale_id,omitempty" doc:"ULID; assigned by the server when omitted"`
	PairingID  string         `json:"pairing_id"`
	Channel    events.Channel `json:"channel" enum:"platform_832,fair,canteen,union,ecommerce,store,other"`
	Seller     string         `json:"seller,omitempty" maxLength:"200"`
	OrderNo    string         `json:"order_no,omitempty" maxLength:"100" doc:"when given, unique per channel across purchases and sales"`
	PeriodFrom string         `json:"period_from" format:"date"`
	PeriodTo   string         `json:"period_to" format:"date" doc:"the sale counts in the year this period ends"`
	AmountFen  int64          `json:"amount_fen" doc:"amount in 分 (fen)"`
	Evidence   string         `json:"evidence,omitempty" maxLength:"1000"`
}

// RecordSale records sales of the partner's products that the donor side
// helped make over a period.
func (l *Ledger) RecordSale(ctx context.Context, req Request, cmd RecordSale) (*Written, error) {
	in := cmd
	in.SaleID = assignID(cmd.SaleID)
	return l.recordEntry(ctx, req, "RecordSale", cmd, in, Written{SaleID: in.SaleID})
}

func (cmd RecordSale) pairing() string { return cmd.PairingID }

func (cmd RecordSale) check(today events.Date) error {
	_, err := cmd.event(today)
	return err
}

func (cmd RecordSale) event(today events.Date) (events.SalesFacilitated, error) {
	c := &check{today: today}
	c.id("sale_id", cmd.SaleID)
	oneOf(c, "channel", cmd.Channel, events.Channels)
	c.optionalText("seller", cmd.Seller, 200)
	c.optionalText("order_no", cmd.OrderNo, 100)
	from := c.date("period_from", cmd.PeriodFrom)
	to := c.date("period_to", cmd.PeriodTo)
	c.notBefore("period_to", to, "period_from", from)
	c.past("period_to", to)
	c.amount("amount_fen", cmd.AmountFen)
	c.optionalText("evidence", cmd.Evidence, 1000)
	return events.SalesFacilitated{SaleID: cmd.SaleID, PairingID: cmd.PairingID, Channel: cmd.Channel, Seller: cmd.Seller,
		OrderNo: cmd.OrderNo, PeriodFrom: from, PeriodTo: to, AmountFen: cmd.AmountFen, Evidence: cmd.Evidence}, c.result()
}

// decide records the sale for pairing pr, in force at the period's end;
// an order number, when given, is claimed on its channel.
func (cmd RecordSale) decide(today events.Date, pr events.PairingEstablished) (*eventstore.AppendRequest, error) {
	ev, err := cmd.event(today)
	if err != nil {
		return nil, err
	}
	if err := inForce(pr, ev.PeriodTo, "period_to"); err != nil {
		return nil, err
	}
	if cmd.OrderNo == "" {
		return entryAppend(pr, "sale", ev.SaleID, ev), nil
	}
	return entryAppend(pr, "sale", ev.SaleID, ev, orderKey(cmd.Channel, cmd.OrderNo, ev.SaleID)), nil
}

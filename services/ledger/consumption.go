package ledger

import (
	"context"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

const channelList = "platform_832, fair, canteen, union, ecommerce, store, other"

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
	c := l.newCheck()
	id := c.id("purchase_id", cmd.PurchaseID)
	c.text("buyer_name", cmd.BuyerName, 200)
	c.text("supplier_name", cmd.SupplierName, 200)
	c.optionalMatch("supplier_county_code", cmd.SupplierCountyCode, countyCodeRe, "a 6-digit administrative division code", "6 位行政区划代码")
	c.text("product", cmd.Product, 200)
	c.optionalMatch("quantity", cmd.Quantity, decimalRe, "a decimal number such as 12.5", "数字,如 12.5")
	c.optionalText("unit", cmd.Unit, 20)
	c.amount("amount_fen", cmd.AmountFen)
	c.oneOf("channel", string(cmd.Channel), cmd.Channel.Valid(), channelList)
	c.text("order_no", cmd.OrderNo, 100)
	date := c.date("completed_date", cmd.CompletedDate)
	c.past("completed_date", date)
	if c.err != nil {
		return nil, c.err
	}
	pr, err := l.pairingInForce(ctx, req.Principal, "pairing_id", cmd.PairingID, date, "completed_date")
	if err != nil {
		return nil, err
	}
	ev := events.ProductPurchased{PurchaseID: id, PairingID: cmd.PairingID, BuyerName: cmd.BuyerName, SupplierName: cmd.SupplierName,
		SupplierCountyCode: cmd.SupplierCountyCode, Product: cmd.Product, Quantity: cmd.Quantity, Unit: cmd.Unit,
		AmountFen: cmd.AmountFen, Channel: cmd.Channel, OrderNo: cmd.OrderNo, CompletedDate: date}
	return l.run(ctx, req, "RecordPurchase", cmd, Written{PurchaseID: id}, func(context.Context) (*eventstore.AppendRequest, error) {
		return &eventstore.AppendRequest{StreamID: entryStream("purchase", id), Events: []events.Event{ev},
			DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code,
			NewEntities: []eventstore.Entity{{ID: id, Kind: "purchase"}},
			Claim:       []eventstore.NaturalKey{orderKey(cmd.Channel, cmd.OrderNo, id)}}, nil
	})
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
	c := l.newCheck()
	id := c.id("sale_id", cmd.SaleID)
	c.oneOf("channel", string(cmd.Channel), cmd.Channel.Valid(), channelList)
	c.optionalText("seller", cmd.Seller, 200)
	c.optionalText("order_no", cmd.OrderNo, 100)
	from := c.date("period_from", cmd.PeriodFrom)
	to := c.date("period_to", cmd.PeriodTo)
	c.notBefore("period_to", to, "period_from", from)
	c.past("period_to", to)
	c.amount("amount_fen", cmd.AmountFen)
	c.optionalText("evidence", cmd.Evidence, 1000)
	if c.err != nil {
		return nil, c.err
	}
	pr, err := l.pairingInForce(ctx, req.Principal, "pairing_id", cmd.PairingID, to, "period_to")
	if err != nil {
		return nil, err
	}
	ev := events.SalesFacilitated{SaleID: id, PairingID: cmd.PairingID, Channel: cmd.Channel, Seller: cmd.Seller, OrderNo: cmd.OrderNo,
		PeriodFrom: from, PeriodTo: to, AmountFen: cmd.AmountFen, Evidence: cmd.Evidence}
	return l.run(ctx, req, "RecordSale", cmd, Written{SaleID: id}, func(context.Context) (*eventstore.AppendRequest, error) {
		ar := &eventstore.AppendRequest{StreamID: entryStream("sale", id), Events: []events.Event{ev},
			DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code,
			NewEntities: []eventstore.Entity{{ID: id, Kind: "sale"}}}
		if cmd.OrderNo != "" {
			ar.Claim = []eventstore.NaturalKey{orderKey(cmd.Channel, cmd.OrderNo, id)}
		}
		return ar, nil
	})
}

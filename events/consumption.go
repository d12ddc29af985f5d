package events

// ProductPurchased (消费帮扶-采购): a purchase of the partner's products,
// counted on its completed date. (Channel, order no) identifies the order.
type ProductPurchased struct {
	PurchaseID         string  `json:"purchase_id"`
	PairingID          string  `json:"pairing_id"`
	BuyerName          string  `json:"buyer_name"`
	SupplierName       string  `json:"supplier_name"`
	SupplierCountyCode string  `json:"supplier_county_code,omitempty"`
	Product            string  `json:"product"`
	Quantity           string  `json:"quantity,omitempty"` // exact decimal, e.g. "12.5"
	Unit               string  `json:"unit,omitempty"`
	AmountFen          int64   `json:"amount_fen"`
	Channel            Channel `json:"channel"`
	OrderNo            string  `json:"order_no"`
	CompletedDate      Date    `json:"completed_date"`
}

// EventType implements Event.
func (ProductPurchased) EventType() string { return "aid.product_purchased" }

// PairingIDs implements PairingScoped.
func (e ProductPurchased) PairingIDs() []string { return []string{e.PairingID} }

// SalesFacilitated (消费帮扶-帮助销售): the donor side helped sell the
// partner's products over a period. When an order number is given it shares
// the (channel, order no) space with purchases, so one order is never counted
// both as a purchase and as a facilitated sale.
type SalesFacilitated struct {
	SaleID     string  `json:"sale_id"`
	PairingID  string  `json:"pairing_id"`
	Channel    Channel `json:"channel"`
	Seller     string  `json:"seller,omitempty"`
	OrderNo    string  `json:"order_no,omitempty"`
	PeriodFrom Date    `json:"period_from"`
	PeriodTo   Date    `json:"period_to"`
	AmountFen  int64   `json:"amount_fen"`
	Evidence   string  `json:"evidence,omitempty"`
}

// EventType implements Event.
func (SalesFacilitated) EventType() string { return "aid.sales_facilitated" }

// PairingIDs implements PairingScoped.
func (e SalesFacilitated) PairingIDs() []string { return []string{e.PairingID} }

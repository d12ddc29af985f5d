package ledger

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// SetReportOrder sets the order of a donor's pairings in its year-end
// summary (PUT /v1/donors/{code}/report-order).
type SetReportOrder struct {
	PairingIDs   []string `json:"pairing_ids" maxItems:"500" doc:"the donor's pairings in the order the summary lists them; pairings not listed follow in the order they were established; [] returns to that default"`
	BusinessDate string   `json:"business_date,omitempty" format:"date" doc:"today when omitted"`
}

// reportOrderPartner routes ReportOrderSet: it concerns all of a donor's
// partners.
const reportOrderPartner = "all"

// SetReportOrder records the order of donorCode's pairings in its year-end
// summary, by an admin or a recorder of the donor; a caller who may not
// read the donor is answered as if it did not exist.
func (l *Ledger) SetReportOrder(ctx context.Context, req Request, donorCode string, cmd SetReportOrder) (*Written, error) {
	today := l.today()
	if p := req.Principal; !p.CanWrite(donorCode) {
		if !p.Scope().CoversDonor(donorCode) {
			return nil, notFound("donor", "donor", donorCode)
		}
		return nil, forbidden(fmt.Sprintf("%s may not order the summaries of donor %s", p.Actor(), donorCode),
			fmt.Sprintf("%s 无权设置 %s 年度总结的排序", p.Actor(), donorCode))
	}
	pairings := make([]events.PairingEstablished, 0, len(cmd.PairingIDs))
	for i, id := range cmd.PairingIDs {
		pr, err := l.pairing(ctx, fmt.Sprintf("pairing_ids[%d]", i), id)
		if err != nil {
			return nil, err
		}
		pairings = append(pairings, pr)
	}
	stream := "report-order-" + donorCode
	return l.run(ctx, req, "SetReportOrder/"+donorCode, cmd, Written{}, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		_, version, err := l.store.ReadStream(ctx, stream)
		if err != nil {
			return nil, err
		}
		ev, err := cmd.decide(today, donorCode, pairings)
		if err != nil {
			return nil, err
		}
		return &eventstore.AppendRequest{StreamID: stream, ExpectedVersion: version, Events: []events.Event{ev},
			DonorCode: donorCode, PartnerCode: reportOrderPartner}, nil
	})
}

// decide orders donorCode's summary by pairings (those of
// cmd.PairingIDs, in its order): each of them the donor's (another
// donor's is not_found), none twice.
func (cmd SetReportOrder) decide(today events.Date, donorCode string, pairings []events.PairingEstablished) (events.ReportOrderSet, error) {
	c := &check{today: today}
	date := today
	if cmd.BusinessDate != "" {
		date = c.date("business_date", cmd.BusinessDate)
		c.past("business_date", date)
	}
	seen := map[string]bool{}
	for i, pr := range pairings {
		field := fmt.Sprintf("pairing_ids[%d]", i)
		switch {
		case pr.Donor.Code != donorCode: // as if it did not exist: no oracle of other donors' ids
			c.fail(notFound(field, "pairing", pr.PairingID))
		case seen[pr.PairingID]:
			c.fail(invalid(field, fmt.Sprintf("pairing %s is listed twice", pr.PairingID),
				fmt.Sprintf("结对关系 %s 重复列出", pr.PairingID)))
		}
		seen[pr.PairingID] = true
	}
	ids := make([]string, len(pairings))
	for i, pr := range pairings {
		ids[i] = pr.PairingID
	}
	return events.ReportOrderSet{DonorCode: donorCode, PairingIDs: ids, BusinessDate: date}, c.result()
}

package ledger

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// summaryPartner routes SummaryGenerated: it concerns all of a donor's
// partners.
const summaryPartner = "all"

// RecordSummary records that a year-end summary was published — the
// office's act of handing it in — by an admin or a recorder of the donor
// (not an auditor, who reads it; nor a partner). A caller who may not even
// read the donor's figures is answered as if the donor did not exist. The
// caller passes an idempotency key derived from the summary's parameters
// and position, so publishing the same summary again records nothing new.
func (l *Ledger) RecordSummary(ctx context.Context, req Request, ev events.SummaryGenerated) (*Written, error) {
	if p := req.Principal; !p.CanWrite(ev.DonorCode) {
		if !p.Scope().CoversDonor(ev.DonorCode) {
			return nil, notFound("donor", "donor", ev.DonorCode)
		}
		return nil, forbidden(fmt.Sprintf("%s may not publish summaries of donor %s", p.Actor(), ev.DonorCode),
			fmt.Sprintf("%s 无权发布 %s 的年度总结", p.Actor(), ev.DonorCode))
	}
	stream := "summaries-" + ev.DonorCode
	return l.run(ctx, req, "RecordSummary", ev, Written{}, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		_, version, err := l.store.ReadStream(ctx, stream)
		if err != nil {
			return nil, err
		}
		return &eventstore.AppendRequest{StreamID: stream, ExpectedVersion: version, Events: []events.Event{ev},
			DonorCode: ev.DonorCode, PartnerCode: summaryPartner}, nil
	})
}

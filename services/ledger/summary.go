package ledger

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
)

// summaryPartner routes SummaryGenerated: it concerns all of a donor's
// partners.
const summaryPartner = "all"

// RecordSummary records that a year-end summary was generated. Anyone who
// may read the donor's figures may record it (auditors included: it records
// what was published, it changes no figure). The caller passes an
// idempotency key derived from the summary's parameters and position, so
// generating the same summary again records nothing new.
func (l *Ledger) RecordSummary(ctx context.Context, req Request, ev events.SummaryGenerated) (*Written, error) {
	if p := req.Principal; !(p.Role == auth.RoleAdmin || p.Role == auth.RoleAuditor || (p.Role == auth.RoleRecorder && p.DonorCode == ev.DonorCode)) {
		return nil, forbidden(fmt.Sprintf("%s may not generate summaries of donor %s", p.Actor(), ev.DonorCode),
			fmt.Sprintf("%s 无权生成 %s 的年度总结", p.Actor(), ev.DonorCode))
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

package ledger

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// SetReportStyle sets how a donor's year-end summary is written by default
// (PUT /v1/donors/{code}/report-style).
type SetReportStyle struct {
	Paragraph    string `json:"paragraph" enum:"by_pairing,by_programme" doc:"the paragraph's style: a clause group per pairing, or a sentence per programme"`
	Lead         string `json:"lead,omitempty" maxLength:"200" doc:"a sentence the paragraph opens with; empty for none"`
	BusinessDate string `json:"business_date,omitempty" format:"date" doc:"today when omitted"`
}

// Paragraph styles a donor may set (the report package renders them).
var paragraphStyles = []string{"by_pairing", "by_programme"}

// SetReportStyle records how donorCode's year-end summary is written by
// default, by an admin or a recorder of the donor; a caller who may not
// read the donor is answered as if it did not exist.
func (l *Ledger) SetReportStyle(ctx context.Context, req Request, donorCode string, cmd SetReportStyle) (*Written, error) {
	today := l.today()
	if p := req.Principal; !p.CanWrite(donorCode) {
		if !p.Scope().CoversDonor(donorCode) {
			return nil, notFound("donor", "donor", donorCode)
		}
		return nil, forbidden(fmt.Sprintf("%s may not set how donor %s's summaries are written", p.Actor(), donorCode),
			fmt.Sprintf("%s 无权设置 %s 年度总结的写法", p.Actor(), donorCode))
	}
	stream := "report-style-" + donorCode
	return l.run(ctx, req, "SetReportStyle/"+donorCode, cmd, Written{}, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		_, version, err := l.store.ReadStream(ctx, stream)
		if err != nil {
			return nil, err
		}
		ev, err := cmd.decide(today, donorCode)
		if err != nil {
			return nil, err
		}
		return &eventstore.AppendRequest{StreamID: stream, ExpectedVersion: version, Events: []events.Event{ev},
			DonorCode: donorCode, PartnerCode: reportOrderPartner}, nil
	})
}

// decide checks the style (one of paragraphStyles) and the lead-in (at
// most 200 characters, one line).
func (cmd SetReportStyle) decide(today events.Date, donorCode string) (events.ReportStyleSet, error) {
	c := &check{today: today}
	date := today
	if cmd.BusinessDate != "" {
		date = c.date("business_date", cmd.BusinessDate)
		c.past("business_date", date)
	}
	switch {
	case cmd.Paragraph != paragraphStyles[0] && cmd.Paragraph != paragraphStyles[1]:
		c.fail(invalid("paragraph", fmt.Sprintf("paragraph %q: want by_pairing or by_programme", cmd.Paragraph),
			fmt.Sprintf("段落写法 %q 无效：应为 by_pairing 或 by_programme", cmd.Paragraph)))
	}
	lead := strings.TrimSpace(cmd.Lead)
	switch {
	case utf8.RuneCountInString(lead) > 200:
		c.fail(invalid("lead", "the lead-in is longer than 200 characters", "开头语超过200个字符"))
	case strings.ContainsAny(lead, "\r\n"):
		c.fail(invalid("lead", "the lead-in is one sentence on one line", "开头语应为一行"))
	}
	return events.ReportStyleSet{DonorCode: donorCode, Paragraph: cmd.Paragraph, Lead: lead, BusinessDate: date}, c.result()
}

package ledger

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// ReverseEntry records the reversal (冲正) of a donation, purchase, sale,
// visit or secondment.
type ReverseEntry struct {
	Reason       events.ReversalReason `json:"reason" enum:"entry_error,funds_returned" doc:"entry_error: the entry should not have been made (counts in the original's year); funds_returned: money came back (counts in its own year; donations, purchases and sales only)"`
	AmountFen    *int64                `json:"amount_fen,omitempty" doc:"for donations, purchases and sales: the amount to take back in 分; the whole remainder when omitted. Not allowed for visits and secondments."`
	BusinessDate string                `json:"business_date,omitempty" format:"date" doc:"today when omitted"`
	DocNo        string                `json:"doc_no,omitempty" maxLength:"100"`
	Note         string                `json:"note,omitempty" maxLength:"1000"`
}

// EntryKinds are the kinds of entry ReverseEntry handles.
var EntryKinds = []string{"donation", "purchase", "sale", "visit", "secondment"}

// carriesMoney reports whether entries of kind have an amount.
func carriesMoney(kind string) bool {
	return kind == "donation" || kind == "purchase" || kind == "sale"
}

// entryState is what a reversal needs to know of the entry it reverses.
type entryState struct {
	version     int64
	streamID    string
	pairingIDs  []string
	donor       string
	partner     string
	amount      int64
	reversedFen int64
	reversed    bool // at least one reversal exists
	returned    bool // some reversal was funds_returned: real money moved
	date        events.Date
	key         *eventstore.NaturalKey
}

// foldEntry folds the records of the stream of entry id (at version): the
// entry and its reversals.
func foldEntry(id, streamID string, recs []events.Record, version int64) (*entryState, error) {
	s := &entryState{version: version, streamID: streamID}
	for _, r := range recs {
		e, err := events.Decode(r.Type, r.SchemaVersion, r.Payload)
		if err != nil {
			return nil, fmt.Errorf("stream %s: %w", streamID, err)
		}
		switch e := e.(type) {
		case events.DonationReceived:
			s.amount, s.date = e.AmountFen, e.BusinessDate
			k := receiptKey(r.DonorCode, e.ReceiptNo, id)
			s.key = &k
		case events.ProductPurchased:
			s.amount, s.date = e.AmountFen, e.CompletedDate
			k := orderKey(e.Channel, e.OrderNo, id)
			s.key = &k
		case events.SalesFacilitated:
			s.amount, s.date = e.AmountFen, e.PeriodTo
			if e.OrderNo != "" {
				k := orderKey(e.Channel, e.OrderNo, id)
				s.key = &k
			}
		case events.VisitConducted:
			s.date = e.StartDate
		case events.SecondmentStarted:
			if e.SecondmentID != id {
				continue
			}
			s.date = e.StartDate
		case events.DonationReversed, events.PurchaseReversed, events.SaleReversed, events.VisitReversed, events.SecondmentReversed:
			rv := e.(interface{ Reversal() events.EntryReversal }).Reversal()
			if rv.OriginalID == id {
				s.reversed, s.reversedFen = true, s.reversedFen+rv.AmountFen
				s.returned = s.returned || rv.Reason == events.ReasonFundsReturned
			}
			continue
		default:
			continue
		}
		s.pairingIDs, s.donor, s.partner = e.(events.PairingScoped).PairingIDs(), r.DonorCode, r.PartnerCode
	}
	return s, nil
}

func (l *Ledger) loadEntry(ctx context.Context, kind, id string) (*entryState, error) {
	ref, err := l.entity(ctx, kind+"_id", id, kind)
	if err != nil {
		return nil, err
	}
	recs, version, err := l.records(ctx, ref.StreamID)
	if err != nil {
		return nil, err
	}
	return foldEntry(id, ref.StreamID, recs, version)
}

// ReverseEntry reverses a donation, purchase or sale (wholly or in part),
// or a visit or secondment (wholly, entry_error only). Reversals never
// exceed the original; a wholly reversed entry error frees its receipt or
// order number for the corrected entry.
func (l *Ledger) ReverseEntry(ctx context.Context, req Request, kind, id string, cmd ReverseEntry) (*Written, error) {
	today := l.today()
	if _, err := cmd.reversal(today, kind, id); err != nil {
		return nil, err
	}
	ids := Written{}
	switch kind {
	case "donation":
		ids.DonationID = id
	case "purchase":
		ids.PurchaseID = id
	case "sale":
		ids.SaleID = id
	case "visit":
		ids.VisitID = id
	case "secondment":
		ids.SecondmentID = id
	default:
		return nil, fmt.Errorf("reverse entry: unknown kind %q", kind)
	}
	return l.run(ctx, req, "Reverse/"+kind+"/"+id, cmd, ids, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		s, err := l.loadEntry(ctx, kind, id)
		if err != nil {
			return nil, err
		}
		if _, err := l.writablePairing(ctx, req.Principal, kind+"_id", s.pairingIDs[0]); err != nil {
			return nil, err
		}
		return cmd.decide(today, kind, id, s)
	})
}

// reversal is the command as the reversal of entry id of kind, its fields
// checked (amount: the one given, or 0 for "the whole remainder").
func (cmd ReverseEntry) reversal(today events.Date, kind, id string) (events.EntryReversal, error) {
	c := &check{today: today}
	oneOf(c, "reason", cmd.Reason, events.ReversalReasons)
	hasMoney := carriesMoney(kind)
	if c.err == nil && !hasMoney && cmd.Reason != events.ReasonEntryError {
		c.fail(invalid("reason", kind+"s can only be reversed as entry_error", "该类记录只能以 entry_error(录入错误)冲正"))
	}
	var amount int64
	if cmd.AmountFen != nil {
		if !hasMoney {
			c.fail(invalid("amount_fen", kind+"s carry no amount", "该类记录没有金额"))
		}
		c.amount("amount_fen", *cmd.AmountFen)
		amount = *cmd.AmountFen
	}
	date := c.pastOrToday("business_date", cmd.BusinessDate)
	c.optionalText("doc_no", cmd.DocNo, 100)
	c.optionalText("note", cmd.Note, 1000)
	return events.EntryReversal{OriginalID: id, Reason: cmd.Reason, AmountFen: amount, BusinessDate: date,
		DocNo: cmd.DocNo, Note: cmd.Note}, c.result()
}

// decide reverses entry id of kind (its stream folded: s): never more than
// is left of it, never a wholly reversed entry again, never dated before
// the original. A wholly reversed entry error under which no money came
// back frees its receipt or order number.
func (cmd ReverseEntry) decide(today events.Date, kind, id string, s *entryState) (*eventstore.AppendRequest, error) {
	r, err := cmd.reversal(today, kind, id)
	if err != nil {
		return nil, err
	}
	hasMoney := carriesMoney(kind)
	left := s.amount - s.reversedFen
	if cmd.AmountFen == nil {
		r.AmountFen = left // the whole remainder
	}
	switch {
	case !hasMoney && s.reversed, hasMoney && left == 0:
		return nil, rule(CodeAlreadyReversed, "", "this entry has already been wholly reversed", "该记录已被全额冲正")
	case r.AmountFen > left:
		return nil, rule(CodeReversalExceedsOriginal, "amount_fen",
			fmt.Sprintf("only %s of this %s (%s) is left to reverse", money(left), kind, money(s.amount)),
			fmt.Sprintf("该记录(%s)可冲正的余额仅为 %s", moneyZh(s.amount), moneyZh(left)))
	case r.BusinessDate.Before(s.date):
		return nil, invalid("business_date", fmt.Sprintf("business_date %s is before the original's date %s", r.BusinessDate, s.date),
			fmt.Sprintf("冲正日期 %s 早于原记录日期 %s", r.BusinessDate, s.date))
	}
	r.PairingIDList, r.OriginalDate = s.pairingIDs, s.date
	ar := &eventstore.AppendRequest{StreamID: s.streamID, ExpectedVersion: s.version, Events: []events.Event{reversalEvent(kind, r)},
		DonorCode: s.donor, PartnerCode: s.partner}
	if s.key != nil && cmd.Reason.FreesNaturalKey(r.AmountFen == left, s.returned) {
		ar.Release = []eventstore.NaturalKey{*s.key}
	}
	return ar, nil
}

func reversalEvent(kind string, r events.EntryReversal) events.Event {
	switch kind {
	case "donation":
		return events.DonationReversed{EntryReversal: r}
	case "purchase":
		return events.PurchaseReversed{EntryReversal: r}
	case "sale":
		return events.SaleReversed{EntryReversal: r}
	case "visit":
		return events.VisitReversed{EntryReversal: r}
	default:
		return events.SecondmentReversed{EntryReversal: r}
	}
}

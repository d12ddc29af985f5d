package ledger

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// ReverseEntry records the reversal (冲正) of an entry of one of the
// EntryKinds.
type ReverseEntry struct {
	Reason       events.ReversalReason `json:"reason" enum:"entry_error,funds_returned" doc:"entry_error: the entry should not have been made (counts in the original's year); funds_returned: money came back (counts in its own year; donations, purchases and sales only)"`
	AmountFen    *int64                `json:"amount_fen,omitempty" doc:"for donations, purchases, sales and investments: the amount to take back in 分; the whole remainder when omitted. Not allowed for entries without money."`
	BusinessDate string                `json:"business_date,omitempty" format:"date" doc:"today when omitted"`
	DocNo        string                `json:"doc_no,omitempty" maxLength:"100"`
	Note         string                `json:"note,omitempty" maxLength:"1000"`
}

// EntryKind is a kind of entry ReverseEntry handles.
type EntryKind struct {
	// Name names the kind in entity ids' kinds, streams and forms.
	Name string
	// Path is the API's collection of the kind ("/v1/<path>/{id}/reversals").
	Path string
	// Money: the entries carry an amount, reversible in part and as
	// funds_returned; the others only wholly, as entry_error.
	Money bool
	// reversed wraps a reversal body as the kind's reversal event.
	reversed func(events.EntryReversal) events.Event
	// written names the entry in a command's answer.
	written func(*Written, string)
}

// EntryKinds are the kinds of entry ReverseEntry handles.
var EntryKinds = []EntryKind{
	{"donation", "donations", true, func(r events.EntryReversal) events.Event { return events.DonationReversed{EntryReversal: r} },
		func(w *Written, id string) { w.DonationID = id }},
	{"purchase", "purchases", true, func(r events.EntryReversal) events.Event { return events.PurchaseReversed{EntryReversal: r} },
		func(w *Written, id string) { w.PurchaseID = id }},
	{"sale", "sales", true, func(r events.EntryReversal) events.Event { return events.SaleReversed{EntryReversal: r} },
		func(w *Written, id string) { w.SaleID = id }},
	{"visit", "visits", false, func(r events.EntryReversal) events.Event { return events.VisitReversed{EntryReversal: r} },
		func(w *Written, id string) { w.VisitID = id }},
	{"secondment", "secondments", false, func(r events.EntryReversal) events.Event { return events.SecondmentReversed{EntryReversal: r} },
		func(w *Written, id string) { w.SecondmentID = id }},
	{"labour_transfer", "labour-transfers", false,
		func(r events.EntryReversal) events.Event { return events.LabourTransferReversed{EntryReversal: r} },
		func(w *Written, id string) { w.LabourTransferID = id }},
	{"investment", "enterprise-investments", true, func(r events.EntryReversal) events.Event { return events.InvestmentReversed{EntryReversal: r} },
		func(w *Written, id string) { w.InvestmentID = id }},
	{"training", "trainings", false, func(r events.EntryReversal) events.Event { return events.TrainingReversed{EntryReversal: r} },
		func(w *Written, id string) { w.TrainingID = id }},
	{"agreement", "agreements", false, func(r events.EntryReversal) events.Event { return events.AgreementReversed{EntryReversal: r} },
		func(w *Written, id string) { w.AgreementID = id }},
	{"park", "parks", false, func(r events.EntryReversal) events.Event { return events.ParkReversed{EntryReversal: r} },
		func(w *Written, id string) { w.ParkID = id }},
	{"workshop", "workshops", false, func(r events.EntryReversal) events.Event { return events.WorkshopReversed{EntryReversal: r} },
		func(w *Written, id string) { w.WorkshopID = id }},
}

// entryKind returns the EntryKind named name.
func entryKind(name string) (EntryKind, bool) {
	for _, k := range EntryKinds {
		if k.Name == name {
			return k, true
		}
	}
	return EntryKind{}, false
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
		case events.LabourTransferRecorded:
			s.date = e.PeriodTo
			k := labourKey(e)
			s.key = &k
		case events.EnterpriseInvestmentRecorded:
			s.amount, s.date = e.AmountFen, e.InvestedDate
			k := investmentKey(e)
			s.key = &k
		case events.TrainingHeld:
			s.date = e.EndDate
		case events.AgreementSigned:
			s.date = e.SignedDate
			k := agreementKey(e)
			s.key = &k
		case events.ParkEstablished:
			s.date = e.EstablishedDate
			k := siteKey("park", e.PairingID, e.Name, id)
			s.key = &k
		case events.WorkshopEstablished:
			s.date = e.EstablishedDate
			k := siteKey("workshop", e.PairingID, e.Village+" "+e.Name, id)
			s.key = &k
		case interface{ Reversal() events.EntryReversal }:
			rv := e.Reversal()
			if rv.OriginalID == id {
				s.reversed, s.reversedFen = true, s.reversedFen+rv.AmountFen
				s.returned = s.returned || rv.Reason == events.ReasonFundsReturned
			}
			continue
		default: // a secondment's end, a site's report …
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

// ReverseEntry reverses an entry with money (wholly or in part), or one
// without (wholly, entry_error only). Reversals never exceed the original;
// a wholly reversed entry error frees its identifying number (receipt,
// order, document …) for the corrected entry.
func (l *Ledger) ReverseEntry(ctx context.Context, req Request, kind, id string, cmd ReverseEntry) (*Written, error) {
	k, ok := entryKind(kind)
	if !ok {
		return nil, fmt.Errorf("reverse entry: unknown kind %q", kind)
	}
	today := l.today()
	if _, err := cmd.reversal(today, k, id); err != nil {
		return nil, err
	}
	var ids Written
	k.written(&ids, id)
	return l.run(ctx, req, "Reverse/"+kind+"/"+id, cmd, ids, func(ctx context.Context) (*eventstore.AppendRequest, error) {
		s, err := l.loadEntry(ctx, kind, id)
		if err != nil {
			return nil, err
		}
		if _, err := l.writablePairing(ctx, req.Principal, target{kind + "_id", kind, id}, s.pairingIDs[0]); err != nil {
			return nil, err
		}
		return cmd.decide(today, k, id, s)
	})
}

// reversal is the command as the reversal of entry id of kind, its fields
// checked (amount: the one given, or 0 for "the whole remainder").
func (cmd ReverseEntry) reversal(today events.Date, k EntryKind, id string) (events.EntryReversal, error) {
	c := &check{today: today}
	oneOf(c, "reason", cmd.Reason, events.ReversalReasons)
	if c.err == nil && !k.Money && cmd.Reason != events.ReasonEntryError {
		c.fail(invalid("reason", k.Path+" can only be reversed as entry_error", "该类记录只能以 entry_error(录入错误)冲正"))
	}
	var amount int64
	if cmd.AmountFen != nil {
		if !k.Money {
			c.fail(invalid("amount_fen", k.Path+" carry no amount", "该类记录没有金额"))
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
func (cmd ReverseEntry) decide(today events.Date, k EntryKind, id string, s *entryState) (*eventstore.AppendRequest, error) {
	r, err := cmd.reversal(today, k, id)
	if err != nil {
		return nil, err
	}
	hasMoney := k.Money
	left := s.amount - s.reversedFen
	if cmd.AmountFen == nil {
		r.AmountFen = left // the whole remainder
	}
	switch {
	case !hasMoney && s.reversed, hasMoney && left == 0:
		return nil, rule(CodeAlreadyReversed, "", "this entry has already been wholly reversed", "该记录已被全额冲正")
	case r.AmountFen > left:
		return nil, rule(CodeReversalExceedsOriginal, "amount_fen",
			fmt.Sprintf("only %s of this %s (%s) is left to reverse", money(left), k.Name, money(s.amount)),
			fmt.Sprintf("该记录(%s)可冲正的余额仅为 %s", moneyZh(s.amount), moneyZh(left)))
	case r.BusinessDate.Before(s.date):
		return nil, invalid("business_date", fmt.Sprintf("business_date %s is before the original's date %s", r.BusinessDate, s.date),
			fmt.Sprintf("冲正日期 %s 早于原记录日期 %s", r.BusinessDate, s.date))
	}
	r.PairingIDList, r.OriginalDate = s.pairingIDs, s.date
	ar := &eventstore.AppendRequest{StreamID: s.streamID, ExpectedVersion: s.version, Events: []events.Event{k.reversed(r)},
		DonorCode: s.donor, PartnerCode: s.partner}
	if s.key != nil && cmd.Reason.FreesNaturalKey(r.AmountFen == left, s.returned) {
		ar.Release = []eventstore.NaturalKey{*s.key}
	}
	return ar, nil
}

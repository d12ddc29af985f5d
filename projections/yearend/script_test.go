package yearend_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/yearend"
)

// 1 元 and 1万元 in fen.
const (
	yuan = 100
	wan  = 10_000 * yuan
)

// script builds an event sequence by hand, as the ledger would store it:
// positions from 1, ids "EV000001" …, a valid hash chain, and every payload
// through the catalogue's Encode and Decode, so Apply sees exactly what
// the runner hands it. An event is recorded at 10:00 China time on its own
// business date unless the script says otherwise.
type script struct {
	tb   testing.TB
	evs  []projections.Event
	prev events.Hash
}

// add appends e recorded on its own business date and returns its id.
func (s *script) add(e events.Event) string {
	s.tb.Helper()
	return s.addAt(time.Time{}, e)
}

// addAt appends e recorded at the instant at (its business date at 10:00
// China time when at is zero) and returns its id.
func (s *script) addAt(at time.Time, e events.Event) string {
	s.tb.Helper()
	payload, version, err := events.Encode(e)
	if err != nil {
		s.tb.Fatal(err)
	}
	data, err := events.Decode(e.EventType(), version, payload)
	if err != nil {
		s.tb.Fatal(err)
	}
	if at.IsZero() {
		d := ownDate(e)
		at = time.Date(d.Year(), d.Time().Month(), d.Time().Day(), 10, 0, 0, 0, events.ChinaTime).UTC()
	}
	n := int64(len(s.evs) + 1)
	rec := events.Record{Position: n, ID: fmt.Sprintf("EV%06d", n), StreamID: "s", StreamVersion: 1, Type: e.EventType(),
		SchemaVersion: version, RecordedAt: at.Truncate(time.Microsecond), DonorCode: "x", PartnerCode: "y",
		Metadata: events.Metadata{Actor: "test"}, Payload: payload, PrevHash: s.prev}
	rec.Hash = events.ChainHash(rec.PrevHash, n, rec.Canonical())
	s.prev = rec.Hash
	s.evs = append(s.evs, projections.Event{Record: rec, Data: data})
	return rec.ID
}

// addUnknown appends an event of a type this build does not know (nil
// Data, as the runner decodes it) and returns its id.
func (s *script) addUnknown() string {
	n := int64(len(s.evs) + 1)
	rec := events.Record{Position: n, ID: fmt.Sprintf("EV%06d", n), StreamID: "s", StreamVersion: 1,
		Type: "aid.from_a_later_release", SchemaVersion: 1, RecordedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		DonorCode: "x", PartnerCode: "y", Metadata: events.Metadata{Actor: "test"}, Payload: []byte(`{}`), PrevHash: s.prev}
	rec.Hash = events.ChainHash(rec.PrevHash, n, rec.Canonical())
	s.prev = rec.Hash
	s.evs = append(s.evs, projections.Event{Record: rec})
	return rec.ID
}

// last is the position of the last event added.
func (s *script) last() int64 { return int64(len(s.evs)) }

// ownDate is the business date an event states (2020-01-01 for those
// without one).
func ownDate(e events.Event) events.Date {
	switch e := e.(type) {
	case events.PairingEstablished:
		return e.ValidFrom
	case events.AnnualTargetsSet:
		return events.DateOf(e.Year, 1, 1)
	case events.AidProjectRegistered:
		return e.BusinessDate
	case events.ProjectProgressReported:
		return e.AsOf
	case events.ProjectYearPlanned:
		return e.BusinessDate
	case events.FundsCommitted:
		return e.BusinessDate
	case events.CommitmentAdjusted:
		return e.BusinessDate
	case events.FundsDisbursed:
		return e.BusinessDate
	case events.DisbursementReversed:
		return e.BusinessDate
	case events.FundsReceiptConfirmed:
		return e.ReceivedDate
	case events.DonationReceived:
		return e.BusinessDate
	case events.ProductPurchased:
		return e.CompletedDate
	case events.SalesFacilitated:
		return e.PeriodTo
	case events.SecondmentStarted:
		return e.StartDate
	case events.SecondmentEnded:
		return e.EndDate
	case events.VisitConducted:
		return e.StartDate
	case interface{ Reversal() events.EntryReversal }:
		return e.Reversal().BusinessDate
	}
	return events.DateOf(2020, 1, 1)
}

// fig is a Figure with its event ids sorted.
func fig(v int64, ids ...string) yearend.Figure {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if ids == nil {
		ids = []string{}
	}
	return yearend.Figure{Value: v, EventIDs: ids}
}

// zeroFigures is Figures with every Figure zero and an empty id list (as
// Compute returns them).
func zeroFigures() yearend.Figures {
	z := fig(0)
	return yearend.Figures{Visits: z, StaffProfessional: z, StaffCadre: z, StaffTeacher: z, StaffDoctor: z,
		StaffAgronomist: z, StaffTechnician: z, FiscalDisbursedFen: z, FiscalCommittedFen: z, ReceiptsConfirmedFen: z,
		ProjectsRegistered: z, ProjectsCompleted: z, PlannedInvestmentFen: z, CompletedInvestmentFen: z,
		SocialCashFen: z, SocialInKindFen: z, SocialFen: z, PurchasesFen: z, SalesFen: z, ConsumptionFen: z}
}

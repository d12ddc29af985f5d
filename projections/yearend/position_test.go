package yearend_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/yearend"
)

// TestAtPosition: a report computed at position P is reproduced exactly
// after more events arrive — late entries dated in the year, reversals of
// counted entries, a new pairing — and equals the report of a model that
// never saw them; at the checkpoint the report changes and says so.
func TestAtPosition(t *testing.T) {
	t.Parallel()
	pool := newModel(t)
	w := workedExample(t)
	s := w.s
	applyAll(t, pool, s.evs, 0)
	p := s.last()
	cut := day(t, "2025-11-30")
	before := compute(t, pool, jia.Code, 2025, events.Date{}, 0)
	beforeCut := compute(t, pool, jia.Code, 2025, cut, p)
	if before.Position != p {
		t.Fatalf("position %d, want %d", before.Position, p)
	}

	d := func(v string) events.Date { return day(t, v) }
	ding := events.Unit{Code: "522703", Name: "丁县", ShortName: "丁"}
	s.add(events.PairingEstablished{PairingID: "01JPAIRINGDING000000000000", Donor: jia, Partner: ding,
		Programme: events.ProgrammeMountainSea, AgreementDocNo: "甲丁协议", ValidFrom: d("2025-06-01"), ValidTo: d("2027-12-31")})
	s.addAt(cst(t, "2026-01-05 09:00"), events.FundsDisbursed{DisbursementID: "D9", CommitmentID: "C-YI", PairingID: pYi,
		AmountFen: 10 * wan, BusinessDate: d("2025-06-01"), PayeeName: "乙县财政局", VoucherNo: "V-2025-009"})
	s.add(events.DisbursementReversed{ReversalID: "R4", DisbursementID: "D4", CommitmentID: "C-YI", PairingID: pYi,
		AmountFen: 40 * wan, Reason: events.ReasonEntryError, BusinessDate: d("2025-12-10"), OriginalDate: d("2025-07-01")})
	s.add(events.VisitReversed{EntryReversal: events.EntryReversal{OriginalID: "V2", PairingIDList: []string{pYi, pBing},
		Reason: events.ReasonEntryError, BusinessDate: d("2025-12-11"), OriginalDate: d("2025-05-18")}})
	s.add(events.DonationReceived{DonationID: "DN3", PairingID: pBing, DonorName: "个人", DonorType: events.DonorIndividual,
		Kind: events.DonationInKind, AmountFen: 2 * wan, ValuationBasis: "发票", ReceiptNo: "捐-003", BusinessDate: d("2025-12-12")})
	applyAll(t, pool, s.evs[p:], 2)

	again := compute(t, pool, jia.Code, 2025, events.Date{}, p)
	if !reflect.DeepEqual(again, before) {
		t.Errorf("report at position %d changed after more events: %s", p, firstDiff(asJSON(t, before), asJSON(t, again)))
	}
	if againCut := compute(t, pool, jia.Code, 2025, cut, p); !reflect.DeepEqual(againCut, beforeCut) {
		t.Errorf("cut report at position %d changed: %s", p, firstDiff(asJSON(t, beforeCut), asJSON(t, againCut)))
	}

	now := compute(t, pool, jia.Code, 2025, events.Date{}, 0)
	lastEv := s.evs[len(s.evs)-1]
	if now.Position != lastEv.Position || now.ChainHash != lastEv.Hash.String() || now.ChainHash == before.ChainHash {
		t.Errorf("provenance now %d %s, want %d %s", now.Position, now.ChainHash, lastEv.Position, lastEv.Hash)
	}
	if len(now.Pairings) != 3 || now.Totals.FiscalDisbursedFen.Value != 330*wan || now.Totals.Visits.Value != 2 {
		t.Errorf("now: %d pairings, disbursed %d, visits %d", len(now.Pairings), now.Totals.FiscalDisbursedFen.Value,
			now.Totals.Visits.Value)
	}

	// Every earlier position gives what a model that stopped there gives.
	for _, at := range []int64{2, 10, p, p + 2, p + 4} {
		prefix := newModel(t)
		applyAll(t, prefix, s.evs[:at], 0)
		for _, cutoff := range []events.Date{{}, cut} {
			want := compute(t, prefix, jia.Code, 2025, cutoff, 0)
			if got := compute(t, pool, jia.Code, 2025, cutoff, at); !reflect.DeepEqual(got, want) {
				t.Errorf("at %d cut %s: %s", at, cutoff, firstDiff(asJSON(t, want), asJSON(t, got)))
			}
		}
	}

	ctx := context.Background()
	if _, err := yearend.Compute(ctx, pool, jia.Code, 2025, events.Date{}, lastEv.Position+1); !errors.Is(err, yearend.ErrPosition) {
		t.Errorf("beyond the checkpoint: %v, want ErrPosition", err)
	}
	if _, err := yearend.Compute(ctx, pool, jia.Code, 2025, events.Date{}, -1); !errors.Is(err, yearend.ErrInvalid) {
		t.Errorf("negative position: %v, want ErrInvalid", err)
	}
	// Before the donor's first pairing there is nothing to report on.
	if _, err := yearend.Compute(ctx, pool, ding.Code, 2025, events.Date{}, 1); !errors.Is(err, yearend.ErrNotFound) {
		t.Errorf("unknown donor at 1: %v, want ErrNotFound", err)
	}
}

// TestChainHashAcrossSkippedEvents: events of types this build does not
// know are never handed to Apply; the hash at the last of a run of them is
// still known (the next event's prev_hash), as is the checkpoint's, while
// the others are ErrPosition.
func TestChainHashAcrossSkippedEvents(t *testing.T) {
	t.Parallel()
	pool := newModel(t)
	// Positions: 1–2 pairings, 3–4 unknown, 5 a visit, 6 unknown, 7 a
	// visit, 8 unknown (at the checkpoint).
	s := pairWith(t)
	d := func(v string) events.Date { return day(t, v) }
	s.addUnknown()
	s.addUnknown()
	s.add(events.VisitConducted{VisitID: "W", PairingIDList: []string{pYi}, Direction: events.VisitOutbound,
		StartDate: d("2025-03-01"), EndDate: d("2025-03-02")})
	s.addUnknown()
	s.add(events.VisitConducted{VisitID: "W2", PairingIDList: []string{pBing}, Direction: events.VisitOutbound,
		StartDate: d("2025-04-01"), EndDate: d("2025-04-02")})
	s.addUnknown()
	var known []projections.Event
	for _, ev := range s.evs {
		if ev.Data != nil {
			known = append(known, ev)
		}
	}
	applyAll(t, pool, known[:2], 0)
	applyAll(t, pool, known[2:], 0)
	// The runner moves the checkpoint past skipped events too.
	last := s.evs[len(s.evs)-1]
	if _, err := pool.Exec(context.Background(), `UPDATE proj_yearend.checkpoint SET position = $1, hash = $2`,
		last.Position, last.Hash[:]); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, ev := range s.evs {
		h, err := yearend.ChainHashAt(ctx, pool, ev.Position)
		switch {
		case ev.Position == 3:
			if !errors.Is(err, yearend.ErrPosition) {
				t.Errorf("hash at 3 (skipped, not the last of its run): %v %s, want ErrPosition", err, h)
			}
		case err != nil:
			t.Errorf("hash at %d: %v", ev.Position, err)
		case h != ev.Hash:
			t.Errorf("hash at %d: %s, want %s", ev.Position, h, ev.Hash)
		}
	}
	if r := compute(t, pool, jia.Code, 2025, events.Date{}, 6); r.ChainHash != s.evs[5].Hash.String() || r.Totals.Visits.Value != 1 {
		t.Errorf("report at 6: hash %s, visits %d; want %s, 1", r.ChainHash, r.Totals.Visits.Value, s.evs[5].Hash)
	}
	if _, err := yearend.Compute(ctx, pool, jia.Code, 2025, events.Date{}, 3); !errors.Is(err, yearend.ErrPosition) {
		t.Errorf("report at 3: %v, want ErrPosition", err)
	}
	if r := compute(t, pool, jia.Code, 2025, events.Date{}, 0); r.Position != last.Position ||
		r.ChainHash != last.Hash.String() || r.Totals.Visits.Value != 2 {
		t.Errorf("report at the checkpoint: %d %s, visits %d", r.Position, r.ChainHash, r.Totals.Visits.Value)
	}
	// The same events handed to Apply with a nil Data (as a type this build
	// does not know) give the same tables.
	other := newModel(t)
	applyAll(t, other, s.evs, 3)
	if a, b := dump(t, pool), dump(t, other); a != b {
		t.Errorf("skipping unknown events and passing them differ: %s", firstDiff(a, b))
	}
}

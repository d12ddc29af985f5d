package yearend_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/yearend"
)

// TestMemoryEqualsCompute: the in-memory model, fed the log, computes the
// same report as Compute on the read model, for every donor, year and
// cut-off, at several positions — the worked example followed by a random
// history of three donors.
func TestMemoryEqualsCompute(t *testing.T) {
	t.Parallel()
	w := workedExample(t)
	evs := w.s.evs
	evs = append(evs, generate(23, 3, 3, 3000, &evs[len(evs)-1].Record)...)
	evs = routed(t, evs)
	pool := newModel(t)
	applyAll(t, pool, evs, 400)
	last := int64(len(evs))
	checked := 0
	for _, donor := range []string{jia.Code, "D00", "D01", "D02"} {
		for _, at := range []int64{int64(len(w.s.evs)), last / 2, last} {
			m := yearend.NewMemory(donor)
			for _, ev := range evs[:at] {
				if err := m.Apply(ev); err != nil {
					t.Fatal(err)
				}
			}
			for year := 2022; year <= 2026; year++ {
				for _, cutoff := range []events.Date{{}, events.DateOf(year, 11, 30), events.DateOf(year, 3, 31)} {
					want, werr := yearend.Compute(t.Context(), pool, donor, year, cutoff, at)
					got, gerr := m.Compute(year, cutoff)
					if werr != nil || gerr != nil {
						if !errors.Is(werr, yearend.ErrNotFound) || !errors.Is(gerr, yearend.ErrNotFound) {
							t.Fatalf("%s %d at %d: Compute: %v, Memory: %v", donor, year, at, werr, gerr)
						}
						continue
					}
					if !reflect.DeepEqual(got, want) {
						sameJSON(t, fmt.Sprintf("%s %d cut %s at %d: memory vs read model", donor, year, cutoff, at), got, want)
						t.FailNow()
					}
					checked++
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d reports compared", checked)
	}
	t.Logf("%d reports equal between memory and read model", checked)
}

// routed returns evs with each record's donor code set as the ledger sets
// it (the donor of the event's pairing), the chain re-linked.
func routed(tb testing.TB, evs []projections.Event) []projections.Event {
	tb.Helper()
	donors := map[string]string{}
	out := make([]projections.Event, len(evs))
	var prev events.Hash
	for i, ev := range evs {
		if e, ok := ev.Data.(events.PairingEstablished); ok {
			donors[e.PairingID] = e.Donor.Code
		}
		if ps, ok := ev.Data.(events.PairingScoped); ok {
			d, known := donors[ps.PairingIDs()[0]]
			if !known {
				tb.Fatalf("position %d: unknown pairing %s", ev.Position, ps.PairingIDs()[0])
			}
			ev.DonorCode = d
		}
		ev.PrevHash = prev
		ev.Hash = events.ChainHash(prev, ev.Position, ev.Canonical())
		prev = ev.Hash
		out[i] = ev
	}
	return out
}

// TestMemoryRefusesDisorder: positions must increase, and an event that
// refers to what the model never saw is ErrInconsistent.
func TestMemoryRefusesDisorder(t *testing.T) {
	t.Parallel()
	evs := routed(t, workedExample(t).s.evs)
	m := yearend.NewMemory(jia.Code)
	if err := m.Apply(evs[1]); err != nil {
		t.Fatal(err)
	}
	if err := m.Apply(evs[0]); err == nil {
		t.Fatal("an earlier position was accepted")
	}
	// The run starts after the first pairing: its events are unknown.
	m = yearend.NewMemory(jia.Code)
	var err error
	for _, ev := range evs[1:] {
		if err = m.Apply(ev); err != nil {
			break
		}
	}
	if !errors.Is(err, yearend.ErrInconsistent) {
		t.Fatalf("events of an unseen pairing: %v, want ErrInconsistent", err)
	}
	if _, err := yearend.NewMemory(jia.Code).Compute(2025, events.Date{}); !errors.Is(err, yearend.ErrPosition) {
		t.Fatalf("empty model: %v", err)
	}
	m = yearend.NewMemory("nobody")
	if err := m.Apply(evs[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Compute(2025, events.Date{}); !errors.Is(err, yearend.ErrNotFound) {
		t.Fatalf("a donor without pairings: %v", err)
	}
}

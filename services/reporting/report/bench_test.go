package report

import (
	"fmt"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventtest"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/yearend"
)

// bigReport is a donor with 50 pairings and 20,000 line items.
func bigReport() *yearend.Report {
	r := workedExample()
	base := r.Pairings[0]
	r.Pairings = nil
	for i := range 50 {
		p := base
		p.PairingID = fmt.Sprintf("pr-%02d", i)
		p.Partner = events.Unit{Code: fmt.Sprintf("5226%02d", i), Name: fmt.Sprintf("县%02d", i), ShortName: fmt.Sprintf("县%02d", i)}
		p.FiscalDisbursedFen = fig(int64(i)*123456789 + 1)
		r.Pairings = append(r.Pairings, p)
	}
	items := lineItems(r)
	var many []yearend.LineItem
	for i := range 20000 {
		li := items[i%len(items)]
		li.Position = int64(i)
		many = append(many, li)
	}
	r.LineItems = yearend.LineItemsOf(many...)
	return r
}

func BenchmarkRender(b *testing.B) {
	r := bigReport()
	for _, format := range allFormats {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				if _, _, _, err := Render(r, format, LangZH); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRenderAtScale renders the year-end report of a donor with 50
// pairings on a ledger of 1,000,000 events (20 donors × 50 pairings,
// 2023–2025, generated and folded in memory; not timed), as the API
// answers it: the text (the default) and the JSON with every line item.
// With projections/yearend's BenchmarkCompute at the same size it gives
// the time of a year-end report end to end.
//
//	go test -run '^$' -bench RenderAtScale -benchtime 20x ./services/reporting/report/
func BenchmarkRenderAtScale(b *testing.B) {
	const n = 1_000_000
	g := eventtest.New(eventtest.Config{Seed: 43, Donors: 20, PairingsPerDonor: 50, From: events.DateOf(2023, 1, 1), Years: 3, Events: n})
	m := yearend.NewMemory("D03")
	for done := 0; done < n; {
		batch := g.Next(min(5000, n-done))
		for _, ev := range batch {
			if err := m.Apply(projections.Event(ev)); err != nil {
				b.Fatal(err)
			}
		}
		done += len(batch)
	}
	r, err := m.Compute(2024, events.DateOf(2024, 11, 30))
	if err != nil {
		b.Fatal(err)
	}
	r.Profile = Profiles[DefaultProfileName]
	b.ReportMetric(float64(r.LineItems.Len()), "line-items")
	for _, format := range []string{FormatText, FormatJSON} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				if _, _, _, err := Render(r, format, LangZH); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

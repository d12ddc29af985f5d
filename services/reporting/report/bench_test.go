package report

import (
	"fmt"
	"testing"

	"github.com/aidledger/aidledger/events"
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
	items := r.LineItems
	r.LineItems = nil
	for i := range 20000 {
		li := items[i%len(items)]
		li.Position = int64(i)
		r.LineItems = append(r.LineItems, li)
	}
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

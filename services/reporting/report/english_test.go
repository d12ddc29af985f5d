package report

import (
	"math"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

func TestEnglishTextWorkedExample(t *testing.T) {
	t.Parallel()
	want := "甲区 (320404): year-end summary of counterpart aid for 2025, events dated 2025-01-01 to 2025-12-31.\n" +
		"With 乙县 (乙, 522601, East–West cooperation): 3 exchange and research visits; 12 professional and technical staff sent; " +
		"fiscal aid disbursed CNY 2,600,000.00 (260 × 10k yuan); social aid CNY 436,000.00 (43.6 × 10k yuan); " +
		"purchases and facilitated sales of local farm products CNY 905,000.00 (90.5 × 10k yuan).\n" +
		"With 丙县 (丙, 522602, East–West cooperation): 1 exchange and research visit; fiscal aid disbursed CNY 1,000,000.00 (100 × 10k yuan).\n" +
		"Donor totals: 4 exchange and research visits; 12 professional and technical staff sent; " +
		"fiscal aid disbursed CNY 3,600,000.00 (360 × 10k yuan); social aid CNY 436,000.00 (43.6 × 10k yuan); " +
		"purchases and facilitated sales of local farm products CNY 905,000.00 (90.5 × 10k yuan).\n"
	if got := EnglishText(workedExample()); got != want {
		t.Errorf("EnglishText:\n got %q\nwant %q", got, want)
	}
}

func TestEnglishTextEmptyAndCutoff(t *testing.T) {
	t.Parallel()
	r := &yearend.Report{Donor: events.Unit{Code: "320404", Name: "甲区"}, Year: 2025, Cutoff: events.DateOf(2025, 11, 30),
		Pairings: []yearend.PairingFigures{{Partner: events.Unit{Name: "乙县"}, Figures: yearend.Figures{StaffCadre: fig(1)}}},
		Totals:   yearend.Figures{StaffCadre: fig(1)}}
	want := "甲区 (320404): year-end summary of counterpart aid for 2025, events dated 2025-01-01 to 2025-11-30.\n" +
		"With 乙县: 1 cadre sent.\n" +
		"Donor totals: 1 cadre sent.\n"
	if got := EnglishText(r); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	r = &yearend.Report{Donor: events.Unit{Name: "甲区"}, Year: 2025}
	want = "甲区: year-end summary of counterpart aid for 2025, events dated 2025-01-01 to 2025-12-31.\n" +
		"No aid was recorded for any pairing in the period.\nDonor totals: nothing recorded.\n"
	if got := EnglishText(r); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestEnglishAmount(t *testing.T) {
	t.Parallel()
	tests := map[int64]string{
		260000000:     "CNY 2,600,000.00 (260 × 10k yuan)",
		43600000:      "CNY 436,000.00 (43.6 × 10k yuan)",
		1:             "CNY 0.01 (0.000001 × 10k yuan)",
		0:             "CNY 0.00 (0 × 10k yuan)",
		-20000000:     "CNY -200,000.00 (-20 × 10k yuan)",
		10500000000:   "CNY 105,000,000.00 (10500 × 10k yuan)",
		math.MinInt64: "CNY -92,233,720,368,547,758.08 (-9223372036854.775808 × 10k yuan)",
	}
	for fen, want := range tests {
		if got := EnglishAmount(fen); got != want {
			t.Errorf("EnglishAmount(%d) = %q, want %q", fen, got, want)
		}
	}
}

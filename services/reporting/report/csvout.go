package report

import (
	"bytes"
	"encoding/csv"
	"fmt"

	"github.com/aidledger/aidledger/projections/yearend"
)

// utf8BOM starts the CSV so that spreadsheet programs (Excel, WPS) read
// the Chinese text as UTF-8 instead of the system code page.
const utf8BOM = "\uFEFF"

// renderCSV is the summary table as CSV (RFC 4180, CRLF line ends, UTF-8
// with a BOM): the header row in lang with units in the headers
// ("财政帮扶拨付(万元)"), one row per pairing in r.Pairings order, then the
// totals row. Money is the exact decimal number of 万元 (WanDecimal, e.g.
// 43.6 or 0.000001: never a float, never rounded), counts are integers,
// the disbursal rate is an exact percentage. Text cells that a spreadsheet
// would run as a formula are neutralised (CSVCell).
func renderCSV(r *yearend.Report, lang string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	header, rows := Table(r, lang)
	if err := w.Write(header); err != nil {
		return nil, fmt.Errorf("report: write csv header: %w", err)
	}
	for _, row := range rows {
		if err := w.Write(CSVRow(row)); err != nil {
			return nil, fmt.Errorf("report: write csv rows: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("report: write csv rows: %w", err)
	}
	return buf.Bytes(), nil
}

package report

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/aidledger/aidledger/projections/yearend"
)

// A large report is mostly line items, and they are the last member of the
// report object. writeJSON lets the encoder write everything else, with a
// marker string in place of a non-empty line_items array, and a splicer
// (splice.go) replaces the marker with the array, which this file formats
// itself: indented as the encoder would at that depth, in chunks on every
// core, written in order. That is about twice as fast as the encoder
// re-indenting each line item.

// lineItemsIndent is the indentation of a line item: the line items are
// members of the report, which is a member of the document.
const lineItemsIndent = "      "

// lineItemsChunk is how many line items one goroutine formats at a time.
const lineItemsChunk = 2048

// lineItemsMarshaler writes marker for a non-empty list of line items and
// leaves an empty one to the encoder.
func lineItemsMarshaler(marker string) *jsonv2.Marshalers {
	return jsonv2.MarshalToFunc(func(enc *jsontext.Encoder, items yearend.LineItems) error {
		if items.Len() == 0 {
			return jsonv2.SkipFunc
		}
		return enc.WriteToken(jsontext.String(marker))
	})
}

// writeLineItems writes items (not empty) to w as the encoder would
// indent them at lineItemsIndent: chunks are formatted on every core, a
// bounded number ahead of the one being written.
func writeLineItems(w io.Writer, items yearend.LineItems) error {
	workers := runtime.GOMAXPROCS(0)
	ahead := make(chan chan *[]byte, 2*workers) // in order, each filled by its goroutine
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(ahead)
		slots := make(chan struct{}, workers)
		done, total := 0, items.Len() // line items given to a goroutine, of all
		for run := range items.Runs() {
			for from := 0; from < len(run); from += lineItemsChunk {
				part := run[from:min(from+lineItemsChunk, len(run))]
				chunk := make(chan *[]byte, 1)
				select {
				case <-stop:
					return
				default:
				}
				select {
				case ahead <- chunk:
				case <-stop:
					return
				}
				slots <- struct{}{}
				first, last := done == 0, done+len(part) == total
				go func() {
					defer func() { <-slots }()
					buf := lineItemChunks.Get().(*[]byte)
					*buf = appendLineItems((*buf)[:0], part, first, last)
					chunk <- buf
				}()
				done += len(part)
			}
		}
	}()
	for chunk := range ahead {
		buf := <-chunk
		_, err := w.Write(*buf)
		lineItemChunks.Put(buf)
		if err != nil {
			return fmt.Errorf("report: write json: %w", err)
		}
	}
	return nil
}

// lineItemChunks hold formatted chunks between their goroutine and the
// writer.
var lineItemChunks = sync.Pool{New: func() any { b := make([]byte, 0, lineItemsChunk*640); return &b }}

// appendLineItems appends items as members of the line_items array: the
// array's opening bracket before the first, its closing one after the
// last, and the commas and newlines between.
func appendLineItems(b []byte, items []yearend.LineItem, first, last bool) []byte {
	const member = "\n" + lineItemsIndent + "  "
	for i, li := range items {
		switch {
		case i == 0 && first:
			b = append(b, '[')
		default:
			b = append(b, ',')
		}
		b = append(b, "\n"+lineItemsIndent+"{"+member+`"event_id": `...)
		b = appendString(b, li.EventID)
		b = append(b, ","+member+`"position": `...)
		b = strconv.AppendInt(b, li.Position, 10)
		b = append(b, ","+member+`"type": `...)
		b = appendString(b, li.Type)
		b = append(b, ","+member+`"pairing_id": `...)
		b = appendString(b, li.PairingID)
		b = append(b, ","+member+`"figure": `...)
		b = appendString(b, li.Figure)
		b = append(b, ","+member+`"business_date": `...)
		if li.BusinessDate.IsZero() {
			b = append(b, "null"...)
		} else { // digits and hyphens: nothing to escape
			b = append(b, '"')
			b = li.BusinessDate.Time().AppendFormat(b, time.DateOnly)
			b = append(b, '"')
		}
		b = append(b, ","+member+`"amount_fen": `...)
		b = strconv.AppendInt(b, li.AmountFen, 10)
		b = append(b, ","+member+`"document_no": `...)
		b = appendString(b, li.DocumentNo)
		b = append(b, "\n"+lineItemsIndent+"}"...)
	}
	if last {
		b = append(b, "\n"+lineItemsIndent[2:]+"]"...)
	}
	return b
}

// appendString appends s quoted as encoding/json quotes it without HTML
// escaping: as jsontext does, and with U+2028 and U+2029 escaped too.
// (A report's strings are valid UTF-8.)
func appendString(b []byte, s string) []byte {
	from := len(b)
	b, _ = jsontext.AppendQuote(b, s)
	if bytes.IndexByte(b[from:], 0xE2) < 0 { // the first byte of both separators
		return b
	}
	q := bytes.ReplaceAll(b[from:], lineSeparator, []byte(`\u2028`))
	q = bytes.ReplaceAll(q, paragraphSeparator, []byte(`\u2029`))
	return append(b[:from], q...)
}

var lineSeparator, paragraphSeparator = []byte("\u2028"), []byte("\u2029")

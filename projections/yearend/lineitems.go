package yearend

import (
	"bytes"
	"encoding/json"
	"iter"
)

// LineItems are a report's line items in ledger order. A donor's year can
// have hundreds of thousands of them: they are kept in the fixed chunks
// they were counted into rather than copied into one slice at the end,
// which would hold them twice at once. The zero value is empty; two lists
// of equal items are reflect.DeepEqual. In JSON they are an array.
type LineItems struct {
	list chunkedList[LineItem]
}

// LineItemsOf returns items as LineItems.
func LineItemsOf(items ...LineItem) LineItems {
	var l LineItems
	for _, li := range items {
		l.list.add(li)
	}
	return l
}

// Len is the number of line items.
func (l LineItems) Len() int { return l.list.n }

// At is the i-th line item, in place (not a copy); i must be in [0, Len).
func (l LineItems) At(i int) *LineItem { return &l.list.chunks[i/chunkSize][i%chunkSize] }

// All yields each line item, in place (not a copy), with its index, in
// order.
func (l LineItems) All() iter.Seq2[int, *LineItem] {
	return func(yield func(int, *LineItem) bool) {
		i := 0
		for _, c := range l.list.chunks {
			for j := range c {
				if !yield(i, &c[j]) {
					return
				}
				i++
			}
		}
	}
}

// Runs yields the line items as consecutive runs, in order: for work that
// goes faster over slices (formatting them in parallel).
func (l LineItems) Runs() iter.Seq[[]LineItem] {
	return func(yield func([]LineItem) bool) {
		for _, c := range l.list.chunks {
			if !yield(c) {
				return
			}
		}
	}
}

// MarshalJSON encodes the line items as a JSON array ([] when there are
// none), with <, > and & as they are: an encoder escapes them or not as
// it is set to when it takes the array in.
func (l LineItems) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteByte('[')
	for i, li := range l.All() {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := enc.Encode(li); err != nil {
			return nil, err
		}
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}

// UnmarshalJSON decodes a JSON array of line items (null: none).
func (l *LineItems) UnmarshalJSON(b []byte) error {
	var items []LineItem
	if err := json.Unmarshal(b, &items); err != nil {
		return err
	}
	*l = LineItemsOf(items...)
	return nil
}

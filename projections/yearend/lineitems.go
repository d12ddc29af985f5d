package yearend

// lineItemChunk is how many line items a chunk of lineItemList holds.
const lineItemChunk = 4096

// lineItemList collects a report's line items in fixed chunks, then makes
// the report's slice at its exact length: a donor's year can have hundreds
// of thousands, and growing one slice would allocate several times their
// size on the way.
type lineItemList struct {
	chunks [][]LineItem
	n      int
}

// add appends li.
func (l *lineItemList) add(li LineItem) {
	if l.n%lineItemChunk == 0 {
		l.chunks = append(l.chunks, make([]LineItem, 0, lineItemChunk))
	}
	last := &l.chunks[len(l.chunks)-1]
	*last = append(*last, li)
	l.n++
}

// all returns the line items in the order added (empty, never nil) and
// empties l.
func (l *lineItemList) all() []LineItem {
	out := make([]LineItem, 0, l.n)
	for i, c := range l.chunks {
		out = append(out, c...)
		l.chunks[i] = nil
	}
	*l = lineItemList{}
	return out
}

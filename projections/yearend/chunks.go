package yearend

// chunkSize is how many values a chunk of a chunkedList holds.
const chunkSize = 4096

// chunkedList collects values in fixed chunks (each full but the last),
// and can make one slice of their exact length: a donor's year can have
// hundreds of thousands of line items or footnotes, and growing one slice
// would allocate and copy several times their size on the way.
type chunkedList[T any] struct {
	chunks [][]T
	n      int
}

// add appends v.
func (l *chunkedList[T]) add(v T) {
	if l.n%chunkSize == 0 {
		l.chunks = append(l.chunks, make([]T, 0, chunkSize))
	}
	last := &l.chunks[len(l.chunks)-1]
	*last = append(*last, v)
	l.n++
}

// all returns the values in the order added (empty, never nil) and
// empties l.
func (l *chunkedList[T]) all() []T {
	out := make([]T, 0, l.n)
	for i, c := range l.chunks {
		out = append(out, c...)
		l.chunks[i] = nil
	}
	*l = chunkedList[T]{}
	return out
}

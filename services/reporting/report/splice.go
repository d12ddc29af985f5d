package report

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io"
)

// The bulk of a large report — its line items — is written by the report
// itself rather than by the encoder of the format (json v2, excelize):
// the encoder writes the rest of the document with a marker in the line
// items' place, which is then replaced by the line items as the encoder
// would have written them — in the JSON by a splicer between the encoder
// and the output (jsonlineitems.go), in the XLSX by the ZIP writer
// (xlsxrows.go). Tests hold the two to the same bytes.

// newMarker returns a string no report holds by chance: a client cannot
// guess 128 random bits.
func newMarker() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return "aidledger-line-items-" + hex.EncodeToString(b[:])
}

// splicer passes what is written to it on to w, with the first occurrence
// of marker replaced by what insert writes.
type splicer struct {
	w      io.Writer
	marker []byte
	insert func(io.Writer) error
	held   []byte // the last bytes seen, which may begin the marker
	found  bool   // the marker was replaced
}

func newSplicer(w io.Writer, marker []byte, insert func(io.Writer) error) *splicer {
	return &splicer{w: w, marker: marker, insert: insert}
}

func (s *splicer) Write(p []byte) (int, error) {
	if s.found {
		return s.w.Write(p)
	}
	if err := s.pass(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// pass passes p on, replacing the marker if it is found, and holds back
// the end of p that may begin it.
func (s *splicer) pass(p []byte) error {
	m := len(s.marker)
	if len(s.held)+len(p) <= 2*m { // a short write: look at it with what is held
		buf := append(s.held[:len(s.held):len(s.held)], p...)
		s.held = s.held[:0]
		if i := bytes.Index(buf, s.marker); i >= 0 {
			return s.spliceAt(buf[:i], buf[i+m:])
		}
		keep := min(len(buf), m-1)
		s.held = append(s.held, buf[len(buf)-keep:]...)
		return s.write(buf[:len(buf)-keep])
	}
	// A long write (longer than the marker): a marker begun in what is
	// held ends in p's first m-1 bytes; then p is searched where it lies.
	if len(s.held) > 0 {
		joined := append(s.held[:len(s.held):len(s.held)], p[:m-1]...)
		if i := bytes.Index(joined, s.marker); i >= 0 {
			return s.spliceAt(joined[:i], p[i+m-len(s.held):])
		}
		if err := s.write(s.held); err != nil {
			return err
		}
		s.held = s.held[:0]
	}
	if i := bytes.Index(p, s.marker); i >= 0 {
		return s.spliceAt(p[:i], p[i+m:])
	}
	s.held = append(s.held, p[len(p)-(m-1):]...)
	return s.write(p[:len(p)-(m-1)])
}

// spliceAt writes before, what insert writes, and after.
func (s *splicer) spliceAt(before, after []byte) error {
	if err := s.write(before); err != nil {
		return err
	}
	if err := s.insert(s.w); err != nil {
		return err
	}
	s.found = true
	return s.write(after)
}

func (s *splicer) write(p []byte) error {
	_, err := s.w.Write(p)
	return err
}

// Flush writes what was held back in case it began the marker: call it
// once the input has ended.
func (s *splicer) Flush() error {
	if s.found || len(s.held) == 0 {
		return nil
	}
	_, err := s.w.Write(s.held)
	s.held = s.held[:0]
	return err
}

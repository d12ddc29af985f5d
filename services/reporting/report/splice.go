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
	buf := append(s.held[:len(s.held):len(s.held)], p...)
	s.held = s.held[:0]
	i := bytes.Index(buf, s.marker)
	if i < 0 {
		keep := min(len(buf), len(s.marker)-1)
		if _, err := s.w.Write(buf[:len(buf)-keep]); err != nil {
			return 0, err
		}
		s.held = append(s.held, buf[len(buf)-keep:]...)
		return len(p), nil
	}
	if _, err := s.w.Write(buf[:i]); err != nil {
		return 0, err
	}
	if err := s.insert(s.w); err != nil {
		return 0, err
	}
	s.found = true
	if _, err := s.w.Write(buf[i+len(s.marker):]); err != nil {
		return 0, err
	}
	return len(p), nil
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

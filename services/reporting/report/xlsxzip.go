package report

import (
	"archive/zip"
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"

	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// orderedZip is the workbook's ZIP writer. It compresses with
// klauspost/compress's deflate at its fastest setting (a large report's
// line items are tens of megabytes of sheet XML, which the standard
// library's default setting compresses several times slower for a file a
// few per cent smaller), and it makes the entries' order
// fixed: excelize creates the entries of the streamed sheets first, in
// the order of a Go map, then the rest in a fixed order. The first streams
// entries are spooled to a temporary file and added in name order when
// the next entry is created (or at Close); later ones pass through.
type orderedZip struct {
	zw      *zip.Writer
	streams int
	tmp     *os.File
	spooled []spooledEntry
	size    int64
}

// spooledEntry is an entry held in the temporary file: its name and where
// its bytes are.
type spooledEntry struct {
	name      string
	off, size int64
}

// newOrderedZip returns a ZIP writer to w that orders the first streams
// entries by name (see orderedZip).
func newOrderedZip(w io.Writer, streams int) *orderedZip {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return &orderedZip{zw: zw, streams: streams}
}

var _ excelize.ZipWriter = (*orderedZip)(nil)

// Create starts the entry name.
func (z *orderedZip) Create(name string) (io.Writer, error) {
	if len(z.spooled) < z.streams {
		if z.tmp == nil {
			tmp, err := os.CreateTemp("", "aidledger-xlsx-*")
			if err != nil {
				return nil, fmt.Errorf("report: xlsx spool: %w", err)
			}
			z.tmp = tmp
		}
		z.spooled = append(z.spooled, spooledEntry{name: name, off: z.size})
		return spoolWriter{z}, nil
	}
	if err := z.flushSpool(); err != nil {
		return nil, err
	}
	return z.zw.Create(name)
}

// spoolWriter appends to the last spooled entry.
type spoolWriter struct{ z *orderedZip }

func (s spoolWriter) Write(p []byte) (int, error) {
	n, err := s.z.tmp.Write(p)
	s.z.size += int64(n)
	s.z.spooled[len(s.z.spooled)-1].size += int64(n)
	return n, err
}

// flushSpool adds the spooled entries in name order and removes the
// temporary file.
func (z *orderedZip) flushSpool() error {
	if z.tmp == nil {
		return nil
	}
	defer z.discard()
	slices.SortFunc(z.spooled, func(a, b spooledEntry) int { return cmp.Compare(a.name, b.name) })
	for _, e := range z.spooled {
		w, err := z.zw.Create(e.name)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, io.NewSectionReader(z.tmp, e.off, e.size)); err != nil {
			return fmt.Errorf("report: xlsx spool: %w", err)
		}
	}
	z.streams = 0
	return nil
}

// discard removes the temporary file, if there is one.
func (z *orderedZip) discard() {
	if z.tmp != nil {
		_ = z.tmp.Close()
		_ = os.Remove(z.tmp.Name())
		z.tmp = nil
	}
}

// AddFS adds the files of fsys.
func (z *orderedZip) AddFS(fsys fs.FS) error {
	if err := z.flushSpool(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

// Close adds what is spooled and finishes the archive.
func (z *orderedZip) Close() error {
	if err := z.flushSpool(); err != nil {
		return err
	}
	return z.zw.Close()
}

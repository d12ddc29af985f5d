package report

import (
	"archive/zip"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"

	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// orderedZip is the workbook's ZIP writer. It compresses with
// klauspost/compress's deflate at its fastest setting (a large report's
// line items are hundreds of megabytes of sheet XML, which the standard
// library's default setting compresses several times slower for a file a
// few per cent smaller), and it makes the entries' order fixed: excelize
// creates the entries of the streamed sheets first, in the order of a Go
// map, then the rest in a fixed order. The first streams entries are
// spooled to a temporary file and added in name order when the next entry
// is created (or at Close); later ones pass through. The streamed sheets
// hold only their header rows and a marker row (sheetSplice), so they are
// small; as each is added, its marker row is replaced by its rows, which
// are compressed on every core (parallelDeflate) into the temporary file
// and then copied into the archive.
type orderedZip struct {
	zw      *zip.Writer
	streams int
	tmp     *os.File
	spooled []spooledEntry
	size    int64
	splices []*sheetSplice
	placed  int // of splices
}

// spooledEntry is an entry held in the temporary file: its name and where
// its bytes are.
type spooledEntry struct {
	name      string
	off, size int64
}

// newOrderedZip returns a ZIP writer to w that orders the first streams
// entries by name and puts the rows of splices in place of their markers
// in them (see orderedZip).
func newOrderedZip(w io.Writer, streams int, splices []*sheetSplice) *orderedZip {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return &orderedZip{zw: zw, streams: streams, splices: splices}
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
		if err := z.addSpooled(e); err != nil {
			return fmt.Errorf("report: xlsx %s: %w", e.name, err)
		}
	}
	z.streams = 0
	if z.placed != len(z.splices) {
		return errors.New("report: xlsx: a sheet's rows were not placed")
	}
	return nil
}

// addSpooled compresses e, with a marker row it holds replaced by its
// rows, to the end of the temporary file, and adds it to the archive from
// there.
func (z *orderedZip) addSpooled(e spooledEntry) error {
	sheet := make([]byte, e.size) // header rows and a marker: small
	if _, err := z.tmp.ReadAt(sheet, e.off); err != nil {
		return err
	}
	start := z.size
	d := newParallelDeflate(io.NewOffsetWriter(z.tmp, start))
	err := z.splice(d, sheet)
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	z.size += d.outN
	fh := &zip.FileHeader{Name: e.name, Method: zip.Deflate, CreatorVersion: 20, ReaderVersion: 20,
		CRC32: d.crc, CompressedSize64: uint64(d.outN), UncompressedSize64: uint64(d.in)}
	if fh.CompressedSize64 >= math.MaxUint32 || fh.UncompressedSize64 >= math.MaxUint32 {
		fh.ReaderVersion = 45 // ZIP64
	}
	w, err := z.zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, io.NewSectionReader(z.tmp, start, d.outN))
	return err
}

// splice writes sheet to w, with the first splice's marker it holds
// replaced by the splice's rows.
func (z *orderedZip) splice(w io.Writer, sheet []byte) error {
	for _, sp := range z.splices {
		i := bytes.Index(sheet, sp.marker)
		if i < 0 {
			continue
		}
		z.placed++
		if _, err := w.Write(sheet[:i]); err != nil {
			return err
		}
		if err := sp.rows(w); err != nil {
			return err
		}
		sheet = sheet[i+len(sp.marker):]
		break
	}
	_, err := w.Write(sheet)
	return err
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

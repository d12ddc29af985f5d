package report

import (
	"bytes"
	"hash/crc32"
	"io"
	"runtime"
	"sync"

	"github.com/klauspost/compress/flate"
)

// deflateBlock is how much of an entry one goroutine compresses at a time.
const deflateBlock = 1 << 20

// parallelDeflate compresses what is written to it into one raw deflate
// stream, as a ZIP entry holds it, on every core: the input is cut into
// blocks of deflateBlock bytes, each compressed on its own goroutine by
// its own compressor (fastest setting) and ended with a sync flush, which
// leaves its output byte-aligned and unfinished, so that the blocks'
// outputs written one after the other, then a final empty block, are a
// single valid stream. A block does not refer back into the one before
// it, which costs about a per cent of the size. It counts the input and
// output and takes the input's CRC-32, for the entry's header.
type parallelDeflate struct {
	out     io.Writer
	crc     uint32
	in      int64
	block   *[]byte
	queue   chan chan *[]byte // the blocks under way, in order
	drained chan struct{}
	mu      sync.Mutex
	outN    int64 // written to out, under mu
	err     error // out's first error, under mu
}

// newParallelDeflate returns a compressor writing to out; it must be
// closed, also after a failure.
func newParallelDeflate(out io.Writer) *parallelDeflate {
	d := &parallelDeflate{out: out, queue: make(chan chan *[]byte, 2*runtime.GOMAXPROCS(0)), drained: make(chan struct{})}
	d.block = deflateBuffers.Get().(*[]byte)
	*d.block = (*d.block)[:0]
	go d.drain()
	return d
}

// drain writes the compressed blocks in order; after a failure it only
// empties the queue, so that no compressor waits.
func (d *parallelDeflate) drain() {
	defer close(d.drained)
	for c := range d.queue {
		b := <-c
		if d.failed() == nil {
			n, err := d.out.Write(*b)
			d.mu.Lock()
			d.outN += int64(n)
			d.err = err
			d.mu.Unlock()
		}
		deflateBuffers.Put(b)
	}
}

// failed is out's error, once there is one.
func (d *parallelDeflate) failed() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

func (d *parallelDeflate) Write(p []byte) (int, error) {
	if err := d.failed(); err != nil {
		return 0, err
	}
	d.crc = crc32.Update(d.crc, crc32.IEEETable, p)
	d.in += int64(len(p))
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), deflateBlock-len(*d.block))
		*d.block = append(*d.block, p[:k]...)
		if p = p[k:]; len(*d.block) == deflateBlock {
			d.compress()
		}
	}
	return n, nil
}

// compress hands the current block to a goroutine and starts another.
func (d *parallelDeflate) compress() {
	block, c := d.block, make(chan *[]byte, 1)
	d.queue <- c // waits while enough blocks are under way
	go func() {
		out := deflateBuffers.Get().(*[]byte)
		buf := bytes.NewBuffer((*out)[:0])
		fw := compressors.Get().(*flate.Writer)
		fw.Reset(buf)
		_, _ = fw.Write(*block) // a bytes.Buffer does not fail
		_ = fw.Flush()
		compressors.Put(fw)
		deflateBuffers.Put(block)
		*out = buf.Bytes()
		c <- out
	}()
	d.block = deflateBuffers.Get().(*[]byte)
	*d.block = (*d.block)[:0]
}

// Close compresses what is left, ends the stream once every block is
// written, and returns out's first error.
func (d *parallelDeflate) Close() error {
	if len(*d.block) > 0 {
		d.compress()
	}
	close(d.queue)
	<-d.drained
	if err := d.failed(); err != nil {
		return err
	}
	n, err := d.out.Write([]byte{0x03, 0x00}) // a final, empty block of fixed codes
	d.outN += int64(n)
	return err
}

// deflateBuffers hold blocks, before and after compression.
var deflateBuffers = sync.Pool{New: func() any { b := make([]byte, 0, deflateBlock+deflateBlock/8); return &b }}

// compressors are reused: a compressor's state is large to set up.
var compressors = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(nil, flate.BestSpeed) // the level is valid
	return fw
}}

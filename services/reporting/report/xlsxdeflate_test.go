package report

import (
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestParallelDeflate: what is written, in writes of any size, inflates
// back unchanged with the standard library, for inputs of no block, part
// of one, exactly one and several; the counts and CRC are the input's and
// output's.
func TestParallelDeflate(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	text := strings.Repeat(`<row r="12"><c r="A12" t="inlineStr"><is><t>甲财〔2025〕1号</t></is></c></row>`, deflateBlock/40)
	for _, n := range []int{0, 1, deflateBlock - 1, deflateBlock, 3*deflateBlock + 12345} {
		in := make([]byte, n)
		for i := range in {
			if i%7 == 0 {
				in[i] = byte(r.IntN(256))
			} else {
				in[i] = text[i%len(text)]
			}
		}
		var out bytes.Buffer
		d := newParallelDeflate(&out)
		for p := in; len(p) > 0; {
			k := min(len(p), 1+r.IntN(3*deflateBlock/2))
			if m, err := d.Write(p[:k]); err != nil || m != k {
				t.Fatalf("%d bytes: Write = %d, %v", n, m, err)
			}
			p = p[k:]
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(flate.NewReader(bytes.NewReader(out.Bytes())))
		if err != nil || !bytes.Equal(got, in) {
			t.Fatalf("%d bytes: inflated %d bytes (%v), not the input", n, len(got), err)
		}
		if d.in != int64(n) || d.outN != int64(out.Len()) || d.crc != crc32.ChecksumIEEE(in) {
			t.Errorf("%d bytes: counted in %d, out %d (of %d), crc %x (want %x)", n, d.in, d.outN, out.Len(), d.crc, crc32.ChecksumIEEE(in))
		}
	}
}

// TestParallelDeflateFailedWrite: once the output fails, the writes and
// Close return its error.
func TestParallelDeflateFailedWrite(t *testing.T) {
	t.Parallel()
	d := newParallelDeflate(&failingWriter{n: 100})
	block := bytes.Repeat([]byte("0123456789"), deflateBlock/10+1)
	var err error
	for range 50 {
		if _, err = d.Write(block); err != nil {
			break
		}
	}
	if cerr := d.Close(); cerr == nil || !strings.Contains(cerr.Error(), "connection reset") {
		t.Fatalf("Close: %v, want the output's error", cerr)
	}
	if err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("Write after the failure: %v, want the output's error", err)
	}
}

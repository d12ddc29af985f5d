package evidence

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aidledger/aidledger/services/reporting/summary"
)

// TestAnyByteFlipFails flips bytes of a bundle in turn (a byte's lowest
// bit) and checks that the seal no longer holds: every byte of the first
// and last kilobyte (the seal's digest and the ends of the hashed range)
// and every fifth byte between — the seal hashes one contiguous range, so
// a byte it missed would sit in a gap of the range, which a stride of five
// finds unless the gap is shorter —; and for a sample of the flips, among
// them every ZIP header and the comment, that the whole verification fails
// with a reason. (Flipping all 60,000 bytes costs 60,000 digests of the
// whole file.)
func TestAnyByteFlipFails(t *testing.T) {
	t.Parallel()
	pool := demoLedger(t)
	b, _ := export(t, pool, summary.Request{DonorCode: linan, Year: 2025, AtPosition: 200})
	start := time.Now()
	if res := check(t, b); !res.OK {
		t.Fatalf("the bundle does not verify: %+v", res.Problems)
	}
	t.Logf("bundle of %d bytes verified in %v", len(b), time.Since(start))
	c := bytes.Clone(b)
	flips := 0
	for i := range c {
		if i >= 1024 && i < len(c)-1024 && i%5 != 0 {
			continue
		}
		flips++
		c[i] ^= 1
		if _, reason, err := checkSeal(bytes.NewReader(c), int64(len(c))); err != nil || reason == "" {
			t.Fatalf("byte %d flipped: the seal still holds (%v)", i, err)
		}
		c[i] ^= 1
	}
	// Full verifications: the structural bytes and a random sample.
	sample := structural(b)
	r := rand.New(rand.NewPCG(5, 8))
	for range 50 {
		sample = append(sample, r.IntN(len(b)))
	}
	for _, i := range sample {
		c[i] ^= 1
		res := check(t, c)
		if res.OK || len(res.Problems) == 0 || res.Problems[0].Reason == "" {
			t.Fatalf("byte %d flipped: %+v", i, res)
		}
		c[i] ^= 1
	}
	t.Logf("%d flips of %d bytes checked by the seal, %d by a full verification", flips, len(b), len(sample))
}

// structural returns the offsets of the first bytes of every ZIP record
// signature in b and of its last 100 bytes (the end of the central
// directory and the comment).
func structural(b []byte) []int {
	var out []int
	for _, sig := range [][]byte{{'P', 'K', 3, 4}, {'P', 'K', 1, 2}, {'P', 'K', 5, 6}, {'P', 'K', 7, 8}} {
		for i := 0; ; {
			j := bytes.Index(b[i:], sig)
			if j < 0 {
				break
			}
			out = append(out, i+j, i+j+4, i+j+10, i+j+14)
			i += j + 1
		}
	}
	for i := max(0, len(b)-100); i < len(b); i++ {
		out = append(out, i)
	}
	return out
}

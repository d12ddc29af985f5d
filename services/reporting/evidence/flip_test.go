package evidence

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aidledger/aidledger/services/reporting/summary"
)

// TestAnyByteFlipFails flips each byte of a bundle in turn (every byte's
// lowest bit) and checks that the seal no longer holds; and for a sample
// of the flips — among them every ZIP header and the comment — that the
// whole verification fails with a reason.
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
	for i := range c {
		c[i] ^= 1
		if _, reason, err := checkSeal(bytes.NewReader(c), int64(len(c))); err != nil || reason == "" {
			t.Fatalf("byte %d flipped: the seal still holds (%v)", i, err)
		}
		c[i] ^= 1
	}
	// Full verifications: the structural bytes and a random sample.
	sample := structural(b)
	r := rand.New(rand.NewPCG(5, 8))
	for range 150 {
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
	t.Logf("%d flips checked by the seal, %d by a full verification", len(b), len(sample))
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

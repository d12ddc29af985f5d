package projections

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff yields exponentially growing waits between min and max, with
// ±20% jitter so that restarting projections do not retry in lockstep.
type backoff struct {
	min, max time.Duration
	cur      time.Duration
}

// next returns the next wait.
func (b *backoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = b.min
	} else {
		b.cur = min(2*b.cur, b.max)
	}
	jitter := time.Duration(rand.Int64N(int64(b.cur)/5+1)) - b.cur/10
	return b.cur + jitter
}

// reset starts again from min.
func (b *backoff) reset() { b.cur = 0 }

// sleepCtx waits d, or until ctx ends; it reports whether it waited d.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

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

// nakBackoff is the Watermill NakDelay of the runner's subscribers: a
// message nacked after its n-th delivery comes back after
// min(100ms·2^(n-1), 10s). It never terminates a message (the durable
// consumer has MaxDeliver -1): a ledger event is never given up on.
type nakBackoff struct{}

// WaitTime implements the jetstream.Delay of watermill-nats.
func (nakBackoff) WaitTime(delivered uint64) time.Duration {
	const first, most = 100 * time.Millisecond, 10 * time.Second
	if delivered <= 1 {
		return first
	}
	if delivered > 8 {
		return most
	}
	return min(first<<(delivered-1), most)
}

package ledger

import (
	"context"
	"sync"
)

// streamTurns makes the commands of this process that append to one
// stream take turns: each decides and appends while holding the stream's
// turn, so commands on a hot stream (disbursements on one commitment)
// queue here instead of racing, losing to each other's appends and
// re-deciding until their retries run out. Commands on different streams
// never wait for each other; another process's appends are still caught
// by the expected version and retried. Safe for concurrent use.
type streamTurns struct {
	mu    sync.Mutex
	turns map[string]*turn
}

// turn is one stream's: a one-token channel, and how many commands hold
// or wait for it (the entry is dropped when none do).
type turn struct {
	token   chan struct{}
	waiting int
}

func newStreamTurns() *streamTurns { return &streamTurns{turns: map[string]*turn{}} }

// take waits for stream's turn; contended is true when another command
// held it (what this one decided may be stale). The caller must call
// release once done; on ctx's end it gets ctx's error and holds nothing.
func (s *streamTurns) take(ctx context.Context, stream string) (release func(), contended bool, err error) {
	s.mu.Lock()
	t := s.turns[stream]
	if t == nil {
		t = &turn{token: make(chan struct{}, 1)}
		s.turns[stream] = t
	}
	t.waiting++
	s.mu.Unlock()
	done := func() {
		s.mu.Lock()
		if t.waiting--; t.waiting == 0 {
			delete(s.turns, stream)
		}
		s.mu.Unlock()
	}
	select {
	case t.token <- struct{}{}:
	default:
		contended = true
		select {
		case t.token <- struct{}{}:
		case <-ctx.Done():
			done()
			return nil, false, ctx.Err()
		}
	}
	return func() { <-t.token; done() }, contended, nil
}

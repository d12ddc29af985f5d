package leader

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// testPool is a pool on a database of the test's own.
func testPool(t *testing.T) *pgxpool.Pool {
	pool, err := pgxpool.New(context.Background(), testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// candidates runs n processes' worth of Run on one role and tracks which
// of them work.
type candidates struct {
	mu      sync.Mutex
	working map[int]bool
	starts  int // how many times work has started
	cancel  []context.CancelFunc
	done    []chan error
}

func (c *candidates) started() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.starts
}

func (c *candidates) holders() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []int
	for i, w := range c.working {
		if w {
			out = append(out, i)
		}
	}
	return out
}

func startCandidates(t *testing.T, pool *pgxpool.Pool, cfg Config, n int) *candidates {
	c := &candidates{working: map[int]bool{}}
	for i := range n {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		c.cancel, c.done = append(c.cancel, cancel), append(c.done, done)
		cfg := cfg
		cfg.Pool = pool
		go func() {
			done <- Run(ctx, cfg, func(ctx context.Context) error {
				c.mu.Lock()
				c.working[i] = true
				c.starts++
				c.mu.Unlock()
				<-ctx.Done()
				c.mu.Lock()
				c.working[i] = false
				c.mu.Unlock()
				return ctx.Err()
			})
		}()
	}
	t.Cleanup(func() {
		for i, cancel := range c.cancel {
			cancel()
			<-c.done[i]
		}
	})
	return c
}

// awaitOneHolder waits (up to limit) until exactly one candidate other
// than not works, and returns it with the time it took.
func (c *candidates) awaitOneHolder(t *testing.T, limit time.Duration, not int) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	for time.Since(start) < limit {
		if h := c.holders(); len(h) == 1 && h[0] != not {
			return h[0], time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no single holder within %s (holders %v)", limit, c.holders())
	return 0, 0
}

// TestOneHolderAndTakeover: of three candidates exactly one works; when
// its session is killed on the server, or it stops, another takes over
// within a few polls.
func TestOneHolderAndTakeover(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testPool(t)
	cfg := Config{Role: "test", Poll: 100 * time.Millisecond, IdleTimeout: time.Second}
	c := startCandidates(t, pool, cfg, 3)

	first, _ := c.awaitOneHolder(t, 5*time.Second, -1)
	for range 20 { // steady state: one holder, always the same
		time.Sleep(25 * time.Millisecond)
		if h := c.holders(); len(h) != 1 || h[0] != first {
			t.Fatalf("holders %v, want only %d", h, first)
		}
	}

	// The server drops the holder's session (a failover, an administrator).
	var killed int
	if err := pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = 'aidledger leader test' AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)`).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminate the holder's session: %d sessions, %v", killed, err)
	}
	start := time.Now()
	for c.started() == 1 { // the holder's work stops, and work starts again
		if time.Since(start) > 3*time.Second {
			t.Fatalf("the role did not pass on within 3 s of its session's end (holders %v)", c.holders())
		}
		time.Sleep(10 * time.Millisecond)
	}
	second, _ := c.awaitOneHolder(t, 3*time.Second, -1)
	t.Logf("after the session was killed, candidate %d held the role after %s (was %d)", second, time.Since(start), first)

	// The holder stops (its process shuts down): another takes over.
	c.cancel[second]()
	if err := <-c.done[second]; err != nil {
		t.Fatalf("Run after its context ended: %v", err)
	}
	c.done[second] <- nil // for the cleanup
	third, took := c.awaitOneHolder(t, 3*time.Second, second)
	t.Logf("after the holder stopped, candidate %d held the role after %s", third, took)
}

// TestSilentHolderIsDropped: a holder that stops answering (a hung process,
// a lost network) loses its lease on the server after IdleTimeout.
func TestSilentHolderIsDropped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testPool(t)
	cfg := Config{Pool: pool, Role: "silent", Poll: 100 * time.Millisecond, IdleTimeout: 500 * time.Millisecond}
	silent, held, err := campaign(ctx, cfg) // takes the lock, then never pings
	if err != nil || !held {
		t.Fatalf("first campaign: held %v, %v", held, err)
	}
	defer closeConn(silent)
	start := time.Now()
	c := startCandidates(t, pool, cfg, 1)
	_, took := c.awaitOneHolder(t, 5*time.Second, -1)
	if took < cfg.IdleTimeout/2 {
		t.Fatalf("the role was taken after %s, before the silent holder's lease (%s) could end", took, cfg.IdleTimeout)
	}
	t.Logf("a silent holder's role passed on after %s", time.Since(start))
}

// TestWorkFailure: work failing on its own ends Run with its error, and
// releases the role.
func TestWorkFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testPool(t)
	boom := errors.New("boom")
	cfg := Config{Pool: pool, Role: "failing", Poll: 50 * time.Millisecond, IdleTimeout: time.Second}
	var calls atomic.Int32
	err := Run(ctx, cfg, func(context.Context) error { calls.Add(1); return boom })
	if !errors.Is(err, boom) || calls.Load() != 1 {
		t.Fatalf("Run = %v after %d calls, want boom after 1", err, calls.Load())
	}
	conn, held, err := campaign(ctx, cfg)
	if err != nil || !held {
		t.Fatalf("the role after a failure: held %v, %v", held, err)
	}
	closeConn(conn)
}

package projections

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"
)

// replay brings a's schema up to position to by reading the stream from
// from (normally the schema's checkpoint+1) with one ordered consumer, in
// batches of size events, one apply step (one transaction) per batch. It is
// a pipeline: while batch k is applied, batch k+1 is verified and decoded
// on every core and batch k+2 is read, so the stream, the CPU and Postgres
// work at the same time. after, if not nil, is called after each batch
// commits, with what the step did.
//
// Every batch goes through the ordinary apply step, so replay may run
// alongside live delivery: whichever comes second skips what the other did.
func replay(ctx context.Context, pool *pgxpool.Pool, r streamReader, a *applier, from, to int64, size int, after func(applyResult)) (err error) {
	if from > to {
		return nil
	}
	rctx, cancel := context.WithCancel(ctx)
	g, gctx := errgroup.WithContext(rctx)
	raws := make(chan []rawMsg, 2)
	decoded := make(chan []Event, 2)
	// Reading and decoding run in goroutines; applying runs here, so that a
	// panic (a fault hook, a projection bug) reaches the caller. Either way
	// the goroutines are stopped and waited for before replay returns.
	defer func() {
		cancel()
		if werr := g.Wait(); err == nil && werr != nil && ctx.Err() == nil {
			err = fmt.Errorf("%s: replay %d..%d: %w", a.schema, from, to, werr)
		}
	}()

	g.Go(func() error {
		defer close(raws)
		return r.scan(gctx, from, to, size, func(b []rawMsg) error {
			select {
			case raws <- b:
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		})
	})
	g.Go(func() error {
		defer close(decoded)
		for b := range raws {
			evs, err := verifyParallel(b)
			if err != nil {
				return err
			}
			select {
			case decoded <- evs:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	for evs := range decoded {
		res, err := a.apply(ctx, pool, evs, 0)
		if err != nil {
			return fmt.Errorf("%s: replay %d..%d: %w", a.schema, from, to, err)
		}
		if after != nil {
			after(res)
		}
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("%s: replay %d..%d: %w", a.schema, from, to, err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%s: replay %d..%d: %w", a.schema, from, to, ctx.Err())
	}
	return nil
}

// verifyParallel is verifyBatch split over the available cores.
func verifyParallel(b []rawMsg) ([]Event, error) {
	out := make([]Event, len(b))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(b)/256))
	if workers <= 1 {
		return out, verifyBatch(b, out)
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	per := (len(b) + workers - 1) / workers
	for w := range workers {
		lo, hi := w*per, min(len(b), (w+1)*per)
		if lo >= hi {
			break
		}
		wg.Go(func() { errs[w] = verifyBatch(b[lo:hi], out[lo:hi]) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

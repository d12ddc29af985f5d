package relay

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifyChannel is the channel ledger_append notifies, with the new head
// position as payload, when an append commits.
const notifyChannel = "ledger_appended"

// listen LISTENs on notifyChannel on a dedicated connection and signals wake
// at each notification, until ctx is done. When the connection fails it
// reconnects with backoff (the relay polls meanwhile), and signals wake
// after each (re)connect, since notifications sent in between are lost.
func (r *Relay) listen(ctx context.Context, wake chan<- struct{}) {
	bo := backoff{base: min(100*time.Millisecond, r.cfg.MaxBackoff), max: r.cfg.MaxBackoff}
	for {
		err := r.listenOnce(ctx, wake, &bo)
		if ctx.Err() != nil {
			return
		}
		wait := bo.next()
		r.cfg.Logger.Warn("relay: LISTEN "+notifyChannel+" failed; polling until it is back", "err", err, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

func (r *Relay) listenOnce(ctx context.Context, wake chan<- struct{}, bo *backoff) error {
	conn, err := pgx.ConnectConfig(ctx, r.cfg.Pool.Config().ConnConfig)
	if err != nil {
		return fmt.Errorf("relay: connecting to listen: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(cctx) // the connection is discarded either way
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return fmt.Errorf("relay: LISTEN %s: %w", notifyChannel, err)
	}
	bo.reset()
	signal(wake)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("relay: waiting for %s: %w", notifyChannel, err)
		}
		if pos, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
			r.observeHead(pos)
		}
		signal(wake)
	}
}

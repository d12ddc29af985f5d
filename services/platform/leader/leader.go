// Package leader elects, among any number of processes sharing one
// PostgreSQL database, the one that runs a role (the relay, a read model's
// projector, the checkpoint signer) — through the engine, with no consensus
// of its own: the holder of a role is the process whose session holds the
// role's advisory lock (pg_try_advisory_lock).
//
// The lease. The lock lives as long as the session that took it. A holder
// that dies closes its connection and the server drops the lock at once;
// one that hangs or loses the network is dropped by the server after
// IdleTimeout without a word from it (the session runs with
// idle_session_timeout and TCP keepalives set to that), since the holder
// pings its session every Poll. A holder whose ping fails or is not
// answered within IdleTimeout - Poll stops its work before campaigning again. So a role
// passes to another process within about Poll after its holder dies, and
// within about IdleTimeout + Poll after it stops answering.
//
// The election is for efficiency, not for correctness: for a short while
// after a lease ends the old holder may still be finishing a step. What
// each role writes is fenced by its own guards (the relay's expected
// sequence, a projection's checkpoint lock), so two holders at once can
// only waste work, never double it.
//
// A connection pooler in transaction mode (PgBouncer) does not keep
// sessions and so cannot hold such a lock: connect the ledger directly, or
// through a pooler in session mode.
package leader

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults of Config.
const (
	DefaultPoll        = time.Second
	DefaultIdleTimeout = 5 * time.Second
)

// Config configures an election.
type Config struct {
	// Pool is the shared database; its connection settings are used for
	// the role's own session (which is not taken from the pool).
	Pool *pgxpool.Pool
	// Role names what is elected ("relay", "projector:balances"); processes
	// campaigning for the same role on the same database exclude each
	// other.
	Role string
	// Poll is how often a candidate tries the lock and a holder pings its
	// session; 0 means DefaultPoll.
	Poll time.Duration
	// IdleTimeout is how long the server keeps a silent holder's session;
	// 0 means DefaultIdleTimeout. It must exceed Poll.
	IdleTimeout time.Duration
	// Logger receives role changes; nil means slog.Default().
	Logger *slog.Logger
	// Held, when set, is 1 while this process holds the role, else 0.
	Held prometheus.Gauge
}

// Key is the advisory lock key of a role: the first 8 bytes of the FNV-1a
// hash of "aidledger.leader:" + role.
func Key(role string) int64 {
	h := fnv.New64a()
	h.Write([]byte("aidledger.leader:" + role))
	return int64(h.Sum64())
}

// Run campaigns for the role until ctx ends and runs work while this
// process holds it, with a context that ends when the lease does. When
// the lease ends first, Run waits for work to return and campaigns again;
// work must therefore return soon after its context ends, and may be
// called again. Run returns nil when ctx ends, or work's error when work
// fails on its own (its lease intact); connection failures are retried.
func Run(ctx context.Context, cfg Config, work func(context.Context) error) error {
	cfg.Poll = cmp.Or(cfg.Poll, DefaultPoll)
	cfg.IdleTimeout = cmp.Or(cfg.IdleTimeout, DefaultIdleTimeout)
	if cfg.IdleTimeout <= cfg.Poll {
		return fmt.Errorf("leader %s: IdleTimeout %s must exceed Poll %s", cfg.Role, cfg.IdleTimeout, cfg.Poll)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	log := cfg.Logger.With("role", cfg.Role)
	waiting := false
	for ctx.Err() == nil {
		conn, held, err := campaign(ctx, cfg)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				log.Warn("leader: cannot campaign for the role; trying again", "err", err, "in", cfg.Poll)
			}
		case !held:
			if !waiting {
				log.Info("leader: another process holds the role; standing by")
				waiting = true
			}
		default:
			waiting = false
			err := hold(ctx, cfg, log, conn, work)
			release(conn)
			if err != nil {
				return err
			}
			continue // campaign again at once: the lock is free if nobody took it
		}
		if conn != nil {
			closeConn(conn)
		}
		select {
		case <-ctx.Done():
		case <-time.After(cfg.Poll):
		}
	}
	return nil
}

// campaign opens the role's session and tries the lock once. On success
// the session is returned holding it; otherwise the session (if any) is
// returned for closing.
func campaign(ctx context.Context, cfg Config) (*pgx.Conn, bool, error) {
	cc := cfg.Pool.Config().ConnConfig.Copy()
	idle := strconv.FormatInt(cfg.IdleTimeout.Milliseconds(), 10)
	secs := strconv.FormatInt(max(1, int64(cfg.IdleTimeout/time.Second)), 10)
	cc.RuntimeParams["application_name"] = "aidledger leader " + cfg.Role
	cc.RuntimeParams["idle_session_timeout"] = idle
	// A holder whose machine vanishes is noticed by the server's keepalives
	// even while a ping is in flight.
	cc.RuntimeParams["tcp_keepalives_idle"] = secs
	cc.RuntimeParams["tcp_keepalives_interval"] = "1"
	cc.RuntimeParams["tcp_keepalives_count"] = "3"
	cctx, cancel := context.WithTimeout(ctx, cfg.IdleTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, cc)
	if err != nil {
		return nil, false, fmt.Errorf("connect: %w", err)
	}
	var held bool
	if err := conn.QueryRow(cctx, "SELECT pg_try_advisory_lock($1)", Key(cfg.Role)).Scan(&held); err != nil {
		return conn, false, fmt.Errorf("try the lock: %w", err)
	}
	return conn, held, nil
}

// hold runs work while the session answers its pings, and returns work's
// own failure (nil when the lease or ctx ended).
func hold(ctx context.Context, cfg Config, log *slog.Logger, conn *pgx.Conn, work func(context.Context) error) error {
	log.Info("leader: this process now holds the role")
	setGauge(cfg.Held, 1)
	defer setGauge(cfg.Held, 0)
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- work(wctx) }()
	tick := time.NewTicker(cfg.Poll)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) && ctx.Err() == nil {
				return fmt.Errorf("leader %s: %w", cfg.Role, err)
			}
			return nil
		case <-ctx.Done():
			stop()
			<-done
			return nil
		case <-tick.C:
			// Unanswered for longer, the server will have dropped the session.
			pctx, cancel := context.WithTimeout(ctx, cfg.IdleTimeout-cfg.Poll)
			err := conn.Ping(pctx)
			cancel()
			if err != nil && ctx.Err() == nil {
				log.Warn("leader: the role's session is lost; stopping its work", "err", err)
				stop()
				<-done
				return nil
			}
		}
	}
}

// release gives the role up and closes its session. The lock is unlocked
// before the session closes: a closed session's locks are released only
// when its server process has ended, which the server does after the
// client has gone, so a campaign right after could still find it held.
func release(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, _ = conn.Exec(ctx, "SELECT pg_advisory_unlock_all()") // a lost session has released it already
	_ = conn.Close(ctx)
}

// closeConn closes a session that holds no role, bounded in time.
func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}

func setGauge(g prometheus.Gauge, v float64) {
	if g != nil {
		g.Set(v)
	}
}

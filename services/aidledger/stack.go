package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/mod/sumdb/note"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/events/relay"
	"github.com/aidledger/aidledger/events/transparency"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/platform/embeddednats"
	"github.com/aidledger/aidledger/services/ports/api"
	"github.com/aidledger/aidledger/services/ports/web"
)

// NATSFlags say where the event stream is.
type NATSFlags struct {
	NATSURL       string `name:"nats-url" env:"NATS_URL" help:"NATS server with JetStream, with the ledger service user's credentials (nats://aidledger:PASSWORD@host:4222); when empty an embedded server is started with its store under --data-dir."`
	NATSReaderURL string `name:"nats-reader-url" env:"NATS_READER_URL" help:"The same server as the read-only user that projectors and verification connect as (nats://aidledger-reader:PASSWORD@host:4222); default --nats-url."`
	Replicas      int    `name:"replicas" default:"1" help:"Replicas of the LEDGER stream (3 on a cluster)."`
}

// readModels are the projections this build maintains.
func readModels() []projections.Projection {
	return []projections.Projection{balances.New(), audittrail.New(), yearend.New()}
}

// stack is the ledger's running parts, opened from flags.
type stack struct {
	log *slog.Logger
	db  *database
	// readPool, when set, serves the API's read-model reads (a standby).
	readPool *pgxpool.Pool
	store    *eventstore.Store
	ledger   *ledger.Ledger
	natsURL  string
	// readerURL is NATS as the reader: what only consumes connects so.
	readerURL string
	replicas  int
	embedded  *embeddednats.Server
	// natsUsers are the embedded server's users (when this process runs
	// it): the service user, the reader, then the feed users.
	natsUsers []embeddednats.User
	monitor   *nats.Conn // for readiness
	// relay is the relay running in this process, if any (readiness
	// reports its failures).
	relay *relay.Relay
	// streamWatch reports a stream that diverged from the ledger.
	streamWatch *streamWatch
	registry    *prometheus.Registry
	// leaderHeld tells which elected roles this process holds (roles.go).
	leaderHeld *prometheus.GaugeVec
	// secureCookies marks the web interface's cookies Secure;
	// trustedProxies are the reverse proxies in front of it.
	secureCookies  bool
	trustedProxies []netip.Prefix
	// metricsListen is the address /metrics is also served on, without a
	// token ("": none).
	metricsListen string
	// pprofListen is the loopback address Go's profiler is served on ("":
	// none).
	pprofListen string
	// maxRelayLag and maxProjectionLag are readiness thresholds (0: the
	// API's defaults).
	maxRelayLag, maxProjectionLag int64
	// admission holds the API's admission limits (zero: its defaults).
	admission api.Config
	// log keeps the transparency log; logKey signs its checkpoints (nil:
	// none are signed here), logVerifier checks them.
	tree        *transparency.Tree
	logKey      note.Signer
	logVerifier note.Verifier
	checkpoints CheckpointFlags
}

// openStackWaiting is openStack for the long-running commands (serve,
// relay, project): while PostgreSQL cannot be reached it says so and
// tries again, with backoff (0.5 s doubling up to 4 s), until ctx ends.
// (NATS is waited for by the relay and the projector themselves.)
func openStackWaiting(ctx context.Context, log *slog.Logger, d DatabaseFlags, n NATSFlags) (*stack, error) {
	wait := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		s, err := openStack(ctx, log, d, n)
		if err == nil || !unreachable(err) || ctx.Err() != nil {
			return s, err
		}
		log.Warn("PostgreSQL cannot be reached; waiting for it", "attempt", attempt, "retry_in", wait, "err", err)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 4*time.Second)
	}
}

// unreachable reports whether err means the database could not be reached
// (worth waiting for), as opposed to refused us (a wrong password, a
// missing database) or a bug.
func unreachable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "57P03" // cannot_connect_now: starting up or shutting down
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, syscall.ECONNREFUSED)
}

// openStack opens Postgres (or a private cluster) and finds NATS (or starts
// an embedded server).
func openStack(ctx context.Context, log *slog.Logger, d DatabaseFlags, n NATSFlags) (*stack, error) {
	db, err := openDatabase(ctx, d, log)
	if err != nil {
		return nil, err
	}
	s := &stack{log: log, db: db, natsURL: n.NATSURL, readerURL: cmp.Or(n.NATSReaderURL, n.NATSURL), replicas: n.Replicas}
	if err := s.init(); err != nil {
		s.Close()
		return nil, err
	}
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if s.natsURL == "" {
		dir, err := filepath.Abs(filepath.Join(d.DataDir, "nats"))
		if err != nil {
			s.Close()
			return nil, err
		}
		log.Info("no NATS_URL: starting an embedded NATS server with JetStream", "store", dir)
		feeds, err := auth.NewFeedUsers(db.Pool).List(ctx, false)
		if err == nil {
			s.natsUsers, err = embeddedUsers(feeds)
		}
		if err == nil {
			s.embedded, err = embeddednats.Start(embeddednats.Config{StoreDir: dir, Users: s.natsUsers})
		}
		if err != nil {
			s.Close()
			return nil, err
		}
		s.natsURL, s.readerURL = s.embedded.ClientURL(), s.embedded.URLFor(relay.ReaderUser)
		if s.embedded.Attached() {
			log.Info("another aidledger process runs the embedded NATS server on this data directory: using it", "url", redacted(s.natsURL))
		}
	}
	s.monitor, err = nats.Connect(s.natsURL, nats.Name("aidledger-readiness"), nats.MaxReconnects(-1), nats.RetryOnFailedConnect(true))
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("nats %s: %w", redacted(s.natsURL), err)
	}
	// Create the stream up front, so that a projector started before the
	// relay's first publish finds it. NATS being down is not fatal here:
	// the relay and the projector wait for it.
	if js, err := jetstream.New(s.monitor); err == nil {
		ectx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if _, err := relay.EnsureStream(ectx, js, relay.StreamConfig{Replicas: s.replicas}); err != nil {
			log.Warn("cannot create the LEDGER stream yet", "err", err)
		}
		cancel()
	}
	return s, nil
}

// init builds the store, the ledger and the metrics registry on s.db.
func (s *stack) init() error {
	s.store = eventstore.New(s.db.Pool)
	s.tree = transparency.New(s.store)
	s.registry = prometheus.NewRegistry()
	s.streamWatch = newStreamWatch(s.registry)
	s.leaderHeld = newLeaderGauges()
	s.registry.MustRegister(s.leaderHeld)
	var err error
	s.ledger, err = ledger.New(ledger.Config{Store: s.store})
	return err
}

// Close stops everything opened, in reverse order.
func (s *stack) Close() {
	if s.monitor != nil {
		s.monitor.Close()
	}
	if s.readPool != nil {
		s.readPool.Close()
	}
	if s.embedded != nil {
		s.embedded.Shutdown()
	}
	s.db.Close()
}

func (s *stack) newRelay() (*relay.Relay, error) {
	return relay.New(relay.Config{Store: s.store, Pool: s.db.Pool, NATSURL: s.natsURL,
		Stream: relay.StreamConfig{Replicas: s.replicas}, Logger: s.log, Registerer: s.registry})
}

func (s *stack) newAPI() (*api.Server, error) {
	return api.New(api.Config{Pool: s.db.Pool, ReadPool: s.readPool, Store: s.store, Ledger: s.ledger, Tokens: auth.NewTokens(s.db.Pool),
		NATSURL: s.readerURL, Logger: s.log, Registry: s.registry, Tree: s.tree, LogVerifier: s.logVerifier,
		Ready: s.readiness(), StreamHead: s.streamHead,
		ReadModels:  readModels(),
		MaxRelayLag: s.maxRelayLag, MaxProjectionLag: s.maxProjectionLag,
		WriteSlots: s.admission.WriteSlots, WriteQueue: s.admission.WriteQueue,
		ReportSlots: s.admission.ReportSlots, ReportQueue: s.admission.ReportQueue})
}

// readiness are the checks of this process's dependencies: NATS, and the
// relay when it runs here.
func (s *stack) readiness() map[string]func(context.Context) error {
	checks := map[string]func(context.Context) error{"nats": func(context.Context) error {
		if st := s.monitor.Status(); st != nats.CONNECTED {
			return fmt.Errorf("not connected (%s)", st)
		}
		return nil
	}}
	if s.relay != nil {
		checks["relay"] = func(context.Context) error { return cmp.Or(s.streamWatch.err(), s.relay.Failing()) }
	}
	return checks
}

// streamHead is the ledger stream's last sequence, read through the
// monitoring connection (an error when NATS or its store fails).
func (s *stack) streamHead(ctx context.Context) (int64, error) {
	js, err := jetstream.New(s.monitor)
	if err != nil {
		return 0, err
	}
	st, err := js.Stream(ctx, relay.DefaultStreamName)
	if err != nil {
		return 0, err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, err
	}
	return int64(info.State.LastSeq), nil
}

// newWeb is the web interface in front of the API.
func (s *stack) newWeb() (*web.Server, error) {
	a, err := s.newAPI()
	if err != nil {
		return nil, err
	}
	return web.New(web.Config{Pool: s.db.Pool, Store: s.store, Ledger: s.ledger, Users: auth.NewUsers(s.db.Pool),
		NATSURL: s.readerURL, ReadModels: readModels(), API: a, Logger: s.log, SecureCookies: s.secureCookies,
		TrustedProxies: s.trustedProxies})
}

// runAll runs the given parts until ctx ends or one fails; it then stops
// the others and returns the first error.
func runAll(ctx context.Context, parts map[string]func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, len(parts))
	for name, run := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				errs <- fmt.Errorf("%s: %w", name, err)
				cancel()
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// redacted is a URL with its password hidden, for logs and messages.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that cannot be parsed)"
	}
	return u.Redacted()
}

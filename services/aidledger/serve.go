package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"strings"

	"github.com/aidledger/aidledger/services/ports/api"
)

// ServeCmd serves the web interface and the HTTP API, and by default also runs the relay and the
// projector in the same process.
type ServeCmd struct {
	DatabaseFlags
	NATSFlags
	CheckpointFlags
	HTTP             string `name:"http" default:"127.0.0.1:8080" help:"Address to serve HTTP on."`
	NoRelay          bool   `name:"no-relay" help:"Do not run the relay here (run 'aidledger relay' elsewhere)."`
	NoProjector      bool   `name:"no-projector" help:"Do not run the projector here (run 'aidledger project' elsewhere)."`
	MaxRelayLag      int64  `name:"max-relay-lag" env:"AIDLEDGER_MAX_RELAY_LAG" default:"1000" help:"Readiness fails while more committed events than this are not yet in the stream."`
	MaxProjectionLag int64  `name:"max-projection-lag" env:"AIDLEDGER_MAX_PROJECTION_LAG" default:"1000" help:"Readiness fails while a read model is more events than this behind the ledger."`
	// Admission: past these, requests are shed with 503 overloaded.
	WriteSlots  int `name:"write-slots" env:"AIDLEDGER_WRITE_SLOTS" default:"32" help:"Writes served at once."`
	WriteQueue  int `name:"write-queue" env:"AIDLEDGER_WRITE_QUEUE" default:"256" help:"Writes that may wait for a slot; past them a write is answered 503 overloaded with Retry-After."`
	ReportSlots int `name:"report-slots" env:"AIDLEDGER_REPORT_SLOTS" default:"4" help:"Year-end reports, evidence bundles and histories served at once."`
	ReportQueue int `name:"report-queue" env:"AIDLEDGER_REPORT_QUEUE" default:"16" help:"Reports that may wait for a slot; past them 503 overloaded."`
	// ReadDatabaseURL is a standby for reads that may be a little stale.
	ReadDatabaseURL string `name:"read-database-url" env:"AIDLEDGER_READ_DATABASE_URL" help:"A PostgreSQL standby (or a multi-host URL with target_session_attrs=prefer-standby) for the API's reads of the read models; their answers name the position they reflect and min_position waits on the standby. Default: the database itself."`
	// SecureCookies is for a server behind a proxy that terminates TLS.
	SecureCookies bool `name:"secure-cookies" env:"AIDLEDGER_SECURE_COOKIES" help:"Mark the web interface's cookies Secure (behind a proxy that terminates TLS; they are when the request itself came over TLS)."`
	// TrustedProxies name the reverse proxies whose X-Forwarded-For tells
	// the client's address (sign-ins are throttled by it).
	// MetricsListen serves /metrics without a token on an address of its
	// own (on the HTTP address it needs an admin's or auditor's).
	MetricsListen string `name:"metrics-listen" env:"AIDLEDGER_METRICS_LISTEN" help:"Also serve /metrics, without a token, on this address (e.g. 127.0.0.1:9464 for a local Prometheus); on the HTTP address /metrics needs the bearer token of an admin or auditor."`
	// PprofListen serves Go's profiler, for an operator on the machine.
	PprofListen    string   `name:"pprof-listen" env:"AIDLEDGER_PPROF_LISTEN" help:"Also serve Go's profiler (/debug/pprof/) on this address, without a token: a loopback address only (e.g. 127.0.0.1:6060), to profile a server under load."`
	TrustedProxies []string `name:"trusted-proxy" env:"AIDLEDGER_TRUSTED_PROXIES" sep:"," help:"A reverse proxy in front of the server (address or CIDR, repeatable): for its requests the client's address, by which sign-ins are throttled, is taken from X-Forwarded-For."`
}

// Run serves until interrupted.
func (c *ServeCmd) Run(ctx context.Context, log *slog.Logger) error {
	proxies, err := parsePrefixes(c.TrustedProxies)
	if err != nil {
		return err
	}
	s, err := openStackWaiting(ctx, log, c.DatabaseFlags, c.NATSFlags)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.useLogKey(c.CheckpointFlags); err != nil {
		return err
	}
	s.secureCookies, s.maxRelayLag, s.maxProjectionLag = c.SecureCookies, c.MaxRelayLag, c.MaxProjectionLag
	s.trustedProxies, s.metricsListen = proxies, c.MetricsListen
	if c.PprofListen != "" {
		if s.pprofListen, err = loopbackOnly(c.PprofListen); err != nil {
			return err
		}
	}
	s.admission = api.Config{WriteSlots: c.WriteSlots, WriteQueue: c.WriteQueue, ReportSlots: c.ReportSlots, ReportQueue: c.ReportQueue}
	if c.ReadDatabaseURL != "" {
		if s.readPool, err = openReadPool(ctx, c.ReadDatabaseURL); err != nil {
			return err
		}
		log.Info("reads of the read models go to", "database", redacted(c.ReadDatabaseURL))
	}
	return s.serve(ctx, c.HTTP, !c.NoRelay, !c.NoProjector)
}

// serve runs the API and, if asked, the relay and the projector.
func (s *stack) serve(ctx context.Context, addr string, withRelay, withProjector bool) error {
	parts := map[string]func(context.Context) error{}
	if withRelay {
		r, err := s.newRelay()
		if err != nil {
			return err
		}
		s.relay, parts[roleRelay] = r, s.elected(roleRelay, s.runRelay)
	}
	if withProjector {
		s.projectorParts(parts)
	}
	if s.embedded != nil && !s.embedded.Attached() {
		parts["nats-users"] = s.syncFeedUsers
	}
	if s.logKey != nil {
		parts[roleCheckpoints] = s.elected(roleCheckpoints, s.runCheckpoints)
	} else {
		s.log.Warn("no --log-key: this process signs no checkpoint of the transparency log (run one that does)")
	}
	srv, err := s.newWeb()
	if err != nil {
		return err
	}
	parts["http"] = func(ctx context.Context) error {
		s.log.Info("serving the ledger: web interface and API", "addr", "http://"+addr, "openapi", "http://"+addr+"/v1/openapi.json",
			"relay", withRelay, "projector", withProjector)
		return api.Serve(ctx, addr, srv)
	}
	if s.pprofListen != "" {
		parts["pprof"] = func(ctx context.Context) error {
			s.log.Info("serving Go's profiler without a token", "addr", "http://"+s.pprofListen+"/debug/pprof/")
			return api.Serve(ctx, s.pprofListen, profiler())
		}
	}
	if s.metricsListen != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", api.MetricsHandler(s.registry))
		parts["metrics"] = func(ctx context.Context) error {
			s.log.Info("serving /metrics without a token", "addr", "http://"+s.metricsListen+"/metrics")
			return api.Serve(ctx, s.metricsListen, mux)
		}
	}
	return runAll(ctx, parts)
}

// RelayCmd runs the relay alone (when elected: see roles.go).
type RelayCmd struct {
	DatabaseFlags
	NATSFlags
}

// Run relays committed events to JetStream until interrupted.
func (c *RelayCmd) Run(ctx context.Context, log *slog.Logger) error {
	s, err := openStackWaiting(ctx, log, c.DatabaseFlags, c.NATSFlags)
	if err != nil {
		return err
	}
	defer s.Close()
	if s.relay, err = s.newRelay(); err != nil {
		return err
	}
	return runAll(ctx, map[string]func(context.Context) error{roleRelay: s.elected(roleRelay, s.runRelay)})
}

// ProjectCmd runs every projection alone (each when elected: see roles.go).
type ProjectCmd struct {
	DatabaseFlags
	NATSFlags
}

// Run keeps the read models up to date until interrupted.
func (c *ProjectCmd) Run(ctx context.Context, log *slog.Logger) error {
	s, err := openStackWaiting(ctx, log, c.DatabaseFlags, c.NATSFlags)
	if err != nil {
		return err
	}
	defer s.Close()
	parts := map[string]func(context.Context) error{}
	s.projectorParts(parts)
	return runAll(ctx, parts)
}

// MigrateCmd applies the migrations.
type MigrateCmd struct {
	DatabaseFlags
}

// Run applies every migration and exits.
func (c *MigrateCmd) Run(ctx context.Context, log *slog.Logger) error {
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	db.Close()
	log.Info("migrations applied")
	return nil
}

// parsePrefixes parses addresses and CIDR prefixes (an address alone is a
// prefix of its full length).
func parsePrefixes(in []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range in {
		v = strings.TrimSpace(v)
		if p, err := netip.ParsePrefix(v); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxy %q: not an address or CIDR prefix", v)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// profiler is net/http/pprof's handlers on a mux of their own.
func profiler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return mux
}

// loopbackOnly returns addr when its host is a loopback address, else an
// error: the profiler answers without a token.
func loopbackOnly(addr string) (string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err == nil {
		if ip, perr := netip.ParseAddr(host); perr != nil || !ip.IsLoopback() {
			err = fmt.Errorf("not a loopback address")
		}
	}
	if err != nil {
		return "", fmt.Errorf("--pprof-listen %q: %w (the profiler has no token: give 127.0.0.1:PORT)", addr, err)
	}
	return addr, nil
}

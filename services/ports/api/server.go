// Package api serves the ledger over HTTP: JSON commands and reads, with
// an OpenAPI document generated from the route table (huma), bearer-token
// authentication, and errors as {code, message, message_zh, field?}.
package api

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/mod/sumdb/note"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/events/transparency"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
)

// DefaultReadWait is Config.ReadWait's default.
const DefaultReadWait = 5 * time.Second

// Config wires the API to its dependencies. Pool, Store, Ledger and Tokens
// are required.
type Config struct {
	Pool *pgxpool.Pool
	// ReadPool, when set, serves the reads of the read models (pairings,
	// balances, commitments, projects, the audit trail): a standby, whose
	// answers may be a little behind the primary's. Each answer still names
	// the position it reflects, and min_position waits on the standby's
	// own checkpoint, so a client reads its own write as it does on the
	// primary. Nil: Pool.
	ReadPool *pgxpool.Pool
	Store    *eventstore.Store
	Ledger   *ledger.Ledger
	Tokens   *auth.Tokens
	// Logger receives the API's logs; default slog.Default().
	Logger *slog.Logger
	// Registry receives the API's metrics and is served at /metrics;
	// default a private registry.
	Registry *prometheus.Registry
	// NATSURL locates the ledger stream, from which point-in-time views
	// rebuild read models into scratch schemas (without it they answer
	// 503).
	NATSURL string
	// Balances and AuditTrail are the read models behind the read
	// endpoints; default balances.New() and audittrail.New().
	Balances   projections.Projection
	AuditTrail projections.Projection
	// ReadWait bounds a read's wait for min_position; default
	// DefaultReadWait.
	ReadWait time.Duration
	// PointInTimeBuilds bounds how many point-in-time balances reads
	// rebuild the read model at once; default DefaultPointInTimeBuilds.
	PointInTimeBuilds int
	// Ready lists extra readiness checks (NATS …) by name; /readyz fails
	// while any returns an error.
	Ready map[string]func(context.Context) error
	// StreamHead, when set, is the ledger stream's last sequence: /readyz
	// reports the relay's lag from it, and fails while it cannot be read
	// (NATS down, its store failing) or the lag is above MaxRelayLag.
	StreamHead func(context.Context) (int64, error)
	// ReadModels are the read models whose lag /readyz reports; default
	// Balances and AuditTrail.
	ReadModels []projections.Projection
	// Tree is the transparency log; nil leaves its routes out.
	Tree *transparency.Tree
	// LogVerifier is the public key of the log's checkpoints, with which
	// witnesses' cosignatures are checked (nil: they are refused).
	LogVerifier note.Verifier
	// MaxRelayLag and MaxProjectionLag are the lags (events) above which
	// /readyz fails; defaults DefaultMaxRelayLag, DefaultMaxProjectionLag.
	MaxRelayLag, MaxProjectionLag int64
	// WriteSlots and WriteQueue bound the writes running and waiting,
	// ReportSlots and ReportQueue the heavy reads (reports, evidence,
	// histories); past them a request is shed with 503 overloaded (see
	// admission.go). Defaults DefaultWriteSlots … DefaultReportQueue.
	WriteSlots, WriteQueue, ReportSlots, ReportQueue int
}

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Balances == nil {
		c.Balances = balances.New()
	}
	if c.AuditTrail == nil {
		c.AuditTrail = audittrail.New()
	}
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
	if c.ReadWait == 0 {
		c.ReadWait = DefaultReadWait
	}
	if c.PointInTimeBuilds == 0 {
		c.PointInTimeBuilds = DefaultPointInTimeBuilds
	}
	if c.ReadModels == nil {
		c.ReadModels = []projections.Projection{c.Balances, c.AuditTrail}
	}
	if c.MaxRelayLag == 0 {
		c.MaxRelayLag = DefaultMaxRelayLag
	}
	if c.MaxProjectionLag == 0 {
		c.MaxProjectionLag = DefaultMaxProjectionLag
	}
	c.WriteSlots = cmp.Or(c.WriteSlots, DefaultWriteSlots)
	c.WriteQueue = cmp.Or(c.WriteQueue, DefaultWriteQueue)
	c.ReportSlots = cmp.Or(c.ReportSlots, DefaultReportSlots)
	c.ReportQueue = cmp.Or(c.ReportQueue, DefaultReportQueue)
}

// Validate reports the first thing wrong with c after defaults are applied
// (New applies them; Validate works on a copy).
func (c Config) Validate() error {
	c.setDefaults()
	switch {
	case c.Pool == nil || c.Store == nil || c.Ledger == nil || c.Tokens == nil:
		return errors.New("api: config: Pool, Store, Ledger and Tokens are required")
	case c.ReadWait < 0:
		return errors.New("api: config: ReadWait must not be negative")
	case c.PointInTimeBuilds < 0:
		return errors.New("api: config: PointInTimeBuilds must not be negative")
	case c.MaxRelayLag < 0 || c.MaxProjectionLag < 0:
		return errors.New("api: config: MaxRelayLag and MaxProjectionLag must not be negative")
	case c.WriteSlots < 0 || c.WriteQueue < 0 || c.ReportSlots < 0 || c.ReportQueue < 0:
		return errors.New("api: config: admission slots and queues must not be negative")
	}
	return nil
}

// Server is the HTTP API.
type Server struct {
	cfg     Config
	metrics *metrics
	mux     *http.ServeMux
	api     huma.API
	handler http.Handler
	// pitSlots holds a token per point-in-time build running.
	pitSlots chan struct{}
	// admission gates writes and heavy reads (admission.go).
	admission *admission
}

// New builds the API and its routes, or reports what is wrong with cfg.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	useRejections()
	s := &Server{cfg: cfg, mux: http.NewServeMux(), metrics: newMetrics(cfg.Registry), pitSlots: make(chan struct{}, cfg.PointInTimeBuilds)}
	hc := huma.DefaultConfig("aidledger", "1.0.0")
	hc.Info.Description = "Event-sourced ledger for counterpart aid (对口支援 / 东西部协作 / 山海协作). " +
		"Money is integer 分 (fen); dates are YYYY-MM-DD; every write needs an Idempotency-Key header."
	hc.OpenAPIPath = "/v1/openapi"
	hc.DocsPath = "" // the docs renderer loads scripts from a CDN; serve none
	hc.SchemasPath = "/v1/schemas"
	hc.CreateHooks = nil // no $schema links in bodies
	hc.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "an API token from `aidledger token create`"},
	}
	hc.Servers = []*huma.Server{{URL: "/", Description: "this server"}}
	// Dates are "YYYY-MM-DD" strings on the wire (events.Date marshals so),
	// not the Go struct huma would describe.
	hc.Components.Schemas.RegisterTypeAlias(reflect.TypeFor[events.Date](), reflect.TypeFor[wireDate]())
	s.api = humago.New(s.mux, hc)
	s.admission = newAdmission(cfg.Registry, cfg)
	s.api.UseMiddleware(s.metrics.observe, s.admission.admit(s.api), s.authenticate)
	s.mux.Handle("GET /metrics", s.metricsReaders(MetricsHandler(cfg.Registry)))
	s.registerHealth()
	s.registerCommands()
	s.registerReads()
	s.registerReadModels()
	s.registerReports()
	s.registerPublications()
	s.registerHistory()
	s.registerEvidence()
	s.registerTransparency()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, &ledger.Rejection{Code: ledger.CodeNotFound,
			Message: "no such endpoint: " + r.Method + " " + r.URL.Path, MessageZh: "接口不存在:" + r.Method + " " + r.URL.Path})
	})
	s.handler = s.recoverPanics(checkText(s.mux))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// OpenAPI is the generated OpenAPI document (the route table).
func (s *Server) OpenAPI() *huma.OpenAPI { return s.api.OpenAPI() }

// ListenAndServe serves on addr until ctx ends, then shuts down gracefully.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error { return Serve(ctx, addr, s) }

// Serve serves h on addr until ctx ends, then shuts down gracefully
// (waiting up to 10 s for requests in flight).
func Serve(ctx context.Context, addr string, h http.Handler) error {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	}
}

// wireDate is how an events.Date looks on the wire: a "YYYY-MM-DD" string,
// or null for no date.
type wireDate struct{}

// Schema implements huma.SchemaProvider.
func (wireDate) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Format: "date", Nullable: true,
		Description: "a date, YYYY-MM-DD (China time), or null for none"}
}

// Package web is the ledger's web interface for finance officers and
// auditors: server-rendered pages in Chinese (English on request), served
// by the ledger itself on the API's port, every asset embedded — it works
// with no network at all. Users sign in with local accounts
// (auth.Users); every form carries the session's CSRF token; what a user
// may see and do follows the same roles and scopes as the API.
//
// Pages: the dashboard of a donor's year (cards per pairing, an SVG chart
// of committed against disbursed and a monthly cumulative one), a
// pairing's page, forms for every command (services/intake/forms), the audit
// trail with CSV download, entity histories, the year-end summary with
// its XLSX, the ledger's verification (auditors), and spreadsheet import.
package web

import (
	"context"
	"embed"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
)

//go:embed templates/*.html templates/partials/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Config configures the web interface.
type Config struct {
	Pool   *pgxpool.Pool
	Store  *eventstore.Store
	Ledger *ledger.Ledger
	Users  *auth.Users
	// NATSURL locates the ledger stream, for verification.
	NATSURL string
	// ReadModels are the read models verification rebuilds and compares.
	ReadModels []projections.Projection
	// API serves /v1/…, /healthz, /readyz and /metrics.
	API http.Handler
	// ReadWait bounds how long a page waits for the read models to show a
	// write just made; default DefaultReadWait.
	ReadWait time.Duration
	// Logger receives the pages' logs; default slog.Default().
	Logger *slog.Logger
	// TrustedProxies are the reverse proxies in front of the server: for a
	// request from one of them, the client's address (by which sign-ins
	// are throttled) is the last address of X-Forwarded-For that is not a
	// trusted proxy. Without them, the connection's address is the
	// client's, and the header is ignored.
	TrustedProxies []netip.Prefix
	// SecureCookies marks cookies Secure (behind TLS); by default they are
	// when the request came over TLS.
	SecureCookies bool
}

// DefaultReadWait is Config.ReadWait's default.
const DefaultReadWait = 5 * time.Second

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.ReadWait == 0 {
		c.ReadWait = DefaultReadWait
	}
}

// Validate reports the first thing wrong with c after defaults are applied
// (New applies them; Validate works on a copy).
func (c Config) Validate() error {
	c.setDefaults()
	switch {
	case c.Pool == nil || c.Store == nil || c.Ledger == nil || c.Users == nil || c.API == nil:
		return errors.New("web: config: Pool, Store, Ledger, Users and API are required")
	case c.ReadWait < 0:
		return errors.New("web: config: ReadWait must not be negative")
	}
	return nil
}

// Server is the web interface (and, in front of it, the API).
type Server struct {
	cfg   Config
	mux   *http.ServeMux
	pages *pages
	h     http.Handler
	// verifyJob is the verification running in the background, if any.
	verifyJob verifyJob
}

// New builds the web interface, or reports what is wrong with cfg.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	s := &Server{cfg: cfg, mux: http.NewServeMux(), pages: loadPages()}
	s.routes()
	protection := http.NewCrossOriginProtection()
	s.h = protection.Handler(s.mux)
	return s, nil
}

// ServeHTTP implements http.Handler: the API's paths go to the API,
// everything else to the web interface.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.API != nil && isAPI(r.URL.Path) {
		s.cfg.API.ServeHTTP(w, r)
		return
	}
	s.h.ServeHTTP(w, r)
}

// isAPI reports whether path belongs to the JSON API.
func isAPI(path string) bool {
	return strings.HasPrefix(path, "/v1/") || path == "/v1" || path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// routes registers every page. Pages behind signedIn need a session; POSTs
// behind it also need the session's CSRF token.
func (s *Server) routes() {
	m := s.mux
	m.Handle("GET /static/", http.FileServerFS(staticFiles))
	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("GET /lang/{code}", s.switchLang)
	m.Handle("POST /logout", s.signedIn(s.logout))
	m.Handle("GET /{$}", s.signedIn(func(w http.ResponseWriter, r *http.Request, _ *request) {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
	}))
	m.Handle("GET /dashboard", s.signedIn(s.dashboard))
	m.Handle("GET /pairings/{id}", s.signedIn(s.pairing))
	m.Handle("GET /pairings/{id}/entries/{form}", s.signedIn(s.pairingEntries))
	m.Handle("GET /record", s.signedIn(s.recordMenu))
	m.Handle("GET /record/{form}", s.signedIn(s.recordForm))
	m.Handle("POST /record/{form}", s.signedIn(s.record))
	m.Handle("GET /audit", s.signedIn(s.audit))
	m.Handle("GET /audit.csv", s.signedIn(s.auditCSV))
	m.Handle("GET /history/{id}", s.signedIn(s.history))
	m.Handle("GET /report", s.signedIn(s.report))
	m.Handle("GET /report/download", s.signedIn(s.reportDownload))
	m.Handle("POST /report/publish", s.signedIn(s.reportPublish))
	m.Handle("POST /report/order", s.signedIn(s.reportOrder))
	m.Handle("POST /report/style", s.signedIn(s.reportStyle))
	m.Handle("GET /evidence", s.signedIn(s.evidence))
	m.Handle("GET /verify", s.signedIn(s.verifyPage))
	m.Handle("POST /verify", s.signedIn(s.verify))
	m.Handle("GET /admin", s.signedIn(s.adminPage))
	m.Handle("POST /admin/{action}", s.signedIn(s.adminAction))
	m.Handle("GET /import", s.signedIn(s.importPage))
	m.Handle("POST /import", s.signedIn(s.importFile))
	m.Handle("GET /import/template/{file}", s.signedIn(s.importTemplate))
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, nil, http.StatusNotFound, "error.notfound")
	})
}

// waitFor waits (up to ReadWait) until the read models have applied
// position, so that a page shown after a write reflects it; it goes on
// regardless after that (the page states the position it shows).
func (s *Server) waitFor(ctx context.Context, position int64, models ...projections.Projection) {
	if position <= 0 {
		return
	}
	for _, p := range models {
		if _, err := projections.WaitFor(ctx, s.cfg.Pool, p, position, s.cfg.ReadWait); err != nil {
			s.cfg.Logger.Warn("a page shows a read model behind a write", "read_model", p.Name(), "position", position, "err", err)
		}
	}
}

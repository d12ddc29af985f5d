package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/intake/forms"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/reporting/history"
	"github.com/aidledger/aidledger/services/reporting/report"
)

// chinaTime is the time zone the interface shows times in.
var chinaTime = events.ChinaTime

// basePage is what every page's template receives.
type basePage struct {
	L     lang
	Title string
	// Nav names the menu item of the page.
	Nav string
	// User is the signed-in user (nil on the sign-in page).
	User *auth.Principal
	// CSRF is the token every form of the page carries.
	CSRF string
	// Path is the page's own address (for the language switch).
	Path string
	// Flash is a message about what was just done; FlashError marks a
	// failure.
	Flash      string
	FlashError bool
	// Behind is how many events the read models lag behind the ledger,
	// when enough to say so (behindShown).
	Behind int64
}

// behindShown is the lag (events) from which pages say that the read
// models are behind: below it, a lag is the milliseconds after a write.
const behindShown = 50

func (b *basePage) setBehind(n int64) { b.Behind = n }

// behind is the largest lag of the read models behind the ledger (0 when
// it cannot be read: the page says nothing rather than fail).
func (s *Server) behind(r *http.Request) int64 {
	head, _, err := s.cfg.Store.Head(r.Context())
	if err != nil {
		return 0
	}
	lags, err := projections.Behind(r.Context(), s.cfg.Pool, head, s.cfg.ReadModels...)
	if err != nil {
		return 0
	}
	var most int64
	for _, n := range lags {
		most = max(most, n)
	}
	return most
}

// base fills the common part of a page for q.
func (q *request) base(r *http.Request, title, nav string) basePage {
	p := q.session.Principal
	return basePage{L: q.lang, Title: title, Nav: nav, User: &p, CSRF: q.session.CSRF, Path: r.URL.RequestURI()}
}

// CanWrite reports whether the user records anything at all.
func (b *basePage) CanWrite() bool { return b.User != nil && b.User.Role != auth.RoleAuditor }

// Administers reports whether the user is an admin.
func (b *basePage) Administers() bool { return b.User != nil && b.User.Role == auth.RoleAdmin }

// Audits reports whether the user is an auditor or an admin.
func (b *basePage) Audits() bool {
	return b.User != nil && (b.User.Role == auth.RoleAuditor || b.User.Role == auth.RoleAdmin)
}

// pages holds each page's template, each parsed with the layout.
type pages struct{ t map[string]*template.Template }

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"yuan": events.Yuan,
	// shares is a commitment's shares as a Shares field's text (a share
	// of 0, not yet known, left blank), to fill the allocation form.
	"shares": func(shares []events.Share) string {
		items := make([]string, len(shares))
		for i, sh := range shares {
			items[i] = sh.PairingID + "="
			if sh.AmountFen != 0 {
				items[i] += events.Yuan(sh.AmountFen)
			}
		}
		return strings.Join(items, ";")
	},
	"wan": report.WanDecimal,
	"rate": func(r *balances.Rate) string {
		if r == nil {
			return "—"
		}
		return r.Percent + "%"
	},
	"when": func(t time.Time) string { return t.In(chinaTime).Format("2006-01-02 15:04:05") },
	// actor is a recorded actor ("name (role)") with the role in the
	// page's language.
	"actor": func(a string, l lang) string {
		name, role, ok := strings.Cut(strings.TrimSuffix(a, ")"), " (")
		if !ok || !strings.HasSuffix(a, ")") || !auth.Role(role).Valid() {
			return a
		}
		key := "role." + role
		if l.EN() {
			return name + " (" + l.T(key) + ")"
		}
		return name + "(" + l.T(key) + ")"
	},
	// figure is an entity's running figure in the page's language.
	"figure": func(f history.Figure, l lang) string { return f.Text(l.code) },
	"option": func(options []forms.Option, value string, l lang) string {
		return forms.OptionName(options, value, l.code)
	},
	"eventLabel": func(typ string, l lang) string {
		zh, en := audittrail.Label(typ)
		if l.EN() {
			return en
		}
		return zh
	},
	"add":   func(a, b int) int { return a + b },
	"list3": func(a, b, c string) []string { return []string{a, b, c} },
	// reversedWholly: an entry whose reversals leave nothing (or, for
	// visits and secondments, which carry no money, any reversal).
	"reversedWholly": func(e audittrail.Entry) bool {
		for _, l := range e.Links {
			if l.Relation == audittrail.RelationReversal && (e.NetAmountFen == nil || *e.NetAmountFen == 0) {
				return true
			}
		}
		return false
	},
	// ended: a secondment whose end was recorded.
	"ended": func(e audittrail.Entry) bool {
		for _, l := range e.Links {
			if l.Relation == audittrail.RelationEnd {
				return true
			}
		}
		return false
	},
	// progress compares a year's targets with its figures, at today's share
	// of the year (nil when no targets are set).
	"progress": func(t *events.Targets, f balances.Figures, year int) []balances.Progress {
		if t == nil {
			return nil
		}
		return balances.ProgressOf(*t, f, events.YearElapsedBP(year, events.Today(time.Now())))
	},
	// behindCount is how many of the indicators are behind schedule.
	"behindCount": func(ps []balances.Progress) int {
		n := 0
		for _, p := range ps {
			if p.Behind {
				n++
			}
		}
		return n
	},
	// hasSuffix is strings.HasSuffix (money indicators end in _fen).
	"hasSuffix": strings.HasSuffix,
	// bp renders basis points as a percentage with two decimals.
	"bp": func(v int64) string { return fmt.Sprintf("%d.%02d%%", v/100, v%100) },
	// dict2 passes the language and a value to a sub-template.
	"dict2": func(l lang, v any) map[string]any { return map[string]any{"L": l, "F": v} },
	// barWidth is a rate as a bar's width in percent, at most 100.
	"barWidth": func(r *balances.Rate) int64 { return min(max(r.BasisPoints/100, 0), 100) },
	"neg":      func(v int64) int64 { return -v },
	"deref":    func(v *int64) int64 { return *v },
	"html":     func(s string) template.HTML { return template.HTML(s) }, // for the server's own SVG charts only
	"opts": func(name string) []forms.Option {
		switch name {
		case "programme":
			return forms.Programmes
		case "channel":
			return forms.Channels
		case "category":
			return forms.StaffCategories
		case "status":
			return forms.Statuses
		case "source":
			return forms.SourceLevels
		case "kind":
			return forms.DonationKinds
		}
		return nil
	},
}

// loadPages parses every page template with the layout and the partials
// (templates every page may use).
func loadPages() *pages {
	layout := template.Must(template.New("layout").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html"))
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	p := &pages{t: map[string]*template.Template{}}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		p.t[base] = template.Must(template.Must(layout.Clone()).ParseFS(templateFiles, name))
	}
	return p
}

// render writes page with data, or an internal error when it fails.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	t, ok := s.pages.t[page]
	if !ok {
		panic("web: no page " + page)
	}
	if p, ok := data.(interface{ setBehind(int64) }); ok {
		if n := s.behind(r); n >= behindShown {
			p.setBehind(n)
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.cfg.Logger.Error("rendering a page", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorData is the error page.
type errorData struct {
	basePage
	Message string
}

// errorPage renders an error with the text of key.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, q *request, status int, key string) {
	d := &errorData{}
	if q != nil && q.session != nil {
		d.basePage = q.base(r, "", "")
	} else {
		d.L = requestLang(r)
	}
	d.Title, d.Message = d.L.T("error.title"), d.L.T(key)
	s.render(w, r, status, "error", d)
}

// rejectionPage renders the error page with what the ledger answered
// (its message in the page's language).
func (s *Server) rejectionPage(w http.ResponseWriter, r *http.Request, q *request, rej *ledger.Rejection) {
	d := &errorData{basePage: q.base(r, "", "")}
	d.Title, d.Message = d.L.T("error.title"), rej.MessageZh
	if d.L.EN() {
		d.Message = rej.Message
	}
	s.render(w, r, rej.Status, "error", d)
}

// fail logs err and renders the internal error page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, q *request, err error) {
	if eventstore.Unavailable(err) || errors.Is(err, context.DeadlineExceeded) {
		// A failover or a restart of the database: a pause, not a fault.
		s.cfg.Logger.Warn("web page: database unavailable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "5")
		s.errorPage(w, r, q, http.StatusServiceUnavailable, "error.unavailable")
		return
	}
	s.cfg.Logger.Error("web page failed", "path", r.URL.Path, "err", err)
	s.errorPage(w, r, q, http.StatusInternalServerError, "error.internal")
}

// randomKey is a fresh random token (idempotency keys, CSRF of sign-in).
func randomKey() string {
	var b [18]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// sprintf is fmt.Sprintf (for lang.T).
func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

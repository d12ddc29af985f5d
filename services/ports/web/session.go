package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/aidledger/aidledger/services/auth"
)

// Cookies.
const (
	sessionCookie = "aidledger_session"
	// preLoginCookie carries the CSRF token of the sign-in form, which has
	// no session yet (a double-submit token).
	preLoginCookie = "aidledger_login"
)

// request is what a signed-in page knows of its request.
type request struct {
	session *auth.Session
	lang    lang
}

// principal is the signed-in user.
func (q *request) principal() auth.Principal { return q.session.Principal }

// pageFunc is a page for a signed-in user.
type pageFunc func(w http.ResponseWriter, r *http.Request, q *request)

// signedIn runs page for a signed-in user: without a live session a GET
// is sent to the sign-in page (and back afterwards), anything else is
// refused. Every request but GET must carry the session's CSRF token in
// the form field "csrf" (or the X-CSRF-Token header): 403 otherwise.
// Responses are never cached.
func (s *Server) signedIn(page pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		q := &request{lang: requestLang(r)}
		var token string
		if c, err := r.Cookie(sessionCookie); err == nil {
			token = c.Value
		}
		sess, err := s.cfg.Users.Session(r.Context(), token)
		switch {
		case errors.Is(err, auth.ErrNoSession):
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.errorPage(w, r, q, http.StatusForbidden, "login.expired")
			return
		case err != nil:
			s.fail(w, r, q, err)
			return
		}
		q.session = sess
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := r.ParseMultipartForm(maxUpload); err != nil && !errors.Is(err, http.ErrNotMultipart) {
				s.errorPage(w, r, q, http.StatusBadRequest, "error.badform")
				return
			}
			got := r.PostFormValue("csrf")
			if got == "" {
				got = r.Header.Get("X-CSRF-Token")
			}
			if subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) != 1 {
				s.cfg.Logger.Warn("a form without its session's CSRF token was refused", "path", r.URL.Path, "login", sess.Login)
				s.errorPage(w, r, q, http.StatusForbidden, "csrf.bad")
				return
			}
		}
		page(w, r, q)
	})
}

// cookie sets a cookie of the interface: HttpOnly, SameSite=Lax, path /,
// Secure behind TLS; maxAge 0 makes a session cookie, -1 deletes it.
func (s *Server) cookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || r.TLS != nil})
}

// loginData is the sign-in page.
type loginData struct {
	basePage
	Next, Login, Error string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.showLogin(w, r, http.StatusOK, r.URL.Query().Get("next"), "", "")
}

// showLogin renders the sign-in form with a fresh double-submit token.
func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, status int, next, login, problem string) {
	token := randomKey()
	s.cookie(w, r, preLoginCookie, token, 3600)
	w.Header().Set("Cache-Control", "no-store")
	d := &loginData{basePage: basePage{L: requestLang(r), CSRF: token}, Next: safeNext(next), Login: login, Error: problem}
	d.Title = d.L.T("login.title")
	s.render(w, r, status, "login", d)
}

// login checks the credentials and the form's token, opens a session and
// goes on to next.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	l := requestLang(r)
	c, err := r.Cookie(preLoginCookie)
	if err != nil || r.PostFormValue("csrf") == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		s.showLogin(w, r, http.StatusForbidden, r.PostFormValue("next"), r.PostFormValue("login"), l.T("csrf.bad"))
		return
	}
	login := strings.TrimSpace(r.PostFormValue("login"))
	sess, err := s.cfg.Users.SignIn(r.Context(), login, r.PostFormValue("password"), sourceAddress(r, s.cfg.TrustedProxies))
	var throttled *auth.ThrottledError
	switch {
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", strconv.Itoa(int(throttled.RetryAfter.Seconds())))
		s.showLogin(w, r, http.StatusTooManyRequests, r.PostFormValue("next"), login,
			l.T("login.throttled", int(throttled.RetryAfter.Seconds())))
		return
	case errors.Is(err, auth.ErrBadCredentials):
		s.showLogin(w, r, http.StatusUnauthorized, r.PostFormValue("next"), login, l.T("login.bad"))
		return
	case err != nil:
		s.fail(w, r, &request{lang: l}, err)
		return
	}
	s.cookie(w, r, preLoginCookie, "", -1)
	s.cookie(w, r, sessionCookie, sess.Token, int(time.Until(sess.Expires).Seconds()))
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, q *request) {
	if err := s.cfg.Users.SignOut(r.Context(), q.session.Token); err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.cookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// switchLang remembers the language chosen and goes back.
func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	code := langZH
	if r.PathValue("code") == langEN {
		code = langEN
	}
	s.cookie(w, r, langCookie, code, 365*24*3600)
	http.Redirect(w, r, safeNext(r.URL.Query().Get("back")), http.StatusSeeOther)
}

// sourceAddress is the client's address, by which sign-ins are
// throttled: the connection's, or — when that is one of trusted, the
// reverse proxies in front — the last address of X-Forwarded-For that is
// not a trusted proxy (the one the nearest untrusted hop added; whatever
// a client writes in the header before it is ignored).
func sourceAddress(r *http.Request, trusted []netip.Prefix) string {
	isTrusted := func(a netip.Addr) bool {
		return slices.ContainsFunc(trusted, func(p netip.Prefix) bool { return p.Contains(a.Unmap()) })
	}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := peer.Addr().Unmap()
	if !isTrusted(addr) {
		return addr.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: trust nothing before it
		}
		if addr = hop.Unmap(); !isTrusted(addr) {
			return addr.String()
		}
	}
	return addr.String()
}

// safeNext keeps a redirect target on this site: an absolute path of this
// origin ("/dashboard" when it is anything else). Browsers drop tabs and
// newlines in a Location and read a backslash as a slash, so "/<tab>/host"
// or "/<backslash>host" would lead elsewhere: a target holding any control
// character, space or backslash, or whose path begins with "//", or that
// parses with a scheme or host, is refused.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '\\' || unicode.IsControl(r) }) {
		return "/dashboard"
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || strings.HasPrefix(u.Path, "//") {
		return "/dashboard"
	}
	return next
}

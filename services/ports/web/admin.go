package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aidledger/aidledger/services/auth"
)

// adminData is the administration page: users and API tokens.
type adminData struct {
	basePage
	Users  []auth.UserInfo
	Tokens []auth.TokenInfo
	// NewToken is a token just issued, shown this once (never put in a
	// URL: the page is rendered in answer to the POST that issued it).
	NewToken string
	Now      time.Time
	Roles    []auth.Role
}

// adminOutcomes are the messages an action may come back with (?done=),
// and adminFailures those of a refused one (?failed=): known keys only,
// so that no URL can make the page say anything else.
var (
	adminOutcomes = []string{"admin.user_created", "admin.password_set", "admin.user_disabled", "admin.user_enabled",
		"admin.token_revoked"}
	adminFailures = []string{"admin.err.exists", "admin.err.weak", "admin.err.nouser", "admin.err.notoken", "admin.err.principal",
		"admin.err.login"}
)

// adminPage lists the users and the tokens, with the forms to manage them
// (admins only).
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, q *request) {
	d, ok := s.adminBase(w, r, q)
	if !ok {
		return
	}
	if done := r.URL.Query().Get("done"); slices.Contains(adminOutcomes, done) {
		d.Flash = q.lang.T(done)
	}
	if failed := r.URL.Query().Get("failed"); slices.Contains(adminFailures, failed) {
		d.Flash, d.FlashError = q.lang.T(failed), true
	}
	s.render(w, r, http.StatusOK, "admin", d)
}

// adminBase loads the page's lists; false when it answered already (not
// an admin, or a failure).
func (s *Server) adminBase(w http.ResponseWriter, r *http.Request, q *request) (*adminData, bool) {
	d := &adminData{basePage: q.base(r, q.lang.T("admin.title"), "admin"), Now: time.Now(), Roles: auth.Roles}
	if !d.Administers() {
		s.errorPage(w, r, q, http.StatusForbidden, "admin.forbidden")
		return nil, false
	}
	var err error
	if d.Users, err = s.cfg.Users.List(r.Context()); err == nil {
		d.Tokens, err = auth.NewTokens(s.cfg.Pool).List(r.Context())
	}
	if err != nil {
		s.fail(w, r, q, err)
		return nil, false
	}
	return d, true
}

// adminAction runs one administrative action posted from the page and
// comes back to it saying how it went. Each action is recorded in the
// access log (by the auth package) under the signed-in administrator.
func (s *Server) adminAction(w http.ResponseWriter, r *http.Request, q *request) {
	if b := q.base(r, "", ""); !b.Administers() {
		s.errorPage(w, r, q, http.StatusForbidden, "admin.forbidden")
		return
	}
	by, ctx := q.principal(), r.Context()
	login := strings.TrimSpace(r.PostFormValue("login"))
	var done string
	var err error
	switch r.PathValue("action") {
	case "user-create":
		done = "admin.user_created"
		err = s.cfg.Users.Create(ctx, by, auth.User{Login: login, Principal: scopedPrincipal(r)}, r.PostFormValue("password"))
	case "user-password":
		done = "admin.password_set"
		err = s.cfg.Users.SetPassword(ctx, by, login, r.PostFormValue("password"))
	case "user-disable":
		done = "admin.user_disabled"
		err = s.cfg.Users.Disable(ctx, by, login)
	case "user-enable":
		done = "admin.user_enabled"
		err = s.cfg.Users.Enable(ctx, by, login)
	case "token-revoke":
		done = "admin.token_revoked"
		err = auth.NewTokens(s.cfg.Pool).Revoke(ctx, by, r.PostFormValue("id"))
	case "token-create":
		token, _, err := auth.NewTokens(s.cfg.Pool).Issue(ctx, by, scopedPrincipal(r), auth.DefaultTokenTTL)
		if err == nil {
			d, ok := s.adminBase(w, r, q)
			if ok {
				d.NewToken, d.Flash = token, q.lang.T("admin.token_created")
				s.render(w, r, http.StatusOK, "admin", d)
			}
			return
		}
		s.adminFailed(w, r, q, err)
		return
	default:
		s.errorPage(w, r, q, http.StatusNotFound, "notfound")
		return
	}
	if err != nil {
		s.adminFailed(w, r, q, err)
		return
	}
	http.Redirect(w, r, "/admin?done="+done, http.StatusSeeOther)
}

// adminFailed comes back to the page saying why an action was refused, or
// answers a failure of the system.
func (s *Server) adminFailed(w http.ResponseWriter, r *http.Request, q *request, err error) {
	var key string
	switch {
	case errors.Is(err, auth.ErrUserExists):
		key = "admin.err.exists"
	case errors.Is(err, auth.ErrWeakPassword):
		key = "admin.err.weak"
	case errors.Is(err, auth.ErrNoUser):
		key = "admin.err.nouser"
	case errors.Is(err, auth.ErrNoSuchToken):
		key = "admin.err.notoken"
	case errors.Is(err, auth.ErrInvalidPrincipal):
		key = "admin.err.principal"
	case errors.Is(err, auth.ErrInvalidLogin):
		key = "admin.err.login"
	default:
		s.fail(w, r, q, err)
		return
	}
	http.Redirect(w, r, "/admin?failed="+key, http.StatusSeeOther)
}

// scopedPrincipal is the principal described by a user or token form.
func scopedPrincipal(r *http.Request) auth.Principal {
	p := auth.Principal{Name: strings.TrimSpace(r.PostFormValue("name")), Role: auth.Role(r.PostFormValue("role"))}
	scope := strings.TrimSpace(r.PostFormValue("scope"))
	switch p.Role {
	case auth.RoleRecorder:
		p.DonorCode = scope
	case auth.RolePartner:
		p.PartnerCode = scope
	}
	return p
}

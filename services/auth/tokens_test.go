package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// TestTokenLifecycle: a token authenticates until it expires or is
// revoked; its use is recorded; listing shows ids, never tokens; issue and
// revocation are in the access log under who did them.
func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.MigratedPool(t)
	tokens := auth.NewTokens(pool)
	admin := auth.Principal{Name: "王管理", Role: auth.RoleAdmin}
	recorder := auth.Principal{Name: "钟楼财政", Role: auth.RoleRecorder, DonorCode: "320404"}

	token, id, err := tokens.Issue(ctx, admin, recorder, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := tokens.Authenticate(ctx, token); err != nil || p != recorder {
		t.Fatalf("fresh token: %+v, %v", p, err)
	}
	list, err := tokens.List(ctx)
	if err != nil || len(list) != 1 || list[0].ID != id || list[0].LastUsed == nil || list[0].ExpiresAt == nil ||
		list[0].CreatedBy != admin.Actor() || !list[0].Live(time.Now()) {
		t.Fatalf("list %+v, %v", list, err)
	}
	expired, _, err := tokens.Issue(ctx, admin, recorder, time.Nanosecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	if _, err := tokens.Authenticate(ctx, expired); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("expired token: %v", err)
	}
	forever, foreverID, err := tokens.Issue(ctx, admin, auth.Principal{Name: "审计", Role: auth.RoleAuditor}, -1)
	if err != nil {
		t.Fatal(err)
	}
	if err := tokens.Revoke(ctx, admin, foreverID); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Authenticate(ctx, forever); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("revoked token: %v", err)
	}
	if err := tokens.Revoke(ctx, admin, "01J0000000000000000000NONE"); !errors.Is(err, auth.ErrNoSuchToken) {
		t.Fatalf("revoking an unknown id: %v", err)
	}
	if _, err := tokens.Authenticate(ctx, token); err != nil {
		t.Fatalf("the other tokens are untouched: %v", err)
	}
	var created, revoked int
	if err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE action = $1), count(*) FILTER (WHERE action = $2)
		FROM access_log WHERE actor = $3`, auth.TokenCreateAction, auth.TokenRevokeAction, admin.Name).Scan(&created, &revoked); err != nil ||
		created != 3 || revoked != 1 {
		t.Errorf("access log: %d issued, %d revoked (%v); want 3 and 1", created, revoked, err)
	}
}

// TestUserAdministration: disabling a user, or setting their password,
// ends their sessions; a disabled user cannot sign in until enabled; the
// list shows the last sign-in; each action is in the access log.
func TestUserAdministration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	us, pool := newUsers(t)
	admin := auth.Principal{Name: "王管理", Role: auth.RoleAdmin}
	li := auth.User{Login: "li", Principal: auth.Principal{Name: "李会计", Role: auth.RoleRecorder, DonorCode: "320404"}}
	if err := us.Create(ctx, admin, li, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	s, err := us.SignIn(ctx, "li", "correct horse battery", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := us.SetPassword(ctx, admin, "li", "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := us.Session(ctx, s.Token); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("a session after the password changed: %v", err)
	}
	s, err = us.SignIn(ctx, "li", "a brand new password", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := us.Disable(ctx, admin, "li"); err != nil {
		t.Fatal(err)
	}
	if _, err := us.Session(ctx, s.Token); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("a session after the user was disabled: %v", err)
	}
	if _, err := us.SignIn(ctx, "li", "a brand new password", ""); err == nil {
		t.Fatal("a disabled user signed in")
	}
	if err := us.Enable(ctx, admin, "li"); err != nil {
		t.Fatal(err)
	}
	if _, err := us.SignIn(ctx, "li", "a brand new password", ""); err != nil {
		t.Fatalf("after enabling: %v", err)
	}
	if err := us.Disable(ctx, admin, "nobody"); !errors.Is(err, auth.ErrNoUser) {
		t.Fatalf("disabling an unknown login: %v", err)
	}
	list, err := us.List(ctx)
	if err != nil || len(list) != 1 || list[0].LastSignIn == nil || list[0].DisabledAt != nil {
		t.Fatalf("list %+v, %v", list, err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM access_log WHERE actor = $1 AND target = 'li'`, admin.Name).Scan(&n); err != nil || n != 4 {
		t.Errorf("%d administrative actions logged (%v), want 4 (create, password, disable, enable)", n, err)
	}
}

// TestPrincipalNames: a principal's name — the actor of every event it
// records — is text without control or bidirectional control characters.
func TestPrincipalNames(t *testing.T) {
	t.Parallel()
	tokens := auth.NewTokens(testenv.MigratedPool(t))
	for name, ok := range map[string]bool{"张会计": true, "张\u202e计会": false, "a\nb": false, "": false} {
		_, err := tokens.Create(context.Background(), auth.Principal{Name: name, Role: auth.RoleAuditor})
		if (err == nil) != ok || (err != nil && !errors.Is(err, auth.ErrInvalidPrincipal)) {
			t.Errorf("name %q: %v, want ok %v", name, err, ok)
		}
	}
}

// TestTokenCheckedOncePerSecond: a server trusts a token it checked for a
// second; a revocation through another process (the command line, a
// second server) takes effect there within that second, one through the
// server itself at once, and an expiry to the instant.
func TestTokenCheckedOncePerSecond(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.MigratedPool(t)
	// The command line is another process: another pool on the database.
	other, err := pgxpool.New(ctx, pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	server, cli := auth.NewTokens(pool), auth.NewTokens(other)
	admin := auth.Principal{Name: "王管理", Role: auth.RoleAdmin}
	auditor := auth.Principal{Name: "审计", Role: auth.RoleAuditor}

	token, id, err := cli.Issue(ctx, admin, auditor, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.Authenticate(ctx, token); err != nil {
		t.Fatal(err)
	}
	if err := cli.Revoke(ctx, admin, id); err != nil {
		t.Fatal(err)
	}
	revoked := time.Now()
	for {
		_, err := server.Authenticate(ctx, token)
		if errors.Is(err, auth.ErrInvalidToken) {
			break
		}
		if err != nil || time.Since(revoked) > 1100*time.Millisecond {
			t.Fatalf("%s after its revocation elsewhere the token still authenticates (%v)", time.Since(revoked), err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	token, id, err = server.Issue(ctx, admin, auditor, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.Authenticate(ctx, token); err != nil {
		t.Fatal(err)
	}
	if err := auth.NewTokens(pool).Revoke(ctx, admin, id); err != nil { // the web page's own Tokens
		t.Fatal(err)
	}
	if _, err := server.Authenticate(ctx, token); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("revoked through the server itself, the token still authenticates: %v", err)
	}

	short, _, err := server.Issue(ctx, admin, auditor, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.Authenticate(ctx, short); err != nil {
		t.Fatal(err)
	}
	time.Sleep(350 * time.Millisecond)
	if _, err := server.Authenticate(ctx, short); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("an expired token still authenticates from the cache: %v", err)
	}
}

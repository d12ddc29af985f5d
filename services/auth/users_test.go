package auth_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func newUsers(t *testing.T) (*auth.Users, *pgxpool.Pool) {
	t.Helper()
	pool := testenv.MigratedPool(t)
	return auth.NewUsers(pool), pool
}

func TestUsersSignInAndSessions(t *testing.T) {
	t.Parallel()
	us, pool := newUsers(t)
	ctx := t.Context()
	zhang := auth.User{Login: "zhang", Principal: auth.Principal{Name: "钟楼财政 张三", Role: auth.RoleRecorder, DonorCode: "320404"}}
	if err := us.Create(ctx, auth.System, zhang, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if err := us.Create(ctx, auth.System, zhang, "another long password"); !errors.Is(err, auth.ErrUserExists) {
		t.Fatalf("duplicate login: %v", err)
	}
	for _, bad := range []struct {
		u  auth.User
		pw string
	}{
		{auth.User{Login: "short", Principal: auth.Principal{Name: "x", Role: auth.RoleAuditor}}, "short"},
		{auth.User{Login: "with space", Principal: auth.Principal{Name: "x", Role: auth.RoleAuditor}}, "long enough password"},
		{auth.User{Login: "rec", Principal: auth.Principal{Name: "x", Role: auth.RoleRecorder}}, "long enough password"},
	} {
		if err := us.Create(ctx, auth.System, bad.u, bad.pw); err == nil {
			t.Errorf("created %+v", bad.u)
		}
	}
	var stored string
	if err := pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE login = 'zhang'`).Scan(&stored); err != nil ||
		!strings.HasPrefix(stored, "$argon2id$v=19$m=65536,t=3,p=2$") || strings.Contains(stored, "horse") {
		t.Fatalf("stored hash %q (%v)", stored, err)
	}

	s, err := us.SignIn(ctx, "zhang", "correct horse battery", "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Principal != zhang.Principal || s.CSRF == "" || s.Token == "" || s.CSRF == s.Token {
		t.Fatalf("session %+v", s)
	}
	got, err := us.Session(ctx, s.Token)
	if err != nil || got.Principal != zhang.Principal || got.CSRF != s.CSRF {
		t.Fatalf("session lookup: %+v %v", got, err)
	}
	if _, err := us.Session(ctx, s.Token+"x"); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("a forged token: %v", err)
	}
	if err := us.SignOut(ctx, s.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := us.Session(ctx, s.Token); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("after sign-out: %v", err)
	}
	if _, err := us.SignIn(ctx, "nobody", "correct horse battery", ""); !errors.Is(err, auth.ErrBadCredentials) {
		t.Errorf("unknown login: %v", err)
	}

	// Throttling: MaxFailures wrong passwords make the next attempt wait,
	// even with the right password, until SetPassword forgets them.
	for i := 1; i <= auth.MaxFailures; i++ {
		if _, err := us.SignIn(ctx, "zhang", "wrong password!", ""); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	var throttled *auth.ThrottledError
	if _, err := us.SignIn(ctx, "zhang", "correct horse battery", ""); !errors.As(err, &throttled) || throttled.RetryAfter > 3*time.Second {
		t.Fatalf("throttled login, right password: %v", err)
	}
	if err := us.SetPassword(ctx, auth.System, "zhang", "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := us.SignIn(ctx, "zhang", "a brand new password", ""); err != nil {
		t.Fatalf("after the reset: %v", err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM access_log WHERE action = $1`, auth.SignInAction).Scan(&n); err != nil || n != auth.MaxFailures+4 {
		t.Errorf("%d sign-ins logged (%v), want %d", n, err, auth.MaxFailures+4)
	}
}

// TestSignInThrottling: failures are counted per login, known or not, and
// per address; the answers for an unknown login and a known one are the
// same at every step; the wait doubles and is capped; a success from the
// address forgets its failures; failures older than FailureMemory are
// forgotten; the owner of a login that someone else hammers is slowed,
// never locked out.
func TestSignInThrottling(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.MigratedPool(t)
	us := auth.NewUsers(pool)
	if err := us.Create(ctx, auth.System, auth.User{Login: "li", Principal: auth.Principal{Name: "李会计", Role: auth.RoleAuditor}},
		"correct horse battery"); err != nil {
		t.Fatal(err)
	}
	answers := func(login, address string) []string {
		var out []string
		for range auth.MaxFailures + 1 {
			_, err := us.SignIn(ctx, login, "wrong password!", address)
			var th *auth.ThrottledError
			if errors.As(err, &th) {
				out = append(out, "throttled "+th.RetryAfter.String())
			} else {
				out = append(out, fmt.Sprint(err))
			}
		}
		return out
	}
	known, unknown := answers("li", "192.0.2.1"), answers("nobody", "192.0.2.2")
	if !slices.Equal(known, unknown) || !strings.HasPrefix(known[auth.MaxFailures], "throttled") {
		t.Errorf("answers for a known login %q and an unknown one %q", known, unknown)
	}
	// The wait doubles: set the failures far on, then one more.
	if _, err := pool.Exec(ctx, `UPDATE sign_in_failures SET failures = 40, retry_at = NULL WHERE key = 'login:li'`); err != nil {
		t.Fatal(err)
	}
	var th *auth.ThrottledError
	_, _ = us.SignIn(ctx, "li", "wrong password!", "192.0.2.9")
	if _, err := us.SignIn(ctx, "li", "correct horse battery", "192.0.2.9"); !errors.As(err, &th) ||
		th.RetryAfter > auth.MaxLoginWait+time.Second || th.RetryAfter < auth.MaxLoginWait-2*time.Second {
		t.Errorf("a login hammered 41 times waits %v, want about %v (the cap): %v", th, auth.MaxLoginWait, err)
	}
	// Failures older than FailureMemory are forgotten.
	if _, err := pool.Exec(ctx, `UPDATE sign_in_failures SET last_at = now() - $1::interval - interval '1 second'`,
		fmt.Sprintf("%d seconds", int(auth.FailureMemory.Seconds()))); err != nil {
		t.Fatal(err)
	}
	if _, err := us.SignIn(ctx, "li", "correct horse battery", "192.0.2.1"); err != nil {
		t.Fatalf("after FailureMemory: %v", err)
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM sign_in_failures WHERE key IN ('login:li', 'address:192.0.2.1')`).Scan(&left); err != nil || left != 0 {
		t.Errorf("a success left %d failure rows (%v)", left, err)
	}
}

package auth_test

import (
	"errors"
	"strings"
	"testing"

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

	s, err := us.SignIn(ctx, "zhang", "correct horse battery")
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
	if _, err := us.SignIn(ctx, "nobody", "correct horse battery"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Errorf("unknown login: %v", err)
	}

	// Lock-out: MaxFailures wrong passwords lock the account, even for the
	// right password, until SetPassword unlocks it.
	for i := 1; i <= auth.MaxFailures; i++ {
		_, err := us.SignIn(ctx, "zhang", "wrong password!")
		var locked *auth.LockedError
		if (i < auth.MaxFailures && !errors.Is(err, auth.ErrBadCredentials)) || (i == auth.MaxFailures && !errors.As(err, &locked)) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	var locked *auth.LockedError
	if _, err := us.SignIn(ctx, "zhang", "correct horse battery"); !errors.As(err, &locked) {
		t.Fatalf("locked account, right password: %v", err)
	}
	if err := us.SetPassword(ctx, auth.System, "zhang", "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := us.SignIn(ctx, "zhang", "a brand new password"); err != nil {
		t.Fatalf("after the reset: %v", err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM access_log WHERE action = $1`, auth.SignInAction).Scan(&n); err != nil || n != auth.MaxFailures+4 {
		t.Errorf("%d sign-ins logged (%v), want %d", n, err, auth.MaxFailures+4)
	}
}

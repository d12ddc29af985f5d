// Package testenv gives integration tests a real PostgreSQL database and a
// real NATS server with JetStream, with nothing to set up by hand.
//
// PostgreSQL: when DATABASE_URL is set, it is taken as an administrative URL
// of an existing server, on which each test gets its own database. Otherwise
// the test binaries share one private server (package pgcluster) kept in a
// directory of the user's in the temporary directory: the first binary that
// asks for a database starts it, the others attach to it, and the last to
// end stops it and removes its data (so the test databases on it are never
// dropped one by one). That requires the package's tests to run through
// Main:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
//
// NATS: each call starts an embedded nats-server; NATS_URL is ignored.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats-server/v2/server"

	"github.com/aidledger/aidledger/events/relay"
	"github.com/aidledger/aidledger/services/platform/pgcluster"
)

// testSettings make the private server fast for throw-away data: no
// flushes to disk (a crash of the machine, not of the server, would lose
// data — irrelevant for tests; a benchmark that must measure durable writes
// runs with DATABASE_URL naming a durable server), and room for many
// parallel tests' pools.
var testSettings = map[string]string{
	"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "500",
}

var (
	mainCalled atomic.Bool

	pgOnce     sync.Once
	pgAdminURL string // URL of the private cluster's "postgres" database
	pgErr      error  // why the private cluster could not be started

	privateMu      sync.Mutex
	privateCluster *pgcluster.Cluster
)

// Main runs the tests of a package and exits: it runs m.Run, then lets go
// of the shared private PostgreSQL server if a test used it (the last
// binary to let go stops it), then calls os.Exit with the tests' exit code
// (1 when the tests passed but the server could not be stopped). Call it
// from TestMain.
func Main(m *testing.M) {
	mainCalled.Store(true)
	code := m.Run()
	if err := stopPrivate(); err != nil {
		fmt.Fprintf(os.Stderr, "testenv: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// Postgres returns the URL of a new, empty database that only this test
// uses, on the server described in the package documentation. The database
// is dropped at tb.Cleanup, disconnecting whoever is still connected.
//
// The URL connects as the server's administrative user. When DATABASE_URL
// is in keyword/value form ("host=... user=..."), the result is in that
// form too. Every failure is fatal to the test (never a skip): a missing
// TestMain calling Main, a private server that cannot start, or a server
// that refuses CREATE DATABASE.
func Postgres(tb testing.TB) string {
	tb.Helper()
	admin, err := adminURL()
	if err != nil {
		tb.Fatalf("testenv.Postgres: %v", err)
	}

	return newDatabase(tb, admin, "")
}

// newDatabase creates a database for tb with CREATE DATABASE options
// (e.g. a TEMPLATE), dropped at tb.Cleanup, and returns its URL.
func newDatabase(tb testing.TB, admin, options string) string {
	tb.Helper()
	name := databaseName(tb.Name())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := adminExec(ctx, admin, strings.TrimSpace("CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" "+options)); err != nil {
		tb.Fatalf("testenv: creating database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		drop := "DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize() + " WITH (FORCE)"
		if os.Getenv("DATABASE_URL") == "" {
			// The private server's data is thrown away whole when the last
			// test binary ends: end the test's sessions, keep the rest.
			drop = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " + quoteLiteral(name)
		}
		if err := adminExec(ctx, admin, drop); err != nil {
			tb.Errorf("testenv: dropping database %s: %v", name, err)
		}
	})
	dbURL, err := withDatabase(admin, name)
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	return dbURL
}

// NATSPassword is the password of every user of the test servers (the
// ledger's service user and its reader).
const NATSPassword = "test-nats-password"

// NATS starts an embedded nats-server with JetStream on 127.0.0.1 (random
// port, storage in tb.TempDir, no logging, no signal handlers) that, like
// every NATS of the ledger, refuses anonymous connections: it has the
// ledger's service user (relay.ServiceUser, allowed everything) and its
// reader (relay.ReaderUser), both with NATSPassword. It returns the server
// with the service user's URL (nats://aidledger:…@127.0.0.1:PORT). The
// server is shut down at tb.Cleanup. Failure to start is fatal.
func NATS(tb testing.TB) (srv *server.Server, clientURL string) {
	tb.Helper()
	opts := &server.Options{
		Host:      "127.0.0.1",
		Port:      server.RANDOM_PORT,
		JetStream: true,
		StoreDir:  tb.TempDir(),
		NoSigs:    true,
		NoLog:     true,
		Users: []*server.User{{Username: relay.ServiceUser, Password: NATSPassword},
			{Username: relay.ReaderUser, Password: NATSPassword, Permissions: &server.Permissions{
				Publish: &server.SubjectPermission{Deny: relay.ReaderDenyPublish()}}}},
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		tb.Fatalf("testenv.NATS: creating the server: %v", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(5 * time.Second) {
		ns.Shutdown()
		tb.Fatal("testenv.NATS: the embedded nats-server did not accept connections within 5s")
	}
	if !ns.JetStreamEnabled() {
		ns.Shutdown()
		tb.Fatal("testenv.NATS: the embedded nats-server started without JetStream")
	}
	tb.Cleanup(func() {
		ns.Shutdown()
		ns.WaitForShutdown()
	})
	return ns, NATSUserURL(ns.ClientURL(), relay.ServiceUser)
}

// NATSUserURL is the client URL raw with user's credentials (NATSPassword).
func NATSUserURL(raw, user string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.User = url.UserPassword(user, NATSPassword)
	return u.String()
}

// adminURL returns DATABASE_URL, or else the URL of the private cluster,
// starting it on first use.
func adminURL() (string, error) {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u, nil
	}
	if !mainCalled.Load() {
		return "", errors.New("DATABASE_URL is not set, so a private PostgreSQL server is needed, " +
			"and it can only be stopped when the tests end if the package's tests run through testenv.Main: " +
			"add `func TestMain(m *testing.M) { testenv.Main(m) }` to this package's tests")
	}
	pgOnce.Do(startPrivate)
	return pgAdminURL, pgErr
}

// sharedDataDir is where the test binaries' shared private cluster lives.
func sharedDataDir() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("aidledger-testenv-%d", os.Getuid()), "data")
}

// startPrivate starts the shared private cluster, or attaches to it, and
// records its URL, or the error, in pgAdminURL / pgErr.
func startPrivate() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx, pgcluster.Config{DataDir: sharedDataDir(), Settings: testSettings, Throwaway: true})
	if err != nil {
		pgErr = fmt.Errorf("DATABASE_URL is not set and a private PostgreSQL server could not be started: %w", err)
		return
	}
	privateMu.Lock()
	privateCluster = c
	privateMu.Unlock()
	pgAdminURL = c.URL("postgres")
}

// stopPrivate lets go of the shared cluster, if this binary used it: the
// last binary to do so stops it and removes its data.
func stopPrivate() error {
	privateMu.Lock()
	defer privateMu.Unlock()
	if privateCluster == nil {
		return nil
	}
	if err := privateCluster.Stop(); err != nil {
		return fmt.Errorf("stopping the private PostgreSQL server: %w", err)
	}
	privateCluster = nil
	return nil
}

// adminExec runs one statement on a fresh connection to adminURL.
func adminExec(ctx context.Context, adminURL, sql string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connecting to the PostgreSQL server: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

// databaseName returns a new database name, unique with overwhelming
// probability, that shows which test it belongs to: t_<test name>_<random>,
// lower case, at most 63 bytes.
func databaseName(testName string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(testName) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	readable := b.String()
	if len(readable) > 40 {
		readable = readable[:40]
	}
	random := make([]byte, 8)
	_, _ = rand.Read(random) // never fails (crypto/rand panics instead)
	return "t_" + readable + "_" + hex.EncodeToString(random)
}

// withDatabase returns adminURL changed to connect to database name. Both
// URL (postgres://...) and keyword/value forms are accepted.
func withDatabase(adminURL, name string) (string, error) {
	if strings.HasPrefix(adminURL, "postgres://") || strings.HasPrefix(adminURL, "postgresql://") {
		u, err := url.Parse(adminURL)
		if err != nil {
			return "", fmt.Errorf("parsing the admin URL: %w", err)
		}
		u.Path, u.RawPath = "/"+name, ""
		return u.String(), nil
	}
	// Keyword/value form: a later keyword overrides an earlier one.
	return adminURL + " dbname=" + name, nil
}

// quoteLiteral is s as a SQL string literal (s holds no quote: database
// names are made by databaseName).
func quoteLiteral(s string) string { return "'" + s + "'" }

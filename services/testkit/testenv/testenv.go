// Package testenv gives integration tests a real PostgreSQL database and a
// real NATS server with JetStream, with nothing to set up by hand.
//
// PostgreSQL: when DATABASE_URL is set, it is taken as an administrative URL
// of an existing server, on which each test gets its own database. Otherwise
// the test binary starts one private server (package pgcluster) the first
// time a test asks for a database, and stops it when the tests end; that
// requires the package's tests to run through Main:
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats-server/v2/server"

	"github.com/aidledger/aidledger/services/platform/pgcluster"
)

// tempPrefix names the temporary directories of private clusters, so that
// those left behind by killed test binaries can be found and cleaned up.
const tempPrefix = "aidledger-testenv-pg-"

// testSettings make the private server fast for throw-away data: no
// flushes to disk (a crash of the machine, not of the server, would lose
// data — irrelevant for tests; benchmarks that measure durable writes use
// DurablePostgres), and room for many parallel tests' pools.
var testSettings = map[string]string{
	"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "500",
}

// ownerFile, inside such a directory, holds the PID of the test binary
// that owns it.
const ownerFile = "owner.pid"

var (
	mainCalled atomic.Bool

	pgOnce     sync.Once
	pgAdminURL string // URL of the private cluster's "postgres" database
	pgErr      error  // why the private cluster could not be started

	privateMu      sync.Mutex
	privateCluster *pgcluster.Cluster
	privateDir     string
)

// Main runs the tests of a package and exits: it runs m.Run, then stops the
// private PostgreSQL server if a test started one and removes its files,
// then calls os.Exit with the tests' exit code (1 when the tests passed but
// the server could not be stopped). Call it from TestMain.
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
		if err := adminExec(ctx, admin, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			tb.Errorf("testenv: dropping database %s: %v", name, err)
		}
	})
	dbURL, err := withDatabase(admin, name)
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	return dbURL
}

// NATS starts an embedded nats-server with JetStream on 127.0.0.1 (random
// port, storage in tb.TempDir, no logging, no signal handlers) and returns
// it with its client URL (nats://127.0.0.1:PORT). The server is shut down at
// tb.Cleanup. Failure to start is fatal to the test.
func NATS(tb testing.TB) (srv *server.Server, url string) {
	tb.Helper()
	opts := &server.Options{
		Host:      "127.0.0.1",
		Port:      server.RANDOM_PORT,
		JetStream: true,
		StoreDir:  tb.TempDir(),
		NoSigs:    true,
		NoLog:     true,
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
	return ns, ns.ClientURL()
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

// startPrivate starts the private cluster in a new temporary directory and
// records its URL, or the error, in pgAdminURL / pgErr.
func startPrivate() {
	reapOrphans()

	dir, err := os.MkdirTemp("", tempPrefix)
	if err != nil {
		pgErr = fmt.Errorf("DATABASE_URL is not set and a private PostgreSQL server could not be prepared: %w", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		_ = os.RemoveAll(dir)
		pgErr = fmt.Errorf("DATABASE_URL is not set and a private PostgreSQL server could not be prepared: %w", err)
		return
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx, pgcluster.Config{DataDir: filepath.Join(dir, "data"), Settings: testSettings})
	if err != nil {
		_ = os.RemoveAll(dir)
		pgErr = fmt.Errorf("DATABASE_URL is not set and a private PostgreSQL server could not be started: %w", err)
		return
	}

	privateMu.Lock()
	privateCluster, privateDir = c, dir
	privateMu.Unlock()
	pgAdminURL = c.URL("postgres")
}

// stopPrivate stops the private cluster, if one was started, and removes
// its directory.
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
	if err := os.RemoveAll(privateDir); err != nil {
		return fmt.Errorf("removing the private PostgreSQL server's files: %w", err)
	}
	return nil
}

// reapOrphans stops the servers and removes the directories of private
// clusters whose test binary is gone (killed by a timeout or Ctrl-C before
// Main could clean up). Directories of live binaries, or without an owner
// file, are left alone. Failures are reported on stderr, not fatal.
func reapOrphans() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), tempPrefix+"*")) // the pattern is valid
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || pid <= 0 || processAlive(pid) {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		err = pgcluster.StopLeftover(ctx, pgcluster.Config{DataDir: filepath.Join(dir, "data")})
		cancel()
		if err != nil {
			fmt.Fprintf(os.Stderr, "testenv: cleaning up %s, left by a killed test binary: %v\n", dir, err)
			continue
		}
		_ = os.RemoveAll(dir)
	}
}

// processAlive reports whether a process with this PID exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
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

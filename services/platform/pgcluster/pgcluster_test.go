package pgcluster_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/services/platform/pgcluster"
)

// start starts a cluster on dataDir and stops it at cleanup.
func start(t *testing.T, dataDir string) *pgcluster.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	began := time.Now()
	c, err := pgcluster.Start(ctx, pgcluster.Config{DataDir: dataDir, Logf: t.Logf})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("Start took %v", time.Since(began).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("Stop at cleanup: %v", err)
		}
	})
	return c
}

// connect opens a connection to database "postgres" of c, closed at cleanup.
func connect(t *testing.T, c *pgcluster.Cluster) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatalf("connecting to %s: %v", c.URL("postgres"), err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func TestStartStopRestartKeepsData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dataDir := filepath.Join(t.TempDir(), "data")

	c := start(t, dataDir)
	if want := "postgres://postgres@127.0.0.1:"; !strings.HasPrefix(c.URL("x"), want) || !strings.HasSuffix(c.URL("x"), "/x?sslmode=disable") {
		t.Errorf("URL = %q, want %sPORT/x?sslmode=disable", c.URL("x"), want)
	}
	conn := connect(t, c)
	var one int
	if err := conn.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("select 1 = %d, %v", one, err)
	}
	if _, err := conn.Exec(ctx, "create table kept (v text); insert into kept values ('still here')"); err != nil {
		t.Fatal(err)
	}
	if err := conn.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}

	c2 := start(t, dataDir)
	var v string
	if err := connect(t, c2).QueryRow(ctx, "select v from kept").Scan(&v); err != nil || v != "still here" {
		t.Fatalf("after restart: v = %q, %v", v, err)
	}
}

// TestStartStopsLeftoverServer simulates a process killed before Stop: the
// server it started is still running when Start is called on its data
// directory again.
func TestStartStopsLeftoverServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dataDir := filepath.Join(t.TempDir(), "data")

	old := start(t, dataDir)
	c := start(t, dataDir)

	var one int
	if err := connect(t, c).QueryRow(ctx, "select 1").Scan(&one); err != nil {
		t.Fatalf("new server: %v", err)
	}
	if old.Port() != c.Port() {
		conn, err := pgx.Connect(ctx, old.URL("postgres"))
		if err == nil {
			_ = conn.Close(ctx)
			t.Errorf("the leftover server on port %d still accepts connections", old.Port())
		}
	}
	if err := old.Stop(); err != nil {
		t.Errorf("Stop of the replaced cluster: %v", err)
	}
	if err := connect(t, c).QueryRow(ctx, "select 1").Scan(&one); err != nil {
		t.Fatalf("the new server must survive Stop of the replaced cluster... %v", err)
	}
}

func TestMissingBinaries(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	_, err := pgcluster.Start(context.Background(), pgcluster.Config{DataDir: filepath.Join(t.TempDir(), "data"), BinDir: empty})
	if !errors.Is(err, pgcluster.ErrNoBinaries) {
		t.Fatalf("err = %v, want ErrNoBinaries", err)
	}
	for _, want := range []string{empty, "initdb", "apt-get install postgresql", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// holderEnv, when set, makes the test binary a holder process (see
// TestHolderProcess): it starts the cluster on that data directory, prints
// the port, and stops when its stdin closes.
const holderEnv = "PGCLUSTER_TEST_HOLDER"

// TestHolderProcess is not a test of its own: it is the body of the holder
// processes the sharing test starts (it does nothing otherwise).
func TestHolderProcess(t *testing.T) {
	dir := os.Getenv(holderEnv)
	if dir == "" {
		return
	}
	c, err := pgcluster.Start(context.Background(), pgcluster.Config{DataDir: dir})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("port", c.Port(), c.Attached())
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := c.Stop(); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// holder is a holder process on a data directory: spawned, then read.
type holder struct {
	cmd      *exec.Cmd
	stdin    io.Closer
	stdout   io.Reader
	port     int
	attached bool
	ended    bool
}

// spawn starts a holder process on dataDir; it ends at cleanup.
func spawn(t *testing.T, dataDir string) *holder {
	t.Helper()
	h := &holder{cmd: exec.Command(os.Args[0], "-test.run=^TestHolderProcess$")}
	h.cmd.Env = append(os.Environ(), holderEnv+"="+dataDir)
	var err error
	if h.stdin, err = h.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if h.stdout, err = h.cmd.StdoutPipe(); err != nil {
		t.Fatal(err)
	}
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.end(t) })
	return h
}

// started waits for the holder's server and reads its port.
func (h *holder) started(t *testing.T) {
	t.Helper()
	var word string
	if _, err := fmt.Fscan(h.stdout, &word, &h.port, &h.attached); err != nil || word != "port" {
		t.Fatalf("holder: %q %v", word, err)
	}
}

// end makes the holder stop and waits for it.
func (h *holder) end(t *testing.T) {
	if h.ended {
		return
	}
	h.ended = true
	h.stdin.Close()
	if err := h.cmd.Wait(); err != nil {
		t.Errorf("holder: %v", err)
	}
}

// TestProcessesShareTheServer: processes starting at once on a new data
// directory initialize it once and share one server; one that ends leaves
// it running for the others; the last one stops it.
func TestProcessesShareTheServer(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "data")
	holders := []*holder{spawn(t, dataDir), spawn(t, dataDir), spawn(t, dataDir)}
	attachedN := 0
	for _, h := range holders {
		h.started(t)
		if h.attached {
			attachedN++
		}
	}
	if attachedN != 2 || holders[0].port != holders[1].port || holders[1].port != holders[2].port {
		t.Fatalf("ports %d %d %d, %d attached: want one server, started once and attached to twice",
			holders[0].port, holders[1].port, holders[2].port, attachedN)
	}
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", holders[0].port)
	alive := func() bool {
		conn, err := pgx.Connect(context.Background(), url)
		if err == nil {
			conn.Close(context.Background())
		}
		return err == nil
	}
	holders[0].end(t) // whichever it is, the starter or not: the others hold the server
	holders[1].end(t)
	if !alive() {
		t.Fatal("the server stopped while a process still held it")
	}
	holders[2].end(t)
	if alive() {
		t.Fatal("the server still runs after the last holder stopped")
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/xuri/excelize/v2"

	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/platform/pgcluster"
	"github.com/aidledger/aidledger/services/reporting/evidence"
	"github.com/aidledger/aidledger/services/testkit/demoenv"
)

var build struct {
	once sync.Once
	path string
	err  error
}

// binary builds the aidledger command once per test run.
func binary(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		dir, err := os.MkdirTemp("", "aidledger-cli-test-")
		if err != nil {
			build.err = err
			return
		}
		build.path = filepath.Join(dir, "aidledger")
		out, err := exec.Command("go", "build", "-o", build.path, ".").CombinedOutput()
		if err != nil {
			build.err = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// run runs the built binary and returns its exit code and output.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL=", "NATS_URL=")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run %v: %v", args, err)
	}
	t.Logf("aidledger %s → exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
	return code, out.String(), errOut.String()
}

// The auditor's commands through the built binary: verify's exit codes
// (0 intact, 1 tampered, 2 could not run), export, and verify --bundle.
func TestAuditCommandsThroughTheBinary(t *testing.T) {
	t.Parallel()
	env := demoenv.New(t, yearend.New(), balances.New())
	db := []string{"--database-url", env.DatabaseURL}
	checkBalancesCommand(t, env, db)
	checkImportCommand(t, env, db)
	checkUserCommand(t, env, db)
	if code, out, _ := run(t, append([]string{"verify"}, db...)...); code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("verify of the untouched ledger: exit %d", code)
	}

	dir := t.TempDir()
	bundle := filepath.Join(dir, "临安-2025.zip")
	code, out, _ := run(t, append([]string{"export", "--donor", demoenv.Linan, "--year", "2025", "--out", bundle, "--wait", "1s"}, db...)...)
	if code != 0 || !strings.Contains(out, "head hash") {
		t.Fatalf("export: exit %d", code)
	}
	var logged int
	if err := env.Pool.QueryRow(t.Context(), `SELECT count(*) FROM access_log WHERE action = $1 AND actor = 'operator' AND target = $2`,
		evidence.ExportAction, demoenv.Linan+"/2025").Scan(&logged); err != nil || logged != 1 {
		t.Fatalf("access log: %d entries (%v), want 1", logged, err)
	}
	if code, out, _ := run(t, "verify", "--bundle", bundle); code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("verify --bundle: exit %d", code)
	}
	code, out, _ = run(t, "verify", "--bundle", bundle, "--json")
	var res struct {
		OK       bool `json:"ok"`
		ExitCode int  `json:"exit_code"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 || !res.OK || res.ExitCode != 0 {
		t.Fatalf("verify --bundle --json: exit %d, %+v (%v)", code, res, err)
	}

	b, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/3] ^= 0x01
	tampered := filepath.Join(dir, "tampered.zip")
	if err := os.WriteFile(tampered, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, "verify", "--bundle", tampered); code != 1 || !strings.Contains(out, "PROBLEM (seal)") {
		t.Fatalf("verify of a flipped bundle: exit %d, want 1 naming the seal", code)
	}
	if code, _, _ := run(t, "verify", "--bundle", filepath.Join(dir, "missing.zip")); code != 2 {
		t.Fatalf("verify of a missing bundle: exit %d, want 2", code)
	}

	// Tamper with the book of record: verify names the position, and
	// export refuses to bundle a broken chain.
	if _, err := env.Pool.Exec(t.Context(), `ALTER TABLE events DISABLE TRIGGER events_append_only;
		UPDATE events SET actor = actor || '.' WHERE position = 150`); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, append([]string{"verify"}, db...)...); code != 1 || !strings.Contains(out, "CHAIN BROKEN at position 150") {
		t.Fatalf("verify of a tampered ledger: exit %d, want 1 naming position 150", code)
	}
	code, _, stderr := run(t, append([]string{"export", "--donor", demoenv.Linan, "--year", "2025", "--out", bundle, "--wait", "1s"}, db...)...)
	if code == 0 || !strings.Contains(stderr, "position 150") {
		t.Fatalf("export of a tampered ledger: exit %d", code)
	}
	if after, err := os.ReadFile(bundle); err != nil || !bytes.Equal(after[len(after)-64:], b[len(b)-64:]) {
		t.Fatalf("the failed export replaced the earlier bundle (%v)", err)
	}
}

// balancesAnswer is what balances --json prints.
type balancesAnswer struct {
	Position int64                `json:"position"`
	Data     balances.DonorReport `json:"data"`
}

// checkBalancesCommand: balances at the head, rebuilt from the stream,
// equal the live ones; as of a day they count less.
func checkBalancesCommand(t *testing.T, env *demoenv.Env, db []string) {
	t.Helper()
	balancesJSON := func(extra ...string) balancesAnswer {
		t.Helper()
		args := append([]string{"balances", "--donor", demoenv.Linan, "--year", "2025", "--json", "--nats-url", env.NATSURL}, db...)
		code, out, _ := run(t, append(args, extra...)...)
		var a balancesAnswer
		if err := json.Unmarshal([]byte(out), &a); code != 0 || err != nil {
			t.Fatalf("balances %v: exit %d (%v)", extra, code, err)
		}
		return a
	}
	live := balancesJSON()
	atHead := balancesJSON("--at-position", strconv.FormatInt(env.Head, 10))
	if live.Position != env.Head || atHead.Position != env.Head || !reflect.DeepEqual(live.Data, atHead.Data) {
		t.Fatalf("balances live at %d and rebuilt at %d differ", live.Position, atHead.Position)
	}
	mid := balancesJSON("--as-of-date", "2025-06-30")
	if l, m := live.Data.Totals.Fiscal.NetDisbursedFen, mid.Data.Totals.Fiscal.NetDisbursedFen; m <= 0 || m >= l {
		t.Errorf("net disbursed as of 30 June %d, for the year %d", m, l)
	}
	if code, out, _ := run(t, append([]string{"balances", "--donor", demoenv.Linan, "--year", "2025"}, db...)...); code != 0 ||
		!strings.Contains(out, "TOTAL") {
		t.Errorf("balances table: exit %d", code)
	}
}

// checkImportCommand: a template is written; a file with a bad row is
// refused in a dry run (exit 1, the row named) and nothing is written; the
// good rows import, and importing them again adds nothing.
func checkImportCommand(t *testing.T, env *demoenv.Env, db []string) {
	t.Helper()
	dir := t.TempDir()
	tpl := filepath.Join(dir, "disbursement.xlsx")
	if code, _, _ := run(t, append([]string{"import-template", "disbursement", "--donor", demoenv.Linan, "--out", tpl}, db...)...); code != 0 {
		t.Fatalf("import-template: exit %d", code)
	}
	wb, err := excelize.OpenFile(tpl)
	if err != nil {
		t.Fatalf("the template is not a workbook (%v)", err)
	}
	if refs, _ := wb.GetRows("资金计划"); len(refs) < 2 || !strings.Contains(refs[1][1], "临安") {
		t.Fatalf("the template's commitments sheet lists %d rows, want 临安's commitments", len(refs))
	}
	wb.Close()
	var pairing string
	if err := env.Pool.QueryRow(t.Context(), `SELECT entity_id FROM entities WHERE kind = 'pairing' ORDER BY position LIMIT 1`).Scan(&pairing); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "visits.csv")
	good := pairing + ",走出去(赴受援地),区委书记,2025-04-01,2025-04-03,8,调研\n"
	if err := os.WriteFile(file, []byte("结对关系*,方向*,带队领导级别,开始日期*,结束日期,人数,事由\n"+good+pairing+",sideways,,2025-04-05,,,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	head := func() int64 {
		h, _, err := env.Store.Head(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	before := head()
	code, out, _ := run(t, append([]string{"import", file, "--type", "visit", "--dry-run"}, db...)...)
	if code != 1 || !strings.Contains(out, "checked (dry run) 2 visit rows: 1 new, 0 imported before, 1 with problems") || !strings.Contains(out, "3  ") {
		t.Fatalf("dry run: exit %d", code)
	}
	if err := os.WriteFile(file, []byte("结对关系*,方向*,带队领导级别,开始日期*,结束日期,人数,事由\n"+good), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"1 new, 0 imported before", "0 new, 1 imported before"} {
		if code, out, _ := run(t, append([]string{"import", file, "--type", "visit"}, db...)...); code != 0 || !strings.Contains(out, want) {
			t.Fatalf("import %d: exit %d, want %q", i+1, code, want)
		}
	}
	if head() != before+1 {
		t.Fatalf("the imports wrote %d events, want 1", head()-before)
	}
}

// checkUserCommand: user create reads the password from stdin, and the
// user can sign in with it.
func checkUserCommand(t *testing.T, env *demoenv.Env, db []string) {
	t.Helper()
	cmd := exec.Command(binary(t), append([]string{"user", "create", "--role", "recorder", "--donor", demoenv.Linan, "--name", "临安区财政局 王五",
		"--login", "wangwu"}, db...)...)
	cmd.Env = append(os.Environ(), "DATABASE_URL=", "NATS_URL=")
	cmd.Stdin = strings.NewReader("a long enough password\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	s, err := auth.NewUsers(env.Pool).SignIn(t.Context(), "wangwu", "a long enough password", "")
	if err != nil || s.Principal != (auth.Principal{Name: "临安区财政局 王五", Role: auth.RoleRecorder, DonorCode: demoenv.Linan}) {
		t.Fatalf("sign in as the new user: %+v %v", s, err)
	}
	cmd = exec.Command(binary(t), append([]string{"user", "create", "--role", "auditor", "--name", "short"}, db...)...)
	cmd.Stdin = strings.NewReader("short\n")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "at least 10 characters") {
		t.Fatalf("a short password was accepted: %s", out)
	}
}

// TestSecondProcessAttachesToTheRunningOne: a command run without
// DATABASE_URL or NATS_URL beside a running server (the README's own token
// create) attaches to that server's private PostgreSQL cluster and
// embedded NATS, never stopping them: the server stays ready and serves
// the token the second process made; two commands at once both succeed.
func TestSecondProcessAttachesToTheRunningOne(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	serve := exec.Command(binary(t), "serve", "--http", addr, "--data-dir", dir)
	serve.Env = append(os.Environ(), "DATABASE_URL=", "NATS_URL=")
	var serveLog bytes.Buffer
	serve.Stdout, serve.Stderr = &serveLog, &serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			_ = serve.Process.Signal(syscall.SIGTERM)
			if err := serve.Wait(); err != nil {
				t.Errorf("serve: %v\n%s", err, serveLog.String())
			}
		}
	}
	defer stop()
	ready := func() int {
		res, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	for deadline := time.Now().Add(90 * time.Second); ready() != http.StatusOK; {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not become ready\n%s", serveLog.String())
		}
		time.Sleep(200 * time.Millisecond)
	}

	tokens := make([]string, 2)
	var wg sync.WaitGroup
	for i := range tokens {
		wg.Go(func() {
			cmd := exec.Command(binary(t), "token", "create", "--role", "admin", "--name", fmt.Sprintf("管理员%d", i), "--data-dir", dir)
			cmd.Env = append(os.Environ(), "DATABASE_URL=", "NATS_URL=")
			out, err := cmd.Output()
			if err != nil {
				t.Errorf("token create %d: %v", i, err)
			}
			tokens[i] = strings.TrimSpace(string(out))
		})
	}
	wg.Wait()
	if code := ready(); code != http.StatusOK {
		t.Fatalf("after the second process: /readyz %d\n%s", code, serveLog.String())
	}
	for _, token := range tokens {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/v1/pairings", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("the server does not know the token %q the second process made: %d", token, res.StatusCode)
		}
	}
	stop()
}

// startServe starts `serve` on a free address with args, stopped (SIGTERM)
// when the test ends; it returns the address and what serve prints.
func startServe(t *testing.T, args ...string) (addr string, out *syncBuffer) {
	t.Helper()
	addr, _ = freeAddr(t)
	serve := exec.Command(binary(t), append([]string{"serve", "--http", addr}, args...)...)
	serve.Env = append(os.Environ(), "DATABASE_URL=", "NATS_URL=")
	out = &syncBuffer{}
	serve.Stdout, serve.Stderr = out, out
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		_ = serve.Wait()
	})
	return addr, out
}

// freeAddr is a free 127.0.0.1 address (nothing listens on it).
func freeAddr(t *testing.T) (addr string, port int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String(), ln.Addr().(*net.TCPAddr).Port
}

// TestServeWaitsForPostgresAndNATS: serve started while neither PostgreSQL
// nor NATS is up does not exit: it says it is waiting, and becomes ready
// once both come up.
func TestServeWaitsForPostgresAndNATS(t *testing.T) {
	t.Parallel()
	httpAddr, _ := freeAddr(t)
	_, pgPort := freeAddr(t)
	_, natsPort := freeAddr(t)
	serve := exec.Command(binary(t), "serve", "--http", httpAddr, "--data-dir", t.TempDir(),
		"--database-url", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pgPort),
		"--nats-url", fmt.Sprintf("nats://127.0.0.1:%d", natsPort))
	var serveLog syncBuffer
	serve.Stdout, serve.Stderr = &serveLog, &serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- serve.Wait() }()
	defer func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		<-exited
	}()

	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(serveLog.String(), "waiting for it"); {
		select {
		case err := <-exited:
			t.Fatalf("serve exited while PostgreSQL was down: %v\n%s", err, serveLog.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve does not say it waits for PostgreSQL\n%s", serveLog.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	ctx := context.Background()
	pg, err := pgcluster.Start(ctx, pgcluster.Config{DataDir: filepath.Join(t.TempDir(), "pg"), Port: pgPort})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Stop()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: natsPort, JetStream: true, StoreDir: t.TempDir(), NoSigs: true, NoLog: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	defer ns.Shutdown()
	for deadline := time.Now().Add(60 * time.Second); ; {
		res, err := http.Get("http://" + httpAddr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("serve exited: %v\n%s", err, serveLog.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not become ready once PostgreSQL and NATS were up\n%s", serveLog.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for a process writing and a test
// reading.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

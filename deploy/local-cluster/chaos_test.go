// Package localcluster_test runs the chaos test against the local cluster
// that deploy/local-cluster/up starts: writes through HAProxy while the
// PostgreSQL primary, a NATS node and a ledger instance are killed in turn.
package localcluster_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/oklog/ulid/v2"
)

// cluster is the JSON line of up and status.
type cluster struct {
	LedgerURLs  []string `json:"ledger_urls"`
	AdminToken  string   `json:"admin_token"`
	DatabaseURL string   `json:"database_url"`
	NATSURL     string   `json:"nats_url"`
	Postgres    []struct {
		Name       string `json:"name"`
		PID        int    `json:"pid"`
		PatroniPID int    `json:"patroni_pid"`
		Port       int    `json:"port"`
		Role       string `json:"role"`
	} `json:"postgres"`
	NATS []struct {
		Name        string `json:"name"`
		PID         int    `json:"pid"`
		Port        int    `json:"port"`
		MonitorPort int    `json:"monitor_port"`
	} `json:"nats"`
	Ledgers []struct {
		Name string `json:"name"`
		PID  int    `json:"pid"`
		URL  string `json:"url"`
	} `json:"ledgers"`
	Dir string `json:"dir"`
}

// script runs one of this directory's scripts on dir and returns its stdout.
func script(t *testing.T, dir, base, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "./"+name, append([]string{"--dir", dir, "--port-base", base}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

func status(t *testing.T, dir, base string) cluster {
	t.Helper()
	var c cluster
	if err := json.Unmarshal(script(t, dir, base, "status"), &c); err != nil {
		t.Fatalf("status: %v", err)
	}
	return c
}

// ack is a 201 answer.
type ack struct {
	EventIDs []string `json:"event_ids"`
	Position int64    `json:"position"`
}

// writer sends commands through the proxy, each until it has an answer
// that settles it: the same body and idempotency key again after a 503,
// a 5xx from the proxy or a lost connection.
type writer struct {
	url, token string
	client     *http.Client
	mu         sync.Mutex
	acks       []ack
	// recovered is the unix nanos of the first 201 to a request sent after
	// watchFrom (0: none yet).
	watchFrom, recovered atomic.Int64
	commands             atomic.Int64
	resends              atomic.Int64
	gaveUp               atomic.Int64
	statuses             sync.Map // status code → *atomic.Int64 (every answer, resends included)
}

func (w *writer) count(code int) {
	v, _ := w.statuses.LoadOrStore(code, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

// send posts body until settled and returns the last answer and its
// status (0 when given up after a minute).
func (w *writer) send(ctx context.Context, path string, body any) ([]byte, int) {
	w.commands.Add(1)
	b, _ := json.Marshal(body)
	key := ulid.Make().String()
	deadline := time.Now().Add(time.Minute)
	for attempt := 0; time.Now().Before(deadline); attempt++ {
		if attempt > 0 {
			w.resends.Add(1)
			time.Sleep(200 * time.Millisecond)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, w.url+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+w.token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		sent := time.Now().UnixNano()
		res, err := w.client.Do(req)
		if err != nil {
			w.count(0)
			continue
		}
		answer, _ := io.ReadAll(res.Body)
		res.Body.Close()
		w.count(res.StatusCode)
		switch {
		case res.StatusCode == http.StatusCreated:
			var a ack
			if err := json.Unmarshal(answer, &a); err != nil || len(a.EventIDs) == 0 {
				w.count(-1) // a 201 that does not say what it recorded
				return answer, -1
			}
			w.mu.Lock()
			w.acks = append(w.acks, a)
			w.mu.Unlock()
			if from := w.watchFrom.Load(); from > 0 && sent > from {
				w.recovered.CompareAndSwap(0, time.Now().UnixNano())
			}
			return answer, res.StatusCode
		case res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusConflict:
			continue // outcome unknown, overloaded, no backend, a race: the same request again
		default:
			return answer, res.StatusCode
		}
	}
	w.gaveUp.Add(1)
	return nil, 0
}

// kill sends SIGKILL to each pid (0: none).
func kill(t *testing.T, pids ...int) {
	t.Helper()
	for _, pid := range pids {
		if pid > 0 {
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
				t.Logf("kill %d: %v", pid, err)
			}
		}
	}
}

// killServer kills the PostgreSQL server whose postmaster is pid as its
// machine's death would: with every process it started. Killing the
// postmaster alone leaves its backends and WAL sender running until they
// notice, and they may still commit (and, the standby acknowledging,
// answer) a write sent after the kill. The postmaster is stopped first and
// seen stopped, so it starts no process meanwhile; then its children are
// stopped until listing them finds no new one; then all are killed, the
// postmaster whatever else fails, so none is left stopped.
func killServer(t *testing.T, pid int) {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("no postmaster pid to kill (%d)", pid) // kill(0, …) would signal the test's own group
	}
	stopped := []int{pid}
	defer func() { kill(t, stopped...) }()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatalf("stop the postmaster %d: %v", pid, err)
	}
	for deadline := time.Now().Add(5 * time.Second); processState(pid) != 'T'; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the postmaster %d did not stop", pid)
		}
	}
	seen := map[int]bool{}
	for found := true; found; {
		found = false
		for _, child := range childrenOf(t, pid) {
			if !seen[child] {
				seen[child], found = true, true
				stopped = append(stopped, child)
				if err := syscall.Kill(child, syscall.SIGSTOP); err != nil {
					t.Logf("stop %d: %v", child, err) // it may have exited
				}
			}
		}
	}
}

// processState is the state letter of /proc/<pid>/stat (0 when unreadable).
func processState(pid int) byte {
	if f := procStat(pid); len(f) > 0 && len(f[0]) == 1 {
		return f[0][0]
	}
	return 0
}

// procStat is /proc/<pid>/stat's fields after the command name (state,
// ppid, …), nil when the process is gone.
func procStat(pid int) []string {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil
	}
	// pid (comm) state ppid …; comm may hold spaces and parentheses.
	return strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
}

// childrenOf lists the processes whose parent is pid, from /proc.
func childrenOf(t *testing.T, pid int) []int {
	t.Helper()
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, d := range dirs {
		child, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		if f := procStat(child); len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

// watch starts timing the recovery from a kill at since.
func (w *writer) watch(since time.Time) {
	w.recovered.Store(0)
	w.watchFrom.Store(since.UnixNano())
}

// recovery waits for the first 201 to a request sent after the kill that
// watch was told of, and returns how long after the kill it came (the time
// writes were unavailable).
func (w *writer) recovery(t *testing.T, since time.Time, what string) time.Duration {
	t.Helper()
	for limit := since.Add(90 * time.Second); time.Now().Before(limit); time.Sleep(50 * time.Millisecond) {
		if at := w.recovered.Load(); at > 0 {
			return time.Unix(0, at).Sub(since)
		}
	}
	t.Fatalf("no write acknowledged within 90 s of %s", what)
	return 0
}

// TestChaos drives donations through HAProxy for a bounded time while it
// kills, in turn, the PostgreSQL primary (its Patroni and its server: a
// machine dying), the LEDGER stream's leading NATS node and the ledger
// instance that runs the relay, restarting each after a while; then it
// checks that every acknowledged command is in the log exactly once, the
// log is gap-free, the stream equals the log and `aidledger verify` passes.
func TestChaos(t *testing.T) {
	for _, cmd := range []string{"patroni", "etcd", "haproxy"} {
		if _, err := exec.LookPath(cmd); err != nil {
			t.Fatalf("%s is not installed: the chaos test needs Debian's patroni, etcd-server and haproxy (.ci/run installs them)", cmd)
		}
	}
	dir, err := os.MkdirTemp("", "aidledger-chaos-")
	if err != nil {
		t.Fatal(err)
	}
	base := "21000"
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := filepath.Glob(filepath.Join(dir, "log", "*.log"))
			for _, l := range logs {
				t.Logf("--- tail of %s", l)
				tail(t, l, 15)
			}
			script(t, dir, base, "down")
			t.Logf("the cluster's files are kept in %s", dir)
			return
		}
		script(t, dir, base, "down", "--purge")
	})
	start := time.Now()
	var c cluster
	if err := json.Unmarshal(script(t, dir, base, "up"), &c); err != nil {
		t.Fatalf("up printed no JSON line: %v", err)
	}
	t.Logf("up took %s: %d PostgreSQL, %d NATS, %d ledgers behind %v", time.Since(start).Round(time.Millisecond),
		len(c.Postgres), len(c.NATS), len(c.Ledgers), c.LedgerURLs)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &writer{url: c.LedgerURLs[0], token: c.AdminToken,
		client: &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}}
	var pairing struct {
		ID string `json:"pairing_id"`
	}
	answer, code := w.send(ctx, "/v1/pairings", map[string]any{
		"donor":     map[string]any{"code": "330102", "name": "上城区", "short_name": "上城"},
		"partner":   map[string]any{"code": "632623", "name": "甘德县", "short_name": "甘德"},
		"programme": "counterpart_support", "agreement_doc_no": "混沌协议", "valid_from": "2021-01-01", "valid_to": "2030-12-31",
	})
	if err := json.Unmarshal(answer, &pairing); err != nil || pairing.ID == "" {
		t.Fatalf("cannot establish the pairing: %d %s", code, answer)
	}

	var seq atomic.Int64
	var wg sync.WaitGroup
	writing, stopWriting := context.WithCancel(ctx)
	for range 8 {
		wg.Go(func() {
			for writing.Err() == nil {
				n := seq.Add(1)
				w.send(ctx, "/v1/donations", map[string]any{"pairing_id": pairing.ID, "donor_name": "混沌企业",
					"donor_type": "enterprise", "kind": "cash", "amount_fen": 100_00 + n,
					"receipt_no": fmt.Sprintf("HD-%d", n), "business_date": "2025-03-01"})
			}
		})
	}

	settle := func(d time.Duration) {
		select {
		case <-time.After(d):
		case <-ctx.Done():
		}
	}
	settle(8 * time.Second)
	kills := map[string]int{}

	// 1. The PostgreSQL primary's machine dies: Patroni and the whole server.
	c = status(t, dir, base)
	for _, p := range c.Postgres {
		if p.Role == "primary" {
			kill(t, p.PatroniPID)
			killServer(t, p.PID)
			at := time.Now() // once every process of the server is stopped and killed: before, its backends could still commit
			w.watch(at)
			kills["postgres primary"]++
			took := w.recovery(t, at, "killing the PostgreSQL primary "+p.Name)
			t.Logf("killed the PostgreSQL primary %s (Patroni %d, server %d): writes resumed after %s", p.Name, p.PatroniPID, p.PID, took.Round(time.Millisecond))
			settle(3 * time.Second)
			script(t, dir, base, "start", p.Name) // it comes back as a replica
		}
	}
	if kills["postgres primary"] != 1 {
		t.Fatalf("no PostgreSQL primary in %+v", c.Postgres)
	}
	settle(8 * time.Second)

	// 2. The NATS node leading the LEDGER stream dies.
	c = status(t, dir, base)
	leaderName := streamLeader(t, c)
	for _, n := range c.NATS {
		if n.Name == leaderName {
			at := time.Now()
			w.watch(at)
			kill(t, n.PID)
			kills["nats node"]++
			took := w.recovery(t, at, "killing NATS node "+n.Name)
			t.Logf("killed the NATS node %s leading the stream: writes went on (first after %s)", n.Name, took.Round(time.Millisecond))
			settle(6 * time.Second)
			script(t, dir, base, "start", n.Name)
		}
	}
	if kills["nats node"] != 1 {
		t.Fatalf("the stream's leader %q is not among %+v", leaderName, c.NATS)
	}
	settle(8 * time.Second)

	// 3. The ledger instance running the relay dies.
	c = status(t, dir, base)
	relayHolder := ""
	for _, l := range c.Ledgers {
		if holdsRole(ctx, w, l.URL, "relay") {
			at := time.Now()
			w.watch(at)
			relayHolder = l.Name
			kill(t, l.PID)
			kills["ledger instance"]++
			took := w.recovery(t, at, "killing ledger "+l.Name)
			t.Logf("killed %s, which ran the relay: writes went on (first after %s)", l.Name, took.Round(time.Millisecond))
			t.Logf("the other instance took over the relay after %s", takeover(t, ctx, w, c, l.Name, at).Round(time.Millisecond))
			break
		}
	}
	if relayHolder == "" {
		t.Fatalf("no ledger instance says it holds the relay role")
	}
	settle(6 * time.Second)
	script(t, dir, base, "start", relayHolder)
	settle(5 * time.Second)
	stopWriting()
	wg.Wait()

	// Everything settles: both instances ready, nothing left to relay or project.
	c = status(t, dir, base)
	for _, l := range c.Ledgers {
		waitCaughtUp(t, ctx, w, l.URL, c.DatabaseURL)
	}
	var answers []string
	w.statuses.Range(func(k, v any) bool {
		answers = append(answers, fmt.Sprintf("%v×%d", k, v.(*atomic.Int64).Load()))
		return true
	})
	t.Logf("commands %d, acknowledged %d, resent %d times, given up %d; every answer: %s; kills %v",
		w.commands.Load(), len(w.acks), w.resends.Load(), w.gaveUp.Load(), strings.Join(answers, " "), kills)
	if w.gaveUp.Load() > 0 {
		t.Errorf("%d commands had no settling answer within a minute", w.gaveUp.Load())
	}
	if v, ok := w.statuses.Load(http.StatusInternalServerError); ok {
		t.Errorf("%d answers were 500", v.(*atomic.Int64).Load())
	}

	checkLog(t, ctx, c.DatabaseURL, w.acks)
	rejoined(t, ctx, dir, base, c.DatabaseURL)
	readOwnWrite(t, ctx, w, pairing.ID)
	signInAcrossInstances(t, ctx, c)
	verify := exec.CommandContext(ctx, filepath.Join(dir, "bin", "aidledger"), "verify", "--stream", "--projections")
	verify.Env = append(os.Environ(), "DATABASE_URL="+c.DatabaseURL, "NATS_URL="+c.NATSURL)
	if out, err := verify.CombinedOutput(); err != nil {
		t.Fatalf("aidledger verify: %v\n%s", err, out)
	}
}

// checkLog checks every acknowledged event is in the log exactly once, no
// two acknowledgements share a position, and positions are gap-free.
func checkLog(t *testing.T, ctx context.Context, databaseURL string, acks []ack) {
	t.Helper()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var count, head, maxPos int64
	if err := conn.QueryRow(ctx, "SELECT count(*), coalesce(max(position), 0), (SELECT position FROM ledger_head) FROM events").
		Scan(&count, &maxPos, &head); err != nil {
		t.Fatal(err)
	}
	if count != maxPos || head != maxPos {
		t.Errorf("the log has %d events up to position %d, head %d: not gap-free", count, maxPos, head)
	}
	ids := []string{}
	positions := map[int64]bool{}
	for _, a := range acks {
		ids = append(ids, a.EventIDs...)
		if positions[a.Position] {
			t.Errorf("two acknowledgements name position %d", a.Position)
		}
		positions[a.Position] = true
	}
	var found int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM events WHERE event_id = ANY($1)", ids).Scan(&found); err != nil {
		t.Fatal(err)
	}
	var doubled int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM (SELECT payload->>'receipt_no' FROM events WHERE type = 'aid.donation_received'
		GROUP BY 1 HAVING count(*) > 1) d`).Scan(&doubled); err != nil {
		t.Fatal(err)
	}
	t.Logf("log: %d events, gap-free to %d; acknowledged events %d, found %d (lost %d); donations recorded twice: %d",
		count, maxPos, len(ids), found, len(ids)-found, doubled)
	if found != len(ids) || doubled != 0 {
		t.Errorf("lost %d acknowledged events, doubled %d donations", len(ids)-found, doubled)
	}
}

// rejoined checks that the killed parts came back: PostgreSQL has a
// primary and two replicas (the old primary rejoined as one), and every
// NATS node answers and holds the stream up to the ledger's head.
//
// (A restarted node used to come back with its replica of the stream
// stopped, "last msgid mismatch": nats-server 2.15.2 re-applied the relay's
// former expected-last-msg-id guard against state it had not recovered.
// The relay no longer sends that guard; see events/relay/resume.go.)
func rejoined(t *testing.T, ctx context.Context, dir, base, databaseURL string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	var head int64
	err = conn.QueryRow(ctx, "SELECT position FROM ledger_head").Scan(&head)
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var last string
	for limit := time.Now().Add(60 * time.Second); time.Now().Before(limit); time.Sleep(500 * time.Millisecond) {
		c := status(t, dir, base)
		roles := map[string]int{}
		for _, p := range c.Postgres {
			roles[p.Role]++
		}
		seqs := []int64{}
		for _, n := range c.NATS {
			seqs = append(seqs, streamLastSeq(n.MonitorPort))
		}
		last = fmt.Sprintf("PostgreSQL roles %v; the stream's last sequence on each NATS node %v, ledger head %d", roles, seqs, head)
		current := 0
		for _, s := range seqs {
			if s == head {
				current++
			}
		}
		if roles["primary"] == 1 && roles["replica"] == 2 && current == len(seqs) {
			t.Logf("the killed parts rejoined: %s", last)
			return
		}
	}
	t.Fatalf("the cluster did not come back whole within 60 s: %s", last)
}

// streamLastSeq is the LEDGER stream's last sequence as one NATS node
// holds it (-1 when the node does not answer).
func streamLastSeq(monitorPort int) int64 {
	res, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/jsz?streams=true", monitorPort))
	if err != nil {
		return -1
	}
	defer res.Body.Close()
	var jsz struct {
		Accounts []struct {
			Streams []struct {
				Name  string `json:"name"`
				State struct {
					LastSeq int64 `json:"last_seq"`
				} `json:"state"`
			} `json:"stream_detail"`
		} `json:"account_details"`
	}
	if json.NewDecoder(res.Body).Decode(&jsz) != nil {
		return -1
	}
	for _, a := range jsz.Accounts {
		for _, s := range a.Streams {
			if s.Name == "LEDGER" {
				return s.State.LastSeq
			}
		}
	}
	return -1
}

// readOwnWrite records one more donation and reads the pairing's balances
// with min_position through each instance, whose reads go to a standby
// (--read-database-url): each answers at or past the write, with it counted.
func readOwnWrite(t *testing.T, ctx context.Context, w *writer, pairingID string) {
	t.Helper()
	answer, code := w.send(ctx, "/v1/donations", map[string]any{"pairing_id": pairingID, "donor_name": "读己之写",
		"donor_type": "enterprise", "kind": "cash", "amount_fen": 1, "receipt_no": "HD-READ", "business_date": "2025-03-01"})
	var a ack
	if err := json.Unmarshal(answer, &a); err != nil || code != http.StatusCreated {
		t.Fatalf("the last donation: %d %s", code, answer)
	}
	for range 4 { // HAProxy alternates between the instances
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/v1/pairings?min_position=%d", w.url, a.Position), nil)
		req.Header.Set("Authorization", "Bearer "+w.token)
		res, err := w.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var page struct {
			Position int64 `json:"position"`
		}
		if res.StatusCode != http.StatusOK || json.Unmarshal(b, &page) != nil || page.Position < a.Position {
			t.Fatalf("reading with min_position=%d: %d %s", a.Position, res.StatusCode, b)
		}
	}
	t.Logf("a write at position %d was read back through both instances from the standby", a.Position)
}

// signInAcrossInstances: a web session opened on one instance is honoured
// by the other, and failed sign-ins counted on both throttle the login on
// either — sessions and throttling live in PostgreSQL, not in a process.
func signInAcrossInstances(t *testing.T, ctx context.Context, c cluster) {
	t.Helper()
	const login, password = "chaos-auditor", "混沌-审计-口令-2026-Kennwort"
	create := exec.CommandContext(ctx, filepath.Join(c.Dir, "bin", "aidledger"), "user", "create",
		"--role", "auditor", "--name", "混沌审计", "--login", login)
	create.Env = append(os.Environ(), "DATABASE_URL="+c.DatabaseURL)
	create.Stdin = strings.NewReader(password + "\n")
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("user create: %v\n%s", err, out)
	}
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	signIn := func(base, password string) *http.Response {
		const csrf = "chaos-double-submit-token" // the sign-in form's token is a double-submit cookie
		form := url.Values{"login": {login}, "password": {password}, "csrf": {csrf}}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "aidledger_login", Value: csrf})
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	one, other := c.Ledgers[0].URL, c.Ledgers[1].URL
	res := signIn(one, password)
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "aidledger_session" && ck.Value != "" {
			session = ck
		}
	}
	if res.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("signing in on %s: %d, session cookie %v", one, res.StatusCode, session)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, other+"/dashboard", nil)
	req.AddCookie(session)
	page, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK {
		t.Fatalf("the session opened on %s, on %s: %d (want the dashboard)", one, other, page.StatusCode)
	}
	for i := range 5 { // MaxFailures wrong passwords, alternating instances, the last on one
		if res := signIn([]string{one, other}[i%2], "wrong-password"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password #%d: %d, want 401", i+1, res.StatusCode)
		}
	}
	// At once (the first wait is a second): the other instance refuses even
	// the right password.
	if res := signIn(other, password); res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("after 5 failures across instances, the right password on %s: %d, want 429 with Retry-After", other, res.StatusCode)
	}
	t.Log("a session opened on one instance worked on the other; 5 failed sign-ins across both throttled the login on the other")
}

// holdsRole reads an instance's /metrics for aidledger_leader{role} 1.
func holdsRole(ctx context.Context, w *writer, url, role string) bool {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+w.token)
	res, err := w.client.Do(req)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	s := bufio.NewScanner(res.Body)
	for s.Scan() {
		if s.Text() == fmt.Sprintf(`aidledger_leader{role=%q} 1`, role) {
			return true
		}
	}
	return false
}

// takeover waits until a ledger other than dead holds the relay role and
// returns the time since at.
func takeover(t *testing.T, ctx context.Context, w *writer, c cluster, dead string, at time.Time) time.Duration {
	t.Helper()
	for time.Since(at) < 30*time.Second {
		for _, l := range c.Ledgers {
			if l.Name != dead && holdsRole(ctx, w, l.URL, "relay") {
				return time.Since(at)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no instance took over the relay within 30 s of %s's death", dead)
	return 0
}

// streamLeader asks a live NATS node's monitoring which node leads the
// LEDGER stream.
func streamLeader(t *testing.T, c cluster) string {
	t.Helper()
	for _, n := range c.NATS {
		res, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/jsz?streams=true", n.MonitorPort))
		if err != nil {
			continue
		}
		var jsz struct {
			Accounts []struct {
				Streams []struct {
					Name    string `json:"name"`
					Cluster struct {
						Leader string `json:"leader"`
					} `json:"cluster"`
				} `json:"stream_detail"`
			} `json:"account_details"`
		}
		err = json.NewDecoder(res.Body).Decode(&jsz)
		res.Body.Close()
		for _, a := range jsz.Accounts {
			for _, s := range a.Streams {
				if err == nil && s.Name == "LEDGER" && s.Cluster.Leader != "" {
					return s.Cluster.Leader
				}
			}
		}
	}
	t.Fatal("no NATS node tells the LEDGER stream's leader")
	return ""
}

// waitCaughtUp waits until an instance's /readyz says nothing is left to
// relay or project.
func waitCaughtUp(t *testing.T, ctx context.Context, w *writer, url, databaseURL string) {
	t.Helper()
	var last string
	for limit := time.Now().Add(90 * time.Second); time.Now().Before(limit); time.Sleep(200 * time.Millisecond) {
		res, err := w.client.Get(url + "/readyz")
		if err != nil {
			last = err.Error()
			continue
		}
		var r struct {
			Status        string           `json:"status"`
			RelayLag      int64            `json:"relay_lag"`
			ProjectionLag map[string]int64 `json:"projection_lag"`
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		last = string(b)
		if json.Unmarshal(b, &r) != nil || r.Status != "ok" || r.RelayLag != 0 {
			continue
		}
		behind := false
		for _, lag := range r.ProjectionLag {
			behind = behind || lag != 0
		}
		if !behind {
			return
		}
	}
	activity(t, ctx, databaseURL)
	t.Fatalf("%s did not catch up within 90 s: %s", url, last)
}

// activity logs the ledger database's sessions: what each waits for.
func activity(t *testing.T, ctx context.Context, databaseURL string) {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Logf("pg_stat_activity: %v", err)
		return
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT pid, application_name, state, coalesce(wait_event_type || ':' || wait_event, ''),
		coalesce(now() - xact_start, '0'::interval)::text, left(query, 100) FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		t.Logf("pg_stat_activity: %v", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var pid int
		var app, state, wait, age, query string
		if err := rows.Scan(&pid, &app, &state, &wait, &age, &query); err == nil {
			t.Logf("session %d %q %s %s (transaction %s): %s", pid, app, state, wait, age, query)
		}
	}
}

func tail(t *testing.T, path string, n int) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	for _, l := range lines[max(0, len(lines)-n):] {
		t.Log(l)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
)

// LoadtestCmd drives a running ledger's HTTP API with concurrent clients
// and reports, per scenario and client count, the commands recorded per
// second and their latency (p50, p99), beside the raw baseline of pgbench
// on a database (one INSERT per transaction) at the same client counts.
//
// Scenarios: independent — donations, each on a stream of its own, to
// one pairing; hot — disbursements, all on one commitment (one stream).
// The tool first records the pairing and the commitment it writes to
// (with the token's rights: an admin's, or a recorder's of --donor).
type LoadtestCmd struct {
	URL       string        `name:"url" required:"" help:"The ledger's base URL, e.g. http://127.0.0.1:8080."`
	Token     string        `name:"token" env:"AIDLEDGER_TOKEN" required:"" help:"An API token of an admin or of a recorder of --donor."`
	Donor     string        `name:"donor" default:"LT0001" help:"The donor code to record under."`
	Clients   []int         `name:"clients" default:"1,8,32,128" sep:"," help:"Concurrent clients, one run each."`
	Duration  time.Duration `name:"duration" default:"10s" help:"How long each run lasts."`
	Scenarios []string      `name:"scenario" default:"independent,hot" sep:"," enum:"independent,hot" help:"independent (donations, a stream each) and/or hot (disbursements on one commitment)."`
	PGBench   string        `name:"pgbench" help:"A PostgreSQL URL: also run pgbench there, one INSERT per transaction into a scratch table, at each client count (the raw baseline)."`
}

// loadRun is the outcome of one run.
type loadRun struct {
	ok       int64
	statuses map[int]int64 // answers other than 201 by status (0: transport error)
	latency  []time.Duration
	elapsed  time.Duration
}

// Run sets up, runs every scenario at every client count, and prints one
// line per run (then pgbench's).
func (c *LoadtestCmd) Run(ctx context.Context, log *slog.Logger) error {
	if len(c.Clients) == 0 || slices.ContainsFunc(c.Clients, func(n int) bool { return n < 1 }) {
		return errors.New("loadtest: --clients must list counts of at least 1")
	}
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: slices.Max(c.Clients)}}
	partner := fmt.Sprintf("63%04d", rand.IntN(10000))
	var pairing struct {
		ID string `json:"pairing_id"`
	}
	if err := c.post(ctx, client, "/v1/pairings", map[string]any{
		"donor":     map[string]any{"code": c.Donor, "name": "压测区" + c.Donor, "short_name": "压测"},
		"partner":   map[string]any{"code": partner, "name": "压测县" + partner, "short_name": "压测县"},
		"programme": "east_west", "agreement_doc_no": "压测协议", "valid_from": "2021-01-01", "valid_to": "2030-12-31",
	}, &pairing); err != nil {
		return fmt.Errorf("loadtest: establish a pairing: %w", err)
	}
	var commitment struct {
		ID string `json:"commitment_id"`
	}
	if err := c.post(ctx, client, "/v1/commitments", map[string]any{"pairing_id": pairing.ID, "amount_fen": int64(10_000_000_000_000),
		"budget_year": 2025, "source_level": "district", "doc_no": "压测资金计划", "business_date": "2025-01-02"}, &commitment); err != nil {
		return fmt.Errorf("loadtest: commit funds: %w", err)
	}
	log.Info("loadtest: writing to", "pairing", pairing.ID, "commitment", commitment.ID)
	var seq atomic.Int64
	bodies := map[string]func() (string, any){
		"independent": func() (string, any) {
			n := seq.Add(1)
			return "/v1/donations", map[string]any{"pairing_id": pairing.ID, "donor_name": "压测企业", "donor_type": "enterprise",
				"kind": "cash", "amount_fen": 100_00 + n, "receipt_no": fmt.Sprintf("LT-%s-%d", partner, n), "business_date": "2025-03-01"}
		},
		"hot": func() (string, any) {
			n := seq.Add(1)
			return "/v1/disbursements", map[string]any{"commitment_id": commitment.ID, "amount_fen": 100_00 + n,
				"business_date": "2025-03-01", "payee_name": "压测县财政局", "voucher_no": fmt.Sprintf("LTPZ-%s-%d", partner, n)}
		},
	}
	fmt.Printf("%-12s %7s %8s %10s %9s %9s  %s\n", "scenario", "clients", "ok", "cmd/s", "p50", "p99", "other answers")
	for _, scenario := range c.Scenarios {
		for _, n := range c.Clients {
			r := c.run(ctx, client, n, bodies[scenario])
			fmt.Printf("%-12s %7d %8d %10.1f %9s %9s  %s\n", scenario, n, r.ok, float64(r.ok)/r.elapsed.Seconds(),
				percentile(r.latency, 50), percentile(r.latency, 99), statusCounts(r.statuses))
		}
	}
	if c.PGBench == "" {
		return nil
	}
	return c.pgbench(ctx)
}

// run runs clients concurrent clients posting next's commands for
// c.Duration.
func (c *LoadtestCmd) run(ctx context.Context, client *http.Client, clients int, next func() (string, any)) loadRun {
	ctx, cancel := context.WithTimeout(ctx, c.Duration)
	defer cancel()
	var mu sync.Mutex
	r := loadRun{statuses: map[int]int64{}}
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				path, body := next()
				t0 := time.Now()
				status := c.send(ctx, client, path, body)
				d := time.Since(t0)
				if ctx.Err() != nil && status == 0 {
					return // cut off by the end of the run
				}
				mu.Lock()
				if status == http.StatusCreated {
					r.ok++
					r.latency = append(r.latency, d)
				} else {
					r.statuses[status]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	return r
}

// send posts body to path with a fresh idempotency key and returns the
// status (0 when no answer came).
func (c *LoadtestCmd) send(ctx context.Context, client *http.Client, path string, body any) int {
	res, err := c.do(ctx, client, path, body)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// do posts body to path as the token's principal with a fresh
// idempotency key.
func (c *LoadtestCmd) do(ctx context.Context, client *http.Client, path string, body any) (*http.Response, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(c.URL, "/")+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", events.NewID())
	return client.Do(req)
}

// post sends one setup command and decodes its 201 answer into out.
func (c *LoadtestCmd) post(ctx context.Context, client *http.Client, path string, body, out any) error {
	res, err := c.do(ctx, client, path, body)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST %s: %d %s", path, res.StatusCode, answer)
	}
	return json.Unmarshal(answer, out)
}

// percentile is the p-th percentile of ds (0 when empty).
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)].Round(10 * time.Microsecond)
}

// statusCounts renders the other answers: "409×3 503×12", or "-".
func statusCounts(m map[int]int64) string {
	if len(m) == 0 {
		return "-"
	}
	var parts []string
	for _, st := range slices.Sorted(maps.Keys(m)) {
		name := strconv.Itoa(st)
		if st == 0 {
			name = "no-answer"
		}
		parts = append(parts, fmt.Sprintf("%s×%d", name, m[st]))
	}
	return strings.Join(parts, " ")
}

// tpsRe finds pgbench's throughput line.
var tpsRe = regexp.MustCompile(`tps = ([0-9.]+)`)

// pgbench runs the raw baseline at each client count: one INSERT of an
// event-sized row per transaction into a scratch table it drops after.
func (c *LoadtestCmd) pgbench(ctx context.Context) error {
	bin, err := pgbenchBinary()
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, c.PGBench)
	if err != nil {
		return fmt.Errorf("loadtest: pgbench database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS loadtest_raw (id bigserial PRIMARY KEY, payload text NOT NULL,
		at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("loadtest: pgbench table: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS loadtest_raw`) //nolint:errcheck // best effort
	dir, err := os.MkdirTemp("", "aidledger-loadtest")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "insert.sql")
	if err := os.WriteFile(script, []byte("INSERT INTO loadtest_raw (payload) VALUES (repeat(md5(random()::text), 12));\n"), 0o600); err != nil {
		return err
	}
	var maxConns int
	if err := conn.QueryRow(ctx, `SELECT current_setting('max_connections')::int`).Scan(&maxConns); err != nil {
		return fmt.Errorf("loadtest: pgbench database: %w", err)
	}
	for _, n := range c.Clients {
		if n > maxConns-10 {
			fmt.Printf("%-12s %7d   skipped: the server allows %d connections\n", "raw-pgbench", n, maxConns)
			continue
		}
		secs := max(1, int(c.Duration.Round(time.Second).Seconds()))
		out, err := exec.CommandContext(ctx, bin, "-n", "-c", strconv.Itoa(n), "-j", strconv.Itoa(min(n, runtime.NumCPU())),
			"-T", strconv.Itoa(secs), "-f", script, c.PGBench).CombinedOutput()
		if err != nil {
			return fmt.Errorf("loadtest: pgbench -c %d: %w\n%s", n, err, out)
		}
		m := tpsRe.FindSubmatch(out)
		if m == nil {
			return fmt.Errorf("loadtest: pgbench -c %d printed no tps:\n%s", n, out)
		}
		fmt.Printf("%-12s %7d %8s %10s\n", "raw-pgbench", n, "", m[1])
	}
	return nil
}

// pgbenchBinary finds pgbench on PATH or among PostgreSQL's installed
// versions.
func pgbenchBinary() (string, error) {
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	if ms, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench"); len(ms) > 0 {
		return ms[len(ms)-1], nil
	}
	return "", errors.New("loadtest: no pgbench (Debian's postgresql-contrib or postgresql package has it)")
}

package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// startDemo runs the demo binary on database url and data directory dir
// until it serves with everything projected, and returns what it printed; the demo is stopped when
// the test ends or stop is called.
func startDemo(t *testing.T, url, dir string) (printed string, stop func()) {
	t.Helper()
	addr, _ := freeAddr(t)
	cmd := exec.Command(binary(t), "demo", "--http", addr, "--data-dir", dir, "--database-url", url)
	cmd.Env = append(os.Environ(), "DATABASE_URL=", "NATS_URL=")
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Signal(syscall.SIGTERM)
			if err := cmd.Wait(); err != nil {
				t.Errorf("demo: %v\n%s", err, out.String())
			}
		}
	}
	t.Cleanup(stop)
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if caughtUp("http://" + addr) {
			return out.String(), stop
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo did not become ready\n%s", out.String())
		}
	}
}

// caughtUp reports whether the server at base is ready with every event
// relayed and projected.
func caughtUp(base string) bool {
	res, err := http.Get(base + "/readyz")
	if err != nil {
		return false
	}
	defer res.Body.Close()
	var r struct {
		RelayLag      int64            `json:"relay_lag"`
		ProjectionLag map[string]int64 `json:"projection_lag"`
	}
	if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&r) != nil || r.RelayLag != 0 || len(r.ProjectionLag) == 0 {
		return false
	}
	for _, lag := range r.ProjectionLag {
		if lag != 0 {
			return false
		}
	}
	return true
}

// get is a GET with a bearer token against the demo's API base.
func get(t *testing.T, url, token string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The demo through the built binary: it prints its NATS address (never
// the NATS password) and a
// short-lived token per role; started again, it loads nothing twice and
// revokes the tokens of the start before; its data are recorded as an
// office keeps its books, so the 2025 summary footnotes one late entry,
// not a year of them.
func TestDemoThroughTheBinary(t *testing.T) {
	t.Parallel()
	url, dir := testenv.Postgres(t), t.TempDir()
	tokenRe := regexp.MustCompile(`(?m)^  recorder +320404 +(ald_\w+)$`)
	baseRe := regexp.MustCompile(`aidledger demo — (http://[0-9.:]+)`)

	first, stop := startDemo(t, url, dir)
	natsAt := regexp.MustCompile(`NATS at nats://aidledger:xxxxx@(127\.0\.0\.1:\d+)`).FindStringSubmatch(first)
	if natsAt == nil || !strings.Contains(first, "valid for 24 hours") {
		t.Fatalf("the demo does not print its NATS address (its password hidden) or its tokens' lifetime:\n%s", first)
	}
	if nc, err := nats.Connect("nats://"+natsAt[1], nats.MaxReconnects(0)); err == nil {
		nc.Close()
		t.Error("the demo's NATS let an anonymous connection in")
	}
	m := tokenRe.FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("no recorder token printed:\n%s", first)
	}
	oldToken := m[1]
	base := baseRe.FindStringSubmatch(first)[1]
	res := get(t, base+"/v1/reports/yearend?donor=320404&year=2025&format=json", oldToken)
	var report struct {
		Report struct {
			Footnotes []struct {
				Kind, Date, Detail string
			}
		}
	}
	err := json.NewDecoder(res.Body).Decode(&report)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("year-end report: %d %v", res.StatusCode, err)
	}
	var late []string
	for _, f := range report.Report.Footnotes {
		if f.Kind == "late_entry" {
			late = append(late, f.Date+" recorded "+f.Detail)
		}
	}
	if len(late) != 1 {
		t.Errorf("the demo's 2025 summary has late entries %v, want the one invoice recorded late", late)
	}
	stop()

	second, _ := startDemo(t, url, dir)
	if !strings.Contains(second, "new=0") {
		t.Errorf("the second start loaded data again:\n%s", second)
	}
	m = tokenRe.FindStringSubmatch(second)
	if m == nil {
		t.Fatalf("no recorder token printed:\n%s", second)
	}
	base = baseRe.FindStringSubmatch(second)[1]
	for token, want := range map[string]int{oldToken: http.StatusUnauthorized, m[1]: http.StatusOK} {
		res := get(t, base+"/v1/pairings", token)
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("token %s… after the second start: %d, want %d", token[:8], res.StatusCode, want)
		}
	}
}

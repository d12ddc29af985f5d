package main

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// loadtest through the binary against a served ledger: both scenarios at
// two client counts record commands (no other answers), and pgbench's
// baseline is printed beside them.
func TestLoadtestThroughTheBinary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addr, out := startServe(t, "--data-dir", dir)
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not become ready\n%s", out.String())
		}
	}
	code, token, _ := run(t, "token", "create", "--role", "admin", "--name", "压测", "--data-dir", dir)
	if code != 0 {
		t.Fatal("token create failed")
	}
	code, stdout, _ := run(t, "loadtest", "--url", "http://"+addr, "--token", strings.TrimSpace(token), "--clients", "1,4",
		"--duration", "1s", "--pgbench", testenv.Postgres(t))
	if code != 0 {
		t.Fatal("loadtest failed")
	}
	row := regexp.MustCompile(`(?m)^(independent|hot)\s+(\d+)\s+(\d+)\s+[0-9.]+\s+\S+\s+\S+\s+(.*)$`)
	rows := row.FindAllStringSubmatch(stdout, -1)
	if len(rows) != 4 {
		t.Fatalf("%d result rows, want 4:\n%s", len(rows), stdout)
	}
	for _, r := range rows {
		if ok, _ := strconv.Atoi(r[3]); ok == 0 || r[4] != "-" {
			t.Errorf("%s with %s clients: %s recorded, other answers %q", r[1], r[2], r[3], r[4])
		}
	}
	if n := len(regexp.MustCompile(`(?m)^raw-pgbench\s+\d+\s+[0-9.]+$`).FindAllString(stdout, -1)); n != 2 {
		t.Errorf("%d pgbench rows, want 2:\n%s", n, stdout)
	}
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events/relay"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// A message the ledger did not publish, slipped into the stream by an
// insider holding the service user's password, does not stop the ledger:
// recording goes on, /readyz and the aidledger_stream_diverged metric say
// what is wrong and how to mend it, and `stream rebuild` mends it — the
// relay publishes the ledger again and the read models carry on.
func TestForgedMessageDoesNotStopTheLedger(t *testing.T) {
	t.Parallel()
	dir, dbURL := t.TempDir(), testenv.MigratedURL(t)
	addr, serveLog := startServe(t, "--data-dir", dir, "--database-url", dbURL)
	call := func(method, path, token string, body string) (int, string) {
		req, _ := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", fmt.Sprintf("forged-test-%d", time.Now().UnixNano()))
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	waitReady := func(want int, containing string) string {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); ; {
			st, body := call(http.MethodGet, "/readyz", "", "")
			if st == want && strings.Contains(body, containing) {
				return body
			}
			if time.Now().After(deadline) {
				t.Fatalf("/readyz: %d %s, want %d with %q\n%s", st, body, want, containing, serveLog.String())
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	waitReady(http.StatusOK, "")
	code, out, _ := run(t, "token", "create", "--role", "admin", "--name", "运维", "--database-url", dbURL)
	if code != 0 {
		t.Fatal("token create failed")
	}
	token := strings.TrimSpace(out)
	pairing := func(partner string) {
		t.Helper()
		body := fmt.Sprintf(`{"donor":{"code":"D1","name":"甲区","short_name":"甲"},"partner":{"code":%q,"name":"乙县","short_name":"乙"},
			"programme":"east_west","agreement_doc_no":"协议%s","valid_from":"2021-01-01","valid_to":"2030-12-31"}`, partner, partner)
		if st, b := call(http.MethodPost, "/v1/pairings", token, body); st != http.StatusCreated {
			t.Fatalf("record a pairing: %d %s", st, b)
		}
	}
	pairing("632624")

	// the insider's forged message, with the service user's password from
	// the data directory, once the relay has published the event
	f, err := os.Open(filepath.Join(dir, "nats", ".aidledger.url"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	sc.Scan()
	f.Close()
	nc, err := nats.Connect(sc.Text())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx := context.Background()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if st, err := js.Stream(ctx, relay.DefaultStreamName); err == nil && st.CachedInfo().State.LastSeq == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the relay did not publish the first event")
		}
	}
	if _, err := js.Publish(ctx, "aid.D1.632624.aid.visit_conducted", []byte(`{"forged":true}`)); err != nil {
		t.Fatal(err)
	}
	pairing("610927") // recording goes on
	body := waitReady(http.StatusServiceUnavailable, "stream rebuild")
	if !strings.Contains(body, "message 2") {
		t.Errorf("readiness does not name the foreign message: %s", body)
	}
	if st, metrics := call(http.MethodGet, "/metrics", token, ""); st != http.StatusOK || !strings.Contains(metrics, "aidledger_stream_diverged 1") {
		t.Errorf("/metrics: %d, no aidledger_stream_diverged 1", st)
	}

	if code, out, _ := run(t, "stream", "rebuild", "--yes", "--data-dir", dir, "--database-url", dbURL); code != 0 || !strings.Contains(out, "recreated empty") {
		t.Fatalf("stream rebuild: exit %d", code)
	}
	waitReady(http.StatusOK, "")
	st, err := js.Stream(ctx, relay.DefaultStreamName)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil || info.State.Msgs != 2 || info.State.LastSeq != 2 {
		t.Fatalf("the rebuilt stream: %+v %v, want the ledger's 2 events", info.State, err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, list := call(http.MethodGet, "/v1/pairings?min_position=2", token, "")
		if strings.Contains(list, "610927") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the read models did not carry on: %s\n%s", list, serveLog.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

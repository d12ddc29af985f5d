package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats-server/v2/server"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// TestReadinessReportsAFullNATSStore: when NATS's JetStream store fills
// up, serve's /readyz answers 503 and says why ("insufficient
// resources"), long before the relay's lag reaches its threshold.
func TestReadinessReportsAFullNATSStore(t *testing.T) {
	t.Parallel()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(),
		JetStreamMaxStore: 64 << 10, NoSigs: true, NoLog: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	defer ns.Shutdown()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server not ready")
	}
	url := testenv.MigratedURL(t)
	metricsAddr, _ := freeAddr(t)
	addr, serveLog := startServe(t, "--data-dir", t.TempDir(), "--database-url", url, "--nats-url", ns.ClientURL(),
		"--metrics-listen", metricsAddr)
	readyz := func() (int, string) {
		res, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return 0, ""
		}
		defer res.Body.Close()
		var body struct {
			Status string `json:"status"`
		}
		_ = json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body.Status
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if code, _ := readyz(); code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not become ready\n%s", serveLog.String())
		}
	}
	// /metrics: on the HTTP address only with a token; on its own
	// address without.
	if res, err := http.Get("http://" + addr + "/metrics"); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("/metrics without a token on the HTTP address: %v %v", res, err)
	}
	if res, err := http.Get("http://" + metricsAddr + "/metrics"); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("/metrics on --metrics-listen: %v %v", res, err)
	} else {
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(body), "aidledger_relay_lag_positions") {
			t.Errorf("/metrics on --metrics-listen holds no aidledger metric:\n%s", body)
		}
	}

	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	store := eventstore.New(pool)
	l := testenv.Ledger(t, store)
	for i := range 300 {
		if _, err := l.EstablishPairing(ctx, ledger.Request{Principal: auth.System, IdempotencyKey: fmt.Sprintf("fill-%04d", i)}, ledger.EstablishPairing{
			Donor:     ledger.UnitInput{Code: "320404", Name: "常州市钟楼区", ShortName: "钟楼"},
			Partner:   ledger.UnitInput{Code: fmt.Sprintf("63%04d", i), Name: fmt.Sprintf("县%d", i), ShortName: fmt.Sprintf("县%d", i)},
			Programme: events.ProgrammeCounterpartSupport, AgreementDocNo: fmt.Sprintf("协〔2021〕%d号", i), ValidFrom: "2021-01-01", ValidTo: "2030-12-31"}); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		code, status := readyz()
		if code == http.StatusServiceUnavailable && strings.Contains(status, "insufficient resources") {
			t.Logf("/readyz: %d %s", code, status)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz answers %d %q with the NATS store full\n%s", code, status, serveLog.String())
		}
	}
}

package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/ports/api"
)

// TestOverloadSheds: with one write slot and one place in the queue, a
// third concurrent write is answered at once with 503 overloaded and
// Retry-After, counted as shed; the two admitted ones are recorded once
// the first can proceed.
func TestOverloadSheds(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	e := newEnvWith(t, func(c *api.Config) { c.WriteSlots, c.WriteQueue, c.Registry = 1, 1, reg })
	f := e.fixture()
	visit := map[string]any{"pairing_ids": []string{f.pairing}, "direction": "outbound", "start_date": "2025-05-05"}
	ctx := context.Background()
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op once rolled back
	if _, err := tx.Exec(ctx, `SELECT position FROM ledger_head FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	admitted := make(chan int, 2)
	for range 2 {
		go func() { admitted <- e.post("recorder", "/v1/visits", visit).Status }()
	}
	running := func(class string) float64 { return metricValue(t, reg, "aidledger_admission_in_flight", class) }
	waiting := func(class string) float64 { return metricValue(t, reg, "aidledger_admission_queue_depth", class) }
	for deadline := time.Now().Add(10 * time.Second); running("write") != 1 || waiting("write") != 1; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("running %v, waiting %v: want one write holding the slot and one queued", running("write"), waiting("write"))
		}
	}
	start := time.Now()
	r := e.post("recorder", "/v1/visits", visit)
	if r.Status != http.StatusServiceUnavailable || r.str("code") != ledger.CodeOverloaded || r.Header.Get("Retry-After") == "" ||
		time.Since(start) > 2*time.Second {
		t.Fatalf("the third write: %d %s, Retry-After %q, after %v", r.Status, r.Raw, r.Header.Get("Retry-After"), time.Since(start))
	}
	if n := metricValue(t, reg, "aidledger_shed_requests_total", "write"); n != 1 {
		t.Errorf("%v writes shed, want 1", n)
	}
	if r := e.do("recorder", http.MethodGet, "/v1/events?limit=1", nil); r.Status != http.StatusOK {
		t.Errorf("a plain read while writes are full: %d %s", r.Status, r.Raw)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if st := <-admitted; st != http.StatusCreated {
			t.Errorf("an admitted write: %d", st)
		}
	}
}

// metricValue is the value of the gauge or counter called name with the
// label class in reg (0 when absent).
func metricValue(t *testing.T, reg *prometheus.Registry, name, class string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "class" && l.GetValue() == class {
					return m.GetGauge().GetValue() + m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

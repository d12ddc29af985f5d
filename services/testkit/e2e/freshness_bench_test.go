package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// freshnessRate and freshnessDuration: a steady load of 500 commands/s for
// 10 s.
const (
	freshnessRate     = 500
	freshnessDuration = 10 * time.Second
)

// BenchmarkFreshness measures, at a steady 500 commands/s through HTTP, the
// time from a command's 201 to its position being visible in the balances
// read model (relay → JetStream → projector → Postgres). The baseline is
// the same rate of raw JetStream publishes to a raw consumer on the same
// machine. Run with -benchtime 1x.
func BenchmarkFreshness(b *testing.B) {
	s := newStack(b)
	var pairing map[string]any
	if st := s.do(http.MethodPost, "/v1/pairings", obj{"donor": obj{"code": "D1", "name": "甲区", "short_name": "甲"},
		"partner": obj{"code": "632624", "name": "乙县", "short_name": "乙"}, "programme": "east_west",
		"agreement_doc_no": "协议", "valid_from": "2020-01-01", "valid_to": "2030-12-31"}, &pairing); st != http.StatusCreated {
		b.Fatalf("pairing: %d", st)
	}
	pid := pairing["pairing_id"].(string)
	for range b.N {
		lat := s.freshness(b, pid)
		raw := rawJetStreamLatency(b)
		p50, p99 := percentile(lat, 50), percentile(lat, 99)
		r50, r99 := percentile(raw, 50), percentile(raw, 99)
		b.ReportMetric(ms(p50), "p50-ms")
		b.ReportMetric(ms(p99), "p99-ms")
		b.ReportMetric(ms(r99), "raw-p99-ms")
		fmt.Printf("freshness at %d cmd/s: ledger p50 %.1f ms p99 %.1f ms (n=%d); raw JetStream p50 %.2f ms p99 %.2f ms; p99 ratio %.1fx\n",
			freshnessRate, ms(p50), ms(p99), len(lat), ms(r50), ms(r99), float64(p99)/float64(r99))
	}
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

// freshness drives the load and returns each command's latency to
// visibility.
func (s *stack) freshness(b *testing.B, pairing string) []time.Duration {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type pending struct {
		pos int64
		at  time.Time
	}
	var mu sync.Mutex
	var waiting []pending
	var lat []time.Duration
	// One watcher polls the checkpoint every millisecond.
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for ctx.Err() == nil {
			<-tick.C
			pos, err := projections.Position(ctx, s.pool, balances.New())
			if err != nil {
				continue
			}
			now := time.Now()
			mu.Lock()
			rest := waiting[:0]
			for _, w := range waiting {
				if w.pos <= pos {
					lat = append(lat, now.Sub(w.at))
				} else {
					rest = append(rest, w)
				}
			}
			waiting = rest
			mu.Unlock()
		}
	}()
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / freshnessRate)
	end := time.Now().Add(freshnessDuration)
	for i := 0; time.Now().Before(end); i++ {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			var w map[string]any
			st := s.do(http.MethodPost, "/v1/purchases", obj{"pairing_id": pairing, "buyer_name": "食堂", "supplier_name": "合作社",
				"product": "青稞", "amount_fen": 10000 + i, "channel": "platform_832", "order_no": fmt.Sprintf("F-%d", i), "completed_date": "2025-06-01"}, &w)
			if st != http.StatusCreated {
				b.Errorf("command: %d", st)
				return
			}
			mu.Lock()
			waiting = append(waiting, pending{int64(w["position"].(float64)), time.Now()})
			mu.Unlock()
		}()
	}
	tick.Stop()
	wg.Wait()
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(waiting)
		mu.Unlock()
		if n == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-watched
	return lat
}

// rawJetStreamLatency publishes at the same rate to a fresh stream on an
// embedded server and measures publish-to-receive latency of a plain
// consumer: the floor any JetStream pipeline stands on.
func rawJetStreamLatency(b *testing.B) []time.Duration {
	_, url := testenv.NATS(b)
	nc, err := nats.Connect(url)
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx := context.Background()
	st, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "RAW", Subjects: []string{"raw.>"}})
	if err != nil {
		b.Fatal(err)
	}
	cons, err := st.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "raw", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		b.Fatal(err)
	}
	n := int(freshnessRate * freshnessDuration / time.Second)
	sent := make([]time.Time, n+1)
	var mu sync.Mutex
	var lat []time.Duration
	done := make(chan struct{})
	cc, err := cons.Consume(func(m jetstream.Msg) {
		md, _ := m.Metadata()
		_ = m.Ack()
		mu.Lock()
		lat = append(lat, time.Since(sent[md.Sequence.Stream]))
		if len(lat) == n {
			close(done)
		}
		mu.Unlock()
	})
	if err != nil {
		b.Fatal(err)
	}
	defer cc.Stop()
	tick := time.NewTicker(time.Second / freshnessRate)
	defer tick.Stop()
	for i := 1; i <= n; i++ {
		<-tick.C
		mu.Lock()
		sent[i] = time.Now()
		mu.Unlock()
		if _, err := js.Publish(ctx, "raw.x", []byte("payload")); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		b.Fatal("raw consumer did not receive everything")
	}
	return lat
}

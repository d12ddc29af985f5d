package api

import (
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidledger/aidledger/services/ledger"
)

// Load shedding. Past saturation, more concurrent work only makes every
// request slower: so writes and the heavy reads (year-end reports,
// evidence bundles, entity histories) are admitted through gates. A gate
// lets Slots requests run at once and Queue more wait for a slot, in
// arrival order; a request that finds the queue full is answered at once
// with 503 overloaded and Retry-After, instead of waiting without bound.
// A waiting request whose client goes away leaves the queue.

// Admission defaults.
const (
	DefaultWriteSlots  = 32  // writes in flight (they queue again for the head lock)
	DefaultWriteQueue  = 256 // writes waiting for a slot
	DefaultReportSlots = 4   // heavy reads in flight
	DefaultReportQueue = 16  // heavy reads waiting
	// retryAfter is the Retry-After of a shed request (seconds).
	retryAfter = "1"
)

// gate admits up to cap(slots) requests at once and len(queue) waiting.
type gate struct {
	class string
	slots chan struct{} // a token per request running
	queue chan struct{} // a token per request running or waiting
}

// newGate returns a gate of slots running and queue waiting requests.
func newGate(class string, slots, queue int) *gate {
	return &gate{class: class, slots: make(chan struct{}, slots), queue: make(chan struct{}, slots+queue)}
}

// admission holds the gates and their instruments.
type admission struct {
	writes, reports *gate
	waiting         *prometheus.GaugeVec
	running         *prometheus.GaugeVec
	shed            *prometheus.CounterVec
}

func newAdmission(reg prometheus.Registerer, c Config) *admission {
	a := &admission{
		writes:  newGate("write", c.WriteSlots, c.WriteQueue),
		reports: newGate("report", c.ReportSlots, c.ReportQueue),
		waiting: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "aidledger_admission_queue_depth",
			Help: "Requests waiting for a slot, by class (write, report)."}, []string{"class"}),
		running: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "aidledger_admission_in_flight",
			Help: "Requests admitted and running, by class (write, report)."}, []string{"class"}),
		shed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aidledger_shed_requests_total",
			Help: "Requests answered 503 overloaded because their class's queue was full."}, []string{"class"}),
	}
	reg.MustRegister(a.waiting, a.running, a.shed)
	return a
}

// gateOf is the gate an operation goes through: writes (every method
// but GET, attestations aside), the heavy reads, or none.
func (a *admission) gateOf(op *huma.Operation) *gate {
	switch {
	case op.Metadata[publicOp] == true:
		return nil
	case op.Method != http.MethodGet:
		return a.writes
	case strings.HasPrefix(op.Path, "/v1/reports/") || strings.HasPrefix(op.Path, "/v1/evidence") ||
		strings.HasPrefix(op.Path, "/v1/history/"):
		return a.reports
	}
	return nil
}

// admit is the middleware: it runs next once the operation's gate admits
// it, sheds it when the gate's queue is full, and gives up (nothing
// written: next never ran) when the client goes away while it waits.
func (a *admission) admit(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		g := a.gateOf(ctx.Operation())
		if g == nil {
			next(ctx)
			return
		}
		select {
		case g.queue <- struct{}{}:
		default:
			a.shed.WithLabelValues(g.class).Inc()
			ctx.SetHeader("Retry-After", retryAfter)
			writeRejection(api, ctx, &ledger.Rejection{Status: http.StatusServiceUnavailable, Code: ledger.CodeOverloaded,
				Message:   "the server is busy with other " + g.class + "s; try again shortly",
				MessageZh: "服务器繁忙，请稍后重试"})
			return
		}
		defer func() { <-g.queue }()
		a.waiting.WithLabelValues(g.class).Inc()
		select {
		case g.slots <- struct{}{}:
			a.waiting.WithLabelValues(g.class).Dec()
		case <-ctx.Context().Done():
			a.waiting.WithLabelValues(g.class).Dec()
			return // the client is gone: nothing to answer
		}
		a.running.WithLabelValues(g.class).Inc()
		defer func() {
			<-g.slots
			a.running.WithLabelValues(g.class).Dec()
		}()
		next(ctx)
	}
}

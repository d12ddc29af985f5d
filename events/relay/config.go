package relay

import (
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidledger/aidledger/events/eventstore"
)

// Defaults of Config.
const (
	DefaultBatch        = 1000
	DefaultMaxInFlight  = 2000
	DefaultPollInterval = time.Second
	DefaultMaxBackoff   = 5 * time.Second
	DefaultTimeout      = 5 * time.Second
)

// Fault points at which Run calls Config.FaultHook.
const (
	// FaultResumed: the stream has been checked against the ledger and the
	// relay is about to publish from the stream's last sequence + 1.
	FaultResumed = "resumed"
	// FaultBeforePublish: an event has been read and is about to be sent.
	FaultBeforePublish = "before-publish"
	// FaultAfterPublish: an event has been handed to the connection; its
	// acknowledgement has not been seen.
	FaultAfterPublish = "after-publish"
	// FaultAfterAck: the stream has acknowledged an event; the relay's
	// counters and metrics have not been updated.
	FaultAfterAck = "after-ack"
)

// Config configures a Relay. Store and NATSURL are required.
type Config struct {
	// Store is the ledger to publish.
	Store *eventstore.Store
	// Pool is where the relay opens its own connection to LISTEN for
	// ledger_appended; default Store.Pool(). The connection is made from
	// the pool's configuration and is not taken from the pool.
	Pool *pgxpool.Pool
	// NATSURL is the NATS server (or comma-separated servers) to publish
	// to. The relay makes its own connection, which reconnects forever.
	NATSURL string
	// NATSOptions are applied after the relay's own connection options
	// (credentials, TLS, a name …). They must not make reconnecting finite.
	NATSOptions []nats.Option
	// Stream is the JetStream stream to publish to (see EnsureStream).
	Stream StreamConfig
	// Batch is how many events are read from the ledger at a time;
	// default DefaultBatch.
	Batch int
	// MaxInFlight is how many published events may await their
	// acknowledgement at once; default DefaultMaxInFlight. It is also how
	// many of the stream's last messages a relay checks against the
	// ledger when it resumes, so relays that take turns on one stream
	// must not use a larger value than each other.
	MaxInFlight int
	// PollInterval is how often the ledger is read when no ledger_appended
	// notification arrives; default DefaultPollInterval.
	PollInterval time.Duration
	// MaxBackoff caps the wait between attempts after an error (NATS or
	// Postgres unreachable); default DefaultMaxBackoff.
	MaxBackoff time.Duration
	// Timeout bounds each JetStream request and each acknowledgement;
	// default DefaultTimeout.
	Timeout time.Duration
	// Logger receives the relay's logs; default slog.Default().
	Logger *slog.Logger
	// Registerer, when set, receives the relay's metrics:
	// aidledger_relay_lag_positions, aidledger_relay_published_total and
	// aidledger_relay_last_published_position, labelled with the stream
	// name. Relays of the same stream on one Registerer share them.
	Registerer prometheus.Registerer
	// FaultHook, when set, is called at the Fault* points, on the goroutine
	// that called Run, so that a test can simulate a crash there by
	// panicking (the panic unwinds Run after it has closed its
	// connections) or by cancelling Run's context. Tests only.
	FaultHook func(point string)
}

func (c *Config) setDefaults() {
	if c.Pool == nil && c.Store != nil {
		c.Pool = c.Store.Pool()
	}
	c.Stream.setDefaults()
	if c.Batch == 0 {
		c.Batch = DefaultBatch
	}
	if c.MaxInFlight == 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.PollInterval == 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports the first thing wrong with c after defaults are applied
// (New applies them; Validate works on a copy).
func (c Config) Validate() error {
	c.setDefaults()
	switch {
	case c.Store == nil:
		return errors.New("relay: config: Store is required")
	case c.Pool == nil:
		return errors.New("relay: config: Pool is required")
	case c.NATSURL == "":
		return errors.New("relay: config: NATSURL is required")
	case c.Batch < 1:
		return errors.New("relay: config: Batch must be positive")
	case c.MaxInFlight < 1:
		return errors.New("relay: config: MaxInFlight must be positive")
	case c.PollInterval < 0 || c.MaxBackoff < 0 || c.Timeout < 0:
		return errors.New("relay: config: PollInterval, MaxBackoff and Timeout must be positive")
	}
	return c.Stream.Validate()
}

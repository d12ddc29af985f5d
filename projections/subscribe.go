package projections

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmjs "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/jetstream"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ledgerSubjects is what the durable consumers filter on: every ledger
// event.
const ledgerSubjects = "aid.>"

// durableConfig is the durable pull consumer "proj-<name>" of a projection:
// every event from the start (DeliverAll), each acknowledged explicitly,
// redelivered without limit (MaxDeliver -1) after ackWait.
func durableConfig(p Projection, ackWait time.Duration) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       consumerName(p),
		Description:   "aidledger read model " + p.Name(),
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       ackWait,
		MaxDeliver:    -1,
		FilterSubject: ledgerSubjects,
	}
}

// durableInitializer hands a Watermill subscriber the durable consumer the
// runner created. It returns no closer, so Watermill never deletes the
// consumer (its own initializers create consumers that are not durable, and
// delete them on Close: a restart would then replay everything).
func durableInitializer(c jetstream.Consumer) wmjs.ResourceInitializer {
	return func(context.Context, jetstream.JetStream, string) (jetstream.Consumer, func(context.Context, watermill.LoggerAdapter), error) {
		return c, nil, nil
	}
}

// connect opens a NATS connection that reconnects for ever.
func connect(url, name string) (*nats.Conn, error) {
	nc, err := nats.Connect(url,
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond),
		nats.ReconnectJitter(100*time.Millisecond, time.Second),
	)
	if err != nil {
		return nil, fmt.Errorf("connect to NATS at %s: %w", url, err)
	}
	return nc, nil
}

// watermillLevels maps Watermill's chatty info messages ("got msg", one per
// message) down to debug.
var watermillLevels = map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug}

// newSubscriber creates the Watermill JetStream subscriber of one
// projection on a NATS connection of its own (Subscriber.Close closes the
// connection it is given). onConsumeErr hears the pull consumer's errors.
func newSubscriber(url string, p Projection, c jetstream.Consumer, ackWait time.Duration, log *slog.Logger,
	onConsumeErr func(error)) (*wmjs.Subscriber, error) {
	nc, err := connect(url, "aidledger-projector-"+p.Name())
	if err != nil {
		return nil, err
	}
	sub, err := wmjs.NewSubscriber(wmjs.SubscriberConfig{
		Conn:                nc,
		Logger:              watermill.NewSlogLoggerWithLevelMapping(log, watermillLevels),
		AckWaitTimeout:      ackWait,
		ResourceInitializer: durableInitializer(c),
		NakDelay:            nakBackoff{},
		AckAsync:            true,
		Unmarshaler:         wireUnmarshaler{},
		ConsumeOptions: []jetstream.PullConsumeOpt{
			jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) { onConsumeErr(err) }),
		},
	})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("watermill subscriber for %s: %w", p.Name(), err)
	}
	return sub, nil
}

package projections

import (
	"fmt"
	"time"

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

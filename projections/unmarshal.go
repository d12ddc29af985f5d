package projections

import (
	"fmt"
	"strconv"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events"
)

// Metadata keys the wire unmarshaler sets on a Watermill message, besides
// the hash headers (events.HeaderPrevHash, events.HeaderHash).
const (
	// mdSequence is the stream sequence: the ledger position.
	mdSequence = "Aid-Sequence"
	// mdPending is how many messages of the consumer follow this one.
	mdPending = "Aid-Pending"
	// mdError says why the JetStream metadata could not be read.
	mdError = "Aid-Metadata-Error"
)

// wireUnmarshaler turns a ledger message into a Watermill message whose
// payload is the canonical body and whose metadata carries what
// events.FromWire needs besides: the stream sequence and the hash headers.
//
// It never returns an error: watermill-nats v2.2.0 dereferences the message
// even when Unmarshal fails. A message without readable JetStream metadata
// gets mdError instead of a sequence, and recordOf rejects it.
type wireUnmarshaler struct{}

// Unmarshal implements the Unmarshaler of watermill-nats's jetstream
// package.
func (wireUnmarshaler) Unmarshal(msg jetstream.Msg) (*message.Message, error) {
	hdr := msg.Headers()
	md := message.Metadata{
		events.HeaderPrevHash: hdr.Get(events.HeaderPrevHash),
		events.HeaderHash:     hdr.Get(events.HeaderHash),
	}
	id := hdr.Get(nats.MsgIdHdr)
	if meta, err := msg.Metadata(); err != nil {
		md[mdError] = err.Error()
	} else {
		md[mdSequence] = strconv.FormatUint(meta.Sequence.Stream, 10)
		md[mdPending] = strconv.FormatUint(meta.NumPending, 10)
		if id == "" {
			id = "seq-" + md[mdSequence]
		}
	}
	m := message.NewMessage(id, msg.Data())
	m.Metadata = md
	return m, nil
}

// recordOf rebuilds and verifies the record in a message made by
// wireUnmarshaler.
func recordOf(m *message.Message) (events.Record, error) {
	if e := m.Metadata.Get(mdError); e != "" {
		return events.Record{}, fmt.Errorf("message %s: no JetStream metadata: %s", m.UUID, e)
	}
	seq, err := strconv.ParseInt(m.Metadata.Get(mdSequence), 10, 64)
	if err != nil {
		return events.Record{}, fmt.Errorf("message %s: sequence: %w", m.UUID, err)
	}
	return events.FromWire(seq, m.Payload, m.Metadata.Get(events.HeaderPrevHash), m.Metadata.Get(events.HeaderHash))
}

// pendingOf is the number of the consumer's messages after m (0 if
// unknown).
func pendingOf(m *message.Message) int64 {
	n, _ := strconv.ParseInt(m.Metadata.Get(mdPending), 10, 64)
	return n
}

package projections

import (
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"

	"github.com/aidledger/aidledger/events"
)

// fromMsg rebuilds and verifies the record carried by a stream message
// (sequence, body, hash headers): see events.FromWire.
func fromMsg(seq uint64, body []byte, hdr nats.Header) (events.Record, error) {
	return events.FromWire(int64(seq), body, hdr.Get(events.HeaderPrevHash), hdr.Get(events.HeaderHash))
}

// Decode pairs a verified record with its decoded payload, as every read
// model receives it. An event this
// build cannot decode because it comes from a newer release — a type it
// does not know (events.ErrUnknownType) or a schema version newer than its
// own (events.ErrUnknownVersion) — gets a nil Data: the apply step skips
// it, counts it and still advances the checkpoint past it. Any other
// decoding failure is an error: the payload of a known type is malformed,
// and skipping it would silently falsify the read model.
func Decode(rec events.Record) (Event, error) {
	data, err := rec.Event()
	if err != nil {
		if errors.Is(err, events.ErrUnknownType) || errors.Is(err, events.ErrUnknownVersion) {
			return Event{Record: rec}, nil
		}
		return Event{}, fmt.Errorf("event %d (%s): %w", rec.Position, rec.Type, err)
	}
	return Event{Record: rec, Data: data}, nil
}

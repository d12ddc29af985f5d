package eventtest

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/aidledger/aidledger/events"
)

// Event is one event as the projection runner hands it to a read model:
// the stored record and its decoded payload. It has the shape of
// projections.Event, so projections.Event(e) converts it.
type Event struct {
	events.Record
	// Data is the payload as events.Decode returns it from Payload.
	Data events.Event
}

// Command is one write of the ledger: the events one command appends to
// one stream in one transaction, recorded at one instant with one
// metadata.
type Command struct {
	// Stream is the stream appended to, e.g. "commitment-01J…".
	Stream string
	// DonorCode and PartnerCode route the events ("multi" for a visit of
	// several partners, "all" for a summary).
	DonorCode, PartnerCode string
	// Metadata is recorded on every event of the command. An empty
	// IdempotencyKey becomes "key-<position of the first event>": every
	// write to the ledger carries one.
	Metadata events.Metadata
	// RecordedAt is the instant of the append; zero means 1.5 ms after the
	// previous command (the Log's start for the first). It is stored in
	// UTC, truncated to the microsecond.
	RecordedAt time.Time
	// Events are the payloads, in order.
	Events []events.Event
}

// Log builds an event log by hand, as the ledger stores it: positions 1,
// 2, 3 … (or following another log, see Continue), versions 1, 2, 3 … per
// stream, event ids that are ULIDs of the recording time, canonical
// payloads (events.Encode) and the hash chain (events.ChainHash over
// Record.Canonical). It checks no business rule: the caller writes the
// events it means.
type Log struct {
	pos      int64
	prev     events.Hash
	next     time.Time
	versions map[string]int64 // nil in a Generator, which keeps versions on its entities
	newID    func(ms uint64) string
}

// NewLog returns an empty log whose first command is recorded at start
// (unless it says otherwise).
func NewLog(start time.Time) *Log {
	l := &Log{next: start.UTC().Truncate(time.Microsecond), versions: map[string]int64{}}
	l.newID = l.positionID
	return l
}

// Continue makes the log follow the record last: its next position is
// last.Position+1 and its chain continues from last.Hash. Stream versions
// are not carried over: the log's own streams start at version 1.
func (l *Log) Continue(last events.Record) {
	l.pos, l.prev = last.Position, last.Hash
}

// Position is the position of the last event appended (or continued
// from); Hash is its hash.
func (l *Log) Position() int64 { return l.pos }

// Hash is the hash of the last event appended (zero for an empty log).
func (l *Log) Hash() events.Hash { return l.prev }

// Append records one command and returns its events.
func (l *Log) Append(c Command) []Event {
	v := l.versions[c.Stream]
	out := l.append(nil, c, &v, true)
	l.versions[c.Stream] = v
	return out
}

// positionID is a deterministic ULID: the time of the recording and, as
// entropy, the position.
func (l *Log) positionID(ms uint64) string {
	var e [10]byte
	binary.BigEndian.PutUint64(e[2:], uint64(l.pos))
	var id ulid.ULID
	if err := id.SetTime(ms); err != nil {
		panic(err)
	}
	if err := id.SetEntropy(e[:]); err != nil {
		panic(err)
	}
	return id.String()
}

// append records c on a stream whose version is *version, which it moves,
// and appends its events to dst.
// With decode, Data is decoded from the payload; without, it is the event
// given, which must then be what decoding gives (the Generator makes only
// such values).
func (l *Log) append(dst []Event, c Command, version *int64, decode bool) []Event {
	at := c.RecordedAt
	if at.IsZero() {
		at = l.next
	}
	at = at.UTC().Truncate(time.Microsecond)
	l.next = at.Add(1500 * time.Microsecond)
	m := c.Metadata
	if m.IdempotencyKey == "" {
		m.IdempotencyKey = fmt.Sprintf("key-%08d", l.pos+1)
	}
	for _, e := range c.Events {
		payload, schema, err := events.Encode(e)
		if err != nil {
			panic(fmt.Sprintf("eventtest: %v", err))
		}
		l.pos++
		*version++
		r := events.Record{Position: l.pos, ID: l.newID(uint64(at.UnixMilli())), StreamID: c.Stream, StreamVersion: *version,
			Type: e.EventType(), SchemaVersion: schema, RecordedAt: at, DonorCode: c.DonorCode, PartnerCode: c.PartnerCode,
			Metadata: m, Payload: payload, PrevHash: l.prev}
		r.Hash = events.ChainHash(r.PrevHash, r.Position, r.Canonical())
		l.prev = r.Hash
		if decode {
			if e, err = events.Decode(r.Type, schema, payload); err != nil {
				panic(fmt.Sprintf("eventtest: %v", err))
			}
		}
		dst = append(dst, Event{Record: r, Data: e})
	}
	return dst
}

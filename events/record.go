package events

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Metadata says who caused an event and why it exists.
type Metadata struct {
	// Actor is the authenticated principal that issued the command.
	Actor string `json:"actor"`
	// IdempotencyKey is the client's key for the command ("" if none).
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// CorrelationID ties together everything caused by one user action.
	CorrelationID string `json:"correlation_id,omitempty"`
	// CausationID is the id of the event or command that caused this one.
	CausationID string `json:"causation_id,omitempty"`
}

// Hash is a SHA-256 digest in the ledger's hash chain.
type Hash [32]byte

// String is the lower-case hex form.
func (h Hash) String() string {
	const hexdigits = "0123456789abcdef"
	b := make([]byte, 64)
	for i, c := range h {
		b[2*i], b[2*i+1] = hexdigits[c>>4], hexdigits[c&0xf]
	}
	return string(b)
}

// MarshalJSON encodes the hex form.
func (h Hash) MarshalJSON() ([]byte, error) { return json.Marshal(h.String()) }

// UnmarshalJSON decodes the hex form (64 hex digits).
func (h *Hash) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("hash: %w", err)
	}
	return decodeHash(s, h)
}

// Record is one event as stored in the log: the payload and everything the
// ledger knows about it.
type Record struct {
	// Position is the event's place in the global log: 1, 2, 3 … without
	// gaps, in commit order. It equals the JetStream sequence of the event.
	Position int64
	// ID is the event's ULID (also the JetStream Nats-Msg-Id).
	ID string
	// StreamID names the consistency boundary the event was appended to
	// (e.g. "commitment-01J…"); StreamVersion is its 1-based place there.
	StreamID      string
	StreamVersion int64
	Type          string
	SchemaVersion int
	// RecordedAt is the server time the event was appended, to the
	// microsecond (Postgres precision), in UTC.
	RecordedAt time.Time
	// DonorCode and PartnerCode route the event (NATS subject, read scope).
	// PartnerCode is "multi" for a visit covering several partners.
	DonorCode   string
	PartnerCode string
	Metadata    Metadata
	// Payload is the canonical payload, stored and hashed verbatim.
	Payload json.RawMessage
	// PrevHash is the Hash of the record at Position-1 (zero for position 1).
	PrevHash Hash
	// Hash is ChainHash(PrevHash, Position, Canonical()).
	Hash Hash
}

// TimeLayout is how RecordedAt appears in canonical bytes: UTC, always six
// fractional digits.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// Canonical returns the bytes of r that the hash chain covers: every field
// except Position, PrevHash and Hash (which the chain binds separately), as
// one JSON object with a fixed key order and the payload embedded verbatim.
func (r *Record) Canonical() []byte {
	return r.AppendCanonical(make([]byte, 0, 256+len(r.Payload)))
}

// AppendCanonical appends r's canonical bytes (see Canonical) to b.
func (r *Record) AppendCanonical(b []byte) []byte {
	start := len(b)
	b = appendField(b, "id", r.ID)
	b[start] = '{' // the first field opens the object instead of a comma
	b = appendField(b, "stream_id", r.StreamID)
	b = append(b, `,"stream_version":`...)
	b = strconv.AppendInt(b, r.StreamVersion, 10)
	b = appendField(b, "type", r.Type)
	b = append(b, `,"schema_version":`...)
	b = strconv.AppendInt(b, int64(r.SchemaVersion), 10)
	b = append(b, `,"recorded_at":"`...)
	b = appendCanonicalTime(b, r.RecordedAt)
	b = append(b, '"')
	b = appendField(b, "donor_code", r.DonorCode)
	b = appendField(b, "partner_code", r.PartnerCode)
	b = appendField(b, "actor", r.Metadata.Actor)
	b = appendField(b, "idempotency_key", r.Metadata.IdempotencyKey)
	b = appendField(b, "correlation_id", r.Metadata.CorrelationID)
	b = appendField(b, "causation_id", r.Metadata.CausationID)
	b = append(b, `,"payload":`...)
	b = append(b, r.Payload...)
	return append(b, '}')
}

// appendField appends ,"name":value with value JSON-encoded exactly as
// encoding/json does (HTML-safe escaping included).
func appendField(b []byte, name, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	if plainJSON(value) { // the common case, and the hot path of the relay
		b = append(b, '"')
		b = append(b, value...)
		return append(b, '"')
	}
	v, _ := json.Marshal(value) // a string always marshals
	return append(b, v...)
}

// plainJSON reports whether encoding/json writes s as "s" unchanged:
// printable ASCII other than the characters it escapes, and valid UTF-8
// (Chinese names, say) other than U+2028 and U+2029, which it escapes too.
func plainJSON(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		case c >= 0x80:
			ascii = false
		}
	}
	return ascii || utf8.ValidString(s) && !strings.ContainsRune(s, '\u2028') && !strings.ContainsRune(s, '\u2029')
}

// ChainHash links one record to the chain:
// SHA-256(prev ‖ position as 8 bytes big-endian ‖ canonical).
// The event store computes the same function in SQL (sha256, int8send).
func ChainHash(prev Hash, position int64, canonical []byte) Hash {
	h := sha256.New()
	h.Write(prev[:])
	var p [8]byte
	binary.BigEndian.PutUint64(p[:], uint64(position))
	h.Write(p[:])
	h.Write(canonical)
	var out Hash
	h.Sum(out[:0])
	return out
}

package events

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// On the wire (NATS JetStream) an event is one message:
//
//	subject   aid.<donor_code>.<partner_code>.<type without "aid.">
//	sequence  the ledger position (the relay guarantees sequence = position)
//	body      Record.Canonical(), byte for byte
//	headers   Nats-Msg-Id = event id, Aid-Prev-Hash and Aid-Hash in hex
//
// so that any subscriber can check the chain without trusting the sender.
const (
	HeaderPrevHash = "Aid-Prev-Hash"
	HeaderHash     = "Aid-Hash"
)

// Subject is the NATS subject of r.
func (r *Record) Subject() string {
	return "aid." + r.DonorCode + "." + r.PartnerCode + "." + strings.TrimPrefix(r.Type, "aid.")
}

// FromWire rebuilds a Record from a message: its sequence (the position),
// body (canonical bytes) and hash headers. It checks that the body is
// exactly the canonical form of what it decodes to, and that the hash
// header is ChainHash(prev, position, body); a message that fails either
// check was altered. (The payload itself is validated when decoded, by
// Record.Event.)
func FromWire(position int64, body []byte, prevHex, hashHex string) (Record, error) {
	r, err := ParseCanonical(body)
	if err != nil {
		return Record{}, fmt.Errorf("message %d: %w", position, err)
	}
	r.Position = position
	if err := decodeHash(prevHex, &r.PrevHash); err != nil {
		return Record{}, fmt.Errorf("message %d: %s: %w", position, HeaderPrevHash, err)
	}
	if err := decodeHash(hashHex, &r.Hash); err != nil {
		return Record{}, fmt.Errorf("message %d: %s: %w", position, HeaderHash, err)
	}
	if ChainHash(r.PrevHash, position, body) != r.Hash {
		return Record{}, fmt.Errorf("message %d: hash does not match its contents", position)
	}
	return r, nil
}

// ParseCanonical rebuilds a Record (without its position and hashes)
// from its canonical bytes, and checks that body is exactly the canonical
// form of what it holds.
func ParseCanonical(body []byte) (Record, error) {
	r, err := parseCanonical(body)
	if err != nil {
		return Record{}, err
	}
	// The parser is fast and trusts the layout; re-encoding and comparing
	// proves it read exactly what the body says. A typical record fits the
	// buffer on the stack.
	var buf [1024]byte
	if !bytes.Equal(r.AppendCanonical(buf[:0]), body) {
		return Record{}, errors.New("body is not in canonical form")
	}
	return r, nil
}

// parseCanonical reads the fields of Record.Canonical's fixed layout.
func parseCanonical(body []byte) (Record, error) {
	var r Record
	// The fields are substrings of one copy of body: one allocation, not
	// one per field.
	c := cursor{b: body, s: string(body)}
	c.lit(`{"id":`)
	r.ID = c.str()
	c.lit(`,"stream_id":`)
	r.StreamID = c.str()
	c.lit(`,"stream_version":`)
	r.StreamVersion = c.int()
	c.lit(`,"type":`)
	r.Type = c.str()
	c.lit(`,"schema_version":`)
	r.SchemaVersion = int(c.int())
	c.lit(`,"recorded_at":`)
	at := c.str()
	c.lit(`,"donor_code":`)
	r.DonorCode = c.str()
	c.lit(`,"partner_code":`)
	r.PartnerCode = c.str()
	c.lit(`,"actor":`)
	r.Metadata.Actor = c.str()
	c.lit(`,"idempotency_key":`)
	r.Metadata.IdempotencyKey = c.str()
	c.lit(`,"correlation_id":`)
	r.Metadata.CorrelationID = c.str()
	c.lit(`,"causation_id":`)
	r.Metadata.CausationID = c.str()
	c.lit(`,"payload":`)
	if c.err != nil {
		return r, c.err
	}
	if len(body) < c.i+3 || body[len(body)-1] != '}' {
		return r, errors.New("body does not end with a payload object")
	}
	r.Payload = json.RawMessage(body[c.i : len(body)-1])
	var err error
	if r.RecordedAt, err = parseCanonicalTime(at); err != nil {
		return r, fmt.Errorf("recorded_at: %w", err)
	}
	return r, nil
}

// cursor scans canonical bytes (b, and the same bytes as s); the first
// error sticks.
type cursor struct {
	b   []byte
	s   string
	i   int
	err error
}

func (c *cursor) fail(what string) {
	if c.err == nil {
		c.err = fmt.Errorf("body is not in canonical form: expected %s at byte %d", what, c.i)
	}
}

func (c *cursor) lit(s string) {
	if c.err != nil {
		return
	}
	if !bytes.HasPrefix(c.b[c.i:], []byte(s)) {
		c.fail(s)
		return
	}
	c.i += len(s)
}

// str reads a JSON string; escaped ones go through encoding/json.
func (c *cursor) str() string {
	if c.err != nil {
		return ""
	}
	if c.i >= len(c.b) || c.b[c.i] != '"' {
		c.fail("a string")
		return ""
	}
	escaped := false
	for j := c.i + 1; j < len(c.b); j++ {
		switch c.b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			raw := c.b[c.i : j+1]
			if !escaped {
				s := c.s[c.i+1 : j]
				c.i = j + 1
				return s
			}
			c.i = j + 1
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				c.fail("a valid string")
			}
			return s
		}
	}
	c.fail("the end of a string")
	return ""
}

// int reads a decimal integer.
func (c *cursor) int() int64 {
	if c.err != nil {
		return 0
	}
	j := c.i
	if j < len(c.b) && c.b[j] == '-' {
		j++
	}
	for j < len(c.b) && c.b[j] >= '0' && c.b[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(string(c.b[c.i:j]), 10, 64)
	if err != nil {
		c.fail("an integer")
		return 0
	}
	c.i = j
	return n
}

func decodeHash(s string, h *Hash) error {
	if len(s) != 2*len(h) {
		return fmt.Errorf("want %d hex digits, got %d", 2*len(h), len(s))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return err
	}
	return nil
}

// Event decodes the record's payload into its current Go type.
func (r *Record) Event() (Event, error) { return Decode(r.Type, r.SchemaVersion, r.Payload) }

package events

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
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

// canonicalFields mirrors the key order of Record.Canonical.
type canonicalFields struct {
	ID             string          `json:"id"`
	StreamID       string          `json:"stream_id"`
	StreamVersion  int64           `json:"stream_version"`
	Type           string          `json:"type"`
	SchemaVersion  int             `json:"schema_version"`
	RecordedAt     string          `json:"recorded_at"`
	DonorCode      string          `json:"donor_code"`
	PartnerCode    string          `json:"partner_code"`
	Actor          string          `json:"actor"`
	IdempotencyKey string          `json:"idempotency_key"`
	CorrelationID  string          `json:"correlation_id"`
	CausationID    string          `json:"causation_id"`
	Payload        json.RawMessage `json:"payload"`
}

// FromWire rebuilds a Record from a message: its sequence (the position),
// body (canonical bytes) and hash headers. It checks that the body is
// exactly the canonical form of what it decodes to, and that the hash
// header is ChainHash(prev, position, body); a message that fails either
// check was altered.
func FromWire(position int64, body []byte, prevHex, hashHex string) (Record, error) {
	var f canonicalFields
	if err := json.Unmarshal(body, &f); err != nil {
		return Record{}, fmt.Errorf("message %d: %w", position, err)
	}
	at, err := time.Parse(TimeLayout, f.RecordedAt)
	if err != nil {
		return Record{}, fmt.Errorf("message %d: recorded_at: %w", position, err)
	}
	r := Record{Position: position, ID: f.ID, StreamID: f.StreamID, StreamVersion: f.StreamVersion, Type: f.Type,
		SchemaVersion: f.SchemaVersion, RecordedAt: at, DonorCode: f.DonorCode, PartnerCode: f.PartnerCode,
		Metadata: Metadata{Actor: f.Actor, IdempotencyKey: f.IdempotencyKey, CorrelationID: f.CorrelationID, CausationID: f.CausationID},
		Payload:  f.Payload}
	if string(r.Canonical()) != string(body) {
		return Record{}, fmt.Errorf("message %d: body is not in canonical form", position)
	}
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

func decodeHash(s string, h *Hash) error {
	b, err := hex.DecodeString(s)
	if err != nil {
		return err
	}
	if len(b) != len(h) {
		return fmt.Errorf("want %d bytes, got %d", len(h), len(b))
	}
	copy(h[:], b)
	return nil
}

// Event decodes the record's payload into its current Go type.
func (r *Record) Event() (Event, error) { return Decode(r.Type, r.SchemaVersion, r.Payload) }

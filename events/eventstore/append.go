package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aidledger/aidledger/events"
)

// NaturalKey is a business identifier unique among live entries, within a
// scope such as "voucher_no:<donor code>".
type NaturalKey struct {
	Scope    string
	Key      string
	EntityID string // the entry that holds the key
}

// Entity is a new entity created by an append, found later by its id.
type Entity struct {
	ID   string
	Kind string // "pairing", "commitment", "disbursement", …
}

// AppendRequest is one command's events for one stream.
type AppendRequest struct {
	StreamID string
	// ExpectedVersion is the stream version the caller decided on: 0 for a
	// stream that must not exist yet. A mismatch is ErrWrongExpectedVersion.
	ExpectedVersion int64
	Events          []events.Event
	// DonorCode and PartnerCode route the events (subjects, read scopes).
	DonorCode   string
	PartnerCode string
	Metadata    events.Metadata
	// Fingerprint identifies the request behind Metadata.IdempotencyKey; a
	// repeat of the key must carry the same fingerprint.
	Fingerprint []byte
	// Result is the caller's answer to the command (ids …), stored with the
	// idempotency key and returned verbatim on a repeat.
	Result json.RawMessage
	// NewEntities are registered to this stream; an id in use is ErrIDInUse.
	NewEntities []Entity
	// Claim are natural keys taken by this append; Release are freed first.
	Claim   []NaturalKey
	Release []NaturalKey
	// RecordedAt overrides the server time (tests only; zero = now).
	RecordedAt time.Time
}

// AppendResult says where the events landed.
type AppendResult struct {
	EventIDs      []string
	FirstPosition int64
	LastPosition  int64
	// Result is the stored answer of the command.
	Result json.RawMessage
	// Replayed is true when the idempotency key had been seen: nothing new
	// was written and everything above is the first call's.
	Replayed bool
}

// Append writes req's events atomically after checking, in this order: the
// idempotency key, the expected version, new entity ids and natural keys.
// On any error nothing is written. It is safe to call concurrently from any
// number of processes; concurrent appends of one Store share a transaction
// and its flush (see groupcommit.go), each checked and answered on its own.
func (s *Store) Append(ctx context.Context, req *AppendRequest) (*AppendResult, error) {
	if s.group != nil {
		return s.group.append(ctx, req)
	}
	return appendWith(ctx, s.db, req)
}

func appendWith(ctx context.Context, db db, req *AppendRequest) (*AppendResult, error) {
	recs, err := newRecords(req)
	if err != nil {
		return nil, err
	}
	n := len(recs)
	ids := make([]string, n)
	types := make([]string, n)
	versions := make([]int32, n)
	payloads := make([]string, n)
	canonicals := make([][]byte, n)
	for i := range recs {
		r := &recs[i]
		ids[i], types[i], versions[i], payloads[i], canonicals[i] = r.ID, r.Type, int32(r.SchemaVersion), string(r.Payload), r.Canonical()
	}
	entityIDs, entityKinds := splitEntities(req.NewEntities)
	claimScopes, claimKeys, claimEntities := splitKeys(req.Claim)
	releaseScopes, releaseKeys, _ := splitKeys(req.Release)

	args := []namedArg{
		{"p_stream_id", req.StreamID}, {"p_expected_version", req.ExpectedVersion},
		{"p_event_ids", ids}, {"p_types", types}, {"p_schema_versions", versions}, {"p_payloads", payloads},
		{"p_canonicals", canonicals}, {"p_recorded_at", recs[0].RecordedAt},
		{"p_donor_code", req.DonorCode}, {"p_partner_code", req.PartnerCode},
		{"p_actor", req.Metadata.Actor}, {"p_idempotency_key", req.Metadata.IdempotencyKey},
		{"p_correlation_id", req.Metadata.CorrelationID}, {"p_causation_id", req.Metadata.CausationID},
		{"p_fingerprint", fingerprint(req)}, {"p_result", string(result(req))},
		{"p_entity_ids", entityIDs}, {"p_entity_kinds", entityKinds},
		{"p_claim_scopes", claimScopes}, {"p_claim_keys", claimKeys}, {"p_claim_entities", claimEntities},
		{"p_release_scopes", releaseScopes}, {"p_release_keys", releaseKeys},
	}
	sql, values := namedCall("ledger_append", args)
	var out AppendResult
	err = db.QueryRow(ctx, `SELECT first_position, last_position, event_ids, result, replayed FROM `+sql, values...).
		Scan(&out.FirstPosition, &out.LastPosition, &out.EventIDs, &out.Result, &out.Replayed)
	if err != nil {
		return nil, fmt.Errorf("append to %s: %w", req.StreamID, translate(err, req))
	}
	return &out, nil
}

// namedArg is one argument of a SQL function called in named notation.
type namedArg struct {
	name  string
	value any
}

// namedCall is fn called with args in named notation (fn(a => $1, …)), and
// the values to bind: each argument is matched by name, never by place.
func namedCall(fn string, args []namedArg) (string, []any) {
	var b strings.Builder
	values := make([]any, len(args))
	b.WriteString(fn + "(")
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s => $%d", a.name, i+1)
		values[i] = a.value
	}
	b.WriteString(")")
	return b.String(), values
}

// newRecords checks req and builds its records: new event ids, stream
// versions after ExpectedVersion, the recorded time (now, unless the
// request says otherwise) to the microsecond in UTC, the canonical
// payloads. Positions and hashes are the store's to assign.
func newRecords(req *AppendRequest) ([]events.Record, error) {
	if len(req.Events) == 0 {
		return nil, errors.New("append: no events")
	}
	if req.Metadata.Actor == "" {
		return nil, errors.New("append: no actor")
	}
	if req.Metadata.IdempotencyKey != "" && len(req.Fingerprint) == 0 {
		return nil, errors.New("append: idempotency key without fingerprint")
	}
	recordedAt := req.RecordedAt
	if recordedAt.IsZero() {
		recordedAt = time.Now()
	}
	recordedAt = recordedAt.UTC().Truncate(time.Microsecond)
	recs := make([]events.Record, len(req.Events))
	for i, e := range req.Events {
		payload, version, err := events.Encode(e)
		if err != nil {
			return nil, fmt.Errorf("append: %w", err)
		}
		recs[i] = events.Record{
			ID: events.NewID(), StreamID: req.StreamID, StreamVersion: req.ExpectedVersion + int64(i) + 1,
			Type: e.EventType(), SchemaVersion: version, RecordedAt: recordedAt,
			DonorCode: req.DonorCode, PartnerCode: req.PartnerCode, Metadata: req.Metadata, Payload: payload,
		}
	}
	return recs, nil
}

// result is the request's answer as stored ("{}" when it has none).
func result(req *AppendRequest) json.RawMessage {
	if req.Result == nil {
		return json.RawMessage("{}")
	}
	return req.Result
}

// fingerprint is the request's fingerprint as stored (empty, not NULL).
func fingerprint(req *AppendRequest) []byte {
	if req.Fingerprint == nil {
		return []byte{}
	}
	return req.Fingerprint
}

func splitEntities(es []Entity) (ids, kinds []string) {
	ids, kinds = []string{}, []string{}
	for _, e := range es {
		ids, kinds = append(ids, e.ID), append(kinds, e.Kind)
	}
	return ids, kinds
}

func splitKeys(ks []NaturalKey) (scopes, keys, entities []string) {
	scopes, keys, entities = []string{}, []string{}, []string{}
	for _, k := range ks {
		scopes, keys, entities = append(scopes, k.Scope), append(keys, k.Key), append(entities, k.EntityID)
	}
	return scopes, keys, entities
}

package ledger

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// Batch runs many commands as one: each is decided exactly as the Ledger
// decides it, against the ledger as it stands plus the batch's earlier
// commands, and checked as the event store would check its append
// (expected version, new ids, natural keys, idempotency key) — but nothing
// is written until Commit appends them all in one transaction
// (eventstore.Store.AppendBatch), all or none. Spreadsheet imports use it:
// a dry run is a batch never committed.
//
// A Batch and its Ledger are not safe for concurrent use. Streams are read
// from the store once and then kept, so a batch of many commands on one
// stream does not read it again and again.
type Batch struct {
	store  *eventstore.Store
	ledger *Ledger
	reqs   []*eventstore.AppendRequest
	// streams are the records read or pending of each stream touched;
	// decoded holds their decoded payloads.
	streams  map[string]*batchStream
	entities map[string]eventstore.EntityRef
	keys     map[string]*eventstore.Prior
	// claims are the natural keys claimed in the batch (true) or released
	// (false).
	claims map[[2]string]string
	freed  map[[2]string]bool
	// fetched are the idempotency keys Prefetch looked up (found or not).
	fetched map[string]bool
	// optimistic: new streams, entity ids and natural keys are taken as
	// free without asking the store; assumed lists what was so taken, by
	// append, for Conflicts.
	optimistic bool
	assumed    []eventstore.LookupQuery
}

type batchStream struct {
	recs    []events.Record
	decoded []events.Event
	version int64
}

// NewBatch starts a batch of commands on l's store.
func (l *Ledger) NewBatch(store *eventstore.Store) *Batch {
	b := &Batch{store: store, streams: map[string]*batchStream{}, entities: map[string]eventstore.EntityRef{},
		keys: map[string]*eventstore.Prior{}, claims: map[[2]string]string{}, freed: map[[2]string]bool{}, fetched: map[string]bool{}}
	// A private pairing cache: a pairing the batch establishes may never
	// be committed.
	b.ledger = &Ledger{store: b, now: l.now, maxRetries: 1, pairings: new(sync.Map)}
	return b
}

// Prefetch looks up the idempotency keys of the commands to come at once,
// so that each does not ask the store.
func (b *Batch) Prefetch(ctx context.Context, keys []string) error {
	ex, err := b.store.Lookup(ctx, eventstore.LookupQuery{Keys: keys})
	if err != nil {
		return err
	}
	for _, k := range keys {
		b.fetched[k] = true
		if p, ok := ex.Priors[k]; ok {
			b.keys[k] = p
		}
	}
	return nil
}

// Optimistic makes the batch take a new stream, a new entity id or a
// natural key as free when the batch itself does not hold it, without
// asking the store for each; Conflicts asks for them all at once. Call it
// before the first command. (The store checks everything again when the
// batch is committed.)
func (b *Batch) Optimistic() { b.optimistic = true }

// Conflict is an append of the batch that the store would refuse.
type Conflict struct {
	Index int
	Err   error // a *Rejection: duplicate_voucher, duplicate_id, wrong_expected_version …
}

// Conflicts checks, with one query per kind, what an optimistic batch took
// as free: every append whose new stream exists, whose new id is in use,
// or whose natural key a live entry holds. An append refused here leaves
// the appends after it decided without knowing it: decide the batch again
// without the optimism (or without those commands) before committing.
func (b *Batch) Conflicts(ctx context.Context) ([]Conflict, error) {
	var q eventstore.LookupQuery
	for _, a := range b.assumed {
		q.Streams, q.Entities, q.NaturalKeys = append(q.Streams, a.Streams...), append(q.Entities, a.Entities...), append(q.NaturalKeys, a.NaturalKeys...)
	}
	ex, err := b.store.Lookup(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []Conflict
	for i, a := range b.assumed {
		var why error
		for _, s := range a.Streams {
			if v, taken := ex.Versions[s]; taken && why == nil {
				why = fmt.Errorf("%w: stream %s exists (version %d)", eventstore.ErrWrongExpectedVersion, s, v)
			}
		}
		for _, id := range a.Entities {
			if ex.Entities[id] && why == nil {
				why = fmt.Errorf("%w: %s", eventstore.ErrIDInUse, id)
			}
		}
		for _, k := range a.NaturalKeys {
			if holder, taken := ex.NaturalKeys[k]; taken && why == nil {
				why = &eventstore.DuplicateKeyError{Scope: k[0], Key: k[1], EntityID: holder}
			}
		}
		if why != nil {
			out = append(out, Conflict{Index: i, Err: storeRejection(why)})
		}
	}
	return out, nil
}

// Ledger is the ledger that decides commands into the batch. A command's
// Written carries its ids but no position until Commit.
func (b *Batch) Ledger() *Ledger { return b.ledger }

// Len is the number of appends the batch holds (a command repeated under
// its idempotency key adds none).
func (b *Batch) Len() int { return len(b.reqs) }

// Commit appends the batch. The results are the appends' in order; the
// error, when one append was refused (the ledger moved since it was
// decided), is a *eventstore.BatchError naming it — and nothing was
// written.
func (b *Batch) Commit(ctx context.Context) ([]*Written, error) {
	results, err := b.store.AppendBatch(ctx, b.reqs)
	if err != nil {
		var be *eventstore.BatchError
		if errors.As(err, &be) {
			return nil, &eventstore.BatchError{Index: be.Index, Err: storeRejection(be.Err)}
		}
		return nil, err
	}
	out := make([]*Written, len(results))
	for i, res := range results {
		if out[i], err = written(res); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// stream returns the stream as the batch sees it, reading it once.
func (b *Batch) stream(ctx context.Context, streamID string) (*batchStream, error) {
	if s, ok := b.streams[streamID]; ok {
		return s, nil
	}
	recs, version, err := b.store.ReadStream(ctx, streamID)
	if err != nil {
		return nil, err
	}
	s := &batchStream{recs: recs, version: version}
	for _, r := range recs {
		e, err := events.Decode(r.Type, r.SchemaVersion, r.Payload)
		if err != nil {
			return nil, fmt.Errorf("stream %s position %d: %w", streamID, r.Position, err)
		}
		s.decoded = append(s.decoded, e)
	}
	b.streams[streamID] = s
	return s, nil
}

// ReadStream implements backend: the stored records and the batch's.
func (b *Batch) ReadStream(ctx context.Context, streamID string) ([]events.Record, int64, error) {
	s, err := b.stream(ctx, streamID)
	if err != nil {
		return nil, 0, err
	}
	return s.recs, s.version, nil
}

// loadEvents is ReadStream decoded (see Ledger.load).
func (b *Batch) loadEvents(ctx context.Context, streamID string) ([]events.Event, int64, error) {
	s, err := b.stream(ctx, streamID)
	if err != nil {
		return nil, 0, err
	}
	return s.decoded, s.version, nil
}

// Entity implements backend: the batch's new entities, then the store's.
func (b *Batch) Entity(ctx context.Context, id string) (eventstore.EntityRef, error) {
	if ref, ok := b.entities[id]; ok {
		return ref, nil
	}
	return b.store.Entity(ctx, id)
}

// Idempotency implements backend: the batch's keys (and those Prefetch
// looked up), then the store's.
func (b *Batch) Idempotency(ctx context.Context, key string) (*eventstore.Prior, error) {
	if p, ok := b.keys[key]; ok {
		return p, nil
	}
	if b.fetched[key] {
		return nil, fmt.Errorf("idempotency key: %w", eventstore.ErrNotFound)
	}
	return b.store.Idempotency(ctx, key)
}

// Append implements backend: it checks req as the store would against the
// batch's view, and keeps it.
func (b *Batch) Append(ctx context.Context, req *eventstore.AppendRequest) (*eventstore.AppendResult, error) {
	var assumed eventstore.LookupQuery
	s, seen := b.streams[req.StreamID]
	if !seen && b.optimistic && req.ExpectedVersion == 0 {
		s = &batchStream{}
		assumed.Streams = []string{req.StreamID}
	} else if !seen {
		var err error
		if s, err = b.stream(ctx, req.StreamID); err != nil {
			return nil, err
		}
	}
	if s.version != req.ExpectedVersion {
		return nil, fmt.Errorf("%w: stream %s is at version %d in the batch", eventstore.ErrWrongExpectedVersion, req.StreamID, s.version)
	}
	for _, e := range req.NewEntities {
		_, inBatch := b.entities[e.ID]
		switch {
		case inBatch:
			return nil, fmt.Errorf("%w: %s", eventstore.ErrIDInUse, e.ID)
		case b.optimistic:
			assumed.Entities = append(assumed.Entities, e.ID)
		default:
			if _, err := b.store.Entity(ctx, e.ID); err == nil {
				return nil, fmt.Errorf("%w: %s", eventstore.ErrIDInUse, e.ID)
			} else if !errors.Is(err, eventstore.ErrNotFound) {
				return nil, err
			}
		}
	}
	for _, k := range req.Claim {
		holder, asked, err := b.naturalKey(ctx, k, req.Release)
		if err != nil {
			return nil, err
		}
		if holder != "" {
			return nil, &eventstore.DuplicateKeyError{Scope: k.Scope, Key: k.Key, EntityID: holder}
		}
		if !asked {
			assumed.NaturalKeys = append(assumed.NaturalKeys, [2]string{k.Scope, k.Key})
		}
	}
	b.streams[req.StreamID] = s
	// Accepted: it becomes part of what later commands see.
	for _, k := range req.Release {
		delete(b.claims, [2]string{k.Scope, k.Key})
		b.freed[[2]string{k.Scope, k.Key}] = true
	}
	for _, k := range req.Claim {
		b.claims[[2]string{k.Scope, k.Key}] = k.EntityID
	}
	for _, e := range req.NewEntities {
		b.entities[e.ID] = eventstore.EntityRef{ID: e.ID, Kind: e.Kind, StreamID: req.StreamID}
	}
	for i, e := range req.Events {
		payload, version, err := events.Encode(e)
		if err != nil {
			return nil, fmt.Errorf("batch: %w", err)
		}
		s.recs = append(s.recs, events.Record{StreamID: req.StreamID, StreamVersion: req.ExpectedVersion + int64(i) + 1, Type: e.EventType(),
			SchemaVersion: version, DonorCode: req.DonorCode, PartnerCode: req.PartnerCode, Metadata: req.Metadata, Payload: payload})
		s.decoded = append(s.decoded, e)
	}
	s.version += int64(len(req.Events))
	res := &eventstore.AppendResult{Result: req.Result}
	if k := req.Metadata.IdempotencyKey; k != "" {
		b.keys[k] = &eventstore.Prior{Fingerprint: req.Fingerprint, Result: eventstore.AppendResult{Result: req.Result, Replayed: true}}
	}
	b.reqs = append(b.reqs, req)
	b.assumed = append(b.assumed, assumed)
	return res, nil
}

// naturalKey returns who holds k as the batch sees it ("" when free),
// counting the releases of the request claiming it; asked is false when
// an optimistic batch took it as free without asking the store.
func (b *Batch) naturalKey(ctx context.Context, k eventstore.NaturalKey, releasing []eventstore.NaturalKey) (holder string, asked bool, err error) {
	for _, r := range releasing {
		if r.Scope == k.Scope && r.Key == k.Key {
			return "", true, nil
		}
	}
	key := [2]string{k.Scope, k.Key}
	if holder, ok := b.claims[key]; ok {
		return holder, true, nil
	}
	if b.freed[key] {
		return "", true, nil
	}
	if b.optimistic {
		return "", false, nil
	}
	holder, err = b.store.NaturalKey(ctx, k.Scope, k.Key)
	if errors.Is(err, eventstore.ErrNotFound) {
		return "", true, nil
	}
	return holder, true, err
}

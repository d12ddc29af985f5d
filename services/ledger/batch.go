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
	// planner checks the batch's appends as the store will; it learns the
	// log's names as commands ask for them.
	planner *eventstore.Planner
	reqs    []*eventstore.AppendRequest
	// streams are the records read or pending of each stream touched;
	// decoded holds their decoded payloads.
	streams map[string]*batchStream
	// entities are the entities the batch creates.
	entities map[string]eventstore.EntityRef
	// own are the idempotency keys of the batch's own appends.
	own map[string]bool
	// optimistic: new streams, entity ids and natural keys are taken as
	// free without asking the store; assumed holds what was so taken.
	optimistic bool
	assumed    assumed
}

// assumed are the names an optimistic batch took as free without asking.
type assumed struct {
	streams, entities map[string]bool
	natural           map[[2]string]bool
}

type batchStream struct {
	recs    []events.Record
	decoded []events.Event
	version int64
}

// NewBatch starts a batch of commands on l's store.
func (l *Ledger) NewBatch(store *eventstore.Store) *Batch {
	b := &Batch{store: store, planner: eventstore.NewPlanner(0, events.Hash{}), streams: map[string]*batchStream{},
		entities: map[string]eventstore.EntityRef{}, own: map[string]bool{},
		assumed: assumed{streams: map[string]bool{}, entities: map[string]bool{}, natural: map[[2]string]bool{}}}
	// A private pairing cache: a pairing the batch establishes may never
	// be committed.
	b.ledger = &Ledger{store: b, now: l.now, maxRetries: 1, pairings: new(sync.Map)}
	return b
}

// Prefetch looks up the idempotency keys of the commands to come at once,
// so that each does not ask the store.
func (b *Batch) Prefetch(ctx context.Context, keys []string) error {
	q := eventstore.LookupQuery{Keys: keys}
	ex, err := b.store.Lookup(ctx, q)
	if err != nil {
		return err
	}
	b.planner.Learn(q, ex)
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
	for s := range b.assumed.streams {
		q.Streams = append(q.Streams, s)
	}
	for id := range b.assumed.entities {
		q.Entities = append(q.Entities, id)
	}
	for k := range b.assumed.natural {
		q.NaturalKeys = append(q.NaturalKeys, k)
	}
	ex, err := b.store.Lookup(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []Conflict
	for i, req := range b.reqs {
		if why := b.refuted(eventstore.Query(req), ex); why != nil {
			out = append(out, Conflict{Index: i, Err: storeRejection(why)})
		}
	}
	return out, nil
}

// refuted is the first of q's names that was assumed free but that ex,
// the store's answer, holds; nil when none.
func (b *Batch) refuted(q eventstore.LookupQuery, ex *eventstore.Existing) error {
	for _, s := range q.Streams {
		if v, taken := ex.Versions[s]; taken && b.assumed.streams[s] {
			return fmt.Errorf("%w: stream %s exists (version %d)", eventstore.ErrWrongExpectedVersion, s, v)
		}
	}
	for _, id := range q.Entities {
		if ex.Entities[id] && b.assumed.entities[id] {
			return fmt.Errorf("%w: %s", eventstore.ErrIDInUse, id)
		}
	}
	for _, k := range q.NaturalKeys {
		if holder, taken := ex.NaturalKeys[k]; taken && b.assumed.natural[k] {
			return &eventstore.DuplicateKeyError{Scope: k[0], Key: k[1], EntityID: holder}
		}
	}
	return nil
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
	b.planner.LearnVersion(streamID, version)
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
	prior, used, known := b.planner.Prior(key)
	switch {
	case used && b.own[key]:
		// Decided in the batch, not yet written: no position yet.
		return &eventstore.Prior{Fingerprint: prior.Fingerprint, Result: eventstore.AppendResult{Result: prior.Result.Result, Replayed: true}}, nil
	case used:
		return prior, nil
	case known:
		return nil, fmt.Errorf("idempotency key: %w", eventstore.ErrNotFound)
	}
	return b.store.Idempotency(ctx, key)
}

// Append implements backend: it checks req as the store would against the
// batch's view (the planner), and keeps it. An optimistic batch takes the
// new streams, ids and claimed keys it knows nothing of as free; what a
// request releases, and anything a pessimistic batch does not know, is
// looked up.
func (b *Batch) Append(ctx context.Context, req *eventstore.AppendRequest) (*eventstore.AppendResult, error) {
	unknown := b.planner.Unknown(req)
	if b.optimistic {
		var ask eventstore.LookupQuery
		ask.Keys = unknown.Keys
		for _, k := range unknown.NaturalKeys {
			if releases(req, k) {
				ask.NaturalKeys = append(ask.NaturalKeys, k)
			} else {
				b.assumed.natural[k] = true
			}
		}
		for _, s := range unknown.Streams {
			b.assumed.streams[s] = true
		}
		for _, id := range unknown.Entities {
			b.assumed.entities[id] = true
		}
		b.planner.Learn(unknown, nil)
		unknown = ask
	}
	if len(unknown.Streams)+len(unknown.Keys)+len(unknown.Entities)+len(unknown.NaturalKeys) > 0 {
		ex, err := b.store.Lookup(ctx, unknown)
		if err != nil {
			return nil, err
		}
		b.planner.Learn(unknown, ex)
	}
	placed, err := b.planner.Place(req)
	if err != nil {
		return nil, err
	}
	if placed.Replayed { // a repeated key: its first answer, nothing new
		return placed, nil
	}
	// Accepted: it becomes part of what later commands see.
	s, ok := b.streams[req.StreamID]
	if !ok {
		s = &batchStream{}
		b.streams[req.StreamID] = s
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
	s.version = req.ExpectedVersion + int64(len(req.Events))
	if k := req.Metadata.IdempotencyKey; k != "" {
		b.own[k] = true
	}
	b.reqs = append(b.reqs, req)
	return &eventstore.AppendResult{Result: req.Result}, nil
}

// releases reports whether req releases the natural key k.
func releases(req *eventstore.AppendRequest, k [2]string) bool {
	for _, r := range req.Release {
		if r.Scope == k[0] && r.Key == k[1] {
			return true
		}
	}
	return false
}

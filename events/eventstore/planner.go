package eventstore

import (
	"bytes"
	"fmt"
	"time"

	"github.com/aidledger/aidledger/events"
)

// Planner checks appends exactly as the store checks them — idempotency
// key, expected version, new entity ids, natural keys released then
// claimed, in that order — against what it knows of the log plus the
// appends it has accepted, and places each accepted append's events at the
// next positions on the hash chain. It is the one home in Go of the append
// checks: AppendBatch plans its requests with it under the ledger head
// lock, and services/ledger's Batch decides commands against it without
// writing. (The same checks in SQL are ledger_append's, for single
// appends; a test holds the two to the same answers.)
//
// A Planner knows only what it was told (Learn): Unknown says what of a
// request it has not been told, and Place takes anything it was not told
// as absent (a new stream, a free id or key, an unused idempotency key).
// A Planner is not safe for concurrent use.
type Planner struct {
	head     int64
	headHash events.Hash
	known    known
	versions map[string]int64     // stream → version (absent: 0)
	priors   map[string]*Prior    // idempotency key → first use, in the log or among the placed
	entities map[string]bool      // entity ids in use
	natural  map[[2]string]string // (scope, key) → holder, live keys only
	stored   map[[2]string]string // natural keys as the log held them, for write

	records []events.Record // placed events, with positions and hashes
	idem    []idempotencyRow
	newEnts []entityRow
	touched map[string]bool // streams whose version placed appends set
}

// known records which names the planner was told about (present or not).
type known struct {
	streams, keys, entities map[string]bool
	natural                 map[[2]string]bool
}

type idempotencyRow struct {
	key         string
	fingerprint []byte
	result      []byte
	position    int64
	eventIDs    []string
	recordedAt  time.Time
}

type entityRow struct {
	id, kind, stream string
	position         int64
}

// NewPlanner returns a planner whose next event goes after head, whose
// chain hash is headHash.
func NewPlanner(head int64, headHash events.Hash) *Planner {
	return &Planner{head: head, headHash: headHash,
		known:    known{streams: map[string]bool{}, keys: map[string]bool{}, entities: map[string]bool{}, natural: map[[2]string]bool{}},
		versions: map[string]int64{}, priors: map[string]*Prior{}, entities: map[string]bool{},
		natural: map[[2]string]string{}, stored: map[[2]string]string{}, touched: map[string]bool{}}
}

// Query is every name req's checks look at.
func Query(req *AppendRequest) LookupQuery {
	q := LookupQuery{Streams: []string{req.StreamID}}
	if k := req.Metadata.IdempotencyKey; k != "" {
		q.Keys = []string{k}
	}
	for _, e := range req.NewEntities {
		q.Entities = append(q.Entities, e.ID)
	}
	for _, k := range req.Release {
		q.NaturalKeys = append(q.NaturalKeys, [2]string{k.Scope, k.Key})
	}
	for _, k := range req.Claim {
		q.NaturalKeys = append(q.NaturalKeys, [2]string{k.Scope, k.Key})
	}
	return q
}

// Unknown is the part of Query(req) the planner has not been told about.
func (p *Planner) Unknown(req *AppendRequest) LookupQuery {
	var u LookupQuery
	q := Query(req)
	for _, s := range q.Streams {
		if !p.known.streams[s] {
			u.Streams = append(u.Streams, s)
		}
	}
	for _, k := range q.Keys {
		if !p.known.keys[k] {
			u.Keys = append(u.Keys, k)
		}
	}
	for _, id := range q.Entities {
		if !p.known.entities[id] {
			u.Entities = append(u.Entities, id)
		}
	}
	for _, k := range q.NaturalKeys {
		if !p.known.natural[k] {
			u.NaturalKeys = append(u.NaturalKeys, k)
		}
	}
	return u
}

// Learn tells the planner what the log holds of q's names: ex as Lookup
// answers it (nil: none of them exists). Names it already knows keep what
// it knows, so that placed appends are never forgotten.
func (p *Planner) Learn(q LookupQuery, ex *Existing) {
	if ex == nil {
		ex = &Existing{}
	}
	for _, s := range q.Streams {
		if !p.known.streams[s] {
			p.known.streams[s], p.versions[s] = true, ex.Versions[s]
		}
	}
	for _, k := range q.Keys {
		if !p.known.keys[k] {
			p.known.keys[k] = true
			if prior, ok := ex.Priors[k]; ok {
				p.priors[k] = prior
			}
		}
	}
	for _, id := range q.Entities {
		if !p.known.entities[id] {
			p.known.entities[id], p.entities[id] = true, ex.Entities[id]
		}
	}
	for _, k := range q.NaturalKeys {
		if !p.known.natural[k] {
			p.known.natural[k] = true
			if holder, ok := ex.NaturalKeys[k]; ok {
				p.natural[k], p.stored[k] = holder, holder
			}
		}
	}
}

// LearnVersion tells the planner a stream's version, read with its events.
func (p *Planner) LearnVersion(stream string, version int64) {
	p.Learn(LookupQuery{Streams: []string{stream}}, &Existing{Versions: map[string]int64{stream: version}})
}

// Prior is the first use of an idempotency key as the planner knows it:
// ok is false when the key is unused; known is false when the planner was
// never told about it.
func (p *Planner) Prior(key string) (prior *Prior, ok, known bool) {
	prior, ok = p.priors[key]
	return prior, ok, p.known.keys[key]
}

// Version is a stream's version as the planner knows it.
func (p *Planner) Version(stream string) (version int64, known bool) {
	return p.versions[stream], p.known.streams[stream]
}

// Place checks req and, when it passes, accepts it: its events take the
// next positions and hashes, its stream version, ids, keys and
// idempotency key are taken. A request whose idempotency key was used
// before with the same fingerprint is not placed again: the first result
// comes back, Replayed. On an error (ErrIdempotencyKeyReused,
// ErrWrongExpectedVersion, ErrIDInUse, *DuplicateKeyError or a malformed
// request) nothing of req was taken.
func (p *Planner) Place(req *AppendRequest) (*AppendResult, error) {
	recs, err := newRecords(req)
	if err != nil {
		return nil, err
	}
	if err := p.check(req); err != nil {
		return nil, err
	}
	key := req.Metadata.IdempotencyKey
	if prior, ok := p.priors[key]; ok && key != "" {
		r := prior.Result
		return &r, nil
	}
	for _, e := range req.NewEntities {
		p.entities[e.ID] = true
		p.newEnts = append(p.newEnts, entityRow{id: e.ID, kind: e.Kind, stream: req.StreamID, position: p.head + 1})
	}
	for _, k := range req.Release {
		delete(p.natural, [2]string{k.Scope, k.Key})
	}
	for _, k := range req.Claim {
		p.natural[[2]string{k.Scope, k.Key}] = k.EntityID
	}
	res := &AppendResult{FirstPosition: p.head + 1, Result: result(req)}
	for i := range recs {
		p.head++
		recs[i].Position, recs[i].PrevHash = p.head, p.headHash
		recs[i].Hash = events.ChainHash(p.headHash, p.head, recs[i].Canonical())
		p.headHash = recs[i].Hash
		res.EventIDs = append(res.EventIDs, recs[i].ID)
	}
	res.LastPosition = p.head
	p.records = append(p.records, recs...)
	p.versions[req.StreamID] = req.ExpectedVersion + int64(len(recs))
	p.known.streams[req.StreamID] = true
	p.touched[req.StreamID] = true
	if key != "" {
		p.known.keys[key] = true
		p.priors[key] = &Prior{Fingerprint: fingerprint(req), Result: AppendResult{FirstPosition: res.FirstPosition,
			LastPosition: res.LastPosition, EventIDs: res.EventIDs, Result: res.Result, Replayed: true}}
		p.idem = append(p.idem, idempotencyRow{key: key, fingerprint: fingerprint(req), result: res.Result,
			position: res.LastPosition, eventIDs: res.EventIDs, recordedAt: recs[0].RecordedAt})
	}
	return res, nil
}

// check is Place's checks, changing nothing.
func (p *Planner) check(req *AppendRequest) error {
	key := req.Metadata.IdempotencyKey
	if prior, ok := p.priors[key]; ok && key != "" {
		if !bytes.Equal(prior.Fingerprint, fingerprint(req)) {
			return fmt.Errorf("%w: key %s", ErrIdempotencyKeyReused, key)
		}
		return nil
	}
	if v := p.versions[req.StreamID]; v != req.ExpectedVersion {
		return fmt.Errorf("%w: stream %s is at version %d, expected %d", ErrWrongExpectedVersion, req.StreamID, v, req.ExpectedVersion)
	}
	for _, e := range req.NewEntities {
		if p.entities[e.ID] {
			return fmt.Errorf("%w: %s", ErrIDInUse, e.ID)
		}
	}
	released := map[[2]string]bool{}
	for _, k := range req.Release {
		released[[2]string{k.Scope, k.Key}] = true
	}
	claimed := map[[2]string]string{}
	for _, k := range req.Claim {
		nk := [2]string{k.Scope, k.Key}
		holder, taken := p.natural[nk]
		if taken && released[nk] {
			taken = false
		}
		if h, twice := claimed[nk]; twice {
			holder, taken = h, true
		}
		if taken {
			return &DuplicateKeyError{Scope: k.Scope, Key: k.Key, EntityID: holder}
		}
		claimed[nk] = k.EntityID
	}
	return nil
}

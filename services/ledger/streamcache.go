package ledger

import (
	"container/list"
	"context"
	"fmt"
	"sync"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// DefaultCachedEvents is Config.CachedEvents' default.
const DefaultCachedEvents = 50_000

// streamCache keeps the streams commands decided on, decoded, up to the
// version last read, so that a command reads only the events appended
// since (a commitment with thousands of disbursements is not read and
// decoded whole for each new one). Events never change once appended, so
// a cached prefix is never stale; what follows it is always read from the
// store, so another writer's appends (another process) are seen. The
// least recently used streams are dropped beyond a bound on the events
// held. Safe for concurrent use.
type streamCache struct {
	mu     sync.Mutex
	max    int
	held   int
	lru    *list.List               // of *cachedStream, most recent first
	byID   map[string]*list.Element // stream id → its element
	reader func(ctx context.Context, streamID string, after int64) ([]events.Record, int64, error)
}

// cachedStream is a stream as read: never changed once cached (a newer
// version replaces it whole), so callers may keep its slices.
type cachedStream struct {
	id      string
	version int64
	recs    []events.Record
	decoded []events.Event
}

func newStreamCache(max int, store *eventstore.Store) *streamCache {
	return &streamCache{max: max, lru: list.New(), byID: map[string]*list.Element{}, reader: store.ReadStreamAfter}
}

// read returns the stream as it stands: what the cache holds and what the
// store has appended after it.
func (c *streamCache) read(ctx context.Context, streamID string) (*cachedStream, error) {
	c.mu.Lock()
	held := &cachedStream{id: streamID}
	if e, ok := c.byID[streamID]; ok {
		held = e.Value.(*cachedStream)
		c.lru.MoveToFront(e)
	}
	c.mu.Unlock()

	recs, version, err := c.reader(ctx, streamID, held.version)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return held, nil
	}
	decoded := make([]events.Event, len(recs))
	for i, r := range recs {
		if decoded[i], err = events.Decode(r.Type, r.SchemaVersion, r.Payload); err != nil {
			return nil, fmt.Errorf("stream %s position %d: %w", streamID, r.Position, err)
		}
	}
	return c.extend(held, recs, decoded, version), nil
}

// extend returns the stream held extended by recs (decoded), which end at
// version, and keeps it. Under the cache's lock the latest cached version
// is extended by what it lacks, in place: a snapshot handed out before
// keeps its own length and never sees an element below it change, and
// only one extension at a time writes beyond the latest's length, so the
// backing arrays grow amortised instead of being copied per command. The
// least recently used streams are then dropped beyond the bound.
func (c *streamCache) extend(held *cachedStream, recs []events.Record, decoded []events.Event, version int64) *cachedStream {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[held.id]
	var latest *cachedStream
	if ok {
		latest = e.Value.(*cachedStream)
		if latest.version >= version {
			return latest // as new as what was read, or newer
		}
	}
	next := &cachedStream{id: held.id, version: version}
	if latest != nil && latest.version >= held.version {
		// The latest is the longest user of its arrays: append in place.
		skip := int(latest.version - held.version) // of recs, already in it
		next.recs, next.decoded = append(latest.recs, recs[skip:]...), append(latest.decoded, decoded[skip:]...)
	} else {
		// held may share its arrays with a longer snapshot: copy.
		next.recs = append(held.recs[:len(held.recs):len(held.recs)], recs...)
		next.decoded = append(held.decoded[:len(held.decoded):len(held.decoded)], decoded...)
	}
	if ok {
		c.held -= len(e.Value.(*cachedStream).recs)
		e.Value = next
		c.lru.MoveToFront(e)
	} else {
		c.byID[next.id] = c.lru.PushFront(next)
	}
	c.held += len(next.recs)
	for c.held > c.max && c.lru.Len() > 1 {
		last := c.lru.Back()
		dropped := c.lru.Remove(last).(*cachedStream)
		delete(c.byID, dropped.id)
		c.held -= len(dropped.recs)
	}
	return next
}

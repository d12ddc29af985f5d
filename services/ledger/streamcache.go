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
	// The cached slices are shared: extend copies, never append in place.
	next := &cachedStream{id: streamID, version: version,
		recs:    append(held.recs[:len(held.recs):len(held.recs)], recs...),
		decoded: make([]events.Event, len(held.decoded), len(held.decoded)+len(recs))}
	copy(next.decoded, held.decoded)
	for _, r := range recs {
		e, err := events.Decode(r.Type, r.SchemaVersion, r.Payload)
		if err != nil {
			return nil, fmt.Errorf("stream %s position %d: %w", streamID, r.Position, err)
		}
		next.decoded = append(next.decoded, e)
	}
	c.store(next)
	return next, nil
}

// store keeps s unless a newer version of the stream is held, then drops
// the least recently used streams beyond the bound.
func (c *streamCache) store(s *cachedStream) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[s.id]; ok {
		old := e.Value.(*cachedStream)
		if old.version >= s.version {
			return
		}
		c.held -= len(old.recs)
		e.Value = s
		c.lru.MoveToFront(e)
	} else {
		c.byID[s.id] = c.lru.PushFront(s)
	}
	c.held += len(s.recs)
	for c.held > c.max && c.lru.Len() > 1 {
		last := c.lru.Back()
		dropped := c.lru.Remove(last).(*cachedStream)
		delete(c.byID, dropped.id)
		c.held -= len(dropped.recs)
	}
}

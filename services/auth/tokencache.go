package auth

import (
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// tokenCacheTTL is how long a process trusts a token it checked without
// asking the database again. A token revoked through this process stops
// authenticating at once; one revoked through another (a second server,
// the command line) within tokenCacheTTL. An expiry is honoured to the
// instant either way.
const tokenCacheTTL = time.Second

// tokenCacheMax bounds the cache; past it the cache starts afresh.
const tokenCacheMax = 4096

// tokenCaches are the caches of this process, one per database (pool):
// every Tokens on a pool shares it, so a revocation through any of them
// (the API, the web administration page) takes effect at once in all.
var tokenCaches sync.Map // *pgxpool.Pool → *tokenCache

func tokenCacheOf(pool *pgxpool.Pool) *tokenCache {
	c, _ := tokenCaches.LoadOrStore(pool, &tokenCache{})
	return c.(*tokenCache)
}

// tokenCache remembers recently checked live tokens by their hash, so that
// a busy client's requests do not each cost a database round trip.
type tokenCache struct {
	mu sync.Mutex
	m  map[[32]byte]cachedToken
}

type cachedToken struct {
	principal Principal
	expires   *time.Time // nil: never
	checked   time.Time
}

// get returns the principal of a token checked less than tokenCacheTTL ago
// and not expired at now.
func (c *tokenCache) get(hash [32]byte, now time.Time) (Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || now.Sub(e.checked) >= tokenCacheTTL || e.expires != nil && !now.Before(*e.expires) {
		return Principal{}, false
	}
	return e.principal, true
}

// put remembers a token found live at now.
func (c *tokenCache) put(hash [32]byte, p Principal, expires *time.Time, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= tokenCacheMax {
		c.m = make(map[[32]byte]cachedToken)
	}
	c.m[hash] = cachedToken{principal: p, expires: expires, checked: now}
}

// clear forgets every token (after a revocation).
func (c *tokenCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}

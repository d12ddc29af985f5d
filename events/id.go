package events

import (
	"crypto/rand"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

var (
	idMu      sync.Mutex
	idEntropy = ulid.Monotonic(rand.Reader, 0)
)

// NewID returns a new ULID string. IDs made by one process are strictly
// increasing (monotonic entropy within the same millisecond).
func NewID() string {
	idMu.Lock()
	defer idMu.Unlock()
	return ulid.MustNew(ulid.Timestamp(time.Now()), idEntropy).String()
}

// ValidID reports whether s is a well-formed ULID string (26 characters of
// Crockford base32), the form of every event and entity id.
func ValidID(s string) bool {
	_, err := ulid.ParseStrict(s)
	return err == nil
}

package eventstore

import "time"

// SetLastBatch makes s's group commit believe its previous batch held size
// appends, took took to commit and was answered just now, and lets the
// next batch gather for as long as that allows.
func SetLastBatch(s *Store, size int, took time.Duration) {
	g := s.group
	g.mu.Lock()
	defer g.mu.Unlock()
	g.lastSize, g.lastEnd, g.lastTook, g.gatherMax = size, time.Now(), took, took
}

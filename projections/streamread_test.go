package projections_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aidledger/aidledger/projections"
)

// TestScanGivesUpOrStops: a read of positions the stream does not hold
// yet waits for them, and ends with an error once no message has come for
// its stall time — or at once when its context ends — after handing on
// the messages that were there.
func TestScanGivesUpOrStops(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.publish(t, 3)

	start := time.Now()
	n, err := projections.ScanForTest(e.ctx, e.js, projections.DefaultStream, 1, 10, 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "no message for 300ms") || n != 3 {
		t.Fatalf("stalled read: %d messages, %v", n, err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("stalled read gave up after %s", d)
	}

	ctx, cancel := context.WithTimeout(e.ctx, 300*time.Millisecond)
	defer cancel()
	start = time.Now()
	n, err = projections.ScanForTest(ctx, e.js, projections.DefaultStream, 2, 10, time.Hour)
	if !errors.Is(err, context.DeadlineExceeded) || n != 2 {
		t.Fatalf("cancelled read: %d messages, %v", n, err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("cancelled read returned after %s", d)
	}
}

package projections_test

import (
	"strings"
	"testing"

	"github.com/aidledger/aidledger/projections"
)

// BuildInto builds a read model at a past position into a scratch schema:
// the scratch model equals the oracle for the first N events, a second
// build replaces the first, and the live read model is left exactly as it
// was.
func TestBuildIntoAMiddlePositionLeavesTheLiveModelAlone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.stoppedLiveModel(t, 1500) // the live model must not move by itself while we look at it
	e.checkModel(t, "proj_testcounts", 1500)

	const scratch = "pit_testcounts_0a1b2c"
	t.Cleanup(func() { _, _ = e.pool.Exec(e.ctx, "DROP SCHEMA IF EXISTS "+scratch+" CASCADE") })
	cfg := projections.RebuildConfig{Pool: e.pool, NATSURL: e.url, Projection: e.proj, BatchSize: 300, Logger: logger()}
	var calls int
	cfg.Progress = func(done, total int64) {
		calls++
		if total != 777 || done > total {
			t.Errorf("progress(%d, %d), want at most 777 of 777", done, total)
		}
	}
	pos, err := projections.BuildInto(e.ctx, cfg, scratch, 777)
	if err != nil {
		t.Fatal(err)
	}
	if pos != 777 {
		t.Errorf("position %d, want 777", pos)
	}
	if calls < 3 {
		t.Errorf("progress called %d times, want one per batch of 300", calls)
	}
	e.checkModel(t, scratch, 777)
	e.checkModel(t, "proj_testcounts", 1500)

	// Building again replaces what was there; 0 means the stream's end.
	cfg.Progress = nil
	e.publish(t, 20)
	if pos, err = projections.BuildInto(e.ctx, cfg, scratch, 0); err != nil || pos != 1520 {
		t.Fatalf("build to the end: %d, %v; want 1520", pos, err)
	}
	e.checkModel(t, scratch, 1520)
	e.checkModel(t, "proj_testcounts", 1500)
	if pos, err = projections.BuildInto(e.ctx, cfg, scratch, 96); err != nil || pos != 96 {
		t.Fatalf("build to 96: %d, %v", pos, err)
	}
	e.checkModel(t, scratch, 96)
}

func TestBuildIntoRefusesWhatItCannotDo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.publish(t, 50)
	if err := projections.Migrate(e.ctx, e.pool, e.proj); err != nil {
		t.Fatal(err)
	}
	cfg := projections.RebuildConfig{Pool: e.pool, NATSURL: e.url, Projection: e.proj, Logger: logger()}
	for _, tc := range []struct {
		schema string
		to     int64
		want   string
	}{
		{"proj_testcounts", 10, "belongs to the live read model"},
		{"proj_testcounts_rebuild", 10, "belongs to the live read model"},
		{"proj_testcounts_old", 10, "belongs to the live read model"},
		{"", 10, "1 to 63 bytes"},
		{strings.Repeat("s", 64), 10, "1 to 63 bytes"},
		{"scratch_refused", -1, "negative"},
		{"scratch_refused", 51, "beyond the stream's last sequence 50"},
	} {
		if _, err := projections.BuildInto(e.ctx, cfg, tc.schema, tc.to); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("BuildInto(%q, %d): %v, want an error saying %q", tc.schema, tc.to, err, tc.want)
		}
	}
	noURL := cfg
	noURL.NATSURL = ""
	if _, err := projections.BuildInto(e.ctx, noURL, "scratch_refused", 10); err == nil {
		t.Error("BuildInto without a NATS URL succeeded")
	}
	var left int
	if err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM pg_namespace WHERE nspname = 'scratch_refused'`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Error("a refused build left its schema behind")
	}
	// The live schema is still empty at position 0.
	e.checkModel(t, "proj_testcounts", 0)
}

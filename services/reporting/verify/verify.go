// Package verify checks, without trusting the running system, that the
// ledger is intact: it recomputes the hash chain over the Postgres log,
// compares the JetStream stream with it message by message, and rebuilds
// the read models into scratch schemas to diff them against the live ones.
//
// It only reads the ledger, the stream and the live read models; the one
// thing it writes is a scratch schema per read model ("vfy_<name>_<random>"),
// dropped before Run returns. It never switches a read model over.
package verify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/mod/sumdb/note"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// DefaultStream is the ledger's JetStream stream.
const DefaultStream = "LEDGER"

// MaxListed caps the stream mismatches and, per read model, the differing
// rows a Report lists; the counts beyond it are in the *Omitted fields.
const MaxListed = 1000

// Config configures Run.
type Config struct {
	// Pool is the ledger's database (event log and live read models).
	Pool *pgxpool.Pool
	// NATSURL locates JetStream; required with Stream or Projections.
	NATSURL string
	// StreamName is the ledger stream; "" means DefaultStream.
	StreamName string
	// From is the first position whose chain link is recomputed; the
	// anchor is the hash stored at From-1 (the zero hash for From <= 1).
	// It also bounds the stream comparison. Read models are always rebuilt
	// from position 1.
	From int64
	// Stream compares the JetStream stream with the log.
	Stream bool
	// Projections rebuilds ReadModels into scratch schemas and diffs them
	// against the live ones.
	Projections bool
	// ReadModels are the read models checked with Projections.
	ReadModels []projections.Projection
	// Checkpoints are signed checkpoints of the transparency log (C2SP
	// notes) kept from earlier: the ledger must extend each tree they
	// sign. LogKey is the ledger's public key that signs them.
	Checkpoints [][]byte
	LogKey      note.Verifier
	// Progress, if not nil, is called now and then with the work done and
	// the total foreseen (events hashed, messages compared and events
	// re-applied, together); total may grow.
	Progress func(done, total int64)
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Report is the outcome of Run. It is JSON-serialisable.
type Report struct {
	// OK: no discrepancy anywhere that was checked.
	OK bool `json:"ok"`
	// From is the first position checked; Anchor the hash it chains to.
	From   int64       `json:"from"`
	Anchor events.Hash `json:"anchor"`
	// Head is the ledger head (ledger_head) in the snapshot that was checked.
	Head Head `json:"head"`
	// Checked is how many events' chain links were verified (up to the
	// break, if any).
	Checked int64 `json:"checked"`
	// ChainBreak is the first position where the log does not match its
	// hash chain; nil when it matches.
	ChainBreak *ChainBreak `json:"chain_break"`
	// Stream is what the stream comparison saw (nil when not asked).
	Stream *StreamSummary `json:"stream,omitempty"`
	// StreamMismatches lists positions where stream and log disagree, in
	// position order (at most MaxListed).
	StreamMismatches []StreamMismatch `json:"stream_mismatches"`
	// Projections has one entry per read model checked.
	Projections []ProjectionResult `json:"projections,omitempty"`
	// ProjectionDiffs lists the rows that differ between a live read model
	// and its rebuild (at most MaxListed per read model).
	ProjectionDiffs []ProjectionDiff `json:"projection_diffs"`
	// SummaryMismatches lists the published summaries (of the events
	// checked) whose stated position and chain hash the log does not bear
	// out.
	SummaryMismatches []SummaryMismatch `json:"summary_mismatches"`
	// Tree is the check of the stored transparency log against the
	// events; Checkpoints the check of each checkpoint given.
	Tree        *TreeResult        `json:"tree,omitempty"`
	Checkpoints []CheckpointResult `json:"checkpoints,omitempty"`
}

// Head is the ledger head.
type Head struct {
	Position int64       `json:"position"`
	Hash     events.Hash `json:"hash"`
}

// Kinds of chain break.
const (
	BreakGap      = "gap"       // a position is missing
	BreakOrder    = "order"     // the event at this position was chained at another one
	BreakPayload  = "payload"   // the canonical bytes (payload or metadata) were altered
	BreakHash     = "hash"      // the stored hash was altered
	BreakPrevHash = "prev_hash" // prev_hash is not the previous event's hash
	BreakMismatch = "mismatch"  // stored hash and contents disagree; which one changed is unclear
	BreakHead     = "head"      // ledger_head disagrees with the last event
)

// ChainBreak is the first position where the log does not match its chain.
type ChainBreak struct {
	Position int64  `json:"position"`
	Kind     string `json:"kind"`
	Reason   string `json:"reason"`
	// EventID is the id of the event stored at Position, if any.
	EventID string `json:"event_id,omitempty"`
}

// Kinds of stream mismatch.
const (
	StreamMissing = "missing" // the ledger has the position, the stream does not
	StreamExtra   = "extra"   // the stream has a sequence the ledger does not
	StreamDiffers = "differs" // both have it, with different contents
)

// StreamMismatch is one position where the stream and the log disagree.
type StreamMismatch struct {
	Position int64  `json:"position"`
	Kind     string `json:"kind"`
	Reason   string `json:"reason"`
	// EventID is the ledger's event at Position ("" if none).
	EventID string `json:"event_id,omitempty"`
}

// StreamSummary describes the stream comparison.
type StreamSummary struct {
	Name string `json:"name"`
	// Compared is how many positions were compared.
	Compared int64 `json:"compared"`
	// FirstSeq and LastSeq are the stream's, when the comparison began.
	FirstSeq int64 `json:"first_seq"`
	LastSeq  int64 `json:"last_seq"`
	// Lag is how many positions after LastSeq the ledger holds: not yet
	// published (the relay is behind), not a discrepancy.
	Lag int64 `json:"lag"`
	// Omitted mismatches beyond MaxListed.
	Omitted int64 `json:"omitted,omitempty"`
}

// ProjectionResult is the check of one read model.
type ProjectionResult struct {
	Name string `json:"name"`
	// Position is where the live and the rebuilt model were compared.
	Position int64 `json:"position"`
	// Live and Rebuilt are the combined checksums (projections.Digest).
	Live    string `json:"live,omitempty"`
	Rebuilt string `json:"rebuilt,omitempty"`
	Match   bool   `json:"match"`
	// Diffs is how many differing keys were found; Omitted of them are not
	// listed in Report.ProjectionDiffs.
	Diffs   int `json:"diffs"`
	Omitted int `json:"omitted,omitempty"`
	// Error says why the read model could not be rebuilt from the stream
	// (a missing or altered message); it is a discrepancy.
	Error string `json:"error,omitempty"`
}

// ProjectionDiff is one key whose rows differ between the live read model
// and its rebuild.
type ProjectionDiff struct {
	Projection string `json:"projection"`
	Table      string `json:"table"`
	// Key is the row's key (the table's ORDER BY values, a JSON array).
	Key     string   `json:"key"`
	Live    []string `json:"live"`
	Rebuilt []string `json:"rebuilt"`
}

// Run checks the ledger as cfg asks. It returns an error only when it could
// not run (database or NATS unreachable, bad configuration …); everything
// found wrong with the ledger is in the Report, with OK false.
func Run(ctx context.Context, cfg Config) (Report, error) {
	rep := Report{StreamMismatches: []StreamMismatch{}, ProjectionDiffs: []ProjectionDiff{}, SummaryMismatches: []SummaryMismatch{}}
	if cfg.Pool == nil {
		return rep, errors.New("verify: Pool is required")
	}
	if (cfg.Stream || cfg.Projections) && cfg.NATSURL == "" {
		return rep, errors.New("verify: NATSURL is required to check the stream or the read models")
	}
	if cfg.StreamName == "" {
		cfg.StreamName = DefaultStream
	}
	if cfg.From < 1 {
		cfg.From = 1
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	rep.From = cfg.From
	pr := &progress{fn: cfg.Progress}

	if err := checkChain(ctx, cfg, &rep, pr); err != nil {
		return rep, err
	}
	if err := checkTree(ctx, cfg, &rep); err != nil {
		return rep, err
	}
	if cfg.Stream || cfg.Projections {
		sr, err := openStream(ctx, cfg.NATSURL, cfg.StreamName)
		if err != nil {
			return rep, err
		}
		defer sr.close()
		if cfg.Stream {
			if err := checkStream(ctx, cfg, sr, &rep, pr); err != nil {
				return rep, err
			}
		}
		if cfg.Projections {
			for _, p := range cfg.ReadModels {
				if err := checkProjection(ctx, cfg, sr, p, &rep, pr); err != nil {
					return rep, err
				}
			}
		}
	}
	rep.OK = rep.ChainBreak == nil && len(rep.StreamMismatches) == 0 && len(rep.ProjectionDiffs) == 0 && len(rep.SummaryMismatches) == 0
	for _, p := range rep.Projections {
		if !p.Match {
			rep.OK = false
		}
	}
	if rep.Tree.Reason != "" {
		rep.OK = false
	}
	for _, c := range rep.Checkpoints {
		if !c.OK {
			rep.OK = false
		}
	}
	return rep, nil
}

// progress accumulates work for Config.Progress.
type progress struct {
	fn          func(done, total int64)
	done, total int64
}

func (p *progress) plan(n int64) {
	p.total += max(n, 0)
	p.report()
}

func (p *progress) add(n int64) {
	p.done += n
	if p.done > p.total {
		p.total = p.done
	}
	p.report()
}

func (p *progress) report() {
	if p.fn != nil {
		p.fn(p.done, p.total)
	}
}

// errf is fmt.Errorf with the package prefix.
func errf(format string, a ...any) error { return fmt.Errorf("verify: "+format, a...) }

// Exit codes of `aidledger verify`.
const (
	ExitOK          = 0 // everything checked holds
	ExitDiscrepancy = 1 // something does not
	ExitCannotRun   = 2 // the check could not run
)

// ExitCode maps Run's outcome to the command's exit code.
func ExitCode(rep Report, err error) int {
	switch {
	case err != nil:
		return ExitCannotRun
	case !rep.OK:
		return ExitDiscrepancy
	}
	return ExitOK
}

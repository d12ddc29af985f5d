package web

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/aidledger/aidledger/events/transparency"
	"github.com/aidledger/aidledger/services/reporting/verify"
)

// verifyData is the verification page.
type verifyData struct {
	basePage
	Latest *verify.Recorded
	// Job is the verification running now, if any; Failed says why the
	// last one could not run.
	Job    *jobProgress
	Failed string
	// Checkpoint is the transparency log's latest signed checkpoint (nil:
	// none yet); Cosigned the latest checkpoints witnesses cosigned.
	Checkpoint *transparency.Checkpoint
	Cosigned   []transparency.Checkpoint
}

// cosignedListed is how many cosigned checkpoints the page lists.
const cosignedListed = 10

// verifyJob runs one verification at a time in the background: on a
// large ledger it takes longer than a request may (every event hashed,
// every message compared, every read model rebuilt). Its result is
// recorded in verify_runs like any other run. (The page of the instance
// that runs it shows its progress; every instance shows its result.)
type verifyJob struct {
	mu      sync.Mutex
	running *jobProgress
	failed  string
}

// jobProgress is a running job, as the page shows it.
type jobProgress struct {
	Actor       string
	Started     time.Time
	Done, Total int64
}

// Percent is the share done, 0–100.
func (p jobProgress) Percent() int64 {
	if p.Total <= 0 {
		return 0
	}
	return min(100, 100*p.Done/p.Total)
}

// start runs f in the background unless a job runs; it reports whether it
// started one.
func (j *verifyJob) start(actor string, f func(progress func(done, total int64)) error) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.running != nil {
		return false
	}
	j.running, j.failed = &jobProgress{Actor: actor, Started: time.Now()}, ""
	go func() {
		err := f(func(done, total int64) {
			j.mu.Lock()
			defer j.mu.Unlock()
			j.running.Done, j.running.Total = done, total
		})
		j.mu.Lock()
		defer j.mu.Unlock()
		j.running = nil
		if err != nil {
			j.failed = err.Error()
		}
	}()
	return true
}

// state is a copy of the running job (nil when none) and the last
// failure.
func (j *verifyJob) state() (*jobProgress, string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.running == nil {
		return nil, j.failed
	}
	p := *j.running
	return &p, j.failed
}

// verifyPage shows the verification running now (it refreshes itself
// until done), or the latest one, and a button to run one (auditors and
// admins).
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request, q *request) {
	d := &verifyData{basePage: q.base(r, q.lang.T("verify.title"), "verify")}
	if !d.Audits() {
		s.errorPage(w, r, q, http.StatusForbidden, "verify.forbidden")
		return
	}
	d.Job, d.Failed = s.verifyJob.state()
	var err error
	if d.Latest, err = verify.Latest(r.Context(), s.cfg.Pool); err != nil {
		s.fail(w, r, q, err)
		return
	}
	tree := transparency.New(s.cfg.Store)
	if d.Checkpoint, err = tree.Latest(r.Context()); err != nil && !errors.Is(err, transparency.ErrNoCheckpoint) {
		s.fail(w, r, q, err)
		return
	}
	if d.Cosigned, err = tree.Cosignatures(r.Context(), cosignedListed); err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.render(w, r, http.StatusOK, "verify", d)
}

// verify starts a full verification in the background — the hash chain,
// the stream against the log, every read model against its rebuild — to
// be recorded in verify_runs, and shows its progress.
func (s *Server) verify(w http.ResponseWriter, r *http.Request, q *request) {
	if b := q.base(r, "", ""); !b.Audits() {
		s.errorPage(w, r, q, http.StatusForbidden, "verify.forbidden")
		return
	}
	actor := q.principal().Actor()
	s.verifyJob.start(actor, func(progress func(done, total int64)) error {
		ctx := context.Background() // the job outlives the request that started it
		rep, err := verify.Run(ctx, verify.Config{Pool: s.cfg.Pool, NATSURL: s.cfg.NATSURL, Stream: true, Projections: true,
			ReadModels: s.cfg.ReadModels, Logger: s.cfg.Logger, Progress: progress})
		if err == nil {
			_, err = verify.Record(ctx, s.cfg.Pool, actor, rep)
		}
		if err != nil {
			s.cfg.Logger.Error("verification failed to run", "err", err)
		}
		return err
	})
	http.Redirect(w, r, "/verify", http.StatusSeeOther)
}

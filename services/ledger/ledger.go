// Package ledger holds the command handlers: for each command it checks the
// caller's scope and every invariant of the event catalogue against the
// current state of the streams involved, then appends the resulting events
// through the event store with optimistic concurrency and the caller's
// idempotency key.
//
// Where each event is validated: pairing.go (PairingEstablished,
// AnnualTargetsSet), project.go, funds.go (commitments, disbursements,
// reversals, receipts), social.go (donations), consumption.go (purchases,
// sales), staff.go (secondments), visit.go, reversal.go (entry reversals).
package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
)

// DefaultMaxRetries is Config.MaxRetries' default.
const DefaultMaxRetries = 8

// Config configures a Ledger. Store is required.
type Config struct {
	// Store is the book of record the ledger reads and appends to.
	Store *eventstore.Store
	// Now is the clock; default time.Now. Tests move it.
	Now func() time.Time
	// MaxRetries bounds how often a command is re-decided after losing an
	// optimistic-concurrency race; default DefaultMaxRetries.
	MaxRetries int
	// CachedEvents bounds how many events the ledger keeps decoded, by
	// stream, to decide commands on (see streamCache); default
	// DefaultCachedEvents.
	CachedEvents int
}

func (c *Config) setDefaults() {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.CachedEvents == 0 {
		c.CachedEvents = DefaultCachedEvents
	}
}

// Validate reports the first thing wrong with c after defaults are applied
// (New applies them; Validate works on a copy).
func (c Config) Validate() error {
	c.setDefaults()
	switch {
	case c.Store == nil:
		return errors.New("ledger: config: Store is required")
	case c.MaxRetries < 0:
		return errors.New("ledger: config: MaxRetries must not be negative")
	case c.CachedEvents < 0:
		return errors.New("ledger: config: CachedEvents must not be negative")
	}
	return nil
}

// Ledger executes commands. It is safe for concurrent use (the Ledger of
// a Batch is not).
type Ledger struct {
	store      backend
	now        func() time.Time
	maxRetries int
	pairings   *sync.Map    // pairing id → events.PairingEstablished (immutable once written)
	streams    *streamCache // nil for a Batch's ledger
	turns      *streamTurns // nil for a Batch's ledger
	// commitments keeps commitments' folded states (nil for a Batch's
	// ledger).
	commitments *commitmentStates
}

// New returns a Ledger on cfg.Store, or the first thing wrong with cfg.
func New(cfg Config) (*Ledger, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	return &Ledger{store: cfg.Store, now: cfg.Now, maxRetries: cfg.MaxRetries, pairings: new(sync.Map),
		streams: newStreamCache(cfg.CachedEvents, cfg.Store), turns: newStreamTurns(), commitments: newCommitmentStates(cachedCommitments)}, nil
}

// cachedCommitments is how many commitments' folded states a Ledger keeps.
const cachedCommitments = 4096

// backend is what the ledger reads state from and appends to: the event
// store, or a Batch that holds its appends back.
type backend interface {
	ReadStream(ctx context.Context, streamID string) ([]events.Record, int64, error)
	Entity(ctx context.Context, id string) (eventstore.EntityRef, error)
	Idempotency(ctx context.Context, key string) (*eventstore.Prior, error)
	Append(ctx context.Context, req *eventstore.AppendRequest) (*eventstore.AppendResult, error)
}

// Request is what every command carries besides its body.
type Request struct {
	Principal auth.Principal
	// IdempotencyKey is the client's key (8–128 printable ASCII characters).
	// A repeat with the same command returns the first answer and writes
	// nothing; a repeat with a different command is rejected.
	IdempotencyKey string
	CorrelationID  string
}

// Written is the answer to every successful command: the ids it created or
// touched, the ids of its events and the ledger position of the last one.
type Written struct {
	PairingID      string `json:"pairing_id,omitempty"`
	ProjectID      string `json:"project_id,omitempty"`
	CommitmentID   string `json:"commitment_id,omitempty"`
	DisbursementID string `json:"disbursement_id,omitempty"`
	ReversalID     string `json:"reversal_id,omitempty"`
	DonationID     string `json:"donation_id,omitempty"`
	PurchaseID     string `json:"purchase_id,omitempty"`
	SaleID         string `json:"sale_id,omitempty"`
	SecondmentID   string `json:"secondment_id,omitempty"`
	VisitID        string `json:"visit_id,omitempty"`
	// LabourTransferID … WorkshopID name the entries of the office
	// indicators.
	LabourTransferID string   `json:"labour_transfer_id,omitempty"`
	InvestmentID     string   `json:"investment_id,omitempty"`
	TrainingID       string   `json:"training_id,omitempty"`
	AgreementID      string   `json:"agreement_id,omitempty"`
	ParkID           string   `json:"park_id,omitempty"`
	WorkshopID       string   `json:"workshop_id,omitempty"`
	EventIDs         []string `json:"event_ids"`
	Position         int64    `json:"position"`
	// Replayed is true when the answer is a repeat of an earlier request.
	Replayed bool `json:"replayed"`
}

// decision is what a command handler decides from the current state: the
// append to make. It is re-run from scratch after a concurrency conflict.
type decision func(ctx context.Context) (*eventstore.AppendRequest, error)

// run executes one command: decided first (a refusal of access is
// answered before the idempotency key is even looked up), then the key (a
// repeat answers the first answer), then appended, re-deciding when
// another writer moved the stream in between.
// op names the command and cmd is its body as received: together with the
// actor they form the fingerprint that a repeated key must match.
func (l *Ledger) run(ctx context.Context, req Request, op string, cmd any, ids Written, decide decision) (*Written, error) {
	if !idempotencyRe.MatchString(req.IdempotencyKey) {
		return nil, reject(http.StatusBadRequest, CodeIdempotencyRequired, "Idempotency-Key",
			"every write needs an Idempotency-Key header of 8 to 128 printable ASCII characters (a UUID or ULID is ideal)",
			"每个写请求都需要 Idempotency-Key 请求头(8–128 个可打印 ASCII 字符,建议使用 UUID 或 ULID)")
	}
	body, err := json.Marshal(cmd)
	if err != nil {
		return nil, fmt.Errorf("%s: fingerprint: %w", op, err)
	}
	fp := sha256.Sum256(bytes.Join([][]byte{[]byte(op), []byte(req.Principal.Actor()), body}, []byte{0}))

	// Decided before the key is looked up: a caller refused access to
	// what it names (403, or 404 for another tenant's entity) learns
	// nothing of the key — not even that someone used it.
	ar, err := decide(ctx)
	if denied(err) {
		return nil, err
	}
	// A repeated key needs no look-up here: the append answers it with its
	// first answer (or refuses a reused one) before anything else, and a
	// refused decision looks the key up below.
	result, merr := json.Marshal(ids)
	if merr != nil {
		return nil, fmt.Errorf("%s: %w", op, merr)
	}
	// Decide again and append in the stream's turn when another command
	// of this process was appending to it meanwhile.
	if err == nil && l.turns != nil {
		release, contended, terr := l.turns.take(ctx, ar.StreamID)
		if terr != nil {
			return nil, terr
		}
		defer release()
		if contended {
			ar, err = decide(ctx)
		}
	}
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			ar, err = decide(ctx)
		}
		if err == nil {
			ar.Metadata = events.Metadata{Actor: req.Principal.Actor(), IdempotencyKey: req.IdempotencyKey, CorrelationID: req.CorrelationID}
			ar.Fingerprint, ar.Result, ar.RecordedAt = fp[:], result, l.now()
			var res *eventstore.AppendResult
			res, err = l.store.Append(ctx, ar)
			if errors.Is(err, eventstore.ErrWrongExpectedVersion) && attempt < l.maxRetries {
				continue
			}
			if err == nil {
				return written(res)
			}
			err = storeRejection(err)
		}
		// A copy of this very request (a client's retry, sent while the
		// first was still running) may have been recorded meanwhile, and
		// its effect be what refused this one (the pairing now overlaps,
		// the commitment is spent, the voucher taken) — or the append's
		// outcome is unknown. The key's first answer is the one answer.
		var r *Rejection
		if errors.As(err, &r) || errors.Is(err, eventstore.ErrOutcomeUnknown) {
			if w, seen, werr := l.answered(context.WithoutCancel(ctx), req.IdempotencyKey, fp[:]); seen {
				return w, werr
			}
		}
		if errors.Is(err, eventstore.ErrOutcomeUnknown) {
			return nil, outcomeUnknown()
		}
		return nil, err
	}
}

// denied reports whether err refuses the caller access to what its
// request names (403 forbidden, 404 not_found).
func denied(err error) bool {
	var r *Rejection
	return errors.As(err, &r) && (r.Status == http.StatusForbidden || r.Status == http.StatusNotFound)
}

// answered looks the idempotency key up: seen is true when it was used
// before, and then the answer is the first request's (replayed) or, for a
// different request under the same key, idempotency_key_reused. An error
// with seen false is the lookup's own.
func (l *Ledger) answered(ctx context.Context, key string, fingerprint []byte) (w *Written, seen bool, err error) {
	prior, err := l.store.Idempotency(ctx, key)
	switch {
	case errors.Is(err, eventstore.ErrNotFound):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("idempotency key: %w", err)
	case !bytes.Equal(prior.Fingerprint, fingerprint):
		return nil, true, keyReused()
	}
	w, err = written(&prior.Result)
	return w, true, err
}

// outcomeUnknown answers an append whose connection was lost after it was
// sent, and whose key was not found recorded afterwards: it may yet have
// been recorded. Retrying with the same key is always safe.
func outcomeUnknown() *Rejection {
	return reject(http.StatusServiceUnavailable, CodeOutcomeUnknown, "",
		"the connection to the ledger database was lost while this request was being recorded, so it may or may not have been recorded; send it again with the same Idempotency-Key — it will be recorded once",
		"记录本请求时与账本数据库的连接中断,无法确定是否已记录;请使用相同的 Idempotency-Key 重新提交——同一请求只会记录一次")
}

func written(res *eventstore.AppendResult) (*Written, error) {
	var w Written
	if err := json.Unmarshal(res.Result, &w); err != nil {
		return nil, fmt.Errorf("stored result: %w", err)
	}
	w.EventIDs, w.Position, w.Replayed = res.EventIDs, res.LastPosition, res.Replayed
	return &w, nil
}

func keyReused() *Rejection {
	return rule(CodeIdempotencyReused, "Idempotency-Key",
		"this Idempotency-Key was already used for a different request; use a new key for a new request",
		"该 Idempotency-Key 已用于另一个不同的请求;新请求请使用新的键")
}

// storeRejection turns the event store's typed errors into rejections.
func storeRejection(err error) error {
	var dup *eventstore.DuplicateKeyError
	switch {
	case errors.As(err, &dup):
		return duplicate(dup)
	case errors.Is(err, eventstore.ErrIdempotencyKeyReused):
		return keyReused()
	case errors.Is(err, eventstore.ErrWrongExpectedVersion):
		return conflict(CodeWrongExpectedVersion, "", "the record was changed by someone else at the same time; please retry",
			"该记录同时被他人修改,请重试")
	case errors.Is(err, eventstore.ErrIDInUse):
		return conflict(CodeDuplicateID, "", "an entry with this id already exists", "该编号的记录已存在")
	}
	return err
}

// today is the current business date (China time).
func (l *Ledger) today() events.Date { return events.Today(l.now()) }

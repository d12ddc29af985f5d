package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/reporting/summary"
)

// projected is every read-model answer: the data and the ledger position
// they reflect (the read model's checkpoint, read in the same snapshot).
type projected[T any] struct {
	Body struct {
		Position int64 `json:"position" doc:"the ledger position this answer reflects"`
		Data     T     `json:"data"`
	}
}

// Freshness is what every read-model query takes. (Exported: huma reads
// the fields of an embedded struct only when its type is exported.)
type Freshness struct {
	MinPosition int64 `query:"min_position" minimum:"0" doc:"wait (up to 5 s) until the read model has applied this position, e.g. the position a write answered; 503 not_yet_projected with the current position otherwise"`
}

// waitProjected waits (up to the read timeout) until projection p has
// applied position min (0: no wait); 503 not_yet_projected, naming the
// position reached, when it does not.
func (s *Server) waitProjected(ctx context.Context, op string, p projections.Projection, min int64) error {
	if min <= 0 {
		return nil
	}
	reached, err := projections.WaitFor(ctx, s.readPool(), p, min, s.cfg.ReadWait)
	if errors.Is(err, projections.ErrNotReached) {
		return &ledger.Rejection{Status: http.StatusServiceUnavailable, Code: ledger.CodeNotYetProjected,
			Message:   fmt.Sprintf("the %s read model is at position %d, not yet at %d; retry shortly", p.Name(), reached, min),
			MessageZh: fmt.Sprintf("%s 读模型当前处理到第 %d 条事件,尚未到第 %d 条,请稍后重试", p.Name(), reached, min)}
	}
	if err != nil {
		return s.fail(op, err)
	}
	return nil
}

// readPool is where read-model reads go (Config.ReadPool).
func (s *Server) readPool() *pgxpool.Pool { return cmp.Or(s.cfg.ReadPool, s.cfg.Pool) }

// readModel answers a read from projection p: it waits for min_position,
// then runs query in one REPEATABLE READ snapshot together with the
// checkpoint, so the answer is exactly the effect of events 1..position.
func readModel[T any](s *Server, ctx context.Context, op string, p projections.Projection, f Freshness, query func(pgx.Tx) (T, error)) (*projected[T], error) {
	if err := s.waitProjected(ctx, op, p, f.MinPosition); err != nil {
		return nil, err
	}
	out := &projected[T]{}
	err := pgx.BeginTxFunc(ctx, s.readPool(), pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		pos, err := projections.Position(ctx, tx, p)
		if err != nil {
			return err
		}
		out.Body.Position = pos
		out.Body.Data, err = query(tx)
		return err
	})
	if err != nil {
		var r *ledger.Rejection
		if errors.As(err, &r) {
			return nil, r
		}
		if errors.Is(err, balances.ErrNotFound) {
			return nil, &ledger.Rejection{Status: http.StatusNotFound, Code: ledger.CodeNotFound, Message: "not found (yet): " + err.Error(), MessageZh: "未找到"}
		}
		return nil, s.fail(op, err)
	}
	return out, nil
}

// readablePairing checks that the caller may read pairing id.
func (s *Server) readablePairing(ctx context.Context, id string) error {
	pr, err := s.cfg.Ledger.Pairing(ctx, id)
	if err != nil {
		return err
	}
	if !principal(ctx).CanRead(pr.Donor.Code, pr.Partner.Code) {
		return notVisible("pairing", id)
	}
	return nil
}

// readableCommitment is nil when the caller may read one of the pairings
// commitment c funds (a county sees the shared commitment it has a share
// of), the lead pairing's refusal otherwise.
func (s *Server) readableCommitment(ctx context.Context, c *balances.CommitmentSummary) error {
	err := s.readablePairing(ctx, c.PairingID)
	for _, sh := range c.Shares {
		if err == nil {
			break
		}
		if s.readablePairing(ctx, sh.PairingID) == nil {
			err = nil
		}
	}
	return err
}

// notVisible hides what a caller may not read as if it did not exist.
func notVisible(what, id string) *ledger.Rejection {
	return &ledger.Rejection{Status: http.StatusNotFound, Code: ledger.CodeNotFound,
		Message: fmt.Sprintf("%s %s does not exist", what, id), MessageZh: fmt.Sprintf("%s 不存在", id)}
}

type pairingsInput struct {
	Freshness
	Donor   string `query:"donor" maxLength:"32" doc:"donor code"`
	Partner string `query:"partner" maxLength:"6" doc:"partner county code"`
}

type pairingBalancesInput struct {
	BalancesPointInTime
	ID   string `path:"id" maxLength:"64"`
	Year int    `query:"year" minimum:"0" maximum:"2100" doc:"fiscal year; 0 or omitted: every year with figures"`
}

type donorBalancesInput struct {
	BalancesPointInTime
	Donor string `query:"donor" required:"true" maxLength:"32"`
	Year  int    `query:"year" minimum:"0" maximum:"2100" doc:"fiscal year; 0 or omitted: all years"`
}

type entityReadInput struct {
	Freshness
	ID string `path:"id" maxLength:"64"`
}

type auditInput struct {
	Freshness
	PairingID  string `query:"pairing_id" maxLength:"64"`
	Type       string `query:"type" maxLength:"64" doc:"event type, e.g. aid.funds_disbursed"`
	Actor      string `query:"actor" maxLength:"200"`
	From       string `query:"from" format:"date" doc:"business date from (inclusive)"`
	To         string `query:"to" format:"date" doc:"business date to (inclusive)"`
	DocumentNo string `query:"document_no" maxLength:"100" doc:"document, voucher, receipt or order number"`
	Prefix     bool   `query:"document_no_prefix" doc:"match document_no as a prefix"`
	EntityID   string `query:"entity_id" maxLength:"64"`
	After      int64  `query:"after" minimum:"0" doc:"keyset pagination: the next_after of the previous page"`
	Limit      int    `query:"limit" minimum:"1" maximum:"1000" default:"100"`
	// Point in time (audittrail.Filter documents each). at_position and
	// as_recorded_at bound the log and exclude each other; as_of_date
	// combines with either.
	AtPosition   int64  `query:"at_position" minimum:"0" doc:"the log as it stood at this position: only events up to it, their links and net amounts as they then stood; must not be beyond the ledger head"`
	AsRecordedAt string `query:"as_recorded_at" maxLength:"40" doc:"only what had been recorded by this instant (what did the ledger say on 15 January?), links and net amounts included: RFC 3339, e.g. 2025-01-15T18:00:00+08:00; a date alone means the end of that day in China time (UTC+8). Excludes at_position"`
	AsOfDate     string `query:"as_of_date" format:"date" doc:"business dates up to this day, as corrected since: events dated up to it, plus every reversal or adjustment of such an event whatever its own date; cannot be combined with to"`
}

func (s *Server) registerReadModels() {
	b, a := s.cfg.Balances, s.cfg.AuditTrail
	huma.Register(s.api, readOp("list-pairings", "/v1/pairings", "List pairings", "Recorders see their donor's pairings, partners their county's."),
		func(ctx context.Context, in *pairingsInput) (*projected[[]balances.Pairing], error) {
			f := balances.PairingFilter{DonorCode: in.Donor, PartnerCode: in.Partner}
			f.DonorCode, f.PartnerCode = principal(ctx).Scope().Narrow(f.DonorCode, f.PartnerCode)
			return readModel(s, ctx, "list-pairings", b, in.Freshness, func(tx pgx.Tx) ([]balances.Pairing, error) {
				return balances.Pairings(ctx, tx, f)
			})
		})
	huma.Register(s.api, readOp("pairing-balances", "/v1/pairings/{id}/balances", "Balances of a pairing by fiscal year", pointInTimeBalancesDoc),
		func(ctx context.Context, in *pairingBalancesInput) (*projected[[]balances.YearFigures], error) {
			pit := in.BalancesPointInTime
			fresh := Freshness{MinPosition: pit.MinPosition}
			if pit.requested() { // admin and auditor only, who read every pairing
				return pointInTimeBalances(s, ctx, "pairing-balances", pit, func(q balances.Querier) ([]balances.YearFigures, error) {
					return balances.PairingYear(ctx, q, in.ID, in.Year)
				})
			}
			if err := s.readablePairing(ctx, in.ID); err != nil {
				return nil, s.fail("pairing-balances", err)
			}
			return readModel(s, ctx, "pairing-balances", b, fresh, func(tx pgx.Tx) ([]balances.YearFigures, error) {
				return balances.PairingYear(ctx, tx, in.ID, in.Year)
			})
		})
	huma.Register(s.api, readOp("donor-balances", "/v1/balances", "Balances of a donor's pairings and their totals", pointInTimeBalancesDoc),
		func(ctx context.Context, in *donorBalancesInput) (*projected[*balances.DonorReport], error) {
			pit := in.BalancesPointInTime
			fresh := Freshness{MinPosition: pit.MinPosition}
			if pit.requested() { // admin and auditor only, who read every donor
				return pointInTimeBalances(s, ctx, "donor-balances", pit, func(q balances.Querier) (*balances.DonorReport, error) {
					return balances.Donor(ctx, q, in.Donor, in.Year)
				})
			}
			if !principal(ctx).Scope().CoversDonor(in.Donor) {
				return nil, notVisible("donor", in.Donor)
			}
			return readModel(s, ctx, "donor-balances", b, fresh, func(tx pgx.Tx) (*balances.DonorReport, error) {
				return balances.Donor(ctx, tx, in.Donor, in.Year)
			})
		})
	huma.Register(s.api, readOp("get-commitment", "/v1/commitments/{id}", "A commitment with its adjustments, disbursements and receipts", ""),
		func(ctx context.Context, in *entityReadInput) (*projected[*balances.CommitmentDetail], error) {
			return readModel(s, ctx, "get-commitment", b, in.Freshness, func(tx pgx.Tx) (*balances.CommitmentDetail, error) {
				c, err := balances.Commitment(ctx, tx, in.ID)
				if err == nil {
					err = s.readableCommitment(ctx, &c.CommitmentSummary)
				}
				return c, err
			})
		})
	huma.Register(s.api, readOp("get-project", "/v1/projects/{id}", "An aid project with its progress and commitments", ""),
		func(ctx context.Context, in *entityReadInput) (*projected[*balances.ProjectDetail], error) {
			return readModel(s, ctx, "get-project", b, in.Freshness, func(tx pgx.Tx) (*balances.ProjectDetail, error) {
				p, err := balances.Project(ctx, tx, in.ID)
				if err == nil {
					err = s.readablePairing(ctx, p.PairingID)
				}
				return p, err
			})
		})
	// The audit trail. Point in time: with at_position=N the answer waits
	// (like min_position) until the read model has applied N and reports
	// position N; with as_recorded_at=t it resolves P, the last position
	// recorded by t (summary.PositionRecordedBy, from the events table),
	// waits for P, selects the rows with position ≤ P and recorded_at ≤ t
	// and reports position P (0 when nothing had been recorded by t).
	// as_of_date alone bounds no position: the answer reflects the read
	// model's checkpoint, as every read does.
	huma.Register(s.api, readOp("audit-trail", "/v1/audit", "The audit trail: every event flattened, filtered and paged",
		"Filters combine with AND; page with after=<next_after>. Recorders see their donor's events, partners their county's. "+
			"Point in time: at_position or as_recorded_at (the log as it stood then: position says which), and as_of_date (business dates up to that day, as corrected since)."),
		func(ctx context.Context, in *auditInput) (*projected[audittrail.Page], error) {
			f := audittrail.Filter{PairingID: in.PairingID, Type: in.Type, Actor: in.Actor, DocumentNo: in.DocumentNo,
				DocumentNoPrefix: in.Prefix, EntityID: in.EntityID, AfterPosition: in.After, Limit: in.Limit}
			var err error
			if f.DateFrom, err = optionalDate("from", in.From); err != nil {
				return nil, err
			}
			if f.DateTo, err = optionalDate("to", in.To); err != nil {
				return nil, err
			}
			if f.AsOfDate, err = optionalDate("as_of_date", in.AsOfDate); err != nil {
				return nil, err
			}
			if f.AsRecordedAt, err = optionalInstant("as_recorded_at", in.AsRecordedAt); err != nil {
				return nil, err
			}
			fresh, pointInTime := in.Freshness, false
			switch {
			case in.AtPosition > 0 && !f.AsRecordedAt.IsZero():
				return nil, &ledger.Rejection{Status: http.StatusUnprocessableEntity, Code: ledger.CodeValidationFailed, Field: "as_recorded_at",
					Message: "give at most one of at_position and as_recorded_at", MessageZh: "at_position 与 as_recorded_at 只能给一个"}
			case in.AtPosition > 0:
				head, _, err := s.cfg.Store.Head(ctx)
				if err != nil {
					return nil, s.fail("audit-trail", err)
				}
				if in.AtPosition > head {
					return nil, &ledger.Rejection{Status: http.StatusUnprocessableEntity, Code: ledger.CodeValidationFailed, Field: "at_position",
						Message:   fmt.Sprintf("at_position %d is beyond the ledger head %d", in.AtPosition, head),
						MessageZh: fmt.Sprintf("at_position %d 超出账本当前位置 %d", in.AtPosition, head)}
				}
				f.AtPosition, pointInTime = in.AtPosition, true
			case !f.AsRecordedAt.IsZero():
				if f.AtPosition, err = summary.PositionRecordedBy(ctx, s.cfg.Pool, f.AsRecordedAt); err != nil {
					return nil, s.fail("audit-trail", err)
				}
				pointInTime = true
			}
			fresh.MinPosition = max(fresh.MinPosition, f.AtPosition)
			f.DonorCode, f.PartnerCode = principal(ctx).Scope().Narrow(f.DonorCode, f.PartnerCode)
			if err := f.Validate(); err != nil {
				return nil, &ledger.Rejection{Status: http.StatusUnprocessableEntity, Code: ledger.CodeValidationFailed, Message: err.Error(), MessageZh: "查询条件无效:" + err.Error()}
			}
			out, err := readModel(s, ctx, "audit-trail", a, fresh, func(tx pgx.Tx) (audittrail.Page, error) {
				return audittrail.Query(ctx, tx, f)
			})
			if err == nil && pointInTime {
				out.Body.Position = f.AtPosition // the checkpoint is at or beyond it
			}
			return out, err
		})
}

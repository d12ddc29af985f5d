package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/reporting/summary"
)

// DefaultPointInTimeBuilds is how many point-in-time balances reads may
// rebuild the read model at once when Config.PointInTimeBuilds is 0.
const DefaultPointInTimeBuilds = 2

// BalancesPointInTime is what the balances reads take besides their
// keys: min_position, and the point in time (see pointInTimeBalances).
// (Exported: huma reads the fields of an embedded struct only when its
// type is exported.)
type BalancesPointInTime struct {
	MinPosition  int64  `query:"min_position" minimum:"0" doc:"wait (up to 5 s) until the read model has applied this position, e.g. the position a write answered; 503 not_yet_projected with the current position otherwise"`
	AtPosition   int64  `query:"at_position" minimum:"0" doc:"the balances as the first N events of the ledger give them (admin and auditor only: the read model is rebuilt for the answer); must not be beyond the ledger head. Excludes as_recorded_at"`
	AsRecordedAt string `query:"as_recorded_at" maxLength:"40" doc:"the balances from what had been recorded by this instant (admin and auditor only): RFC 3339, e.g. 2025-01-15T18:00:00+08:00; a date alone means the end of that day in China time (UTC+8). Excludes at_position"`
	AsOfDate     string `query:"as_of_date" format:"date" doc:"the balances from business dates up to this day, as corrected since (admin and auditor only): events dated up to it and every reversal or adjustment of them whatever its date, as the audit trail's as_of_date selects them; combines with at_position or as_recorded_at"`
}

// requested reports whether a point-in-time view was asked for.
func (pit BalancesPointInTime) requested() bool {
	return pit.AtPosition > 0 || pit.AsRecordedAt != "" || pit.AsOfDate != ""
}

// pointInTimeBalancesDoc describes the point-in-time balances reads.
const pointInTimeBalancesDoc = "Point in time (admin and auditor only; others get 403): at_position=N, or as_recorded_at=<instant> " +
	"(resolved to the last position recorded by then), answers the balances as events 1..N give them, with position N; " +
	"as_of_date=<day> keeps only business dates up to that day, as corrected since (alone: up to the ledger head). " +
	"The balances read model is rebuilt from the stream into a scratch schema for the answer, so such a read costs a rebuild up to N; " +
	"a few run at once, others wait up to 5 s, then 503 point_in_time_busy."

// pointInTimeBalances answers a balances read at a past position or
// business date:
//
//   - only admin and auditor may ask (403 forbidden otherwise), since each
//     answer rebuilds the read model;
//   - at_position and as_recorded_at exclude each other, at_position must
//     not be beyond the ledger head, as_recorded_at must parse
//     (events.ParseInstant) and as_of_date be a date — 422
//     validation_failed otherwise; as_recorded_at resolves to N =
//     summary.PositionRecordedBy, and is 404 not_found when nothing had
//     been recorded by then; with neither, N is the ledger head;
//   - it waits (like min_position, up to ReadWait) until the live balances
//     model has applied max(N, min_position) — so the stream holds N —
//     and answers 503 not_yet_projected otherwise;
//   - at most Config.PointInTimeBuilds such reads build at once; one that
//     finds no slot within ReadWait is 503 point_in_time_busy;
//   - it builds balances from events 1..N (those audittrail.AsOf keeps,
//     with as_of_date) into a scratch schema "pit_balances_<6 random
//     hex>" (projections.BuildInto), runs query against it in one
//     read-only snapshot and drops the schema whatever happens (even when
//     the request is cancelled). The live read model is neither read nor
//     touched.
//
// The answer is {position: N, data}; balances.ErrNotFound (e.g. a pairing
// that did not exist yet at N) is 404 not_found.
func pointInTimeBalances[T any](s *Server, ctx context.Context, op string, pit BalancesPointInTime, query func(balances.Querier) (T, error)) (*projected[T], error) {
	if !principal(ctx).Scope().Everything() {
		return nil, &ledger.Rejection{Status: http.StatusForbidden, Code: ledger.CodeForbidden,
			Message:   "point-in-time balances (at_position, as_recorded_at, as_of_date) rebuild the read model: only admin and auditor may ask for them",
			MessageZh: "时点余额(at_position、as_recorded_at、as_of_date)需重建读模型,仅管理员和审计人员可查询"}
	}
	at, err := optionalInstant("as_recorded_at", pit.AsRecordedAt)
	if err != nil {
		return nil, err
	}
	day, err := optionalDate("as_of_date", pit.AsOfDate)
	if err != nil {
		return nil, err
	}
	position, err := s.pointInTimePosition(ctx, op, pit.AtPosition, at)
	if err != nil {
		return nil, err
	}
	if s.cfg.NATSURL == "" {
		return nil, &ledger.Rejection{Status: http.StatusServiceUnavailable, Code: ledger.CodeUnavailable,
			Message: "point-in-time views are not available: the server has no NATS URL to rebuild from", MessageZh: "时点查询不可用:服务未配置 NATS 地址"}
	}
	if err := s.waitBalances(ctx, max(position, pit.MinPosition)); err != nil {
		return nil, s.fail(op, err)
	}
	release, err := s.pointInTimeSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()

	pt := balances.PointInTime{Position: position}
	if !day.IsZero() {
		pt.Keep = audittrail.AsOf(day)
	}
	out := &projected[T]{}
	out.Body.Position, err = balances.ReadAt(ctx, s.cfg.Pool, s.cfg.NATSURL, s.cfg.Logger, pt, func(q balances.Querier) error {
		var qerr error
		out.Body.Data, qerr = query(q)
		return qerr
	})
	built := out.Body.Position
	if errors.Is(err, balances.ErrNotFound) {
		return nil, &ledger.Rejection{Status: http.StatusNotFound, Code: ledger.CodeNotFound,
			Message: fmt.Sprintf("not found at position %d: %v", built, err), MessageZh: fmt.Sprintf("截至第 %d 条事件未找到", built)}
	}
	if err != nil {
		return nil, s.fail(op, err)
	}
	return out, nil
}

// pointInTimePosition resolves the position of a point-in-time read:
// atPosition (not beyond the head), the last position recorded by
// recordedBy, or the head; see pointInTimeBalances for the errors.
func (s *Server) pointInTimePosition(ctx context.Context, op string, atPosition int64, recordedBy time.Time) (int64, error) {
	switch {
	case atPosition > 0 && !recordedBy.IsZero():
		return 0, &ledger.Rejection{Status: http.StatusUnprocessableEntity, Code: ledger.CodeValidationFailed, Field: "as_recorded_at",
			Message: "give at most one of at_position and as_recorded_at", MessageZh: "at_position 与 as_recorded_at 只能给一个"}
	case !recordedBy.IsZero():
		position, err := summary.PositionRecordedBy(ctx, s.cfg.Pool, recordedBy)
		if err != nil {
			return 0, s.fail(op, err)
		}
		if position == 0 {
			return 0, &ledger.Rejection{Status: http.StatusNotFound, Code: ledger.CodeNotFound,
				Message:   "nothing had been recorded by " + recordedBy.Format(time.RFC3339Nano),
				MessageZh: "截至 " + recordedBy.Format(time.RFC3339Nano) + " 账本尚无记录"}
		}
		return position, nil
	}
	head, _, err := s.cfg.Store.Head(ctx)
	if err != nil {
		return 0, s.fail(op, err)
	}
	if atPosition > head {
		return 0, &ledger.Rejection{Status: http.StatusUnprocessableEntity, Code: ledger.CodeValidationFailed, Field: "at_position",
			Message:   fmt.Sprintf("at_position %d is beyond the ledger head %d", atPosition, head),
			MessageZh: fmt.Sprintf("at_position %d 超出账本当前位置 %d", atPosition, head)}
	}
	if atPosition > 0 {
		return atPosition, nil
	}
	return head, nil
}

// pointInTimeSlot takes one of the Config.PointInTimeBuilds slots,
// waiting up to ReadWait; the caller calls release when its build is done.
func (s *Server) pointInTimeSlot(ctx context.Context) (release func(), err error) {
	wait := s.cfg.ReadWait
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case s.pitSlots <- struct{}{}:
		return func() { <-s.pitSlots }, nil
	case <-timer.C:
		return nil, &ledger.Rejection{Status: http.StatusServiceUnavailable, Code: ledger.CodePointInTimeBusy,
			Message:   fmt.Sprintf("%d point-in-time views are being built; retry shortly", cap(s.pitSlots)),
			MessageZh: fmt.Sprintf("当前已有 %d 个时点查询正在重建读模型,请稍后重试", cap(s.pitSlots))}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// waitBalances waits (up to ReadWait) until the live balances read model
// has applied position; 503 not_yet_projected otherwise.
func (s *Server) waitBalances(ctx context.Context, position int64) error {
	wait := s.cfg.ReadWait
	p := s.cfg.Balances
	reached, err := projections.WaitFor(ctx, s.cfg.Pool, p, position, wait)
	if errors.Is(err, projections.ErrNotReached) {
		return &ledger.Rejection{Status: http.StatusServiceUnavailable, Code: ledger.CodeNotYetProjected,
			Message:   fmt.Sprintf("the %s read model is at position %d, not yet at %d; retry shortly", p.Name(), reached, position),
			MessageZh: fmt.Sprintf("%s 读模型当前处理到第 %d 条事件,尚未到第 %d 条,请稍后重试", p.Name(), reached, position)}
	}
	return err
}

// optionalDate parses a date parameter; empty gives the zero Date.
func optionalDate(field, v string) (events.Date, error) {
	if v == "" {
		return events.Date{}, nil
	}
	d, err := events.ParseDate(v)
	if err != nil {
		return d, &ledger.Rejection{Status: http.StatusUnprocessableEntity, Code: ledger.CodeValidationFailed, Field: field,
			Message: field + " must be a date YYYY-MM-DD", MessageZh: field + " 须为日期 YYYY-MM-DD"}
	}
	return d, nil
}

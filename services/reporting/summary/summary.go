// Package summary generates a donor's year-end summary (年度总结) from the
// yearend read model, renders it, and records what was published as a
// SummaryGenerated event. The HTTP API and the CLI both go through it.
package summary

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/reporting/report"
)

// Request says which summary to generate.
type Request struct {
	DonorCode string
	Year      int
	// Cutoff is the statistical cut-off date (zero: 31 December).
	Cutoff events.Date
	// Format (text, md, json, csv, xlsx), Lang (zh, en) and Profile
	// (official, exact, approx); empty means text, zh and official.
	Format, Lang, Profile string
	// Style is the paragraph's (by_pairing, by_programme; empty means
	// by_pairing) and Lead a sentence it opens with (at most 200
	// characters).
	Style, Lead string
	// AtPosition computes the summary as the ledger stood at that position
	// (0: the read model's latest position).
	AtPosition int64
	// AsRecordedAt, when not zero, computes the summary as the ledger
	// stood at that instant: at PositionRecordedBy(AsRecordedAt), the last
	// position recorded at or before it ("what did the ledger say on 15
	// January?"). It excludes AtPosition. A point-in-time by business date
	// (as_of_date) is Cutoff: see the yearend package for how corrections
	// recorded later count against it.
	AsRecordedAt time.Time
}

// Querier runs a single-row query: a *pgxpool.Pool, a *pgx.Conn or a
// pgx.Tx.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// PositionRecordedBy returns the last ledger position whose event was
// recorded at or before t (recorded_at ≤ t, to the microsecond), read
// from the events table; 0 when none was.
//
// A year-end report (and any read model read at a position) can only be
// computed at a prefix of the log, so "as recorded at t" means the log up
// to this position. recorded_at is set by the server just before the
// append that assigns the position, so it rises with the position in
// practice but is not guaranteed to: two appends racing for the head may
// commit out of clock order. The choice made here is max(position) —
// every event recorded by t is included — so in that rare case an event
// at an earlier position recorded a few milliseconds after t is included
// too.
//
// Either of two ways finds that position exactly; the query takes the
// one that reads less. When t is at or after the recording of the log's
// middle position, the answer is in its later half (near it, in
// practice), and a walk back from the head stops at the first event
// recorded by t. Otherwise the answer is early in the log, and the
// events recorded by t are found through the block-range index on
// recorded_at (migration 004) and their greatest position taken —
// position + 0, so that Postgres does not turn max(position) back into
// the walk from the head. It is planned for t each time (planned), as
// which scan reads less depends on it.
func PositionRecordedBy(ctx context.Context, q Querier, t time.Time) (int64, error) {
	var pos int64
	err := q.QueryRow(ctx, `SELECT COALESCE(CASE
		WHEN $1 >= (SELECT recorded_at FROM events WHERE position = (SELECT max(position) FROM events) / 2)
		THEN (SELECT position FROM events WHERE recorded_at <= $1 ORDER BY position DESC LIMIT 1)
		ELSE (SELECT max(position + 0) FROM events WHERE recorded_at <= $1) END, 0)`, pgx.QueryExecModeDescribeExec, t).Scan(&pos)
	if err != nil {
		return 0, fmt.Errorf("position recorded by %s: %w", t.Format(time.RFC3339Nano), err)
	}
	return pos, nil
}

// Result is a computed summary, ready to be written in the format asked
// for (WriteTo), and where it came from.
type Result struct {
	ContentType         string
	Filename, ASCIIName string
	Position            int64
	ChainHash           string
	// TextSHA256 is the SHA-256 of the rendering, hex; set by Publish.
	TextSHA256   string
	report       *yearend.Report
	format, lang string
	// Recorded is the SummaryGenerated event's write when the summary was
	// published (a repeat of the same publication answers the first one);
	// nil when it was only rendered.
	Recorded *ledger.Written
	spool    *os.File // the published rendering (Publish), unlinked
}

// WriteTo writes the rendered summary to w (report.Write: the JSON and the
// XLSX, which grow with the ledger, are encoded as they are written, so a
// server never holds a large one whole; a published one is copied from
// the file it was hashed into). It returns the bytes written. The format
// was checked by Render, so an error here is one of w's, or an encoder's
// after part of the output.
func (r *Result) WriteTo(w io.Writer) (int64, error) {
	if r.spool != nil {
		if _, err := r.spool.Seek(0, io.SeekStart); err != nil {
			return 0, fmt.Errorf("year-end summary: %w", err)
		}
		return io.Copy(w, r.spool)
	}
	cw := &countingWriter{w: w}
	err := report.Write(cw, r.report, r.format, r.lang)
	return cw.n, err
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Render computes a summary for principal p (see Compute) and checks that
// it can be rendered as asked (a PDF needs a font: 503
// format_unavailable), recording nothing: reading a summary is not
// publishing it. The rendering happens in Result.WriteTo.
// Result.Position is the position actually used.
func Render(ctx context.Context, pool *pgxpool.Pool, p auth.Principal, req Request) (*Result, error) {
	if req.Format == "" {
		req.Format = report.FormatText
	}
	if req.Lang == "" {
		req.Lang = report.LangZH
	}
	var rep *yearend.Report
	err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		rep, err = Compute(ctx, tx, p, req)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = report.Check(req.Format, req.Lang)
	if errors.Is(err, report.ErrNoFont) {
		return nil, &ledger.Rejection{Status: http.StatusServiceUnavailable, Code: ledger.CodeFormatUnavailable, Field: "format",
			Message: err.Error(), MessageZh: "服务器缺少生成PDF所需的中文字体（请安装 fonts-arphic-gbsn00lp 或设置 " + report.PDFFontEnv + "）"}
	}
	if err != nil {
		return nil, invalid("format", err)
	}
	name, ascii := report.Filename(rep, req.Format, req.Lang)
	return &Result{ContentType: report.ContentType(req.Format), Filename: name, ASCIIName: ascii, Position: rep.Position,
		ChainHash: rep.ChainHash, report: rep, format: req.Format, lang: req.Lang}, nil
}

// Publish computes a summary (Render), renders it once into a temporary
// file while hashing it, and records it as published — the office's act
// of handing it in — as a SummaryGenerated event, for a principal who may
// record for the donor (ledger.RecordSummary). The record's idempotency
// key is derived from what was published (its parameters, position,
// rendered bytes and publisher), so publishing the same summary again
// records nothing new and answers the first record. The Result's WriteTo
// copies the file, so what is sent is exactly what was hashed; the
// caller must Close the Result. The file is unlinked as soon as it is
// made, so nothing is left behind even if the process dies.
func Publish(ctx context.Context, pool *pgxpool.Pool, l *ledger.Ledger, p auth.Principal, req Request) (*Result, error) {
	res, err := Render(ctx, pool, p, req)
	if err != nil {
		return nil, err
	}
	if err := res.spoolAndHash(); err != nil {
		return nil, err
	}
	rep := res.report
	ev := events.SummaryGenerated{DonorCode: req.DonorCode, Year: req.Year, Cutoff: rep.Cutoff, Profile: rep.Profile.Name,
		Format: res.format, Lang: res.lang, Position: rep.Position, ChainHash: rep.ChainHash, TextSHA256: res.TextSHA256}
	key := sha256.Sum256([]byte(ev.DonorCode + "|" + strconv.Itoa(ev.Year) + "|" + ev.Cutoff.String() + "|" + ev.Profile + "|" +
		ev.Format + "|" + ev.Lang + "|" + strconv.FormatInt(ev.Position, 10) + "|" + ev.TextSHA256 + "|" + p.Actor()))
	if res.Recorded, err = l.RecordSummary(ctx, ledger.Request{Principal: p, IdempotencyKey: "summary-" + hex.EncodeToString(key[:16])}, ev); err != nil {
		res.Close()
		return nil, err
	}
	return res, nil
}

// spoolAndHash renders the summary into an unlinked temporary file, which
// WriteTo then copies, and sets TextSHA256 to the rendering's hash.
func (r *Result) spoolAndHash() error {
	f, err := os.CreateTemp("", "aidledger-summary-*")
	if err != nil {
		return fmt.Errorf("year-end summary: a file to publish it from: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return fmt.Errorf("year-end summary: a file to publish it from: %w", err)
	}
	h := sha256.New()
	if _, err := r.WriteTo(io.MultiWriter(f, h)); err != nil {
		f.Close()
		return fmt.Errorf("year-end summary: rendering it to publish: %w", err)
	}
	r.TextSHA256, r.spool = hex.EncodeToString(h.Sum(nil)), f
	return nil
}

// Close releases a published rendering's temporary file (nothing for a
// Result that was only rendered).
func (r *Result) Close() {
	if r.spool != nil {
		r.spool.Close()
		r.spool = nil
	}
}

// Compute computes the report req asks for (its format and language
// aside) in tx, which must be a REPEATABLE READ snapshot, with the
// profile set: validation, the read scope of principal p, the position
// (req.AtPosition, PositionRecordedBy(req.AsRecordedAt), or the latest
// figure position), then yearend.ComputeForPartner — a partner county
// gets the summary of its own pairings with the donor. An instant before the first
// event is rejected as not_found (422 validation_failed when combined
// with AtPosition). Its errors are *ledger.Rejection (422
// validation_failed, 404 not_found, 503 not_yet_projected) or a failure
// of the database.
func Compute(ctx context.Context, tx pgx.Tx, p auth.Principal, req Request) (*yearend.Report, error) {
	profile, err := report.LookupProfile(req.Profile)
	if err != nil {
		return nil, invalid("profile", err)
	}
	switch req.Style {
	case "": // the donor's default (yearend.Report.DonorStyle)
	case report.ParagraphByPairing, report.ParagraphByProgramme:
		profile.Paragraph = req.Style
	default:
		return nil, invalid("style", fmt.Errorf("style %q: want by_pairing or by_programme", req.Style))
	}
	if profile.Lead = strings.TrimSpace(req.Lead); utf8.RuneCountInString(profile.Lead) > 200 {
		return nil, invalid("lead", errors.New("the lead-in is longer than 200 characters"))
	}
	if !req.Cutoff.IsZero() && req.Cutoff.Year() != req.Year {
		return nil, invalid("cutoff", fmt.Errorf("cutoff %s is not in %d", req.Cutoff, req.Year))
	}
	if req.AtPosition != 0 && !req.AsRecordedAt.IsZero() {
		return nil, invalid("as_recorded_at", errors.New("give at most one of at_position and as_recorded_at"))
	}
	// A partner county reads the donor's summary of its own pairings
	// (its totals theirs alone); a recorder only its donor's.
	scope := p.Scope()
	if scope.DonorCode != "" && scope.DonorCode != req.DonorCode {
		return nil, &ledger.Rejection{Status: http.StatusNotFound, Code: ledger.CodeNotFound,
			Message: "donor " + req.DonorCode + " does not exist", MessageZh: "援助方 " + req.DonorCode + " 不存在"}
	}
	at, positionField := req.AtPosition, "at_position"
	if !req.AsRecordedAt.IsZero() {
		positionField = "as_recorded_at"
		if at, err = PositionRecordedBy(ctx, tx, req.AsRecordedAt); err != nil {
			return nil, err
		}
		if at == 0 {
			when := req.AsRecordedAt.Format(time.RFC3339Nano)
			return nil, &ledger.Rejection{Status: http.StatusNotFound, Code: ledger.CodeNotFound, Field: "as_recorded_at",
				Message: "nothing had been recorded by " + when, MessageZh: "截至 " + when + " 账本尚无记录"}
		}
	}
	if at == 0 {
		if at, err = latestFigurePosition(ctx, tx); err != nil {
			return nil, err
		}
	}
	rep, err := yearend.ComputeForPartner(ctx, tx, req.DonorCode, scope.PartnerCode, req.Year, req.Cutoff, at)
	switch {
	case errors.Is(err, yearend.ErrNotFound) && scope.PartnerCode != "":
		return nil, &ledger.Rejection{Status: http.StatusNotFound, Code: ledger.CodeNotFound,
			Message: "donor " + req.DonorCode + " does not exist", MessageZh: "援助方 " + req.DonorCode + " 不存在"}
	case errors.Is(err, yearend.ErrNotFound):
		return nil, &ledger.Rejection{Status: http.StatusNotFound, Code: ledger.CodeNotFound,
			Message: "donor " + req.DonorCode + " has no pairing", MessageZh: "援助方 " + req.DonorCode + " 没有结对关系"}
	case errors.Is(err, yearend.ErrPosition):
		return nil, &ledger.Rejection{Status: http.StatusServiceUnavailable, Code: ledger.CodeNotYetProjected, Field: positionField,
			Message: err.Error(), MessageZh: "年度总结读模型尚未处理到该位置,请稍后重试"}
	case errors.Is(err, yearend.ErrInvalid):
		return nil, invalid("year", err)
	case err != nil:
		return nil, fmt.Errorf("year-end summary: %w", err)
	}
	rep.Profile = profile
	return rep, nil
}

func invalid(field string, err error) *ledger.Rejection {
	return &ledger.Rejection{Status: http.StatusUnprocessableEntity, Code: ledger.CodeValidationFailed, Field: field,
		Message: err.Error(), MessageZh: field + " 无效:" + err.Error()}
}

// latestFigurePosition is where "the latest" summary is computed: the
// yearend read model's checkpoint, stepping back over SummaryGenerated
// events at the end of the log. Those record what was published and
// change no figure, so generating a summary twice in a row gives the same
// position, the same provenance and byte-identical output.
func latestFigurePosition(ctx context.Context, tx pgx.Tx) (int64, error) {
	cp, _, err := yearend.Checkpoint(ctx, tx)
	if err != nil {
		return 0, err
	}
	var at int64
	err = tx.QueryRow(ctx, `SELECT COALESCE((SELECT position FROM events WHERE position <= $1 AND type <> $2
		ORDER BY position DESC LIMIT 1), 0)`, cp, events.SummaryGenerated{}.EventType()).Scan(&at)
	if err != nil {
		return 0, fmt.Errorf("year-end summary: latest position: %w", err)
	}
	if at == 0 {
		at = cp
	}
	return at, nil
}

package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/reporting/evidence"
	"github.com/aidledger/aidledger/services/reporting/summary"
)

type evidenceInput struct {
	Donor        string `query:"donor" required:"true" maxLength:"32"`
	Year         int    `query:"year" required:"true" minimum:"1900" maximum:"9999"`
	Cutoff       string `query:"cutoff" format:"date" doc:"statistical cut-off date (default 31 December)"`
	Profile      string `query:"profile" enum:"official,exact,approx" default:"official" doc:"rounding profile of the bundled summary"`
	AtPosition   int64  `query:"at_position" minimum:"0" doc:"the summary as the ledger stood at this position (default: the latest)"`
	AsRecordedAt string `query:"as_recorded_at" maxLength:"40" doc:"the summary at the last position recorded by this instant (RFC 3339, or a date: the end of that day, UTC+8); excludes at_position"`
}

// registerEvidence serves GET /v1/evidence: the evidence bundle of a
// year-end summary (evidence.Export), for admins and auditors (403
// otherwise). The bundle is written to a temporary file first, so every
// bad request is answered with its 4xx before a byte is sent; the export
// is recorded in the access log before the file is sent (503
// access_log_unavailable when it cannot be, and nothing is sent).
func (s *Server) registerEvidence() {
	accessLog := auth.NewAccessLog(s.cfg.Pool)
	op := readOp("evidence-bundle", "/v1/evidence", "Evidence bundle (审计证据包) of a year-end summary",
		"A sealed ZIP archive holding the chain segment from the donor's first event to the summary's position, the summary (JSON, "+
			"Chinese and English text, XLSX) and a manifest with checksums, which `aidledger verify --bundle` checks offline. "+
			"Admins and auditors only; each export is recorded in the access log.")
	op.Errors = append(op.Errors, http.StatusServiceUnavailable)
	op.Responses = map[string]*huma.Response{"200": {Description: "the bundle",
		Content: map[string]*huma.MediaType{"application/zip": {}}}}
	huma.Register(s.api, op, func(ctx context.Context, in *evidenceInput) (*huma.StreamResponse, error) {
		cutoff, err := optionalDate("cutoff", in.Cutoff)
		if err != nil {
			return nil, err
		}
		recordedBy, err := optionalInstant("as_recorded_at", in.AsRecordedAt)
		if err != nil {
			return nil, err
		}
		path, b, remove, err := evidence.ExportTemp(ctx, s.cfg.Pool, accessLog, principal(ctx), summary.Request{DonorCode: in.Donor,
			Year: in.Year, Cutoff: cutoff, Profile: in.Profile, AtPosition: in.AtPosition, AsRecordedAt: recordedBy})
		if err != nil {
			remove()
			if errors.Is(err, evidence.ErrNotLogged) {
				s.cfg.Logger.Error("access log unavailable: evidence export refused", "donor", in.Donor, "err", err)
				return nil, &ledger.Rejection{Status: http.StatusServiceUnavailable, Code: ledger.CodeAccessLogUnavailable,
					Message:   "this export could not be recorded in the access log, so it is not handed out; retry shortly",
					MessageZh: "本次导出无法记入访问日志,因此不予提供;请稍后重试"}
			}
			return nil, s.fail("evidence-bundle", err)
		}
		m := b.Manifest
		return &huma.StreamResponse{Body: func(hc huma.Context) {
			defer remove()
			f, err := os.Open(path)
			if err != nil {
				s.cfg.Logger.Error("evidence bundle vanished before it was sent", "path", path, "err", err)
				hc.SetStatus(http.StatusInternalServerError)
				return
			}
			defer f.Close()
			hc.SetHeader("Content-Type", "application/zip")
			hc.SetHeader("Content-Length", strconv.FormatInt(b.Bytes, 10))
			hc.SetHeader("Content-Disposition", "attachment; filename="+strconv.Quote(b.Filename())+"; filename*=UTF-8''"+url.PathEscape(b.Filename()))
			hc.SetHeader("X-Ledger-Position", strconv.FormatInt(m.Chain.HeadPosition, 10))
			hc.SetHeader("X-Ledger-Chain-Hash", m.Chain.HeadHash.String())
			hc.SetHeader("X-Bundle-Seal", b.Seal)
			hc.SetStatus(http.StatusOK)
			if _, err := io.Copy(hc.BodyWriter(), f); err != nil {
				s.cfg.Logger.Warn("sending an evidence bundle", "err", err)
			}
		}}, nil
	})
}

package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/reporting/summary"
)

// optionalInstant parses an as_recorded_at value (see events.ParseInstant);
// empty gives the zero time.
func optionalInstant(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := events.ParseInstant(v)
	if err != nil {
		return time.Time{}, &ledger.Rejection{Status: http.StatusUnprocessableEntity, Code: ledger.CodeValidationFailed, Field: field,
			Message:   field + " must be an RFC 3339 instant (2025-01-15T18:00:00+08:00) or a date YYYY-MM-DD (the end of that day, UTC+8)",
			MessageZh: field + " 须为 RFC 3339 时刻(如 2025-01-15T18:00:00+08:00)或日期 YYYY-MM-DD(指北京时间当日结束)"}
	}
	return t, nil
}

type yearEndInput struct {
	Donor      string `query:"donor" required:"true" maxLength:"32"`
	Year       int    `query:"year" required:"true" minimum:"1900" maximum:"9999"`
	Cutoff     string `query:"cutoff" format:"date" doc:"statistical cut-off date (default 31 December), e.g. 30 November"`
	Format     string `query:"format" enum:"text,md,json,csv,xlsx,pdf" default:"text"`
	Lang       string `query:"lang" enum:"zh,en" default:"zh"`
	Profile    string `query:"profile" enum:"official,exact,approx" default:"official" doc:"rounding profile: official prints social and consumption aid in the 余 style"`
	Style      string `query:"style" enum:"by_pairing,by_programme" doc:"the paragraph: a clause group per pairing, or a sentence per programme (its partners and totals) then one for social and consumption aid; by default the donor's (PUT /v1/donors/{code}/report-style), else by_pairing"`
	Lead       string `query:"lead" maxLength:"200" doc:"a sentence the paragraph opens with"`
	AtPosition int64  `query:"at_position" minimum:"0" doc:"compute as the ledger stood at this position (default: the latest)"`
	// AsRecordedAt is resolved to the last position recorded by the
	// instant (summary.PositionRecordedBy); it excludes at_position.
	AsRecordedAt string `query:"as_recorded_at" maxLength:"40" doc:"compute as the ledger stood at the last position recorded at or before this instant (RFC 3339, e.g. 2025-01-15T18:00:00+08:00; a date alone means the end of that day in China time, UTC+8); excludes at_position"`
	// AsOfDate is the cut-off under the name the point-in-time views share:
	// business dates up to that day, as corrected since (an entry_error
	// reversal counts at its original's date whenever it was recorded).
	AsOfDate string `query:"as_of_date" format:"date" doc:"business dates up to this day, as corrected since: the same as cutoff (give one, or both equal); must be in year"`
	// MinPosition is the freshness every read takes; by default the
	// ledger head at the request.
	MinPosition int64 `query:"min_position" minimum:"0" doc:"wait (up to the read timeout) until the yearend read model has applied this position, e.g. the position a write answered; by default the ledger head when the request arrives (not with at_position or as_recorded_at); 503 not_yet_projected otherwise"`
}

type yearEndOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Position           int64  `header:"X-Ledger-Position" doc:"the ledger position the summary was computed at"`
	ChainHash          string `header:"X-Ledger-Chain-Hash" doc:"the chain hash at that position"`
	// Body writes the summary as it is rendered (summary.Result.WriteTo):
	// a large JSON or XLSX is never held whole.
	Body func(huma.Context)
}

func (s *Server) registerReports() {
	op := readOp("year-end-report", "/v1/reports/yearend", "Year-end summary (年度总结) of a donor",
		"The Chinese paragraph in the official style, the English text, the table and footnotes, in text, Markdown, JSON, CSV or XLSX. "+
			"Reading it records nothing (publishing it is POST /v1/reports/yearend/publications); the same summary at the same position is "+
			"byte-identical. It is computed once the read model has caught up with the ledger as it stood when the request arrived.")
	op.Responses = map[string]*huma.Response{"200": {Description: "the summary, in the format asked for",
		Content: map[string]*huma.MediaType{
			"text/plain; charset=utf-8":    {Schema: &huma.Schema{Type: huma.TypeString, Description: "format=text"}},
			"text/markdown; charset=utf-8": {Schema: &huma.Schema{Type: huma.TypeString, Description: "format=md"}},
			"application/json":             {Schema: &huma.Schema{Type: huma.TypeObject, Description: "format=json: the report, its figures, footnotes and provenance"}},
			"text/csv; charset=utf-8":      {Schema: &huma.Schema{Type: huma.TypeString, Description: "format=csv"}},
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {Schema: &huma.Schema{Type: huma.TypeString,
				Format: "binary", Description: "format=xlsx"}},
			"application/pdf": {Schema: &huma.Schema{Type: huma.TypeString, Format: "binary", Description: "format=pdf"}},
		}}}
	huma.Register(s.api, op,
		func(ctx context.Context, in *yearEndInput) (*yearEndOutput, error) {
			cutoff, err := optionalDate("cutoff", in.Cutoff)
			if err != nil {
				return nil, err
			}
			asOf, err := optionalDate("as_of_date", in.AsOfDate)
			if err != nil {
				return nil, err
			}
			if !asOf.IsZero() {
				if !cutoff.IsZero() && cutoff != asOf {
					return nil, &ledger.Rejection{Status: http.StatusUnprocessableEntity, Code: ledger.CodeValidationFailed, Field: "as_of_date",
						Message: "as_of_date and cutoff differ: they are the same bound, give one", MessageZh: "as_of_date 与 cutoff 不一致(二者含义相同,请只给一个)"}
				}
				if asOf.Year() != in.Year {
					return nil, &ledger.Rejection{Status: http.StatusUnprocessableEntity, Code: ledger.CodeValidationFailed, Field: "as_of_date",
						Message: "as_of_date " + asOf.String() + " is not in " + strconv.Itoa(in.Year), MessageZh: "as_of_date 不在所选年度内"}
				}
				cutoff = asOf
			}
			recordedBy, err := optionalInstant("as_recorded_at", in.AsRecordedAt)
			if err != nil {
				return nil, err
			}
			min := in.MinPosition
			if min == 0 && in.AtPosition == 0 && recordedBy.IsZero() {
				if min, _, err = s.cfg.Store.Head(ctx); err != nil {
					return nil, s.fail("year-end-report", err)
				}
			}
			if err := s.waitProjected(ctx, "year-end-report", yearend.New(), min); err != nil {
				return nil, err
			}
			res, err := summary.Render(ctx, s.cfg.Pool, principal(ctx), summary.Request{DonorCode: in.Donor, Year: in.Year,
				Cutoff: cutoff, Format: in.Format, Lang: in.Lang, Profile: in.Profile, Style: in.Style, Lead: in.Lead, AtPosition: in.AtPosition,
				AsRecordedAt: recordedBy})
			if err != nil {
				return nil, s.fail("year-end-report", err)
			}
			out := &yearEndOutput{ContentType: res.ContentType, Position: res.Position, ChainHash: res.ChainHash,
				Body: func(hc huma.Context) {
					hc.SetStatus(http.StatusOK)
					if _, err := res.WriteTo(hc.BodyWriter()); err != nil {
						// The status and part of the body are sent: the
						// client sees a cut-short answer.
						s.cfg.Logger.Warn("year-end report: writing the answer failed", "err", err)
					}
				}}
			disposition := "inline"
			if in.Format == "xlsx" || in.Format == "csv" {
				disposition = "attachment"
			}
			out.ContentDisposition = disposition + "; filename=" + strconv.Quote(res.ASCIIName) + "; filename*=UTF-8''" + url.PathEscape(res.Filename)
			return out, nil
		})
}

// publicationInput asks to publish a year-end summary.
type publicationInput struct {
	IdempotencyKey string `header:"Idempotency-Key" doc:"optional: a publication is idempotent by content (the same summary published again records nothing new), whatever key is sent"`
	Body           struct {
		Donor      string `json:"donor" maxLength:"32"`
		Year       int    `json:"year" minimum:"1900" maximum:"9999"`
		Cutoff     string `json:"cutoff,omitempty" format:"date" doc:"statistical cut-off date (default 31 December)"`
		Format     string `json:"format,omitempty" enum:"text,md,json,csv,xlsx,pdf" default:"xlsx"`
		Lang       string `json:"lang,omitempty" enum:"zh,en" default:"zh"`
		Profile    string `json:"profile,omitempty" enum:"official,exact,approx" default:"official"`
		Style      string `json:"style,omitempty" enum:"by_pairing,by_programme" doc:"by default the donor's, else by_pairing"`
		Lead       string `json:"lead,omitempty" maxLength:"200"`
		AtPosition int64  `json:"at_position,omitempty" minimum:"0" doc:"publish the summary as the ledger stood at this position (default: the latest)"`
	}
}

// publicationOutput is the record of a publication.
type publicationOutput struct {
	Replayed bool `header:"Idempotent-Replayed" doc:"true when this very summary was published before"`
	Body     struct {
		// Position and ChainHash identify the ledger state the summary
		// was computed at; TextSHA256 is the SHA-256 of its rendering.
		Position   int64  `json:"position"`
		ChainHash  string `json:"chain_hash"`
		TextSHA256 string `json:"text_sha256"`
		// Recorded is the SummaryGenerated event's write (replayed when
		// this very summary was published before by the same principal).
		Recorded *ledger.Written `json:"recorded"`
	}
}

func (s *Server) registerPublications() {
	op := huma.Operation{OperationID: "publish-year-end-report", Method: http.MethodPost, Path: "/v1/reports/yearend/publications",
		Summary: "Publish a year-end summary (发布年度总结)",
		Description: "Records the office's act of handing a summary in, as a SummaryGenerated event: admins and the donor's recorders " +
			"(an auditor reads summaries, a partner neither). Idempotent by content: publishing the same summary (parameters, position, " +
			"rendered bytes) again records nothing new and answers the first record, so no Idempotency-Key is needed. " +
			"GET /v1/reports/yearend with at_position gives the bytes published.",
		Tags: []string{"commands"}, DefaultStatus: http.StatusCreated, Security: []map[string][]string{{"bearer": {}}},
		Errors: []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound,
			http.StatusUnprocessableEntity, http.StatusServiceUnavailable}}
	huma.Register(s.api, op, func(ctx context.Context, in *publicationInput) (*publicationOutput, error) {
		b := in.Body
		cutoff, err := optionalDate("cutoff", b.Cutoff)
		if err != nil {
			return nil, err
		}
		res, err := summary.Publish(ctx, s.cfg.Pool, s.cfg.Ledger, principal(ctx), summary.Request{DonorCode: b.Donor, Year: b.Year,
			Cutoff: cutoff, Format: b.Format, Lang: b.Lang, Profile: b.Profile, Style: b.Style, Lead: b.Lead, AtPosition: b.AtPosition})
		if err != nil {
			return nil, s.fail("publish-year-end-report", err)
		}
		res.Close() // only the hash is answered
		out := &publicationOutput{Replayed: res.Recorded.Replayed}
		out.Body.Position, out.Body.ChainHash, out.Body.TextSHA256, out.Body.Recorded = res.Position, res.ChainHash, res.TextSHA256, res.Recorded
		if !res.Recorded.Replayed {
			s.metrics.appends.WithLabelValues("publish-year-end-report").Inc()
		}
		return out, nil
	})
}

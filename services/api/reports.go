package api

import (
	"context"
	"net/url"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aidledger/aidledger/services/summary"
)

type yearEndInput struct {
	Donor      string `query:"donor" required:"true" maxLength:"32"`
	Year       int    `query:"year" required:"true" minimum:"1900" maximum:"9999"`
	Cutoff     string `query:"cutoff" format:"date" doc:"statistical cut-off date (default 31 December), e.g. 30 November"`
	Format     string `query:"format" enum:"text,md,json,csv,xlsx" default:"text"`
	Lang       string `query:"lang" enum:"zh,en" default:"zh"`
	Profile    string `query:"profile" enum:"official,exact,approx" default:"official" doc:"rounding profile: official prints social and consumption aid in the 余 style"`
	AtPosition int64  `query:"at_position" minimum:"0" doc:"compute as the ledger stood at this position (default: the latest)"`
}

type yearEndOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Position           int64  `header:"X-Ledger-Position" doc:"the ledger position the summary was computed at"`
	ChainHash          string `header:"X-Ledger-Chain-Hash" doc:"the chain hash at that position"`
	Body               []byte
}

func (s *Server) registerReports() {
	huma.Register(s.api, readOp("year-end-report", "/v1/reports/yearend", "Year-end summary (年度总结) of a donor",
		"The Chinese paragraph in the official style, the English text, the table and footnotes, in text, Markdown, JSON, CSV or XLSX. "+
			"Generating it is recorded as a SummaryGenerated event; the same summary at the same position is byte-identical."),
		func(ctx context.Context, in *yearEndInput) (*yearEndOutput, error) {
			cutoff, err := optionalDate("cutoff", in.Cutoff)
			if err != nil {
				return nil, err
			}
			res, err := summary.Generate(ctx, s.cfg.Pool, s.cfg.Ledger, principal(ctx), summary.Request{DonorCode: in.Donor, Year: in.Year,
				Cutoff: cutoff, Format: in.Format, Lang: in.Lang, Profile: in.Profile, AtPosition: in.AtPosition})
			if err != nil {
				return nil, s.fail("year-end-report", err)
			}
			out := &yearEndOutput{ContentType: res.ContentType, Body: res.Body, Position: res.Position, ChainHash: res.ChainHash}
			disposition := "inline"
			if in.Format == "xlsx" || in.Format == "csv" {
				disposition = "attachment"
			}
			out.ContentDisposition = disposition + "; filename=" + strconv.Quote(res.ASCIIName) + "; filename*=UTF-8''" + url.PathEscape(res.Filename)
			return out, nil
		})
}

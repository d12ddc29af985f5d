package web

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/intake/forms"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/reporting/report"
	"github.com/aidledger/aidledger/services/reporting/summary"
)

// reportData is the year-end summary page.
type reportData struct {
	basePage
	Donor, Cutoff, Profile string
	// Style is the paragraph's (by_pairing or by_programme): the request's,
	// or the donor's default (Report.DonorStyle) when it names none.
	Style              string
	Donors             []events.Unit
	Year               int
	Years              []int
	Report             *yearend.Report
	Heading            string
	Paragraph, English string
	Header             []string
	Rows               [][]string
	// Sections are the table as printed: report.Sections, each narrow
	// enough for A4 landscape (the wide table is shown on screen only).
	Sections []report.Section
	// TargetsHeader and TargetRows: report.TargetsTable (no rows: no
	// targets set for the year).
	// Publishes: the user may publish the donor's summary.
	Publishes             bool
	TargetsHeader         []string
	TargetRows            [][]string
	Footnotes, Provenance []string
	// Query is the request as a query string, for the downloads.
	Query string
	// OrderKey and StyleKey are the idempotency keys of the order and
	// default-style forms.
	OrderKey, StyleKey string
	Problem            string
}

// report shows a donor's year-end summary: the Chinese paragraph with a
// copy button, the English text, the table, the footnotes and the
// provenance, with the XLSX, the PDF and (for auditors) the evidence
// bundle to download; printed, the table comes as report.Sections. Showing or downloading it records nothing; publishing it (a
// recorder's or admin's form) records it as handed in (summary.Publish).
func (s *Server) report(w http.ResponseWriter, r *http.Request, q *request) {
	req, d, ok := s.reportRequest(w, r, q)
	if !ok {
		return
	}
	if d.Donor != "" {
		err := pgx.BeginTxFunc(r.Context(), s.cfg.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			var err error
			d.Report, err = summary.Compute(r.Context(), tx, q.principal(), req)
			return err
		})
		var rej *ledger.Rejection
		switch {
		case errors.As(err, &rej):
			d.Problem = rej.MessageZh
			if q.lang.EN() {
				d.Problem = rej.Message
			}
		case err != nil:
			s.fail(w, r, q, err)
			return
		default:
			l := q.lang.code
			d.Heading = report.Title(d.Report, l)
			d.Paragraph, d.English = report.ChineseParagraph(d.Report), report.EnglishText(d.Report)
			d.Header, d.Rows = report.Table(d.Report, l)
			d.Sections = report.Sections(d.Report, l)
			d.TargetsHeader, d.TargetRows = report.TargetsTable(d.Report, l)
			d.Publishes, d.OrderKey, d.StyleKey = q.principal().CanWrite(d.Donor), randomKey(), randomKey()
			if d.Style == "" {
				d.Style = cmp.Or(d.Report.DonorStyle.Paragraph, report.ParagraphByPairing)
			}
			d.Footnotes, d.Provenance = report.Footnotes(d.Report, l), report.Provenance(d.Report, l)
		}
	}
	s.render(w, r, http.StatusOK, "report", d)
}

// reportRequest reads the summary the page asks for within the user's
// scope, and the page around it; false when it answered already.
func (s *Server) reportRequest(w http.ResponseWriter, r *http.Request, q *request) (summary.Request, *reportData, bool) {
	v := r.URL.Query()
	d := &reportData{basePage: q.base(r, q.lang.T("report.title"), "report"), Year: yearParam(r, "year"), Years: yearChoices(),
		Profile: v.Get("profile"), Cutoff: v.Get("cutoff"), Style: v.Get("style")}
	if _, err := report.LookupProfile(d.Profile); err != nil || d.Profile == "" {
		d.Profile = report.DefaultProfileName
	}
	if d.Style != report.ParagraphByProgramme && d.Style != report.ParagraphByPairing {
		d.Style = "" // the donor's default
	}
	s.waitFor(r.Context(), positionParam(r), yearend.New())
	donors, err := visibleDonors(r.Context(), s.cfg.Pool, q.principal())
	if err != nil {
		s.fail(w, r, q, err)
		return summary.Request{}, nil, false
	}
	d.Donors, d.Donor = donors, v.Get("donor")
	if !slices.ContainsFunc(donors, func(u events.Unit) bool { return u.Code == d.Donor }) {
		d.Donor = ""
		if len(donors) > 0 {
			d.Donor = donors[0].Code
		}
	}
	req := summary.Request{DonorCode: d.Donor, Year: d.Year, Profile: d.Profile, Style: d.Style}
	if d.Cutoff != "" {
		cut, err := forms.ParseDate(d.Cutoff)
		if err != nil || cut.Year() != d.Year {
			d.Problem, d.Cutoff = q.lang.T("report.cutoff")+": "+d.Cutoff, ""
		} else {
			req.Cutoff, d.Cutoff = cut, cut.String()
		}
	}
	query := url.Values{"donor": {d.Donor}, "year": {strconv.Itoa(d.Year)}, "profile": {d.Profile}}
	if d.Cutoff != "" {
		query.Set("cutoff", d.Cutoff)
	}
	if d.Style != "" {
		query.Set("style", d.Style)
	}
	d.Query = query.Encode()
	return req, d, true
}

// reportDownload sends the summary as XLSX (or another format named by
// format), recording nothing.
func (s *Server) reportDownload(w http.ResponseWriter, r *http.Request, q *request) {
	s.sendReport(w, r, q, false)
}

// reportPublish publishes the summary (recorded as a SummaryGenerated
// event: the office hands it in) and sends it, like reportDownload. The
// form carries the page's query.
func (s *Server) reportPublish(w http.ResponseWriter, r *http.Request, q *request) {
	s.sendReport(w, r, q, true)
}

// sendReport sends the summary the request's query asks for, published
// first when publish.
func (s *Server) sendReport(w http.ResponseWriter, r *http.Request, q *request, publish bool) {
	if publish {
		r.URL.RawQuery = r.PostFormValue("query")
	}
	req, _, ok := s.reportRequest(w, r, q)
	if !ok {
		return
	}
	req.Format, req.Lang = r.URL.Query().Get("format"), q.lang.code
	if req.Format == "" {
		req.Format = report.FormatXLSX
	}
	var res *summary.Result
	var err error
	if publish {
		res, err = summary.Publish(r.Context(), s.cfg.Pool, s.cfg.Ledger, q.principal(), req)
	} else {
		res, err = summary.Render(r.Context(), s.cfg.Pool, q.principal(), req)
	}
	var rej *ledger.Rejection
	switch {
	case errors.As(err, &rej) && rej.Code == ledger.CodeFormatUnavailable:
		s.errorPage(w, r, q, rej.Status, "error.format_unavailable")
		return
	case errors.As(err, &rej):
		s.errorPage(w, r, q, rej.Status, "error.notfound")
		return
	case err != nil:
		s.fail(w, r, q, err)
		return
	}
	defer res.Close()
	w.Header().Set("Content-Type", res.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(res.ASCIIName)+"; filename*=UTF-8''"+url.PathEscape(res.Filename))
	w.Header().Set("X-Ledger-Position", strconv.FormatInt(res.Position, 10))
	_, _ = res.WriteTo(w) // a failure now can only cut the download short
}

package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/services/intake/forms"
	"github.com/aidledger/aidledger/services/reporting/report"
)

// auditData is the audit trail page.
type auditData struct {
	basePage
	Filter  audittrail.Filter
	From    string
	To      string
	Types   []choice
	Page    audittrail.Page
	Query   string // the filter as a query string (for the CSV and next links)
	Problem string
}

// auditFilter reads the filters of the audit trail from the query, within
// the user's scope; problem says what could not be read.
func auditFilter(r *http.Request, q *request) (f audittrail.Filter, from, to, problem string) {
	v := r.URL.Query()
	f = audittrail.Filter{PairingID: v.Get("pairing_id"), Type: v.Get("type"), Actor: v.Get("actor"), DocumentNo: v.Get("document_no"),
		EntityID: v.Get("entity_id"), Limit: 100}
	f.AfterPosition, _ = strconv.ParseInt(v.Get("after"), 10, 64)
	from, to = v.Get("from"), v.Get("to")
	for _, d := range []struct {
		raw string
		to  *events.Date
	}{{from, &f.DateFrom}, {to, &f.DateTo}} {
		if d.raw == "" {
			continue
		}
		day, err := forms.ParseDate(d.raw)
		if err != nil {
			problem = q.lang.T("audit.from") + "/" + q.lang.T("audit.to") + ": " + d.raw
			continue
		}
		*d.to = day
	}
	f.DonorCode, f.PartnerCode = q.principal().Scope().Narrow(f.DonorCode, f.PartnerCode)
	if err := f.Validate(); err != nil {
		problem = err.Error()
	}
	return f, from, to, problem
}

// audit shows one page of the audit trail, filtered.
func (s *Server) audit(w http.ResponseWriter, r *http.Request, q *request) {
	f, from, to, problem := auditFilter(r, q)
	d := &auditData{basePage: q.base(r, q.lang.T("audit.title"), "audit"), Filter: f, From: from, To: to, Problem: problem}
	d.Types = append(d.Types, choice{Value: "", Label: q.lang.T("audit.any")})
	for _, typ := range events.Types() {
		zh, en := audittrail.Label(typ)
		label := zh
		if q.lang.EN() {
			label = en
		}
		d.Types = append(d.Types, choice{Value: typ, Label: label, Selected: typ == f.Type})
	}
	query := r.URL.Query()
	query.Del("after")
	d.Query = query.Encode()
	if problem == "" {
		var err error
		if d.Page, err = audittrail.Query(r.Context(), s.cfg.Pool, f); err != nil {
			s.fail(w, r, q, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "audit", d)
}

// auditCSV downloads every row the filters select (all pages), with
// Chinese or English headers, UTF-8 with a byte-order mark for Excel.
func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request, q *request) {
	f, _, _, problem := auditFilter(r, q)
	if problem != "" {
		s.errorPage(w, r, q, http.StatusUnprocessableEntity, "error.badfilter")
		return
	}
	f.AfterPosition, f.Limit = 0, audittrail.MaxLimit
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-trail.csv"; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E8%BF%BD%E8%B8%AA.csv`)
	_, _ = w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	header := []string{"position", "recorded_at", "actor", "type", "label", "business_date", "amount_fen", "net_amount_fen",
		"document_kind", "document_no", "entity_kind", "entity_id", "original_id", "pairing_ids", "reversal_reason", "event_id", "hash"}
	if !q.lang.EN() {
		header = []string{"账本位置", "登记时间", "登记人", "事件类型", "事件", "业务日期", "金额(分)", "净额(分)", "单据类型", "单据号",
			"对象类型", "对象编号", "原记录编号", "结对关系", "冲正原因", "事件编号", "哈希"}
	}
	_ = cw.Write(header)
	for {
		page, err := audittrail.Query(r.Context(), s.cfg.Pool, f)
		if err != nil {
			s.cfg.Logger.Error("audit trail CSV cut short", "err", err)
			return
		}
		for _, e := range page.Entries {
			label := e.LabelZH
			if q.lang.EN() {
				label = e.LabelEN
			}
			_ = cw.Write(report.CSVRow([]string{strconv.FormatInt(e.Position, 10), e.RecordedAt.UTC().Format("2006-01-02T15:04:05.000000Z"),
				e.Actor, e.Type, label, e.BusinessDate.String(), fenText(e.AmountFen), fenText(e.NetAmountFen), e.DocumentKind, e.DocumentNo,
				e.EntityKind, e.EntityID, e.OriginalID, strings.Join(e.PairingIDs, " "), e.ReversalReason, e.EventID, e.Hash}))
		}
		if page.NextAfter == 0 {
			break
		}
		f.AfterPosition = page.NextAfter
	}
	cw.Flush()
}

func fenText(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

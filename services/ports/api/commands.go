package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aidledger/aidledger/services/ledger"
)

// createInput is a command that creates an entity. (Huma reads parameters
// from the input's own fields only, so the headers are repeated here.)
type createInput[B any] struct {
	IdempotencyKey string `header:"Idempotency-Key" doc:"client key of the command, 8–128 printable ASCII characters; a repeat returns the first answer and writes nothing"`
	CorrelationID  string `header:"X-Correlation-ID" maxLength:"128" pattern:"^[\\x21-\\x7e]*$" doc:"optional id tying together everything one user action caused"`
	Body           B
}

// entityInput is a command on an existing entity named in the path.
type entityInput[B any] struct {
	IdempotencyKey string `header:"Idempotency-Key" doc:"client key of the command, 8–128 printable ASCII characters; a repeat returns the first answer and writes nothing"`
	CorrelationID  string `header:"X-Correlation-ID" maxLength:"128" pattern:"^[\\x21-\\x7e]*$" doc:"optional id tying together everything one user action caused"`
	ID             string `path:"id" maxLength:"64" doc:"the entity's id"`
	Body           B
}

type writtenOutput struct {
	Replayed bool `header:"Idempotent-Replayed" doc:"true when this answers a repeated Idempotency-Key"`
	Status   int
	Body     *ledger.Written
}

func (s *Server) request(ctx context.Context, idempotencyKey, correlationID string) ledger.Request {
	return ledger.Request{Principal: principal(ctx), IdempotencyKey: idempotencyKey, CorrelationID: correlationID}
}

func (s *Server) answer(op string, w *ledger.Written, err error) (*writtenOutput, error) {
	if err != nil {
		return nil, s.fail(op, err)
	}
	if !w.Replayed {
		s.metrics.appends.WithLabelValues(op).Inc()
	}
	return &writtenOutput{Status: http.StatusCreated, Body: w, Replayed: w.Replayed}, nil
}

func writeOp(id, path, summary, description string) huma.Operation {
	return huma.Operation{
		OperationID: id, Method: http.MethodPost, Path: path, Summary: summary, Description: description,
		Tags: []string{"commands"}, DefaultStatus: http.StatusCreated,
		Security: []map[string][]string{{"bearer": {}}},
		Errors:   []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity},
	}
}

// create registers a command that creates an entity.
func create[B any](s *Server, op huma.Operation, run func(context.Context, ledger.Request, B) (*ledger.Written, error)) {
	huma.Register(s.api, op, func(ctx context.Context, in *createInput[B]) (*writtenOutput, error) {
		w, err := run(ctx, s.request(ctx, in.IdempotencyKey, in.CorrelationID), in.Body)
		return s.answer(op.OperationID, w, err)
	})
}

// onEntity registers a command on the entity named by the path's {id}.
func onEntity[B any](s *Server, op huma.Operation, run func(context.Context, ledger.Request, string, B) (*ledger.Written, error)) {
	huma.Register(s.api, op, func(ctx context.Context, in *entityInput[B]) (*writtenOutput, error) {
		w, err := run(ctx, s.request(ctx, in.IdempotencyKey, in.CorrelationID), in.ID, in.Body)
		return s.answer(op.OperationID, w, err)
	})
}

func (s *Server) registerCommands() {
	l := s.cfg.Ledger
	create(s, writeOp("establish-pairing", "/v1/pairings", "Establish a pairing (建立结对关系)",
		"Admins, and recorders of the donor, pair a donor with a partner county under a programme for a validity period."), l.EstablishPairing)
	onEntity(s, writeOp("set-targets", "/v1/pairings/{id}/targets", "Set a pairing's annual targets (年度目标任务)",
		"Targets are plans and never count as achievements. A later call for the same year replaces them."), l.SetTargets)
	create(s, writeOp("register-project", "/v1/projects", "Register an aid project (援建项目立项)", ""), l.RegisterProject)
	onEntity(s, writeOp("report-progress", "/v1/projects/{id}/progress", "Report project progress (项目进度)",
		"As-of dates and statuses of a project never go back. Start (开工) and completion (竣工) dates, when omitted, are the as-of date of the first report showing the project under way or done."), l.ReportProgress)
	onEntity(s, writeOp("plan-project-year", "/v1/projects/{id}/year-plans", "Plan a project's investment for a year (年度投资计划)",
		"A later plan for the same year replaces the earlier one; 0 withdraws it. The year is one in which the pairing is in force, not before the project's plan year."), l.PlanProjectYear)
	create(s, writeOp("commit-funds", "/v1/commitments", "Commit funds (资金计划下达)", ""), l.CommitFunds)
	onEntity(s, writeOp("adjust-commitment", "/v1/commitments/{id}/adjustments", "Adjust a commitment (计划调整)",
		"The committed amount never falls below what has been disbursed, nor, for a commitment of several pairings, below what is allocated to them."), l.AdjustCommitment)
	order := writeOp("set-report-order", "/v1/donors/{id}/report-order", "Order a donor's pairings in its year-end summary (报表排序)",
		"{id} is the donor's code. The summary — paragraph, table, XLSX, web — lists the pairings named in this order, then the others in the order they were "+
			"established (the default; [] returns to it). Recorded as an event: a summary at an earlier position keeps the order it had.")
	order.Method = http.MethodPut
	onEntity(s, order, l.SetReportOrder)
	style := writeOp("set-report-style", "/v1/donors/{id}/report-style", "Set how a donor's year-end summary is written (总结写法)",
		"{id} is the donor's code. The paragraph's style (by_pairing or by_programme) and lead-in sentence used when a request names none. "+
			"Recorded as an event: a summary at an earlier position keeps the style it had.")
	style.Method = http.MethodPut
	onEntity(s, style, l.SetReportStyle)
	onEntity(s, writeOp("allocate-commitment", "/v1/commitments/{id}/allocation", "Allocate a commitment of several pairings (资金计划分配)",
		"Sets anew the share of each pairing of a commitment that funds several (every pairing named, none negative, together not above the amount committed); the rest stays unallocated."), l.AllocateCommitment)
	create(s, writeOp("disburse-funds", "/v1/disbursements", "Disburse funds (资金拨付)",
		"The net disbursed total of a commitment may exceed the committed amount only with over_commitment (justification and approver). Voucher numbers are unique per donor."), l.DisburseFunds)
	onEntity(s, writeOp("reverse-disbursement", "/v1/disbursements/{id}/reversals", "Reverse a disbursement (拨付冲正/资金退回)",
		"entry_error counts in the original's fiscal year, funds_returned in its own. Reversals never exceed the original and are never reversed themselves."), l.ReverseDisbursement)
	onEntity(s, writeOp("confirm-receipt", "/v1/disbursements/{id}/receipt", "Confirm receipt of funds (受援方到位确认)",
		"Done once, by the partner county (partner role) or an admin."), l.ConfirmReceipt)
	create(s, writeOp("record-donation", "/v1/donations", "Record a donation (社会帮扶)",
		"In-kind donations need a valuation basis. Receipt numbers are unique per donor."), l.RecordDonation)
	create(s, writeOp("record-purchase", "/v1/purchases", "Record a purchase (消费帮扶-采购)",
		"(channel, order_no) is unique across purchases and facilitated sales."), l.RecordPurchase)
	create(s, writeOp("record-sale", "/v1/sales", "Record facilitated sales (消费帮扶-帮助销售)", ""), l.RecordSale)
	create(s, writeOp("start-secondment", "/v1/secondments", "Start a secondment (人才选派)",
		"The secondments of one person never overlap."), l.StartSecondment)
	onEntity(s, writeOp("end-secondment", "/v1/secondments/{id}/end", "End a secondment", ""), l.EndSecondment)
	create(s, writeOp("record-visit", "/v1/visits", "Record a visit (互访调研)", ""), l.RecordVisit)
	create(s, writeOp("record-labour-transfer", "/v1/labour-transfers", "Record a labour transfer (劳务协作)",
		"Persons employed over a period, by destination, of whom people lifted out of poverty. (period, destination, doc_no) is unique within the pairing."), l.RecordLabourTransfer)
	create(s, writeOp("record-investment", "/v1/enterprise-investments", "Record an enterprise investment (产业合作)",
		"Investment actually made (实际到位). The credit code's check character is verified; (credit_code, project_name) is unique within the pairing."), l.RecordInvestment)
	create(s, writeOp("establish-park", "/v1/parks", "Establish a co-built park (共建产业园区)", "The name is unique within the pairing."), l.EstablishPark)
	onEntity(s, writeOp("report-park", "/v1/parks/{id}/reports", "Report a park's cumulative figures (园区进展)",
		"As-of dates never go back, nor does any cumulative figure. Returns (飞地返利) only for enclaves."), l.ReportPark)
	create(s, writeOp("establish-workshop", "/v1/workshops", "Establish an assistance workshop (帮扶车间)",
		"(village, name) is unique within the pairing."), l.EstablishWorkshop)
	onEntity(s, writeOp("report-workshop", "/v1/workshops/{id}/reports", "Report a workshop's employment (车间用工)",
		"As-of dates never go back."), l.ReportWorkshop)
	create(s, writeOp("record-training", "/v1/trainings", "Record a training (干部人才培训)", ""), l.RecordTraining)
	create(s, writeOp("sign-agreement", "/v1/agreements", "Record a cooperation agreement (合作协议)",
		"The document number is unique within the pairing."), l.SignAgreement)
	for _, kind := range ledger.EntryKinds {
		onEntity(s, writeOp("reverse-"+strings.ReplaceAll(kind.Name, "_", "-"), "/v1/"+kind.Path+"/{id}/reversals",
			"Reverse a "+strings.ReplaceAll(kind.Name, "_", " ")+" (冲正)", "Corrections are new events: the original stays in the log."),
			func(ctx context.Context, r ledger.Request, id string, cmd ledger.ReverseEntry) (*ledger.Written, error) {
				return l.ReverseEntry(ctx, r, kind.Name, id, cmd)
			})
	}
}

package history_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/reporting/history"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var (
	recorder = auth.Principal{Name: "张会计", Role: auth.RoleRecorder, DonorCode: "D1"}
	partner  = auth.Principal{Name: "班玛县财政局", Role: auth.RolePartner, PartnerCode: "632624"}
)

// env is a ledger on a fresh Postgres database.
type env struct {
	t     *testing.T
	ctx   context.Context
	pool  *pgxpool.Pool
	store *eventstore.Store
	l     *ledger.Ledger
	n     int
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	pool := testenv.MigratedPool(t)
	store := eventstore.New(pool)
	return &env{t: t, ctx: ctx, pool: pool, store: store, l: testenv.Ledger(t, store)}
}

// do runs one ledger command as p with a fresh idempotency key.
func (e *env) do(p auth.Principal, run func(context.Context, ledger.Request) (*ledger.Written, error)) *ledger.Written {
	e.t.Helper()
	e.n++
	w, err := run(e.ctx, ledger.Request{Principal: p, IdempotencyKey: fmt.Sprintf("history-test-%04d", e.n)})
	if err != nil {
		e.t.Fatalf("command %d: %v", e.n, err)
	}
	return w
}

func (e *env) history(id string) *history.History {
	e.t.Helper()
	h, err := history.Of(e.ctx, e.store, id)
	if err != nil {
		e.t.Fatalf("history of %s: %v", id, err)
	}
	return h
}

func (e *env) pairing(partnerCode string) string {
	e.t.Helper()
	return e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.EstablishPairing(ctx, r, ledger.EstablishPairing{
			Donor:     ledger.UnitInput{Code: "D1", Name: "甲区", ShortName: "甲"},
			Partner:   ledger.UnitInput{Code: partnerCode, Name: "乙县 " + partnerCode, ShortName: "乙"},
			Programme: events.ProgrammeEastWest, AgreementDocNo: "协议〔2021〕1号", ValidFrom: "2021-01-01", ValidTo: "2030-12-31"})
	}).PairingID
}

// want is what a test expects of one step.
type want struct {
	typ, date string
	docs      history.Documents
	amount    int64
	actor     string
	figure    history.Figure
}

func (e *env) check(h *history.History, ws ...want) {
	e.t.Helper()
	if len(h.Steps) != len(ws) {
		for _, s := range h.Steps {
			e.t.Logf("%d %s %s", s.Position, s.Type, s.Figure)
		}
		e.t.Fatalf("%s %s: %d steps, want %d", h.Kind, h.EntityID, len(h.Steps), len(ws))
	}
	var last int64
	for i, s := range h.Steps {
		w := ws[i]
		if s.Position <= last {
			e.t.Errorf("step %d: position %d not after %d", i, s.Position, last)
		}
		last = s.Position
		if s.Type != w.typ || s.BusinessDate != w.date || s.Documents != w.docs || s.AmountFen != w.amount || s.Actor != w.actor {
			e.t.Errorf("step %d: got %s %s %+v %d %q, want %s %s %+v %d %q", i, s.Type, s.BusinessDate, s.Documents, s.AmountFen, s.Actor,
				w.typ, w.date, w.docs, w.amount, w.actor)
		}
		if !reflect.DeepEqual(s.Figure, w.figure) {
			e.t.Errorf("step %d (%s): figure %s, want %s", i, s.Type, s.Figure, w.figure)
		}
		if !events.ValidID(s.EventID) || s.RecordedAt.IsZero() || len(s.Hash) != 64 {
			e.t.Errorf("step %d: event id %q, recorded at %v, hash %q", i, s.EventID, s.RecordedAt, s.Hash)
		}
	}
}

func commitment(committed, disbursed, reversed int64, receipts int) history.Figure {
	return history.Figure{Commitment: &history.CommitmentFigure{CommittedFen: committed, DisbursedFen: disbursed, ReversedFen: reversed,
		NetDisbursedFen: disbursed - reversed, OutstandingFen: committed - disbursed + reversed, ReceiptsConfirmed: receipts}}
}

func disbursement(id string, amount, reversed int64, confirmed bool) history.Figure {
	return history.Figure{Disbursement: &history.DisbursementFigure{DisbursementID: id, AmountFen: amount, ReversedFen: reversed,
		NetFen: amount - reversed, ReceiptConfirmed: confirmed}}
}

func TestFundsHistories(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pairing := e.pairing("632624")
	rec, part := recorder.Actor(), partner.Actor()
	c := e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.CommitFunds(ctx, r, ledger.CommitFunds{PairingID: pairing, AmountFen: 100_000_000, BudgetYear: 2025,
			SourceLevel: events.SourceLevel("district"), DocNo: "甲财〔2025〕12号", BusinessDate: "2025-03-01"})
	}).CommitmentID
	e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.AdjustCommitment(ctx, r, c, ledger.AdjustCommitment{DeltaFen: 20_000_000, Reason: "追加", DocNo: "甲财〔2025〕30号", BusinessDate: "2025-03-15"})
	})
	disburse := func(amount int64, date, voucher string) string {
		return e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
			return e.l.DisburseFunds(ctx, r, ledger.DisburseFunds{CommitmentID: c, AmountFen: amount, BusinessDate: date,
				PayeeName: "乙县财政局", VoucherNo: voucher})
		}).DisbursementID
	}
	d1 := disburse(30_000_000, "2025-04-01", "PZ-0001")
	d2 := disburse(50_000_000, "2025-05-01", "PZ-0002")
	rv := e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.ReverseDisbursement(ctx, r, d1, ledger.ReverseDisbursement{AmountFen: 10_000_000, Reason: events.ReasonFundsReturned,
			BusinessDate: "2025-06-01", DocNo: "退〔2025〕1号"})
	}).ReversalID
	e.do(partner, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.ConfirmReceipt(ctx, r, d2, ledger.ConfirmReceipt{ReceivedDate: "2025-05-10", ReceiptRef: "SJ-0009"})
	})

	h := e.history(c)
	if h.Kind != "commitment" || h.StreamID != "commitment-"+c || h.DonorCode != "D1" || h.PartnerCode != "632624" ||
		!reflect.DeepEqual(h.PairingIDs, []string{pairing}) {
		t.Errorf("commitment history header: %+v", h)
	}
	e.check(h,
		want{"aid.funds_committed", "2025-03-01", history.Documents{DocNo: "甲财〔2025〕12号"}, 100_000_000, rec, commitment(100_000_000, 0, 0, 0)},
		want{"aid.commitment_adjusted", "2025-03-15", history.Documents{DocNo: "甲财〔2025〕30号"}, 20_000_000, rec, commitment(120_000_000, 0, 0, 0)},
		want{"aid.funds_disbursed", "2025-04-01", history.Documents{VoucherNo: "PZ-0001"}, 30_000_000, rec, commitment(120_000_000, 30_000_000, 0, 0)},
		want{"aid.funds_disbursed", "2025-05-01", history.Documents{VoucherNo: "PZ-0002"}, 50_000_000, rec, commitment(120_000_000, 80_000_000, 0, 0)},
		want{"aid.disbursement_reversed", "2025-06-01", history.Documents{DocNo: "退〔2025〕1号"}, -10_000_000, rec, commitment(120_000_000, 80_000_000, 10_000_000, 0)},
		want{"aid.funds_receipt_confirmed", "2025-05-10", history.Documents{ReceiptRef: "SJ-0009"}, 0, part, commitment(120_000_000, 80_000_000, 10_000_000, 1)},
	)
	if f := h.Steps[5].Figure.Commitment; f.NetDisbursedFen != 70_000_000 || f.OutstandingFen != 50_000_000 {
		t.Errorf("final commitment figure %+v", f)
	}

	e.check(e.history(d1),
		want{"aid.funds_disbursed", "2025-04-01", history.Documents{VoucherNo: "PZ-0001"}, 30_000_000, rec, disbursement(d1, 30_000_000, 0, false)},
		want{"aid.disbursement_reversed", "2025-06-01", history.Documents{DocNo: "退〔2025〕1号"}, -10_000_000, rec, disbursement(d1, 30_000_000, 10_000_000, false)},
	)
	e.check(e.history(d2),
		want{"aid.funds_disbursed", "2025-05-01", history.Documents{VoucherNo: "PZ-0002"}, 50_000_000, rec, disbursement(d2, 50_000_000, 0, false)},
		want{"aid.funds_receipt_confirmed", "2025-05-10", history.Documents{ReceiptRef: "SJ-0009"}, 0, part, disbursement(d2, 50_000_000, 0, true)},
	)
	hr := e.history(rv)
	if hr.Kind != "disbursement_reversal" {
		t.Errorf("reversal kind %q", hr.Kind)
	}
	e.check(hr, want{"aid.disbursement_reversed", "2025-06-01", history.Documents{DocNo: "退〔2025〕1号"}, -10_000_000, rec, disbursement(d1, 30_000_000, 10_000_000, false)})
}

func TestEntryHistories(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pairing := e.pairing("632624")
	rec := recorder.Actor()

	donation := e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.RecordDonation(ctx, r, ledger.RecordDonation{PairingID: pairing, DonorName: "某某集团", DonorType: events.DonorEnterprise,
			Kind: events.DonationCash, AmountFen: 5_000_000, ReceiptNo: "JZ-0001", BusinessDate: "2025-04-10"})
	}).DonationID
	part := func(amount int64, date, doc string) {
		e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
			return e.l.ReverseEntry(ctx, r, "donation", donation, ledger.ReverseEntry{Reason: events.ReasonFundsReturned,
				AmountFen: &amount, BusinessDate: date, DocNo: doc})
		})
	}
	part(2_000_000, "2025-05-01", "退捐〔2025〕1号")
	part(500_000, "2025-06-01", "退捐〔2025〕2号")
	entry := func(amount, reversed int64) history.Figure {
		return history.Figure{Entry: &history.EntryFigure{AmountFen: amount, ReversedFen: reversed, NetFen: amount - reversed}}
	}
	e.check(e.history(donation),
		want{"aid.donation_received", "2025-04-10", history.Documents{ReceiptNo: "JZ-0001"}, 5_000_000, rec, entry(5_000_000, 0)},
		want{"aid.donation_reversed", "2025-05-01", history.Documents{DocNo: "退捐〔2025〕1号"}, -2_000_000, rec, entry(5_000_000, 2_000_000)},
		want{"aid.donation_reversed", "2025-06-01", history.Documents{DocNo: "退捐〔2025〕2号"}, -500_000, rec, entry(5_000_000, 2_500_000)},
	)

	// Two secondments of one person share a stream; each history keeps its own.
	start := func(start, end string) string {
		return e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
			return e.l.StartSecondment(ctx, r, ledger.StartSecondment{PairingID: pairing, PersonRef: "P-0001", Category: events.StaffTeacher,
				SendingOrg: "甲区一中", HostOrg: "乙县中学", StartDate: start, EndDate: end})
		}).SecondmentID
	}
	s1 := start("2025-01-10", "")
	e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.EndSecondment(ctx, r, s1, ledger.EndSecondment{EndDate: "2025-06-30"})
	})
	s2 := start("2025-07-01", "2025-08-31")
	e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.ReverseEntry(ctx, r, "secondment", s2, ledger.ReverseEntry{Reason: events.ReasonEntryError, BusinessDate: "2025-09-01"})
	})
	sec := func(status, from, to string) history.Figure {
		return history.Figure{Secondment: &history.SecondmentFigure{Status: status, StartDate: from, EndDate: to}}
	}
	h1 := e.history(s1)
	if h1.StreamID != "person-D1.P-0001" {
		t.Errorf("secondment stream %q", h1.StreamID)
	}
	e.check(h1,
		want{"aid.secondment_started", "2025-01-10", history.Documents{}, 0, rec, sec(history.SecondmentRunning, "2025-01-10", "")},
		want{"aid.secondment_ended", "2025-06-30", history.Documents{}, 0, rec, sec(history.SecondmentEnded, "2025-01-10", "2025-06-30")},
	)
	e.check(e.history(s2),
		want{"aid.secondment_started", "2025-07-01", history.Documents{}, 0, rec, sec(history.SecondmentRunning, "2025-07-01", "")},
		want{"aid.secondment_ended", "2025-08-31", history.Documents{}, 0, rec, sec(history.SecondmentEnded, "2025-07-01", "2025-08-31")},
		want{"aid.secondment_reversed", "2025-09-01", history.Documents{}, 0, rec, sec(history.SecondmentReversed, "2025-07-01", "2025-08-31")},
	)

	// A visit of two pairings, reversed.
	pairing2 := e.pairing("610927")
	visit := e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.RecordVisit(ctx, r, ledger.RecordVisit{PairingIDs: []string{pairing, pairing2}, Direction: events.VisitOutbound, StartDate: "2025-03-03"})
	}).VisitID
	e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.ReverseEntry(ctx, r, "visit", visit, ledger.ReverseEntry{Reason: events.ReasonEntryError, BusinessDate: "2025-03-10"})
	})
	hv := e.history(visit)
	if hv.PartnerCode != "multi" || !reflect.DeepEqual(hv.PairingIDs, []string{pairing, pairing2}) {
		t.Errorf("visit scope: %s %v", hv.PartnerCode, hv.PairingIDs)
	}
	e.check(hv,
		want{"aid.visit_conducted", "2025-03-03", history.Documents{}, 0, rec, history.Figure{Visit: &history.VisitFigure{Counted: true}}},
		want{"aid.visit_reversed", "2025-03-10", history.Documents{}, 0, rec, history.Figure{Visit: &history.VisitFigure{Counted: false}}},
	)
}

func TestPairingAndProjectHistories(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pairing := e.pairing("632624")
	other := e.pairing("610927") // another pairing, another stream: not in the history
	rec := recorder.Actor()
	targets := func(id string, year int, doc string) {
		e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
			return e.l.SetTargets(ctx, r, id, ledger.SetTargets{Year: year, Targets: ledger.TargetsInput{FiscalFen: 100_000_000}, DocNo: doc})
		})
	}
	targets(pairing, 2026, "目标〔2026〕1号")
	targets(other, 2025, "目标〔2025〕9号")
	targets(pairing, 2025, "目标〔2025〕1号")
	targets(pairing, 2026, "目标〔2026〕2号") // replaces the 2026 targets
	pf := func(years ...int) history.Figure {
		if years == nil {
			years = []int{} // shown as [], never null
		}
		return history.Figure{Pairing: &history.PairingFigure{ValidFrom: "2021-01-01", ValidTo: "2030-12-31", TargetYears: years}}
	}
	e.check(e.history(pairing),
		want{"aid.pairing_established", "2021-01-01", history.Documents{AgreementDocNo: "协议〔2021〕1号"}, 0, rec, pf()},
		want{"aid.annual_targets_set", "", history.Documents{DocNo: "目标〔2026〕1号"}, 0, rec, pf(2026)},
		want{"aid.annual_targets_set", "", history.Documents{DocNo: "目标〔2025〕1号"}, 0, rec, pf(2025, 2026)},
		want{"aid.annual_targets_set", "", history.Documents{DocNo: "目标〔2026〕2号"}, 0, rec, pf(2025, 2026)},
	)

	project := e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.RegisterProject(ctx, r, ledger.RegisterProject{PairingID: pairing, Name: "乙县中学教学楼", Sector: "教育",
			DeliveryMode: events.DeliveryMode("turnkey"), PlannedTotalFen: 800_000_000, PlanYear: 2025, BusinessDate: "2025-02-01"})
	}).ProjectID
	progress := func(asOf string, status events.ProjectStatus, done int64) {
		e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
			return e.l.ReportProgress(ctx, r, project, ledger.ReportProgress{AsOf: asOf, Status: status, CompletedInvestmentFen: done})
		})
	}
	progress("2025-06-30", events.ProjectInProgress, 300_000_000)
	e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.PlanProjectYear(ctx, r, project, ledger.PlanProjectYear{Year: 2025, PlannedFen: 600_000_000, BusinessDate: "2025-07-01"})
	})
	e.do(recorder, func(ctx context.Context, r ledger.Request) (*ledger.Written, error) {
		return e.l.ReportProgress(ctx, r, project, ledger.ReportProgress{AsOf: "2025-12-31", Status: events.ProjectCompleted,
			CompletedInvestmentFen: 800_000_000, CompletedOn: "2025-12-20"})
	})
	proj := func(status, asOf string, done int64, started, completed string, plans map[int]int64) history.Figure {
		return history.Figure{Project: &history.ProjectFigure{PlannedTotalFen: 800_000_000, Status: status, AsOf: asOf,
			CompletedInvestmentFen: done, StartedOn: started, CompletedOn: completed, YearPlans: plans}}
	}
	plans := map[int]int64{2025: 600_000_000}
	e.check(e.history(project),
		want{"aid.project_registered", "2025-02-01", history.Documents{}, 0, rec, proj("registered", "", 0, "", "", nil)},
		// No start date stated: started as of the first report in progress.
		want{"aid.project_progress_reported", "2025-06-30", history.Documents{}, 0, rec,
			proj("in_progress", "2025-06-30", 300_000_000, "2025-06-30", "", nil)},
		want{"aid.project_year_planned", "2025-07-01", history.Documents{}, 600_000_000, rec,
			proj("in_progress", "2025-06-30", 300_000_000, "2025-06-30", "", plans)},
		want{"aid.project_progress_reported", "2025-12-31", history.Documents{}, 0, rec,
			proj("completed", "2025-12-31", 800_000_000, "2025-06-30", "2025-12-20", plans)},
	)
}

func TestUnknownEntity(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, id := range []string{events.NewID(), "not-an-id", ""} {
		if _, err := history.Of(e.ctx, e.store, id); !errors.Is(err, history.ErrNotFound) {
			t.Errorf("history of %q: %v, want ErrNotFound", id, err)
		}
	}
}

func TestYuan(t *testing.T) {
	t.Parallel()
	for fen, want := range map[int64]string{0: "0.00", 5: "0.05", -5: "-0.05", 123456789: "1,234,567.89", -100_000_000: "-1,000,000.00", 99_900: "999.00"} {
		if got := events.Yuan(fen); got != want {
			t.Errorf("Yuan(%d) = %q, want %q", fen, got, want)
		}
	}
}

package balances_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/balances"
)

// 1万元 in fen.
const wan = 1_000_000

// scenario is a realistic history of two donors (钟楼 ZL with 班玛 P1 and
// 镇坪 P2; 临安 LA with 白玉 P3) across 2023–2025, with every kind of
// event and reversals of both reasons across the 2024/2025 boundary.
func scenario(tb testing.TB) []projections.Event {
	s := &script{tb: tb}
	d := func(v string) events.Date { return day(tb, v) }
	zl := events.Unit{Code: "ZL", Name: "常州市钟楼区", ShortName: "钟楼"}
	s.add(events.PairingEstablished{PairingID: "P1", Donor: zl, Partner: events.Unit{Code: "632624", Name: "班玛县", ShortName: "班玛"},
		Programme: events.ProgrammeCounterpartSupport, AgreementDocNo: "钟政发〔2021〕1号", ValidFrom: d("2021-01-01"), ValidTo: d("2025-12-31")})
	s.add(events.PairingEstablished{PairingID: "P2", Donor: zl, Partner: events.Unit{Code: "610927", Name: "镇坪县", ShortName: "镇坪"},
		Programme: events.ProgrammeEastWest, AgreementDocNo: "钟政发〔2021〕2号", ValidFrom: d("2021-01-01"), ValidTo: d("2025-12-31")})
	s.add(events.PairingEstablished{PairingID: "P3", Donor: events.Unit{Code: "LA", Name: "杭州市临安区", ShortName: "临安"},
		Partner: events.Unit{Code: "513331", Name: "白玉县", ShortName: "白玉"}, Programme: events.ProgrammeEastWest,
		AgreementDocNo: "临政〔2021〕9号", ValidFrom: d("2021-01-01"), ValidTo: d("2025-12-31")})
	s.add(events.AnnualTargetsSet{PairingID: "P1", Year: 2024, Targets: events.Targets{FiscalFen: 500 * wan, Visits: 4}})

	// Projects.
	s.add(events.AidProjectRegistered{ProjectID: "PR1", PairingID: "P1", Name: "班玛县中心学校教学楼", Sector: "教育",
		DeliveryMode: events.DeliveryTurnkey, PlannedTotalFen: 500 * wan, PlanYear: 2024, BusinessDate: d("2024-02-01")})
	s.add(events.AidProjectRegistered{ProjectID: "PR2", PairingID: "P1", Name: "牦牛养殖合作社", Sector: "产业",
		DeliveryMode: events.DeliveryCheque, PlannedTotalFen: 200 * wan, PlanYear: 2024, BusinessDate: d("2024-03-01")})

	// Fiscal aid.
	s.add(events.FundsCommitted{CommitmentID: "C1", PairingID: "P1", ProjectID: "PR1", AmountFen: 300 * wan, BudgetYear: 2024,
		SourceLevel: events.SourceDistrict, DocNo: "钟财〔2024〕12号", Batch: "第一批", BusinessDate: d("2024-01-15")})
	s.add(events.FundsCommitted{CommitmentID: "C2", PairingID: "P1", AmountFen: 100 * wan, BudgetYear: 2024,
		SourceLevel: events.SourceCity, DocNo: "常财〔2024〕3号", BusinessDate: d("2024-02-01")})
	s.add(events.FundsCommitted{CommitmentID: "C3", PairingID: "P2", AmountFen: 50 * wan, BudgetYear: 2024,
		SourceLevel: events.SourceDistrict, DocNo: "钟财〔2024〕20号", BusinessDate: d("2024-03-01")})
	s.add(events.CommitmentAdjusted{CommitmentID: "C1", PairingID: "P1", DeltaFen: 20 * wan, Reason: "追加", DocNo: "钟财〔2024〕40号",
		BusinessDate: d("2024-06-01")})
	s.add(events.FundsDisbursed{DisbursementID: "D1", CommitmentID: "C1", PairingID: "P1", AmountFen: 120 * wan,
		BusinessDate: d("2024-03-10"), PayeeName: "班玛县财政局", PayeeCreditCode: "11632624MB1234567X", VoucherNo: "V1"})
	s.add(events.FundsDisbursed{DisbursementID: "D2", CommitmentID: "C1", PairingID: "P1", AmountFen: 100 * wan,
		BusinessDate: d("2024-12-20"), PayeeName: "班玛县财政局", VoucherNo: "V2"})
	s.add(events.FundsReceiptConfirmed{DisbursementID: "D1", CommitmentID: "C1", PairingID: "P1", ReceivedDate: d("2024-03-15"), ReceiptRef: "R1"})
	// Disbursed 2024-12-20; the entry error counts in 2024, the return in 2025.
	s.add(events.DisbursementReversed{ReversalID: "RV1", DisbursementID: "D2", CommitmentID: "C1", PairingID: "P1", AmountFen: 30 * wan,
		Reason: events.ReasonEntryError, BusinessDate: d("2025-01-10"), OriginalDate: d("2024-12-20")})
	s.add(events.DisbursementReversed{ReversalID: "RV2", DisbursementID: "D2", CommitmentID: "C1", PairingID: "P1", AmountFen: 10 * wan,
		Reason: events.ReasonFundsReturned, BusinessDate: d("2025-01-10"), OriginalDate: d("2024-12-20")})
	s.add(events.FundsReceiptConfirmed{DisbursementID: "D2", CommitmentID: "C1", PairingID: "P1", ReceivedDate: d("2025-01-12"), ReceiptRef: "R2"})
	s.add(events.FundsDisbursed{DisbursementID: "D3", CommitmentID: "C2", PairingID: "P1", AmountFen: 100 * wan,
		BusinessDate: d("2024-05-01"), PayeeName: "班玛县财政局", VoucherNo: "V3"})
	s.add(events.FundsDisbursed{DisbursementID: "D4", CommitmentID: "C2", PairingID: "P1", AmountFen: 10 * wan,
		BusinessDate: d("2024-09-01"), PayeeName: "班玛县财政局", VoucherNo: "V4",
		OverCommitment: &events.OverCommitment{Justification: "追加应急资金", ApprovedBy: "区财政局长"}})
	s.add(events.FundsReceiptConfirmed{DisbursementID: "D3", CommitmentID: "C2", PairingID: "P1", ReceivedDate: d("2024-05-05"), ReceiptRef: "R3"})
	// D3 confirmed, then wholly reversed as an entry error: out of receipts.
	s.add(events.DisbursementReversed{ReversalID: "RV3", DisbursementID: "D3", CommitmentID: "C2", PairingID: "P1", AmountFen: 100 * wan,
		Reason: events.ReasonEntryError, BusinessDate: d("2024-06-01"), OriginalDate: d("2024-05-01")})
	s.add(events.FundsDisbursed{DisbursementID: "D5", CommitmentID: "C3", PairingID: "P2", AmountFen: 20 * wan,
		BusinessDate: d("2024-07-01"), PayeeName: "镇坪县财政局", VoucherNo: "V5"})
	s.add(events.DisbursementReversed{ReversalID: "RV4", DisbursementID: "D5", CommitmentID: "C3", PairingID: "P2", AmountFen: 5 * wan,
		Reason: events.ReasonFundsReturned, BusinessDate: d("2024-08-01"), OriginalDate: d("2024-07-01")})
	s.add(events.FundsCommitted{CommitmentID: "C4", PairingID: "P1", AmountFen: 80 * wan, BudgetYear: 2025,
		SourceLevel: events.SourceProvince, DocNo: "青财〔2025〕1号", BusinessDate: d("2025-01-05")})
	s.add(events.CommitmentAdjusted{CommitmentID: "C4", PairingID: "P1", DeltaFen: -10 * wan, Reason: "调减", DocNo: "青财〔2025〕5号",
		BusinessDate: d("2025-02-01")})
	s.add(events.FundsDisbursed{DisbursementID: "D6", CommitmentID: "C4", PairingID: "P1", AmountFen: 40 * wan,
		BusinessDate: d("2025-02-10"), PayeeName: "班玛县财政局", VoucherNo: "V6"})
	s.add(events.FundsCommitted{CommitmentID: "C6", PairingID: "P2", AmountFen: 10 * wan, BudgetYear: 2025,
		SourceLevel: events.SourceDistrict, DocNo: "钟财〔2025〕2号", BusinessDate: d("2025-03-01")})
	s.add(events.FundsDisbursed{DisbursementID: "D8", CommitmentID: "C6", PairingID: "P2", AmountFen: 12 * wan,
		BusinessDate: d("2025-04-01"), PayeeName: "镇坪县财政局", VoucherNo: "V8",
		OverCommitment: &events.OverCommitment{Justification: "汛期抢险", ApprovedBy: "区长"}})
	s.add(events.FundsCommitted{CommitmentID: "C5", PairingID: "P3", AmountFen: 10 * wan, BudgetYear: 2024,
		SourceLevel: events.SourceDistrict, DocNo: "临财〔2024〕1号", BusinessDate: d("2024-01-10")})
	s.add(events.FundsDisbursed{DisbursementID: "D7", CommitmentID: "C5", PairingID: "P3", AmountFen: 10 * wan,
		BusinessDate: d("2024-06-01"), PayeeName: "白玉县财政局", VoucherNo: "V7"})

	// Social aid.
	s.add(events.DonationReceived{DonationID: "DN1", PairingID: "P1", DonorName: "常州某集团", DonorType: events.DonorEnterprise,
		Kind: events.DonationCash, AmountFen: 15 * wan, ReceiptNo: "J1", BusinessDate: d("2024-04-01")})
	s.add(events.DonationReceived{DonationID: "DN2", PairingID: "P1", DonorName: "钟楼区慈善总会", DonorType: events.DonorSocialOrg,
		Kind: events.DonationInKind, AmountFen: 8 * wan, ValuationBasis: "发票", ReceiptNo: "J2", BusinessDate: d("2024-12-28"),
		Items: []events.DonationItem{{Description: "棉衣", Quantity: "400", Unit: "件", ValueFen: 8 * wan}}})
	s.add(events.DonationReversed{EntryReversal: events.EntryReversal{OriginalID: "DN2", PairingIDList: []string{"P1"},
		Reason: events.ReasonEntryError, AmountFen: 3 * wan, BusinessDate: d("2025-01-05"), OriginalDate: d("2024-12-28")}})
	s.add(events.DonationReversed{EntryReversal: events.EntryReversal{OriginalID: "DN1", PairingIDList: []string{"P1"},
		Reason: events.ReasonFundsReturned, AmountFen: 5 * wan, BusinessDate: d("2025-02-01"), OriginalDate: d("2024-04-01")}})
	s.add(events.DonationReceived{DonationID: "DN3", PairingID: "P2", DonorName: "个人", DonorType: events.DonorIndividual,
		Kind: events.DonationCash, AmountFen: 2 * wan, ReceiptNo: "J3", BusinessDate: d("2025-03-01")})

	// Consumption aid.
	s.add(events.ProductPurchased{PurchaseID: "PU1", PairingID: "P1", BuyerName: "钟楼区机关食堂", SupplierName: "班玛牧业",
		Product: "牦牛肉", AmountFen: 50 * wan, Channel: events.ChannelCanteen, OrderNo: "O1", CompletedDate: d("2024-11-30")})
	s.add(events.ProductPurchased{PurchaseID: "PU2", PairingID: "P1", BuyerName: "钟楼区工会", SupplierName: "班玛牧业",
		Product: "酥油", AmountFen: 12 * wan, Channel: events.ChannelUnion, OrderNo: "O2", CompletedDate: d("2024-12-31")})
	s.add(events.PurchaseReversed{EntryReversal: events.EntryReversal{OriginalID: "PU2", PairingIDList: []string{"P1"},
		Reason: events.ReasonEntryError, AmountFen: 12 * wan, BusinessDate: d("2025-01-03"), OriginalDate: d("2024-12-31")}})
	s.add(events.PurchaseReversed{EntryReversal: events.EntryReversal{OriginalID: "PU1", PairingIDList: []string{"P1"},
		Reason: events.ReasonFundsReturned, AmountFen: 2 * wan, BusinessDate: d("2025-01-20"), OriginalDate: d("2024-11-30")}})
	s.add(events.SalesFacilitated{SaleID: "SA1", PairingID: "P1", Channel: events.ChannelFair, PeriodFrom: d("2024-10-01"),
		PeriodTo: d("2025-01-31"), AmountFen: 30 * wan, Evidence: "展销会销售台账"})
	s.add(events.SalesFacilitated{SaleID: "SA2", PairingID: "P1", Channel: events.ChannelEcommerce, OrderNo: "O3",
		PeriodFrom: d("2024-01-01"), PeriodTo: d("2024-06-30"), AmountFen: 10 * wan})
	s.add(events.SaleReversed{EntryReversal: events.EntryReversal{OriginalID: "SA2", PairingIDList: []string{"P1"},
		Reason: events.ReasonFundsReturned, AmountFen: 1 * wan, BusinessDate: d("2025-03-01"), OriginalDate: d("2024-06-30")}})

	// Staff.
	sec := func(id, pairing, person string, c events.StaffCategory, start, planned string) {
		s.add(events.SecondmentStarted{SecondmentID: id, PairingID: pairing, PersonRef: person, Category: c,
			SendingOrg: "钟楼区", HostOrg: "受援县", StartDate: d(start), PlannedEndDate: d(planned)})
	}
	end := func(id, pairing, person, date string) {
		s.add(events.SecondmentEnded{SecondmentID: id, PairingID: pairing, PersonRef: person, EndDate: d(date)})
	}
	sec("S1", "P1", "A", events.StaffTeacher, "2024-09-01", "2025-07-15")
	sec("S2", "P1", "B", events.StaffDoctor, "2024-03-01", "")
	end("S2", "P1", "B", "2024-08-31")
	sec("S3", "P1", "C", events.StaffCadre, "2023-07-01", "2026-06-30")
	end("S3", "P1", "C", "2024-06-30")
	sec("S4", "P1", "D", events.StaffTechnician, "2024-10-01", "")
	sec("S5", "P1", "E", events.StaffAgronomist, "2024-05-01", "2024-10-31")
	s.add(events.SecondmentReversed{EntryReversal: events.EntryReversal{OriginalID: "S5", PairingIDList: []string{"P1"},
		Reason: events.ReasonEntryError, BusinessDate: d("2024-06-01"), OriginalDate: d("2024-05-01")}})
	sec("S6", "P2", "F", events.StaffTeacher, "2024-02-20", "2024-07-10")

	// Visits.
	s.add(events.VisitConducted{VisitID: "VI1", PairingIDList: []string{"P1", "P2"}, Direction: events.VisitOutbound,
		LeadLevel: "区委书记", StartDate: d("2024-04-10"), EndDate: d("2024-04-14"), DelegationSize: 8})
	s.add(events.VisitConducted{VisitID: "VI2", PairingIDList: []string{"P1"}, Direction: events.VisitInbound,
		StartDate: d("2024-12-30"), EndDate: d("2025-01-02")})
	s.add(events.VisitConducted{VisitID: "VI3", PairingIDList: []string{"P1", "P2"}, Direction: events.VisitOutbound,
		StartDate: d("2025-05-01")})
	s.add(events.VisitReversed{EntryReversal: events.EntryReversal{OriginalID: "VI3", PairingIDList: []string{"P1", "P2"},
		Reason: events.ReasonEntryError, BusinessDate: d("2025-05-10"), OriginalDate: d("2025-05-01")}})

	// Project progress.
	s.add(events.ProjectProgressReported{ProjectID: "PR1", PairingID: "P1", AsOf: d("2024-06-30"), Status: events.ProjectInProgress,
		CompletedInvestmentFen: 150 * wan})
	s.add(events.ProjectProgressReported{ProjectID: "PR1", PairingID: "P1", AsOf: d("2024-12-31"), Status: events.ProjectCompleted,
		CompletedInvestmentFen: 480 * wan})
	s.add(events.ProjectProgressReported{ProjectID: "PR2", PairingID: "P1", AsOf: d("2024-12-31"), Status: events.ProjectInProgress,
		CompletedInvestmentFen: 50 * wan})
	s.add(events.ProjectProgressReported{ProjectID: "PR1", PairingID: "P1", AsOf: d("2025-03-01"), Status: events.ProjectAccepted,
		CompletedInvestmentFen: 495 * wan})
	return s.evs
}

func rate(num, den, bp int64, pct string) map[string]any {
	return map[string]any{"numerator": num, "denominator": den, "basis_points": bp, "percent": pct}
}

// with merges rate r under prefix into m.
func with(m map[string]any, prefix string, r map[string]any) map[string]any {
	for k, v := range r {
		m[prefix+"."+k] = v
	}
	return m
}

// Hand-computed figures (see scenario).
var (
	p1y2023 = map[string]any{
		"staff.cadre": 1, "staff.persons": 1, "staff.person_days": 184, "staff.person_months": "6.1", // 2023-07-01..12-31
	}
	p1y2024 = with(with(with(map[string]any{
		"fiscal.commitment_count": 2, "fiscal.committed_fen": 400 * wan, "fiscal.adjusted_fen": 20 * wan,
		"fiscal.committed_total_fen": 420 * wan, "fiscal.disbursement_count": 4, "fiscal.disbursed_fen": 330 * wan,
		"fiscal.reversed_entry_error_fen": 130 * wan, "fiscal.reversed_fen": 130 * wan, // RV1 30 (D2) + RV3 100 (D3)
		"fiscal.net_disbursed_fen": 200 * wan, "fiscal.outstanding_fen": 220 * wan,
		"fiscal.receipts_confirmed": 2, "fiscal.receipts_confirmed_fen": 190 * wan, // D1 120 + D2 100−30
		"fiscal.over_commitment_disbursements": 1, "fiscal.over_commitment_fen": 10 * wan,
		"social.cash_fen": 15 * wan, "social.cash_net_fen": 15 * wan,
		"social.in_kind_fen": 8 * wan, "social.in_kind_reversed_fen": 3 * wan, "social.in_kind_net_fen": 5 * wan,
		"social.total_net_fen":      20 * wan,
		"consumption.purchases_fen": 62 * wan, "consumption.purchases_reversed_fen": 12 * wan,
		"consumption.purchases_net_fen": 50 * wan, "consumption.sales_fen": 10 * wan, "consumption.sales_net_fen": 10 * wan,
		"consumption.total_net_fen": 60 * wan,
		"staff.teacher":             1, "staff.doctor": 1, "staff.technician": 1, "staff.persons": 3, "staff.professional": 3,
		// S1 09-01..12-31 122 + S2 03-01..08-31 184 + S3 01-01..06-30 182 + S4 10-01..12-31 92
		"staff.person_days": 580, "staff.person_months": "19.3",
		"visits":              2,
		"projects.registered": 2, "projects.planned_total_fen": 700 * wan, "projects.completed": 1,
		"projects.completed_investment_fen": 545 * wan,
	}, "fiscal.disbursal_rate", rate(200*wan, 420*wan, 4762, "47.62")),
		"projects.completion_rate", rate(1, 2, 5000, "50.00")),
		"projects.investment_rate", rate(545*wan, 700*wan, 7786, "77.86"))
	p1y2025 = with(map[string]any{
		"fiscal.commitment_count": 1, "fiscal.committed_fen": 80 * wan, "fiscal.adjusted_fen": -10 * wan,
		"fiscal.committed_total_fen": 70 * wan, "fiscal.disbursement_count": 1, "fiscal.disbursed_fen": 40 * wan,
		"fiscal.reversed_funds_returned_fen": 10 * wan, "fiscal.reversed_fen": 10 * wan, // RV2
		"fiscal.net_disbursed_fen": 30 * wan, "fiscal.outstanding_fen": 40 * wan,
		"social.cash_reversed_fen": 5 * wan, "social.cash_net_fen": -5 * wan, "social.total_net_fen": -5 * wan,
		"consumption.purchases_reversed_fen": 2 * wan, "consumption.purchases_net_fen": -2 * wan,
		"consumption.sales_fen": 30 * wan, "consumption.sales_reversed_fen": 1 * wan, "consumption.sales_net_fen": 29 * wan,
		"consumption.total_net_fen": 27 * wan,
		"staff.person_days":         196, "staff.person_months": "6.5", // S1 2025-01-01..07-15
	}, "fiscal.disbursal_rate", rate(30*wan, 70*wan, 4286, "42.86"))
	p2y2024 = with(map[string]any{
		"fiscal.commitment_count": 1, "fiscal.committed_fen": 50 * wan, "fiscal.committed_total_fen": 50 * wan,
		"fiscal.disbursement_count": 1, "fiscal.disbursed_fen": 20 * wan, "fiscal.reversed_funds_returned_fen": 5 * wan,
		"fiscal.reversed_fen": 5 * wan, "fiscal.net_disbursed_fen": 15 * wan, "fiscal.outstanding_fen": 35 * wan,
		"staff.teacher": 1, "staff.persons": 1, "staff.professional": 1,
		"staff.person_days": 142, "staff.person_months": "4.7", // 2024-02-20..07-10
		"visits": 1,
	}, "fiscal.disbursal_rate", rate(15*wan, 50*wan, 3000, "30.00"))
	p2y2025 = with(map[string]any{
		"fiscal.commitment_count": 1, "fiscal.committed_fen": 10 * wan, "fiscal.committed_total_fen": 10 * wan,
		"fiscal.disbursement_count": 1, "fiscal.disbursed_fen": 12 * wan, "fiscal.net_disbursed_fen": 12 * wan,
		"fiscal.outstanding_fen": -2 * wan, "fiscal.over_commitment_disbursements": 1, "fiscal.over_commitment_fen": 12 * wan,
		"social.cash_fen": 2 * wan, "social.cash_net_fen": 2 * wan, "social.total_net_fen": 2 * wan,
	}, "fiscal.disbursal_rate", rate(12*wan, 10*wan, 12000, "120.00"))
)

func TestScenario(t *testing.T) {
	t.Parallel()
	evs := scenario(t)
	ctx := context.Background()
	var first string
	for _, size := range []int{1, 7, 0} {
		pool := newModel(t)
		applyAll(t, pool, evs, size)
		checkScenario(t, ctx, pool, size)
		got := dump(t, pool)
		if first == "" {
			first = got
		} else if got != first {
			t.Errorf("batch size %d: tables differ from batch size 1: %s", size, firstDiff(first, got))
		}
	}
}

func checkScenario(t *testing.T, ctx context.Context, pool *pgxpool.Pool, size int) {
	t.Helper()
	name := func(s string) string {
		return s + " (batch size " + map[int]string{1: "1", 7: "7", 0: "all"}[size] + ")"
	}

	// Pairing-year figures, year by year and all years at once.
	years, err := balances.PairingYear(ctx, pool, "P1", 0)
	if err != nil {
		t.Fatal(err)
	}
	// 2026 only ever held S3's provisional person-days, taken back when it
	// ended: its row exists but all-zero years are not listed.
	if len(years) != 3 || years[0].Year != 2023 || years[1].Year != 2024 || years[2].Year != 2025 {
		t.Fatalf("%s: P1 years = %+v, want 2023, 2024, 2025", name("PairingYear"), years)
	}
	expectLeaves(t, name("P1 2023"), years[0].Figures, p1y2023)
	expectLeaves(t, name("P1 2024"), years[1].Figures, p1y2024)
	expectLeaves(t, name("P1 2025"), years[2].Figures, p1y2025)
	for _, c := range []struct {
		pairing string
		year    int
		want    map[string]any
	}{{"P2", 2024, p2y2024}, {"P2", 2025, p2y2025}, {"P1", 2022, map[string]any{}}} {
		ys, err := balances.PairingYear(ctx, pool, c.pairing, c.year)
		if err != nil {
			t.Fatal(err)
		}
		if len(ys) != 1 || ys[0].Year != c.year || ys[0].PairingID != c.pairing {
			t.Fatalf("PairingYear(%s, %d) = %+v", c.pairing, c.year, ys)
		}
		expectLeaves(t, name(c.pairing+" "+ys[0].PairingID), ys[0].Figures, c.want)
	}
	if _, err := balances.PairingYear(ctx, pool, "nope", 2024); !errors.Is(err, balances.ErrNotFound) {
		t.Errorf("PairingYear(unknown) error = %v, want ErrNotFound", err)
	}

	// Donor report for 2024: P2 (镇坪 610927) before P1 (班玛 632624).
	r, err := balances.Donor(ctx, pool, "ZL", 2024)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pairings) != 2 || r.Pairings[0].PairingID != "P2" || r.Pairings[1].PairingID != "P1" || r.Donor.ShortName != "钟楼" {
		t.Fatalf("Donor(ZL, 2024) pairings = %+v", r.Pairings)
	}
	expectLeaves(t, name("ZL 2024 P2"), r.Pairings[0].Figures, p2y2024)
	expectLeaves(t, name("ZL 2024 P1"), r.Pairings[1].Figures, p1y2024)
	expectLeaves(t, name("ZL 2024 totals"), r.Totals, with(with(with(map[string]any{
		"fiscal.commitment_count": 3, "fiscal.committed_fen": 450 * wan, "fiscal.adjusted_fen": 20 * wan,
		"fiscal.committed_total_fen": 470 * wan, "fiscal.disbursement_count": 5, "fiscal.disbursed_fen": 350 * wan,
		"fiscal.reversed_entry_error_fen": 130 * wan, "fiscal.reversed_funds_returned_fen": 5 * wan,
		"fiscal.reversed_fen": 135 * wan, "fiscal.net_disbursed_fen": 215 * wan, "fiscal.outstanding_fen": 255 * wan,
		"fiscal.receipts_confirmed": 2, "fiscal.receipts_confirmed_fen": 190 * wan,
		"fiscal.over_commitment_disbursements": 1, "fiscal.over_commitment_fen": 10 * wan,
		"social.cash_fen": 15 * wan, "social.cash_net_fen": 15 * wan, "social.in_kind_fen": 8 * wan,
		"social.in_kind_reversed_fen": 3 * wan, "social.in_kind_net_fen": 5 * wan, "social.total_net_fen": 20 * wan,
		"consumption.purchases_fen": 62 * wan, "consumption.purchases_reversed_fen": 12 * wan,
		"consumption.purchases_net_fen": 50 * wan, "consumption.sales_fen": 10 * wan, "consumption.sales_net_fen": 10 * wan,
		"consumption.total_net_fen": 60 * wan,
		"staff.teacher":             2, "staff.doctor": 1, "staff.technician": 1, "staff.persons": 4, "staff.professional": 4,
		"staff.person_days": 722, "staff.person_months": "24.1",
		"visits":              3,
		"projects.registered": 2, "projects.planned_total_fen": 700 * wan, "projects.completed": 1,
		"projects.completed_investment_fen": 545 * wan,
	}, "fiscal.disbursal_rate", rate(215*wan, 470*wan, 4574, "45.74")),
		"projects.completion_rate", rate(1, 2, 5000, "50.00")),
		"projects.investment_rate", rate(545*wan, 700*wan, 7786, "77.86")))

	all, err := balances.Donor(ctx, pool, "ZL", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Pairings) != 2 || all.Totals.Fiscal.NetDisbursedFen != (215+30+12)*wan || all.Totals.Staff.PersonDays != 184+722+196 ||
		all.Totals.Visits != 3 || all.Totals.Social.TotalNetFen != (20-5+2)*wan || all.Totals.Consumption.TotalNetFen != (60+27)*wan {
		t.Errorf("%s: Donor(ZL, all years) totals = %+v", name("Donor"), all.Totals)
	}
	if la, err := balances.Donor(ctx, pool, "LA", 2024); err != nil || len(la.Pairings) != 1 ||
		la.Totals.Fiscal.NetDisbursedFen != 10*wan || la.Totals.Fiscal.DisbursalRate.Percent != "100.00" {
		t.Errorf("Donor(LA, 2024) = %+v, %v", la, err)
	}
	if la, err := balances.Donor(ctx, pool, "LA", 2019); err != nil || len(la.Pairings) != 0 || la.Donor.Code != "LA" {
		t.Errorf("Donor(LA, 2019) = %+v, %v; want no pairings", la, err)
	}
	if _, err := balances.Donor(ctx, pool, "XX", 2024); !errors.Is(err, balances.ErrNotFound) {
		t.Errorf("Donor(unknown) error = %v, want ErrNotFound", err)
	}

	// Commitments.
	c1, err := balances.Commitment(ctx, pool, "C1")
	if err != nil {
		t.Fatal(err)
	}
	expectLeaves(t, name("C1"), c1, with(map[string]any{
		"commitment_id": "C1", "pairing_id": "P1", "project_id": "PR1", "budget_year": 2024, "source_level": "district",
		"doc_no": "钟财〔2024〕12号", "batch": "第一批", "business_date": "2024-01-15",
		"amount_fen": 300 * wan, "adjusted_fen": 20 * wan, "committed_total_fen": 320 * wan, "disbursement_count": 2,
		"disbursed_fen": 220 * wan, "reversed_entry_error_fen": 30 * wan, "reversed_funds_returned_fen": 10 * wan,
		"reversed_fen": 40 * wan, "net_disbursed_fen": 180 * wan, "outstanding_fen": 140 * wan,
		"receipts_confirmed": 2, "receipts_confirmed_fen": 190 * wan,
		"disbursements": []any{
			map[string]any{"disbursement_id": "D1", "business_date": "2024-03-10", "amount_fen": 120 * wan, "reversed_entry_error_fen": 0,
				"reversed_funds_returned_fen": 0, "reversed_fen": 0, "net_fen": 120 * wan, "voucher_no": "V1",
				"payee_name": "班玛县财政局", "payee_credit_code": "11632624MB1234567X", "receipt_confirmed_date": "2024-03-15", "receipt_ref": "R1"},
			map[string]any{"disbursement_id": "D2", "business_date": "2024-12-20", "amount_fen": 100 * wan,
				"reversed_entry_error_fen": 30 * wan, "reversed_funds_returned_fen": 10 * wan, "reversed_fen": 40 * wan,
				"net_fen": 60 * wan, "voucher_no": "V2", "payee_name": "班玛县财政局", "receipt_confirmed_date": "2025-01-12",
				"receipt_ref": "R2"},
		},
	}, "disbursal_rate", rate(180*wan, 320*wan, 5625, "56.25")))
	c2, err := balances.Commitment(ctx, pool, "C2")
	if err != nil {
		t.Fatal(err)
	}
	expectLeaves(t, name("C2"), c2, with(map[string]any{
		"commitment_id": "C2", "pairing_id": "P1", "budget_year": 2024, "source_level": "city", "doc_no": "常财〔2024〕3号",
		"business_date": "2024-02-01", "amount_fen": 100 * wan, "committed_total_fen": 100 * wan, "disbursement_count": 2,
		"disbursed_fen": 110 * wan, "reversed_entry_error_fen": 100 * wan, "reversed_fen": 100 * wan,
		"net_disbursed_fen": 10 * wan, "outstanding_fen": 90 * wan,
		"over_commitment_disbursements": 1, "over_commitment_fen": 10 * wan, "over_committed": false,
		"disbursements": []any{
			map[string]any{"disbursement_id": "D3", "business_date": "2024-05-01", "amount_fen": 100 * wan,
				"reversed_entry_error_fen": 100 * wan, "reversed_funds_returned_fen": 0, "reversed_fen": 100 * wan,
				"net_fen": 0, "voucher_no": "V3", "payee_name": "班玛县财政局", "receipt_confirmed_date": "2024-05-05", "receipt_ref": "R3"},
			map[string]any{"disbursement_id": "D4", "business_date": "2024-09-01", "amount_fen": 10 * wan,
				"reversed_entry_error_fen": 0, "reversed_funds_returned_fen": 0, "reversed_fen": 0,
				"net_fen": 10 * wan, "voucher_no": "V4", "payee_name": "班玛县财政局", "receipt_confirmed_date": nil,
				"over_commitment": map[string]any{"justification": "追加应急资金", "approved_by": "区财政局长"}},
		},
	}, "disbursal_rate", rate(10*wan, 100*wan, 1000, "10.00")))
	c6, err := balances.Commitment(ctx, pool, "C6")
	if err != nil {
		t.Fatal(err)
	}
	if !c6.OverCommitted || c6.OutstandingFen != -2*wan || len(c6.Disbursements) != 1 || c6.Disbursements[0].OverCommitment == nil ||
		c6.Disbursements[0].OverCommitment.ApprovedBy != "区长" {
		t.Errorf("%s: C6 = %+v, want over-committed by 2万 with approval", name("Commitment"), c6)
	}
	if _, err := balances.Commitment(ctx, pool, "nope"); !errors.Is(err, balances.ErrNotFound) {
		t.Errorf("Commitment(unknown) error = %v, want ErrNotFound", err)
	}

	// Projects.
	pr1, err := balances.Project(ctx, pool, "PR1")
	if err != nil {
		t.Fatal(err)
	}
	if pr1.Status != "accepted" || pr1.AsOf.String() != "2025-03-01" || pr1.CompletedInvestmentFen != 495*wan || !pr1.Completed ||
		pr1.CompletionRate.Percent != "99.00" || pr1.PlannedTotalFen != 500*wan || pr1.PlanYear != 2024 || pr1.DeliveryMode != "turnkey" ||
		len(pr1.Commitments) != 1 || pr1.Commitments[0].CommitmentID != "C1" || pr1.Commitments[0].NetDisbursedFen != 180*wan ||
		pr1.CommittedTotalFen != 320*wan || pr1.DisbursedFen != 220*wan || pr1.ReversedFen != 40*wan || pr1.NetDisbursedFen != 180*wan {
		t.Errorf("%s: PR1 = %+v", name("Project"), pr1)
	}
	pr2, err := balances.Project(ctx, pool, "PR2")
	if err != nil {
		t.Fatal(err)
	}
	if pr2.Status != "in_progress" || pr2.Completed || pr2.CompletionRate.BasisPoints != 2500 || len(pr2.Commitments) != 0 {
		t.Errorf("%s: PR2 = %+v", name("Project"), pr2)
	}
	if _, err := balances.Project(ctx, pool, "nope"); !errors.Is(err, balances.ErrNotFound) {
		t.Errorf("Project(unknown) error = %v, want ErrNotFound", err)
	}

	// Pairings.
	ps, err := balances.Pairings(ctx, pool, balances.PairingFilter{DonorCode: "ZL"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].PairingID != "P2" || ps[1].Partner.Name != "班玛县" || ps[1].Programme != "counterpart_support" ||
		ps[1].AgreementDocNo != "钟政发〔2021〕1号" || ps[1].ValidTo.String() != "2025-12-31" || ps[1].Donor.ShortName != "钟楼" {
		t.Errorf("Pairings(ZL) = %+v", ps)
	}
	if ps, err := balances.Pairings(ctx, pool, balances.PairingFilter{PartnerCode: "513331"}); err != nil || len(ps) != 1 || ps[0].PairingID != "P3" {
		t.Errorf("Pairings(partner 513331) = %+v, %v", ps, err)
	}
	if ps, err := balances.Pairings(ctx, pool, balances.PairingFilter{}); err != nil || len(ps) != 3 {
		t.Errorf("Pairings(all) = %d pairings, %v", len(ps), err)
	}
}

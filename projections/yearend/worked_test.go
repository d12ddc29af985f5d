package yearend_test

import (
	"fmt"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// The units of the worked example (docs/domain.md §11).
var (
	jia  = events.Unit{Code: "320411", Name: "甲区", ShortName: "甲"}
	yi   = events.Unit{Code: "522701", Name: "乙县", ShortName: "乙"}
	bing = events.Unit{Code: "522702", Name: "丙县", ShortName: "丙"}
)

// Pairing ids of the worked example.
const (
	pYi   = "01JPAIRINGYI00000000000000"
	pBing = "01JPAIRINGBING000000000000"
)

// worked holds the worked example's events and the ids of those the
// expected figures name.
type worked struct {
	s *script
	// ids by a short name ("D1", "V2" …).
	id map[string]string
}

// workedExample is the worked example of docs/domain.md §11 as events: donor 甲区 with
// 乙县 — 3 visits, 12 teachers and doctors seconded in 2025 (and a
// teacher seconded in 2024, who does not count),
// 2,600,000 元 disbursed net (a 200,000 元 disbursement reversed as an
// entry error and entered again), 436,000 元 of donations (cash and
// in-kind), 905,000 元 of purchases and facilitated sales, and a project —
// and 丙县: 1 visit (one of 乙's three covered both) and 1,000,000 元
// disbursed. Expected paragraph: 开展甲-乙区县互访调研3次，选派专业技术人才
// 12名，完成对乙县财政帮扶260万元、社会帮扶40余万元、采购、帮助销售当地农副产
// 品90余万元；开展甲-丙区县互访调研1次，完成对丙县财政帮扶100万元。
func workedExample(tb testing.TB) *worked {
	s := &script{tb: tb}
	w := &worked{s: s, id: map[string]string{}}
	d := func(v string) events.Date { return day(tb, v) }
	add := func(name string, e events.Event) { w.id[name] = s.add(e) }

	add("P-YI", events.PairingEstablished{PairingID: pYi, Donor: jia, Partner: yi, Programme: events.ProgrammeEastWest,
		AgreementDocNo: "甲乙协议〔2021〕1号", ValidFrom: d("2021-01-01"), ValidTo: d("2025-12-31")})
	add("P-BING", events.PairingEstablished{PairingID: pBing, Donor: jia, Partner: bing, Programme: events.ProgrammeEastWest,
		AgreementDocNo: "甲丙协议〔2021〕2号", ValidFrom: d("2021-01-01"), ValidTo: d("2025-12-31")})
	add("T", events.AnnualTargetsSet{PairingID: pYi, Year: 2025, Targets: events.Targets{FiscalFen: 500 * wan, Visits: 4}})

	// A teacher seconded in 2024 does not count in 2025.
	add("S0", events.SecondmentStarted{SecondmentID: "S0", PairingID: pYi, PersonRef: "p0", Category: events.StaffTeacher,
		SendingOrg: "甲区教育局", HostOrg: "乙县一中", StartDate: d("2024-09-01")})

	// Fiscal aid.
	add("C-YI", events.FundsCommitted{CommitmentID: "C-YI", PairingID: pYi, AmountFen: 300 * wan, BudgetYear: 2025,
		SourceLevel: events.SourceDistrict, DocNo: "甲财〔2025〕1号", BusinessDate: d("2025-01-10")})
	add("C-BING", events.FundsCommitted{CommitmentID: "C-BING", PairingID: pBing, AmountFen: 100 * wan, BudgetYear: 2025,
		SourceLevel: events.SourceDistrict, DocNo: "甲财〔2025〕2号", BusinessDate: d("2025-01-10")})
	add("ADJ", events.CommitmentAdjusted{CommitmentID: "C-YI", PairingID: pYi, DeltaFen: -20 * wan, Reason: "调减",
		DocNo: "甲财〔2025〕9号", BusinessDate: d("2025-02-01")})
	add("V1", events.VisitConducted{VisitID: "V1", PairingIDList: []string{pYi}, Direction: events.VisitOutbound,
		StartDate: d("2025-03-01"), EndDate: d("2025-03-03")})
	add("D1", events.FundsDisbursed{DisbursementID: "D1", CommitmentID: "C-YI", PairingID: pYi, AmountFen: 100 * wan,
		BusinessDate: d("2025-03-10"), PayeeName: "乙县财政局", VoucherNo: "V-2025-001"})
	add("RC1", events.FundsReceiptConfirmed{DisbursementID: "D1", CommitmentID: "C-YI", PairingID: pYi,
		ReceivedDate: d("2025-03-15"), ReceiptRef: "乙收〔2025〕1号"})
	add("D2", events.FundsDisbursed{DisbursementID: "D2", CommitmentID: "C-YI", PairingID: pYi, AmountFen: 20 * wan,
		BusinessDate: d("2025-04-01"), PayeeName: "乙县财政局", VoucherNo: "V-2025-002"})
	add("R2", events.DisbursementReversed{ReversalID: "R2", DisbursementID: "D2", CommitmentID: "C-YI", PairingID: pYi,
		AmountFen: 20 * wan, Reason: events.ReasonEntryError, BusinessDate: d("2025-04-03"), OriginalDate: d("2025-04-01"),
		DocNo: "冲〔2025〕1号"})
	add("D3", events.FundsDisbursed{DisbursementID: "D3", CommitmentID: "C-YI", PairingID: pYi, AmountFen: 20 * wan,
		BusinessDate: d("2025-04-05"), PayeeName: "乙县财政局", VoucherNo: "V-2025-003"})
	add("V2", events.VisitConducted{VisitID: "V2", PairingIDList: []string{pYi, pBing}, Direction: events.VisitOutbound,
		StartDate: d("2025-05-18"), EndDate: d("2025-05-22"), DelegationSize: 8})
	add("D5", events.FundsDisbursed{DisbursementID: "D5", CommitmentID: "C-BING", PairingID: pBing, AmountFen: 100 * wan,
		BusinessDate: d("2025-05-20"), PayeeName: "丙县财政局", VoucherNo: "V-2025-005"})
	add("DN1", events.DonationReceived{DonationID: "DN1", PairingID: pYi, DonorName: "某企业", DonorType: events.DonorEnterprise,
		Kind: events.DonationCash, AmountFen: 30 * wan, ReceiptNo: "捐-001", BusinessDate: d("2025-06-01")})
	add("D4", events.FundsDisbursed{DisbursementID: "D4", CommitmentID: "C-YI", PairingID: pYi, AmountFen: 140 * wan,
		BusinessDate: d("2025-07-01"), PayeeName: "乙县财政局", VoucherNo: "V-2025-004"})
	add("SA1", events.SalesFacilitated{SaleID: "SA1", PairingID: pYi, Channel: events.ChannelFair, PeriodFrom: d("2025-01-01"),
		PeriodTo: d("2025-06-30"), AmountFen: 30 * wan, Evidence: "展销会销售台账"})
	add("DN2", events.DonationReceived{DonationID: "DN2", PairingID: pYi, DonorName: "某商会", DonorType: events.DonorSocialOrg,
		Kind: events.DonationInKind, AmountFen: 136_000 * yuan, ValuationBasis: "市场价评估", ReceiptNo: "捐-002",
		Items:        []events.DonationItem{{Description: "课桌椅", Quantity: "200", Unit: "套", ValueFen: 136_000 * yuan}},
		BusinessDate: d("2025-08-01")})
	add("PU1", events.ProductPurchased{PurchaseID: "PU1", PairingID: pYi, BuyerName: "甲区机关食堂", SupplierName: "乙县合作社",
		SupplierCountyCode: yi.Code, Product: "高山茶", AmountFen: 405_000 * yuan, Channel: events.ChannelPlatform832,
		OrderNo: "832-0001", CompletedDate: d("2025-09-10")})
	add("V3", events.VisitConducted{VisitID: "V3", PairingIDList: []string{pYi}, Direction: events.VisitInbound,
		StartDate: d("2025-09-20"), EndDate: d("2025-09-21")})
	add("PU2", events.ProductPurchased{PurchaseID: "PU2", PairingID: pYi, BuyerName: "甲区工会", SupplierName: "乙县农户",
		Product: "土豆", AmountFen: 20 * wan, Channel: events.ChannelUnion, OrderNo: "GH-0002", CompletedDate: d("2025-10-10")})

	// Staff: 7 teachers and 5 doctors (专业技术人才 12名); one has already
	// returned, and still counts as sent in the year.
	for i := range 12 {
		cat, host := events.StaffTeacher, "乙县一中"
		if i >= 7 {
			cat, host = events.StaffDoctor, "乙县人民医院"
		}
		add(fmt.Sprintf("S%d", i+1), events.SecondmentStarted{SecondmentID: fmt.Sprintf("S%d", i+1), PairingID: pYi,
			PersonRef: fmt.Sprintf("p%d", i+1), Category: cat, SendingOrg: "甲区", HostOrg: host,
			StartDate: d(fmt.Sprintf("2025-%02d-01", 2+i%9)), PlannedEndDate: d("2026-07-31")})
	}
	add("E12", events.SecondmentEnded{SecondmentID: "S12", PairingID: pYi, PersonRef: "p12", EndDate: d("2025-11-30")})

	// A project of plan year 2025, completed.
	add("PR1", events.AidProjectRegistered{ProjectID: "PR1", PairingID: pYi, Name: "乙县中心小学教学楼", Sector: "教育",
		DeliveryMode: events.DeliveryTurnkey, PlannedTotalFen: 200 * wan, PlanYear: 2025, BusinessDate: d("2025-02-15")})
	add("PG1", events.ProjectProgressReported{ProjectID: "PR1", PairingID: pYi, AsOf: d("2025-06-30"),
		Status: events.ProjectInProgress, CompletedInvestmentFen: 50 * wan})
	add("PG2", events.ProjectProgressReported{ProjectID: "PR1", PairingID: pYi, AsOf: d("2025-10-31"),
		Status: events.ProjectCompleted, CompletedInvestmentFen: 180 * wan})
	return w
}

// ids returns the ids of the named events.
func (w *worked) ids(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		id, ok := w.id[n]
		if !ok {
			panic("no event named " + n)
		}
		out[i] = id
	}
	return out
}

// expectedYi and expectedBing are the worked example's figures for 2025
// (every Figure, with the events behind it).
func (w *worked) expectedYi() yearend.Figures {
	f := zeroFigures()
	f.Visits = fig(3, w.ids("V1", "V2", "V3")...)
	teachers := w.ids("S1", "S2", "S3", "S4", "S5", "S6", "S7")
	doctors := w.ids("S8", "S9", "S10", "S11", "S12")
	f.StaffTeacher = fig(7, teachers...)
	f.StaffDoctor = fig(5, doctors...)
	f.StaffProfessional = fig(12, append(teachers, doctors...)...)
	f.FiscalDisbursedFen = fig(260*wan, w.ids("D1", "D2", "R2", "D3", "D4")...)
	f.FiscalCommittedFen = fig(280*wan, w.ids("C-YI", "ADJ")...)
	f.ReceiptsConfirmedFen = fig(100*wan, w.ids("RC1")...)
	f.DisbursalRateBP = 9286 // 260/280 = 92.857…%
	f.ProjectsRegistered = fig(1, w.ids("PR1")...)
	f.PlannedInvestmentFen = fig(200*wan, w.ids("PR1")...)
	f.ProjectsCompleted = fig(1, w.ids("PG2")...)
	f.CompletedInvestmentFen = fig(180*wan, w.ids("PG1", "PG2")...)
	// By calendar year: started as of the first report in progress,
	// completed as of the first report completed (neither states a date).
	f.ProjectsStarted = fig(1, w.ids("PG1")...)
	f.ProjectsUnderWay = fig(1, w.ids("PG1")...)
	f.ProjectsFinished = fig(1, w.ids("PG2")...)
	f.YearInvestedFen = fig(180*wan, w.ids("PG1", "PG2")...)
	// In post: the 12 sent in 2025 and the 2024 teacher, who has served a
	// year since 1 September; one of the 12 returned.
	f.StaffInPost = fig(13, append(append(teachers, doctors...), w.ids("S0")...)...)
	f.StaffYearOrMore = fig(1, w.ids("S0")...)
	f.StaffAnniversary = fig(1, w.ids("S0")...)
	f.StaffLeft = fig(1, w.ids("E12")...)
	f.SocialCashFen = fig(30*wan, w.ids("DN1")...)
	f.SocialInKindFen = fig(136_000*yuan, w.ids("DN2")...)
	f.SocialFen = fig(436_000*yuan, w.ids("DN1", "DN2")...)
	f.PurchasesFen = fig(605_000*yuan, w.ids("PU1", "PU2")...)
	f.SalesFen = fig(30*wan, w.ids("SA1")...)
	f.ConsumptionFen = fig(905_000*yuan, w.ids("PU1", "PU2", "SA1")...)
	return f
}

func (w *worked) expectedBing() yearend.Figures {
	f := zeroFigures()
	f.Visits = fig(1, w.ids("V2")...)
	f.FiscalDisbursedFen = fig(100*wan, w.ids("D5")...)
	f.FiscalCommittedFen = fig(100*wan, w.ids("C-BING")...)
	f.DisbursalRateBP = 10000
	return f
}

// expectedTotals sums the two pairings (the joint visit V2 counts in both).
func (w *worked) expectedTotals() yearend.Figures {
	f := w.expectedYi()
	f.Visits = fig(4, w.ids("V1", "V2", "V3")...)
	f.FiscalDisbursedFen = fig(360*wan, w.ids("D1", "D2", "R2", "D3", "D4", "D5")...)
	f.FiscalCommittedFen = fig(380*wan, w.ids("C-YI", "ADJ", "C-BING")...)
	f.DisbursalRateBP = 9474 // 360/380 = 94.736…%
	return f
}

// TestWorkedExample checks every figure of the worked example (docs/domain.md §11),
// the footnotes and line items, and the provenance.
func TestWorkedExample(t *testing.T) {
	t.Parallel()
	pool := newModel(t)
	w := workedExample(t)
	applyAll(t, pool, w.s.evs, 0)
	r := compute(t, pool, jia.Code, 2025, events.Date{}, 0)

	if r.Donor != jia || r.Year != 2025 || r.Cutoff != day(t, "2025-12-31") {
		t.Errorf("donor %+v, year %d, cut-off %s", r.Donor, r.Year, r.Cutoff)
	}
	last := w.s.evs[len(w.s.evs)-1]
	if r.Position != last.Position || r.ChainHash != last.Hash.String() {
		t.Errorf("provenance %d %s, want %d %s", r.Position, r.ChainHash, last.Position, last.Hash)
	}
	if r.Profile != (yearend.Profile{}) {
		t.Errorf("profile %+v, want the zero profile (the caller sets it)", r.Profile)
	}
	if len(r.Pairings) != 2 {
		t.Fatalf("%d pairings, want 2 (乙, 丙)", len(r.Pairings))
	}
	if p := r.Pairings[0]; p.PairingID != pYi || p.Partner != yi || p.Programme != "east_west" {
		t.Errorf("first pairing %s %+v %s, want 乙", p.PairingID, p.Partner, p.Programme)
	}
	if p := r.Pairings[1]; p.PairingID != pBing || p.Partner != bing {
		t.Errorf("second pairing %s %+v, want 丙", p.PairingID, p.Partner)
	}
	sameJSON(t, "乙", r.Pairings[0].Figures, w.expectedYi())
	sameJSON(t, "丙", r.Pairings[1].Figures, w.expectedBing())
	sameJSON(t, "totals", r.Totals, w.expectedTotals())

	wantNotes := []yearend.Footnote{{Kind: yearend.FootInKindValuation, PairingID: pYi, EventID: w.id["DN2"],
		AmountFen: 136_000 * yuan, Figure: "social_in_kind_fen", Date: day(t, "2025-08-01"), Detail: "市场价评估"}}
	sameJSON(t, "footnotes", r.Footnotes, wantNotes)

	// Line items: every counted contribution, summing to the figures.
	sums := map[string]int64{}
	var prev int64
	for i, li := range r.LineItems.All() {
		if li.Position < prev {
			t.Errorf("line items out of ledger order at %d", i)
		}
		prev = li.Position
		sums[li.PairingID+" "+li.Figure] += li.AmountFen
	}
	if r.LineItems.Len() != 42 {
		t.Errorf("%d line items, want 42", r.LineItems.Len())
	}
	for key, want := range map[string]int64{
		pYi + " fiscal_disbursed_fen": 260 * wan, pYi + " visits": 3, pBing + " visits": 1, pYi + " staff_teacher": 7,
		pYi + " purchases_fen": 605_000 * yuan, pYi + " completed_investment_fen": 180 * wan,
	} {
		if sums[key] != want {
			t.Errorf("line items of %s sum to %d, want %d", key, sums[key], want)
		}
	}
	var d1 yearend.LineItem
	for _, li := range r.LineItems.All() {
		if li.EventID == w.id["D1"] {
			d1 = *li
		}
	}
	wantD1 := yearend.LineItem{EventID: w.id["D1"], Position: d1.Position, Type: "aid.funds_disbursed", PairingID: pYi,
		Figure: "fiscal_disbursed_fen", BusinessDate: day(t, "2025-03-10"), AmountFen: 100 * wan, DocumentNo: "V-2025-001"}
	if d1 != wantD1 || d1.Position == 0 {
		t.Errorf("line item of D1 %+v, want %+v", d1, wantD1)
	}

	// Another year: pairings valid in it, nothing counted; the 2024 teacher.
	r24 := compute(t, pool, jia.Code, 2024, events.Date{}, 0)
	if len(r24.Pairings) != 2 || r24.Totals.StaffTeacher.Value != 1 || r24.Totals.FiscalDisbursedFen.Value != 0 {
		t.Errorf("2024: %d pairings, teachers %d, disbursed %d", len(r24.Pairings), r24.Totals.StaffTeacher.Value,
			r24.Totals.FiscalDisbursedFen.Value)
	}
	// 2026: the pairings have expired and nothing was recorded, but 12 of
	// 乙's staff are still in post (none has returned since E12), each
	// with a year of service by the end of 2026: 乙 is listed, 丙 is not.
	r26 := compute(t, pool, jia.Code, 2026, events.Date{}, 0)
	if len(r26.Pairings) != 1 || r26.Pairings[0].PairingID != pYi || r26.Totals.StaffInPost.Value != 12 ||
		r26.Totals.StaffYearOrMore.Value != 12 || r26.Totals.FiscalDisbursedFen.Value != 0 || r26.Totals.StaffTeacher.Value != 0 {
		t.Errorf("2026: %d pairings, in post %d, a year or more %d", len(r26.Pairings), r26.Totals.StaffInPost.Value,
			r26.Totals.StaffYearOrMore.Value)
	}
}

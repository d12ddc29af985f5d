package yearend_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// pairWith starts a script with the 甲-乙 and 甲-丙 pairings, valid 2020–2030.
func pairWith(tb testing.TB) *script {
	s := &script{tb: tb}
	for _, p := range []struct {
		id      string
		partner events.Unit
	}{{pYi, yi}, {pBing, bing}} {
		s.add(events.PairingEstablished{PairingID: p.id, Donor: jia, Partner: p.partner, Programme: events.ProgrammeEastWest,
			AgreementDocNo: "协议", ValidFrom: day(tb, "2020-01-01"), ValidTo: day(tb, "2030-12-31")})
	}
	return s
}

// TestYearBoundary: an entry_error reversal counts in the original's year,
// a funds_returned one in its own; both are footnoted as moving money
// between years, in each year's report they concern.
func TestYearBoundary(t *testing.T) {
	t.Parallel()
	pool := newModel(t)
	s := pairWith(t)
	d := func(v string) events.Date { return day(t, v) }
	s.add(events.FundsCommitted{CommitmentID: "C", PairingID: pYi, AmountFen: 200 * wan, BudgetYear: 2024,
		SourceLevel: events.SourceCity, DocNo: "文1", BusinessDate: d("2024-01-05")})
	dis := s.add(events.FundsDisbursed{DisbursementID: "D", CommitmentID: "C", PairingID: pYi, AmountFen: 100 * wan,
		BusinessDate: d("2024-12-20"), PayeeName: "乙县财政局", VoucherNo: "V1"})
	rc := s.add(events.FundsReceiptConfirmed{DisbursementID: "D", CommitmentID: "C", PairingID: pYi,
		ReceivedDate: d("2024-12-24"), ReceiptRef: "收1"})
	don := s.add(events.DonationReceived{DonationID: "G", PairingID: pYi, DonorName: "企业", DonorType: events.DonorEnterprise,
		Kind: events.DonationCash, AmountFen: 5 * wan, ReceiptNo: "J1", BusinessDate: d("2024-12-28")})
	pur := s.add(events.ProductPurchased{PurchaseID: "U", PairingID: pYi, BuyerName: "食堂", SupplierName: "社",
		AmountFen: 2 * wan, Channel: events.ChannelCanteen, OrderNo: "O1", CompletedDate: d("2024-12-30")})
	vis := s.add(events.VisitConducted{VisitID: "W", PairingIDList: []string{pYi, pBing}, Direction: events.VisitOutbound,
		StartDate: d("2024-12-29"), EndDate: d("2024-12-30")})
	sec := s.add(events.SecondmentStarted{SecondmentID: "S", PairingID: pYi, PersonRef: "p", Category: events.StaffDoctor,
		SendingOrg: "甲", HostOrg: "乙", StartDate: d("2024-12-15")})

	// January 2025: corrections and returns.
	rEE := s.add(events.DisbursementReversed{ReversalID: "R1", DisbursementID: "D", CommitmentID: "C", PairingID: pYi,
		AmountFen: 30 * wan, Reason: events.ReasonEntryError, BusinessDate: d("2025-01-10"), OriginalDate: d("2024-12-20"), DocNo: "冲1"})
	rFR := s.add(events.DisbursementReversed{ReversalID: "R2", DisbursementID: "D", CommitmentID: "C", PairingID: pYi,
		AmountFen: 10 * wan, Reason: events.ReasonFundsReturned, BusinessDate: d("2025-01-10"), OriginalDate: d("2024-12-20"), DocNo: "退1"})
	one := []string{pYi}
	gEE := s.add(events.DonationReversed{EntryReversal: events.EntryReversal{OriginalID: "G", PairingIDList: one,
		Reason: events.ReasonEntryError, AmountFen: 1 * wan, BusinessDate: d("2025-01-05"), OriginalDate: d("2024-12-28")}})
	gFR := s.add(events.DonationReversed{EntryReversal: events.EntryReversal{OriginalID: "G", PairingIDList: one,
		Reason: events.ReasonFundsReturned, AmountFen: 5000 * yuan, BusinessDate: d("2025-01-06"), OriginalDate: d("2024-12-28")}})
	uEE := s.add(events.PurchaseReversed{EntryReversal: events.EntryReversal{OriginalID: "U", PairingIDList: one,
		Reason: events.ReasonEntryError, AmountFen: 2 * wan, BusinessDate: d("2025-01-03"), OriginalDate: d("2024-12-30")}})
	vEE := s.add(events.VisitReversed{EntryReversal: events.EntryReversal{OriginalID: "W", PairingIDList: []string{pYi, pBing},
		Reason: events.ReasonEntryError, BusinessDate: d("2025-01-02"), OriginalDate: d("2024-12-29")}})
	sEE := s.add(events.SecondmentReversed{EntryReversal: events.EntryReversal{OriginalID: "S", PairingIDList: one,
		Reason: events.ReasonEntryError, BusinessDate: d("2025-01-02"), OriginalDate: d("2024-12-15")}})
	applyAll(t, pool, s.evs, 3)

	r24 := compute(t, pool, jia.Code, 2024, events.Date{}, 0)
	y := r24.Pairings[0].Figures
	if y.FiscalDisbursedFen.Value != 70*wan || y.ReceiptsConfirmedFen.Value != 70*wan || y.SocialCashFen.Value != 4*wan ||
		y.PurchasesFen.Value != 0 || y.Visits.Value != 0 || y.StaffDoctor.Value != 0 || r24.Pairings[1].Visits.Value != 0 {
		t.Errorf("2024 乙: disbursed %d, receipts %d, cash %d, purchases %d, visits %d, doctors %d; 丙 visits %d",
			y.FiscalDisbursedFen.Value, y.ReceiptsConfirmedFen.Value, y.SocialCashFen.Value, y.PurchasesFen.Value,
			y.Visits.Value, y.StaffDoctor.Value, r24.Pairings[1].Visits.Value)
	}
	sameJSON(t, "2024 disbursed", y.FiscalDisbursedFen, fig(70*wan, dis, rEE))
	sameJSON(t, "2024 receipts", y.ReceiptsConfirmedFen, fig(70*wan, rc, rEE))
	sameJSON(t, "2024 cash", y.SocialCashFen, fig(4*wan, don, gEE))
	sameJSON(t, "2024 purchases", y.PurchasesFen, fig(0, pur, uEE))
	sameJSON(t, "2024 visits", y.Visits, fig(0, vis, vEE))
	sameJSON(t, "2024 doctors", y.StaffDoctor, fig(0, sec, sEE))
	if y.FiscalCommittedFen.Value != 200*wan || y.DisbursalRateBP != 3500 {
		t.Errorf("2024 committed %d, rate %d bp", y.FiscalCommittedFen.Value, y.DisbursalRateBP)
	}
	late := func(id, pairing, figure string, amount int64, on string) yearend.Footnote {
		return yearend.Footnote{Kind: yearend.FootLateEntry, PairingID: pairing, EventID: id, AmountFen: amount, Figure: figure,
			Date: d(on), Detail: ownDateOf(t, s, id).String()}
	}
	cross := func(id, figure string, amount int64, own, detail string) yearend.Footnote {
		return yearend.Footnote{Kind: yearend.FootCrossYear, PairingID: pYi, EventID: id, AmountFen: amount, Figure: figure,
			Date: d(own), Detail: detail}
	}
	const disbursed, cash, purchases = "fiscal_disbursed_fen", "social_cash_fen", "purchases_fen"
	sameJSON(t, "2024 footnotes", r24.Footnotes, []yearend.Footnote{
		cross(rEE, disbursed, -30*wan, "2025-01-10", "entry_error 2024-12-20"),
		cross(gEE, cash, -1*wan, "2025-01-05", "entry_error 2024-12-28"),
		cross(uEE, purchases, -2*wan, "2025-01-03", "entry_error 2024-12-30"),
		late(rEE, pYi, disbursed, -30*wan, "2024-12-20"), // once, though it moves disbursed and receipts
		late(gEE, pYi, cash, -1*wan, "2024-12-28"),
		late(uEE, pYi, purchases, -2*wan, "2024-12-30"),
		late(vEE, pYi, "visits", -1, "2024-12-29"),
		late(vEE, pBing, "visits", -1, "2024-12-29"),
		late(sEE, pYi, "staff_doctor", -1, "2024-12-15"),
	})

	r25 := compute(t, pool, jia.Code, 2025, events.Date{}, 0)
	y = r25.Pairings[0].Figures
	sameJSON(t, "2025 disbursed", y.FiscalDisbursedFen, fig(-10*wan, rFR))
	sameJSON(t, "2025 cash", y.SocialCashFen, fig(-5000*yuan, gFR))
	if y.ReceiptsConfirmedFen.Value != 0 || y.PurchasesFen.Value != 0 || y.Visits.Value != 0 || y.DisbursalRateBP != 0 {
		t.Errorf("2025: receipts %d, purchases %d, visits %d, rate %d", y.ReceiptsConfirmedFen.Value, y.PurchasesFen.Value,
			y.Visits.Value, y.DisbursalRateBP)
	}
	// In 2025: the entry errors dated in 2025 but counted in 2024, and the
	// returns counted in 2025 of 2024 entries.
	sameJSON(t, "2025 footnotes", r25.Footnotes, []yearend.Footnote{
		cross(rEE, disbursed, -30*wan, "2025-01-10", "entry_error 2024-12-20"),
		cross(rFR, disbursed, -10*wan, "2025-01-10", "funds_returned 2024-12-20"),
		cross(gEE, cash, -1*wan, "2025-01-05", "entry_error 2024-12-28"),
		cross(gFR, cash, -5000*yuan, "2025-01-06", "funds_returned 2024-12-28"),
		cross(uEE, purchases, -2*wan, "2025-01-03", "entry_error 2024-12-30"),
	})
}

// ownDateOf is the day (China time) the event with id was recorded.
func ownDateOf(tb testing.TB, s *script, id string) events.Date {
	tb.Helper()
	for _, ev := range s.evs {
		if ev.ID == id {
			return events.Today(ev.RecordedAt)
		}
	}
	tb.Fatalf("no event %s", id)
	return events.Date{}
}

// TestCutoff: a cut-off of 30 November leaves December's entries out, but
// not the budget year's commitments or the plan year's projects.
func TestCutoff(t *testing.T) {
	t.Parallel()
	pool := newModel(t)
	s := pairWith(t)
	d := func(v string) events.Date { return day(t, v) }
	s.add(events.FundsCommitted{CommitmentID: "C", PairingID: pYi, AmountFen: 500 * wan, BudgetYear: 2025,
		SourceLevel: events.SourceCity, DocNo: "文1", BusinessDate: d("2025-01-05")})
	nov := s.add(events.FundsDisbursed{DisbursementID: "D1", CommitmentID: "C", PairingID: pYi, AmountFen: 100 * wan,
		BusinessDate: d("2025-11-30"), PayeeName: "乙", VoucherNo: "V1"})
	dec := s.add(events.FundsDisbursed{DisbursementID: "D2", CommitmentID: "C", PairingID: pYi, AmountFen: 50 * wan,
		BusinessDate: d("2025-12-01"), PayeeName: "乙", VoucherNo: "V2"})
	adj := s.add(events.CommitmentAdjusted{CommitmentID: "C", PairingID: pYi, DeltaFen: 100 * wan, Reason: "追加", DocNo: "文2",
		BusinessDate: d("2025-12-15")})
	s.add(events.VisitConducted{VisitID: "W", PairingIDList: []string{pYi}, Direction: events.VisitOutbound,
		StartDate: d("2025-12-05"), EndDate: d("2025-12-06")})
	s.add(events.ProductPurchased{PurchaseID: "U", PairingID: pYi, BuyerName: "食堂", SupplierName: "社", AmountFen: 3 * wan,
		Channel: events.ChannelCanteen, OrderNo: "O1", CompletedDate: d("2025-12-10")})
	s.add(events.SalesFacilitated{SaleID: "SA", PairingID: pYi, Channel: events.ChannelFair, PeriodFrom: d("2025-11-01"),
		PeriodTo: d("2025-12-31"), AmountFen: 4 * wan})
	s.add(events.SecondmentStarted{SecondmentID: "S", PairingID: pYi, PersonRef: "p", Category: events.StaffAgronomist,
		SendingOrg: "甲", HostOrg: "乙", StartDate: d("2025-12-02")})
	cadre := s.add(events.SecondmentStarted{SecondmentID: "K", PairingID: pYi, PersonRef: "k", Category: events.StaffCadre,
		SendingOrg: "甲区委组织部", HostOrg: "乙县人民政府", StartDate: d("2025-04-15"), PlannedEndDate: d("2027-04-14")})
	pr := s.add(events.AidProjectRegistered{ProjectID: "PR", PairingID: pYi, Name: "桥", Sector: "交通",
		DeliveryMode: events.DeliveryCheque, PlannedTotalFen: 80 * wan, PlanYear: 2025, BusinessDate: d("2025-03-01")})
	pg := s.add(events.ProjectProgressReported{ProjectID: "PR", PairingID: pYi, AsOf: d("2025-12-20"),
		Status: events.ProjectAccepted, CompletedInvestmentFen: 80 * wan})
	applyAll(t, pool, s.evs, 0)

	cut := compute(t, pool, jia.Code, 2025, d("2025-11-30"), 0)
	if cut.Cutoff != d("2025-11-30") {
		t.Errorf("cut-off %s", cut.Cutoff)
	}
	want := zeroFigures()
	want.FiscalDisbursedFen = fig(100*wan, nov)
	want.FiscalCommittedFen = fig(600*wan, s.evs[2].ID, adj)
	want.DisbursalRateBP = 1667
	want.ProjectsRegistered = fig(1, pr)
	want.PlannedInvestmentFen = fig(80*wan, pr)
	want.ProjectsCompleted = fig(1, pg)
	want.CompletedInvestmentFen = fig(80*wan, pg)
	want.StaffCadre = fig(1, cadre) // a cadre is not a professional
	want.StaffInPost = fig(1, cadre)
	sameJSON(t, "cut at 30 November", cut.Pairings[0].Figures, want)
	if len(cut.Footnotes) != 0 {
		t.Errorf("footnotes %+v", cut.Footnotes)
	}

	full := compute(t, pool, jia.Code, 2025, events.Date{}, 0)
	f := full.Pairings[0].Figures
	if f.FiscalDisbursedFen.Value != 150*wan || f.Visits.Value != 1 || f.ConsumptionFen.Value != 7*wan ||
		f.StaffAgronomist.Value != 1 || f.StaffProfessional.Value != 1 || f.StaffCadre.Value != 1 {
		t.Errorf("whole year: disbursed %d, visits %d, consumption %d, agronomists %d", f.FiscalDisbursedFen.Value,
			f.Visits.Value, f.ConsumptionFen.Value, f.StaffAgronomist.Value)
	}
	sameJSON(t, "whole year disbursed", f.FiscalDisbursedFen, fig(150*wan, nov, dec))
	if explicit := compute(t, pool, jia.Code, 2025, d("2025-12-31"), 0); asJSON(t, explicit) != asJSON(t, full) {
		t.Error("a cut-off of 31 December differs from the default")
	}

	ctx := context.Background()
	for _, bad := range []struct {
		year   int
		cutoff string
	}{{2025, "2024-11-30"}, {2025, "2026-01-01"}, {1899, ""}, {10000, ""}} {
		var c events.Date
		if bad.cutoff != "" {
			c = d(bad.cutoff)
		}
		if _, err := yearend.Compute(ctx, pool, jia.Code, bad.year, c, 0); !errors.Is(err, yearend.ErrInvalid) {
			t.Errorf("year %d cut-off %q: %v, want ErrInvalid", bad.year, bad.cutoff, err)
		}
	}
	if _, err := yearend.Compute(ctx, pool, "nobody", 2025, events.Date{}, 0); !errors.Is(err, yearend.ErrNotFound) {
		t.Errorf("unknown donor: %v, want ErrNotFound", err)
	}
}

// TestLateEntry: entries recorded (China time) after the cut-off day but
// dated on or before it are counted and footnoted with the day recorded.
func TestLateEntry(t *testing.T) {
	t.Parallel()
	pool := newModel(t)
	s := pairWith(t)
	d := func(v string) events.Date { return day(t, v) }
	s.add(events.FundsCommitted{CommitmentID: "C", PairingID: pYi, AmountFen: 500 * wan, BudgetYear: 2025,
		SourceLevel: events.SourceCity, DocNo: "文1", BusinessDate: d("2025-01-05")})
	lateDis := s.addAt(cst(t, "2025-12-03 10:00"), events.FundsDisbursed{DisbursementID: "D1", CommitmentID: "C", PairingID: pYi,
		AmountFen: 100 * wan, BusinessDate: d("2025-11-20"), PayeeName: "乙", VoucherNo: "V1"})
	s.addAt(cst(t, "2025-11-30 23:59"), events.DonationReceived{DonationID: "G", PairingID: pYi, DonorName: "个人",
		DonorType: events.DonorIndividual, Kind: events.DonationCash, AmountFen: 1 * wan, ReceiptNo: "J1", BusinessDate: d("2025-11-30")})
	latePur := s.addAt(cst(t, "2025-12-01 00:00"), events.ProductPurchased{PurchaseID: "U", PairingID: pYi, BuyerName: "食堂",
		SupplierName: "社", SupplierCountyCode: yi.Code, AmountFen: 3 * wan, Channel: events.ChannelCanteen, OrderNo: "O1",
		CompletedDate: d("2025-11-29")})
	lateVisit := s.addAt(cst(t, "2025-12-02 09:00"), events.VisitConducted{VisitID: "W", PairingIDList: []string{pYi, pBing},
		Direction: events.VisitInbound, StartDate: d("2025-11-10"), EndDate: d("2025-11-12")})
	// Dated after the cut-off: not counted, so not a late entry either.
	s.addAt(cst(t, "2025-12-05 09:00"), events.FundsDisbursed{DisbursementID: "D2", CommitmentID: "C", PairingID: pYi,
		AmountFen: 1 * wan, BusinessDate: d("2025-12-04"), PayeeName: "乙", VoucherNo: "V2"})
	// Commitments have no cut-off and are never late.
	s.addAt(cst(t, "2026-01-05 09:00"), events.CommitmentAdjusted{CommitmentID: "C", PairingID: pYi, DeltaFen: 1 * wan,
		Reason: "追加", DocNo: "文2", BusinessDate: d("2025-12-30")})
	applyAll(t, pool, s.evs, 0)

	r := compute(t, pool, jia.Code, 2025, d("2025-11-30"), 0)
	note := func(id, pairing, figure string, amount int64, on, recorded string) yearend.Footnote {
		return yearend.Footnote{Kind: yearend.FootLateEntry, PairingID: pairing, EventID: id, AmountFen: amount, Figure: figure,
			Date: d(on), Detail: recorded}
	}
	sameJSON(t, "late entries", r.Footnotes, []yearend.Footnote{
		note(lateDis, pYi, "fiscal_disbursed_fen", 100*wan, "2025-11-20", "2025-12-03"),
		note(latePur, pYi, "purchases_fen", 3*wan, "2025-11-29", "2025-12-01"),
		note(lateVisit, pYi, "visits", 1, "2025-11-10", "2025-12-02"),
		note(lateVisit, pBing, "visits", 1, "2025-11-10", "2025-12-02"),
	})
	if f := r.Pairings[0].Figures; f.FiscalDisbursedFen.Value != 100*wan || f.SocialCashFen.Value != 1*wan ||
		f.PurchasesFen.Value != 3*wan || f.FiscalCommittedFen.Value != 501*wan {
		t.Errorf("figures: disbursed %d, cash %d, purchases %d, committed %d", f.FiscalDisbursedFen.Value,
			f.SocialCashFen.Value, f.PurchasesFen.Value, f.FiscalCommittedFen.Value)
	}
	// With the year-end cut-off nothing was recorded late.
	if full := compute(t, pool, jia.Code, 2025, events.Date{}, 0); len(full.Footnotes) != 0 {
		t.Errorf("footnotes at 31 December: %+v", full.Footnotes)
	}
}

// TestPartnerMismatch: a purchase from a county other than the pairing's
// partner is footnoted with the supplier's county; one from the partner,
// or without a county, is not.
func TestPartnerMismatch(t *testing.T) {
	t.Parallel()
	pool := newModel(t)
	s := pairWith(t)
	d := func(v string) events.Date { return day(t, v) }
	buy := func(id, county string) string {
		return s.add(events.ProductPurchased{PurchaseID: id, PairingID: pYi, BuyerName: "食堂", SupplierName: "社",
			SupplierCountyCode: county, AmountFen: 2 * wan, Channel: events.ChannelPlatform832, OrderNo: "O" + id,
			CompletedDate: d("2025-05-05")})
	}
	other := buy("U1", "522799")
	buy("U2", yi.Code)
	buy("U3", "")
	bingCounty := buy("U4", bing.Code) // the donor's other partner is still not this pairing's
	applyAll(t, pool, s.evs, 0)
	r := compute(t, pool, jia.Code, 2025, events.Date{}, 0)
	sameJSON(t, "partner mismatches", r.Footnotes, []yearend.Footnote{
		{Kind: yearend.FootPartnerMismatch, PairingID: pYi, EventID: other, AmountFen: 2 * wan, Figure: "purchases_fen", Date: d("2025-05-05"),
			Detail: "522799"},
		{Kind: yearend.FootPartnerMismatch, PairingID: pYi, EventID: bingCounty, AmountFen: 2 * wan, Figure: "purchases_fen",
			Date: d("2025-05-05"), Detail: bing.Code},
	})
	if r.Pairings[0].PurchasesFen.Value != 8*wan {
		t.Errorf("purchases %d: mismatched purchases still count", r.Pairings[0].PurchasesFen.Value)
	}
}

// TestOverCommitment: a disbursement beyond its commitment under an
// approval is counted and footnoted with the justification and approver.
func TestOverCommitment(t *testing.T) {
	t.Parallel()
	pool := newModel(t)
	s := pairWith(t)
	d := func(v string) events.Date { return day(t, v) }
	s.add(events.FundsCommitted{CommitmentID: "C", PairingID: pBing, AmountFen: 100 * wan, BudgetYear: 2025,
		SourceLevel: events.SourceDistrict, DocNo: "文1", BusinessDate: d("2025-01-05")})
	s.add(events.FundsDisbursed{DisbursementID: "D1", CommitmentID: "C", PairingID: pBing, AmountFen: 100 * wan,
		BusinessDate: d("2025-03-01"), PayeeName: "丙", VoucherNo: "V1"})
	over := s.add(events.FundsDisbursed{DisbursementID: "D2", CommitmentID: "C", PairingID: pBing, AmountFen: 15 * wan,
		BusinessDate: d("2025-07-20"), PayeeName: "丙", VoucherNo: "V2",
		OverCommitment: &events.OverCommitment{Justification: "防汛应急", ApprovedBy: "区财政局长"}})
	applyAll(t, pool, s.evs, 0)
	r := compute(t, pool, jia.Code, 2025, events.Date{}, 0)
	sameJSON(t, "over-commitment", r.Footnotes, []yearend.Footnote{{Kind: yearend.FootOverCommitment, PairingID: pBing,
		EventID: over, AmountFen: 15 * wan, Figure: "fiscal_disbursed_fen", Date: d("2025-07-20"), Detail: "防汛应急 / 区财政局长"}})
	if f := r.Pairings[1].Figures; f.FiscalDisbursedFen.Value != 115*wan || f.DisbursalRateBP != 11500 {
		t.Errorf("丙 disbursed %d, rate %d", f.FiscalDisbursedFen.Value, f.DisbursalRateBP)
	}
}

// TestInconsistent: events referring to what the model never saw, or
// breaking the ledger's rules, fail the batch with ErrInconsistent.
func TestInconsistent(t *testing.T) {
	t.Parallel()
	pool := newModel(t)
	d := func(v string) events.Date { return day(t, v) }
	for name, e := range map[string]events.Event{
		"unknown pairing": events.VisitConducted{VisitID: "W", PairingIDList: []string{"nope"}, Direction: events.VisitOutbound,
			StartDate: d("2025-01-01"), EndDate: d("2025-01-01")},
		"unknown disbursement": events.DisbursementReversed{ReversalID: "R", DisbursementID: "nope", CommitmentID: "C",
			PairingID: pYi, AmountFen: 1, Reason: events.ReasonEntryError, BusinessDate: d("2025-01-01"), OriginalDate: d("2025-01-01")},
		"reversal beyond the original": events.DisbursementReversed{ReversalID: "R", DisbursementID: "D", CommitmentID: "C",
			PairingID: pYi, AmountFen: 2 * wan, Reason: events.ReasonFundsReturned, BusinessDate: d("2025-02-01"), OriginalDate: d("2025-01-10")},
		"second receipt": events.FundsReceiptConfirmed{DisbursementID: "D", CommitmentID: "C", PairingID: pYi,
			ReceivedDate: d("2025-01-12"), ReceiptRef: "x"},
		"pairing again": events.PairingEstablished{PairingID: pYi, Donor: jia, Partner: yi, Programme: events.ProgrammeEastWest,
			AgreementDocNo: "x", ValidFrom: d("2020-01-01"), ValidTo: d("2030-12-31")},
	} {
		resetModel(t, pool)
		s := pairWith(t)
		s.add(events.FundsCommitted{CommitmentID: "C", PairingID: pYi, AmountFen: 1 * wan, BudgetYear: 2025,
			SourceLevel: events.SourceCity, DocNo: "文", BusinessDate: d("2025-01-05")})
		s.add(events.FundsDisbursed{DisbursementID: "D", CommitmentID: "C", PairingID: pYi, AmountFen: 1 * wan,
			BusinessDate: d("2025-01-10"), PayeeName: "乙", VoucherNo: "V"})
		s.add(events.FundsReceiptConfirmed{DisbursementID: "D", CommitmentID: "C", PairingID: pYi,
			ReceivedDate: d("2025-01-11"), ReceiptRef: "收"})
		applyAll(t, pool, s.evs, 0)
		s.add(e)
		err := applyBatch(context.Background(), pool, s.evs[len(s.evs)-1:])
		if !errors.Is(err, yearend.ErrInconsistent) {
			t.Errorf("%s: %v, want ErrInconsistent", name, err)
		}
	}
}

package audittrail

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventtest"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// genDonors are the donors of the random histories.
var genDonors = []events.Unit{
	{Code: "320404", Name: "钟楼区", ShortName: "钟楼"}, {Code: "330112", Name: "临安区", ShortName: "临安"},
	{Code: "320411", Name: "新北区", ShortName: "新北"},
}

// genConfig is a random valid history (package eventtest) of n events:
// three donors with four pairings each (and a few established later) with
// ten partner counties "632621" … "632630" (so that donors share
// counties), business dates in 2021–2025. With after, it continues that
// log.
func genConfig(seed uint64, n int, after *events.Record) eventtest.Config {
	return eventtest.Config{Seed: seed, DonorUnits: genDonors, PairingsPerDonor: 4, Partners: 10, From: events.DateOf(2021, 1, 1),
		Years: 5, Events: n, After: after}
}

// generate returns the n events of genConfig.
func generate(seed uint64, n int, after *events.Record) []projections.Event {
	return runnerEvents(eventtest.New(genConfig(seed, n, after)).Next(n))
}

// runnerEvents converts eventtest's events to what the runner hands Apply.
func runnerEvents(evs []eventtest.Event) []projections.Event {
	out := make([]projections.Event, len(evs))
	for i, ev := range evs {
		out[i] = projections.Event(ev)
	}
	return out
}

// meta is what the ledger records about a hand-written event besides its
// payload.
type meta struct {
	stream, donor, partner, actor, key, correlation, causation string
}

// scenarioLog records hand-written events as the ledger would (an
// eventtest.Log): consecutive positions, stream versions, canonical
// payloads, a hash chain, recorded 1.5 ms apart from 2025-01-02 01:00 UTC.
type scenarioLog struct{ *eventtest.Log }

func newLog() scenarioLog {
	return scenarioLog{eventtest.NewLog(time.Date(2025, 1, 2, 1, 0, 0, 1_500_000, time.UTC))}
}

// append records d at the next position.
func (l scenarioLog) append(m meta, d events.Event) projections.Event {
	return projections.Event(l.Append(eventtest.Command{Stream: m.stream, DonorCode: m.donor, PartnerCode: m.partner,
		Metadata: events.Metadata{Actor: m.actor, IdempotencyKey: m.key, CorrelationID: m.correlation, CausationID: m.causation},
		Events:   []events.Event{d}})[0])
}

// newDB returns a pool on a new database holding an empty read model in
// schema proj_audittrail, migrated by the projection runner's Migrate.
func newDB(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	pool, err := pgxpool.New(context.Background(), testenv.Postgres(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	if err := projections.Migrate(context.Background(), pool, New()); err != nil {
		tb.Fatal(err)
	}
	return pool
}

// createSchema creates another schema and runs the migrations in it as
// the projection runner does: with search_path set to the schema.
func createSchema(tb testing.TB, pool *pgxpool.Pool, schema string) {
	tb.Helper()
	ctx := context.Background()
	cfg := pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["search_path"] = schema
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		tb.Fatal(err)
	}
	m, err := migrate.NewMigrator(ctx, conn, "schema_version")
	if err != nil {
		tb.Fatal(err)
	}
	if err := m.LoadMigrations(New().Migrations()); err != nil {
		tb.Fatal(err)
	}
	if err := m.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
}

// apply applies batch in one transaction with search_path = schema.
func apply(ctx context.Context, pool *pgxpool.Pool, schema string, batch []projections.Event) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+pgx.Identifier{schema}.Sanitize()); err != nil {
		return err
	}
	if err := New().Apply(ctx, tx, batch); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// applyAll applies evs in batches of size.
func applyAll(tb testing.TB, pool *pgxpool.Pool, schema string, evs []projections.Event, size int) {
	tb.Helper()
	for i := 0; i < len(evs); i += size {
		if err := apply(context.Background(), pool, schema, evs[i:min(i+size, len(evs))]); err != nil {
			tb.Fatalf("apply positions %d…: %v", evs[i].Position, err)
		}
	}
}

// all reads every row with Query, following pages.
func all(tb testing.TB, q Querier, f Filter) []Entry {
	tb.Helper()
	var out []Entry
	for {
		page, err := Query(context.Background(), q, f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, page.Entries...)
		if page.NextAfter == 0 {
			return out
		}
		f.AfterPosition = page.NextAfter
	}
}

func fen(v int64) *int64 { return &v }

// The scenario: two pairings of 钟楼区 and one event of every type.
const (
	donor    = "320404"
	banma    = "632626"
	zhenping = "610927"
	officer  = "王会计 (recorder)"
)

var (
	pBanma    = events.Unit{Code: banma, Name: "班玛县", ShortName: "班玛"}
	pZhenping = events.Unit{Code: zhenping, Name: "镇坪县", ShortName: "镇坪"}
	zhonglou  = events.Unit{Code: donor, Name: "钟楼区", ShortName: "钟楼"}
)

func day(s string) events.Date {
	d, err := events.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// want is the expected payload-derived part of a row.
type want struct {
	kind, entity, relation, original, parent string
	date                                     string
	amount                                   *int64
	reason, docKind, docNo                   string
	pairings                                 []string
	partner                                  string
	partners                                 []string
}

type scenarioEvent struct {
	m    meta
	data events.Event
	want want
}

func scenario() []scenarioEvent {
	m := func(stream, partner string) meta {
		return meta{stream: stream, donor: donor, partner: partner, actor: officer}
	}
	er := func(id string, pairings []string, reason events.ReversalReason, amount int64, date, doc string) events.EntryReversal {
		return events.EntryReversal{OriginalID: id, PairingIDList: pairings, Reason: reason, AmountFen: amount,
			BusinessDate: day(date), OriginalDate: day("2025-05-01"), DocNo: doc, Note: "更正"}
	}
	both := []string{"P1", "P2"}
	return []scenarioEvent{
		{m("pairing-1", banma), events.PairingEstablished{PairingID: "P1", Donor: zhonglou, Partner: pBanma,
			Programme: events.ProgrammeCounterpartSupport, AgreementDocNo: "常钟协〔2021〕1号", ValidFrom: day("2021-01-01"), ValidTo: day("2025-12-31")},
			want{kind: "pairing", entity: "P1", date: "2021-01-01", docKind: "agreement_doc_no", docNo: "常钟协〔2021〕1号", pairings: []string{"P1"}, partner: banma}},
		{m("pairing-2", zhenping), events.PairingEstablished{PairingID: "P2", Donor: zhonglou, Partner: pZhenping,
			Programme: events.ProgrammeIntraProvince, AgreementDocNo: "常钟协〔2021〕2号", ValidFrom: day("2021-03-01"), ValidTo: day("2025-12-31")},
			want{kind: "pairing", entity: "P2", date: "2021-03-01", docKind: "agreement_doc_no", docNo: "常钟协〔2021〕2号", pairings: []string{"P2"}, partner: zhenping}},
		{m("targets-P1", banma), events.AnnualTargetsSet{PairingID: "P1", Year: 2025, Targets: events.Targets{FiscalFen: 260000000, Visits: 3}, DocNo: "钟协办〔2025〕3号"},
			want{kind: "pairing", entity: "P1", docKind: "doc_no", docNo: "钟协办〔2025〕3号", pairings: []string{"P1"}, partner: banma}},
		{m("project-PR1", banma), events.AidProjectRegistered{ProjectID: "PR1", PairingID: "P1", Name: "班玛县卫生院改造", Sector: "医疗",
			DeliveryMode: events.DeliveryTurnkey, PlannedTotalFen: 500000000, PlanYear: 2025, BusinessDate: day("2025-02-10")},
			want{kind: "project", entity: "PR1", date: "2025-02-10", pairings: []string{"P1"}, partner: banma}},
		{m("project-PR1", banma), events.ProjectProgressReported{ProjectID: "PR1", PairingID: "P1", AsOf: day("2025-06-30"),
			Status: events.ProjectInProgress, CompletedInvestmentFen: 120000000},
			want{kind: "project", entity: "PR1", relation: "progress", original: "PR1", date: "2025-06-30", pairings: []string{"P1"}, partner: banma}},
		{m("commitment-C1", banma), events.FundsCommitted{CommitmentID: "C1", PairingID: "P1", ProjectID: "PR1", AmountFen: 300000000,
			BudgetYear: 2025, SourceLevel: events.SourceDistrict, DocNo: "钟财〔2025〕12号", BusinessDate: day("2025-03-01")},
			want{kind: "commitment", entity: "C1", parent: "PR1", date: "2025-03-01", amount: fen(300000000), docKind: "doc_no", docNo: "钟财〔2025〕12号", pairings: []string{"P1"}, partner: banma}},
		{m("commitment-C1", banma), events.CommitmentAdjusted{CommitmentID: "C1", PairingID: "P1", DeltaFen: -50000000, Reason: "项目调减",
			DocNo: "钟财〔2025〕30号", BusinessDate: day("2025-04-01")},
			want{kind: "commitment", entity: "C1", relation: "adjustment", original: "C1", date: "2025-04-01", amount: fen(-50000000), docKind: "doc_no", docNo: "钟财〔2025〕30号", pairings: []string{"P1"}, partner: banma}},
		{m("commitment-C1", banma), events.FundsDisbursed{DisbursementID: "D1", CommitmentID: "C1", PairingID: "P1", AmountFen: 100000000,
			BusinessDate: day("2025-04-10"), PayeeName: "班玛县财政局", VoucherNo: "PZ-2025-0001"},
			want{kind: "disbursement", entity: "D1", parent: "C1", date: "2025-04-10", amount: fen(100000000), docKind: "voucher_no", docNo: "PZ-2025-0001", pairings: []string{"P1"}, partner: banma}},
		{m("commitment-C1", banma), events.DisbursementReversed{ReversalID: "R1", DisbursementID: "D1", CommitmentID: "C1", PairingID: "P1",
			AmountFen: 20000000, Reason: events.ReasonFundsReturned, BusinessDate: day("2025-05-01"), OriginalDate: day("2025-04-10"), DocNo: "钟财退〔2025〕1号"},
			want{kind: "disbursement_reversal", entity: "R1", relation: "reversal", original: "D1", parent: "C1", date: "2025-05-01", amount: fen(-20000000),
				reason: "funds_returned", docKind: "doc_no", docNo: "钟财退〔2025〕1号", pairings: []string{"P1"}, partner: banma}},
		{meta{stream: "commitment-C1", donor: donor, partner: banma, actor: "李出纳 (partner)"}, events.FundsReceiptConfirmed{DisbursementID: "D1",
			CommitmentID: "C1", PairingID: "P1", ReceivedDate: day("2025-04-15"), ReceiptRef: "班财收〔2025〕7号"},
			want{kind: "disbursement", entity: "D1", relation: "receipt", original: "D1", parent: "C1", date: "2025-04-15", docKind: "receipt_ref", docNo: "班财收〔2025〕7号", pairings: []string{"P1"}, partner: banma}},
		{m("donation-DN1", banma), events.DonationReceived{DonationID: "DN1", PairingID: "P1", DonorName: "常州某集团", DonorType: events.DonorEnterprise,
			Kind: events.DonationCash, AmountFen: 23648000, ReceiptNo: "JZ-0001", BusinessDate: day("2025-05-05")},
			want{kind: "donation", entity: "DN1", date: "2025-05-05", amount: fen(23648000), docKind: "receipt_no", docNo: "JZ-0001", pairings: []string{"P1"}, partner: banma}},
		{m("donation-DN1", banma), events.DonationReversed{EntryReversal: er("DN1", []string{"P1"}, events.ReasonEntryError, 3648000, "2025-05-06", "")},
			want{kind: "donation", entity: "DN1", relation: "reversal", original: "DN1", date: "2025-05-06", amount: fen(-3648000), reason: "entry_error", pairings: []string{"P1"}, partner: banma}},
		{m("purchase-PU1", zhenping), events.ProductPurchased{PurchaseID: "PU1", PairingID: "P2", BuyerName: "钟楼区机关食堂", SupplierName: "镇坪县合作社",
			Product: "腊肉", AmountFen: 1234500, Channel: events.ChannelPlatform832, OrderNo: "832-000123", CompletedDate: day("2025-06-01")},
			want{kind: "purchase", entity: "PU1", date: "2025-06-01", amount: fen(1234500), docKind: "order_no", docNo: "832-000123", pairings: []string{"P2"}, partner: zhenping}},
		{m("purchase-PU1", zhenping), events.PurchaseReversed{EntryReversal: er("PU1", []string{"P2"}, events.ReasonEntryError, 1234500, "2025-06-02", "更正〔2025〕1号")},
			want{kind: "purchase", entity: "PU1", relation: "reversal", original: "PU1", date: "2025-06-02", amount: fen(-1234500), reason: "entry_error",
				docKind: "doc_no", docNo: "更正〔2025〕1号", pairings: []string{"P2"}, partner: zhenping}},
		{m("sale-S1", zhenping), events.SalesFacilitated{SaleID: "S1", PairingID: "P2", Channel: events.ChannelFair, PeriodFrom: day("2025-06-01"),
			PeriodTo: day("2025-06-30"), AmountFen: 5300000, Evidence: "展销会统计"},
			want{kind: "sale", entity: "S1", date: "2025-06-30", amount: fen(5300000), pairings: []string{"P2"}, partner: zhenping}},
		{m("sale-S1", zhenping), events.SaleReversed{EntryReversal: er("S1", []string{"P2"}, events.ReasonFundsReturned, 300000, "2025-07-02", "")},
			want{kind: "sale", entity: "S1", relation: "reversal", original: "S1", date: "2025-07-02", amount: fen(-300000), reason: "funds_returned", pairings: []string{"P2"}, partner: zhenping}},
		{m("person-320404.X", banma), events.SecondmentStarted{SecondmentID: "SM1", PairingID: "P1", PersonRef: "X", Category: events.StaffDoctor,
			SendingOrg: "钟楼区人民医院", HostOrg: "班玛县人民医院", StartDate: day("2025-03-01"), PlannedEndDate: day("2026-02-28")},
			want{kind: "secondment", entity: "SM1", date: "2025-03-01", pairings: []string{"P1"}, partner: banma}},
		{m("person-320404.X", banma), events.SecondmentEnded{SecondmentID: "SM1", PairingID: "P1", PersonRef: "X", EndDate: day("2025-09-01")},
			want{kind: "secondment", entity: "SM1", relation: "end", original: "SM1", date: "2025-09-01", pairings: []string{"P1"}, partner: banma}},
		{m("person-320404.X", banma), events.SecondmentReversed{EntryReversal: er("SM1", []string{"P1"}, events.ReasonEntryError, 0, "2025-09-02", "")},
			want{kind: "secondment", entity: "SM1", relation: "reversal", original: "SM1", date: "2025-09-02", reason: "entry_error", pairings: []string{"P1"}, partner: banma}},
		{m("visit-V1", multiPartner), events.VisitConducted{VisitID: "V1", PairingIDList: both, Direction: events.VisitOutbound,
			LeadLevel: "区委书记", StartDate: day("2025-07-01"), EndDate: day("2025-07-05"), DelegationSize: 12},
			want{kind: "visit", entity: "V1", date: "2025-07-01", pairings: both, partner: multiPartner, partners: []string{banma, zhenping}}},
		{m("visit-V1", multiPartner), events.VisitReversed{EntryReversal: er("V1", both, events.ReasonEntryError, 0, "2025-07-10", "钟协办〔2025〕21号")},
			want{kind: "visit", entity: "V1", relation: "reversal", original: "V1", date: "2025-07-10", reason: "entry_error",
				docKind: "doc_no", docNo: "钟协办〔2025〕21号", pairings: both, partner: multiPartner, partners: []string{banma, zhenping}}},
		{m("summaries-"+donor, "all"), events.SummaryGenerated{DonorCode: donor, Year: 2025, Cutoff: day("2025-11-30"), Profile: "official",
			Format: "text", Lang: "zh", Position: 30, ChainHash: "ab", TextSHA256: "cd"},
			want{date: "2025-11-30", docKind: "text_sha256", docNo: "cd", pairings: []string{}, partner: "all"}},
		// The office indicators (positions 23 on).
		{m("labour_transfer-L1", banma), events.LabourTransferRecorded{LabourTransferID: "L1", PairingID: "P1", PeriodFrom: day("2025-01-01"),
			PeriodTo: day("2025-06-30"), Destination: events.LabourDonorArea, Persons: 136, PovertyPersons: 58, DocNo: "钟人社〔2025〕31号"},
			want{kind: "labour_transfer", entity: "L1", date: "2025-06-30", docKind: "doc_no", docNo: "钟人社〔2025〕31号", pairings: []string{"P1"}, partner: banma}},
		{m("labour_transfer-L1", banma), events.LabourTransferReversed{EntryReversal: er("L1", []string{"P1"}, events.ReasonEntryError, 0, "2025-07-02", "")},
			want{kind: "labour_transfer", entity: "L1", relation: "reversal", original: "L1", date: "2025-07-02", reason: "entry_error", pairings: []string{"P1"}, partner: banma}},
		{m("park-PK1", banma), events.ParkEstablished{ParkID: "PK1", PairingID: "P1", Name: "飞地产业园", Kind: events.ParkEnclave, LocationCode: "320404",
			EstablishedDate: day("2024-05-20")},
			want{kind: "park", entity: "PK1", date: "2024-05-20", pairings: []string{"P1"}, partner: banma}},
		{m("park-PK1", banma), events.ParkReported{ParkID: "PK1", PairingID: "P1", AsOf: day("2025-06-30"), Enterprises: 7, InvestmentFen: 4620000000},
			want{kind: "park", entity: "PK1", relation: "report", original: "PK1", date: "2025-06-30", pairings: []string{"P1"}, partner: banma}},
		{m("investment-I1", banma), events.EnterpriseInvestmentRecorded{InvestmentID: "I1", PairingID: "P1", EnterpriseName: "常州牧原",
			CreditCode: "91320412MA1N7B2C3R", ProjectName: "加工线", Sector: "加工", AmountFen: 185000000, InvestedDate: day("2025-07-18"), ParkID: "PK1"},
			want{kind: "investment", entity: "I1", parent: "PK1", date: "2025-07-18", amount: fen(185000000), docKind: "credit_code", docNo: "91320412MA1N7B2C3R",
				pairings: []string{"P1"}, partner: banma}},
		{m("investment-I1", banma), events.InvestmentReversed{EntryReversal: er("I1", []string{"P1"}, events.ReasonFundsReturned, 15000000, "2025-07-20", "")},
			want{kind: "investment", entity: "I1", relation: "reversal", original: "I1", date: "2025-07-20", amount: fen(-15000000), reason: "funds_returned",
				pairings: []string{"P1"}, partner: banma}},
		{m("park-PK1", banma), events.ParkReversed{EntryReversal: er("PK1", []string{"P1"}, events.ReasonEntryError, 0, "2025-07-21", "")},
			want{kind: "park", entity: "PK1", relation: "reversal", original: "PK1", date: "2025-07-21", reason: "entry_error", pairings: []string{"P1"}, partner: banma}},
		{m("workshop-W1", zhenping), events.WorkshopEstablished{WorkshopID: "W1", PairingID: "P2", Name: "藏毯车间", Village: "东科村",
			EstablishedDate: day("2025-04-16")},
			want{kind: "workshop", entity: "W1", date: "2025-04-16", pairings: []string{"P2"}, partner: zhenping}},
		{m("workshop-W1", zhenping), events.WorkshopReported{WorkshopID: "W1", PairingID: "P2", AsOf: day("2025-06-30"), Employed: 38, PovertyEmployed: 21},
			want{kind: "workshop", entity: "W1", relation: "report", original: "W1", date: "2025-06-30", pairings: []string{"P2"}, partner: zhenping}},
		{m("workshop-W1", zhenping), events.WorkshopReversed{EntryReversal: er("W1", []string{"P2"}, events.ReasonEntryError, 0, "2025-07-01", "")},
			want{kind: "workshop", entity: "W1", relation: "reversal", original: "W1", date: "2025-07-01", reason: "entry_error", pairings: []string{"P2"}, partner: zhenping}},
		{m("training-T1", banma), events.TrainingHeld{TrainingID: "T1", PairingID: "P1", Kind: events.TrainingCadre, StartDate: day("2025-09-08"),
			EndDate: day("2025-09-12"), Participants: 48, Organiser: "组织部"},
			want{kind: "training", entity: "T1", date: "2025-09-12", pairings: []string{"P1"}, partner: banma}},
		{m("training-T1", banma), events.TrainingReversed{EntryReversal: er("T1", []string{"P1"}, events.ReasonEntryError, 0, "2025-09-20", "")},
			want{kind: "training", entity: "T1", relation: "reversal", original: "T1", date: "2025-09-20", reason: "entry_error", pairings: []string{"P1"}, partner: banma}},
		{m("agreement-A1", banma), events.AgreementSigned{AgreementID: "A1", PairingID: "P1", Title: "框架协议", DocNo: "钟班协〔2025〕1号",
			SignedDate: day("2025-03-03")},
			want{kind: "agreement", entity: "A1", date: "2025-03-03", docKind: "doc_no", docNo: "钟班协〔2025〕1号", pairings: []string{"P1"}, partner: banma}},
		{m("agreement-A1", banma), events.AgreementReversed{EntryReversal: er("A1", []string{"P1"}, events.ReasonEntryError, 0, "2025-03-05", "钟协办〔2025〕6号")},
			want{kind: "agreement", entity: "A1", relation: "reversal", original: "A1", date: "2025-03-05", reason: "entry_error",
				docKind: "doc_no", docNo: "钟协办〔2025〕6号", pairings: []string{"P1"}, partner: banma}},
		{m("project-PR1", banma), events.ProjectYearPlanned{ProjectID: "PR1", PairingID: "P1", Year: 2025, PlannedFen: 300000000,
			BusinessDate: day("2025-03-01")},
			want{kind: "project", entity: "PR1", relation: "year_plan", original: "PR1", date: "2025-03-01", amount: fen(300000000), pairings: []string{"P1"}, partner: banma}},
		{m("commitment-C9", multiPartner), events.FundsCommitted{CommitmentID: "C9", PairingID: "P1", AmountFen: 300000000, BudgetYear: 2025,
			SourceLevel: events.SourceCity, DocNo: "市财〔2025〕3号", BusinessDate: day("2025-04-01"),
			Shares: []events.Share{{PairingID: "P1", AmountFen: 100000000}, {PairingID: "P2"}}},
			want{kind: "commitment", entity: "C9", date: "2025-04-01", amount: fen(300000000), docKind: "doc_no", docNo: "市财〔2025〕3号",
				pairings: both, partner: multiPartner, partners: []string{banma, zhenping}}},
		{m("commitment-C9", multiPartner), events.CommitmentAllocated{CommitmentID: "C9", PairingID: "P1",
			Shares: []events.Share{{PairingID: "P1", AmountFen: 150000000}, {PairingID: "P2", AmountFen: 100000000}},
			DocNo:  "市财〔2025〕9号", BusinessDate: day("2025-05-01")},
			want{kind: "commitment", entity: "C9", relation: "allocation", original: "C9", date: "2025-05-01", docKind: "doc_no",
				docNo: "市财〔2025〕9号", pairings: both, partner: multiPartner, partners: []string{banma, zhenping}}},
		{m("report-order-"+donor, "all"), events.ReportOrderSet{DonorCode: donor, PairingIDs: []string{"P2", "P1"}, BusinessDate: day("2025-12-01")},
			want{date: "2025-12-01", pairings: []string{}, partner: "all"}},
		{m("report-style-"+donor, "all"), events.ReportStyleSet{DonorCode: donor, Paragraph: "by_programme", BusinessDate: day("2025-12-02")},
			want{date: "2025-12-02", pairings: []string{}, partner: "all"}},
	}
}

// scenarioEvents records the scenario in a log; correlation ids on the
// commitment's events.
func scenarioEvents() []projections.Event {
	l := newLog()
	var out []projections.Event
	for _, s := range scenario() {
		if strings.HasPrefix(s.m.stream, "commitment-") {
			s.m.correlation, s.m.causation = "corr-C1", "cmd-C1"
		}
		out = append(out, l.append(s.m, s.data))
	}
	return out
}

// TestEveryEventType checks the row of one event of every type of the
// catalogue.
func TestEveryEventType(t *testing.T) {
	t.Parallel()
	sc := scenario()
	var types []string
	for _, s := range sc {
		if !slices.Contains(types, s.data.EventType()) {
			types = append(types, s.data.EventType())
		}
	}
	slices.Sort(types)
	if !slices.Equal(types, events.Types()) {
		t.Fatalf("the scenario covers %v, the catalogue has %v", types, events.Types())
	}
	for _, typ := range events.Types() {
		if _, ok := labels[typ]; !ok {
			t.Errorf("type %s has no label", typ)
		}
	}

	pool := newDB(t)
	evs := scenarioEvents()
	applyAll(t, pool, SchemaName, evs, len(evs))
	got := all(t, pool, Filter{})
	if len(got) != len(evs) {
		t.Fatalf("%d rows, want %d", len(got), len(evs))
	}
	for i, s := range sc {
		ev, e, w := evs[i], got[i], s.want
		t.Run(fmt.Sprintf("%02d_%s", ev.Position, strings.TrimPrefix(ev.Type, "aid.")), func(t *testing.T) {
			zh, en := Label(ev.Type)
			partners := w.partners
			if partners == nil {
				partners = []string{w.partner}
			}
			check := func(field string, got, want any) {
				t.Helper()
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(want)
				if string(gj) != string(wj) {
					t.Errorf("%s = %s, want %s", field, gj, wj)
				}
			}
			check("position", e.Position, ev.Position)
			check("event_id", e.EventID, ev.ID)
			check("recorded_at", e.RecordedAt, ev.RecordedAt)
			check("actor", e.Actor, ev.Metadata.Actor)
			check("type", e.Type, ev.Type)
			check("schema_version", e.SchemaVersion, ev.SchemaVersion)
			check("label_zh", e.LabelZH, zh)
			check("label_en", e.LabelEN, en)
			check("stream_id", e.StreamID, ev.StreamID)
			check("stream_version", e.StreamVersion, ev.StreamVersion)
			check("donor_code", e.DonorCode, donor)
			check("partner_code", e.PartnerCode, w.partner)
			check("partner_codes", e.PartnerCodes, partners)
			check("pairing_ids", e.PairingIDs, w.pairings)
			check("entity_kind", e.EntityKind, w.kind)
			check("entity_id", e.EntityID, w.entity)
			check("relation", e.Relation, w.relation)
			check("original_id", e.OriginalID, w.original)
			check("parent_id", e.ParentID, w.parent)
			check("business_date", e.BusinessDate.String(), w.date)
			check("amount_fen", e.AmountFen, w.amount)
			check("reversal_reason", e.ReversalReason, w.reason)
			check("document_kind", e.DocumentKind, w.docKind)
			check("document_no", e.DocumentNo, w.docNo)
			check("idempotency_key", e.IdempotencyKey, ev.Metadata.IdempotencyKey)
			check("correlation_id", e.CorrelationID, ev.Metadata.CorrelationID)
			check("causation_id", e.CausationID, ev.Metadata.CausationID)
			check("hash", e.Hash, ev.Hash.String())
			if string(e.Payload) != string(ev.Payload) {
				t.Errorf("payload = %s, want %s", e.Payload, ev.Payload)
			}
		})
	}
	if t.Failed() {
		return
	}
	// The JSON form: snake_case keys, amounts as integers, null dates.
	b, err := json.Marshal(got[2]) // annual targets: no date, no amount
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{`"business_date":null`, `"amount_fen":null`, `"label_zh":"年度目标任务"`, `"document_kind":"doc_no"`,
		`"payload":{"pairing_id":"P1","year":2025`} {
		if !strings.Contains(string(b), frag) {
			t.Errorf("JSON %s lacks %s", b, frag)
		}
	}
	b, _ = json.Marshal(got[7]) // the disbursement
	for _, frag := range []string{`"amount_fen":100000000`, `"net_amount_fen":80000000`, `"links":[{"position":9,`, `"business_date":"2025-04-10"`} {
		if !strings.Contains(string(b), frag) {
			t.Errorf("JSON %s lacks %s", b, frag)
		}
	}
}

// TestLinks checks that originals list what acted on them, and Entity.
func TestLinks(t *testing.T) {
	t.Parallel()
	pool := newDB(t)
	ctx := context.Background()
	evs := scenarioEvents()
	applyAll(t, pool, SchemaName, evs, 4)

	positions := func(es []Entry) []int64 {
		var out []int64
		for _, e := range es {
			out = append(out, e.Position)
		}
		return out
	}
	linkPositions := func(ls []Link) []string {
		var out []string
		for _, l := range ls {
			a := "-"
			if l.AmountFen != nil {
				a = fmt.Sprint(*l.AmountFen)
			}
			out = append(out, fmt.Sprintf("%d:%s:%s", l.Position, l.Relation, a))
		}
		return out
	}
	for _, tc := range []struct {
		entity string
		links  []string
		rows   []int64
		net    *int64 // on the creating row
	}{
		{"C1", []string{"7:adjustment:-50000000"}, []int64{6, 7, 8, 9, 10}, fen(250000000)},
		{"D1", []string{"9:reversal:-20000000", "10:receipt:-"}, []int64{8, 9, 10}, fen(80000000)},
		{"DN1", []string{"12:reversal:-3648000"}, []int64{11, 12}, fen(20000000)},
		{"PU1", []string{"14:reversal:-1234500"}, []int64{13, 14}, fen(0)},
		{"S1", []string{"16:reversal:-300000"}, []int64{15, 16}, fen(5000000)},
		{"SM1", []string{"18:end:-", "19:reversal:-"}, []int64{17, 18, 19}, nil},
		{"V1", []string{"21:reversal:-"}, []int64{20, 21}, nil},
		{"PR1", []string{"5:progress:-", "37:year_plan:300000000"}, []int64{4, 5, 6, 37}, nil},
		{"P1", nil, []int64{1, 3}, nil},
		{"R1", nil, []int64{9}, nil},
		{"nothing", nil, nil, nil},
	} {
		ls, err := Links(ctx, pool, tc.entity)
		if err != nil {
			t.Fatal(err)
		}
		if got := linkPositions(ls); !slices.Equal(got, tc.links) {
			t.Errorf("Links(%s) = %v, want %v", tc.entity, got, tc.links)
		}
		rows, err := Entity(ctx, pool, tc.entity)
		if err != nil {
			t.Fatal(err)
		}
		if got := positions(rows); !slices.Equal(got, tc.rows) {
			t.Errorf("Entity(%s) = %v, want %v", tc.entity, got, tc.rows)
		}
		paged := all(t, pool, Filter{EntityID: tc.entity, Limit: 1})
		if got := positions(paged); !slices.Equal(got, tc.rows) {
			t.Errorf("Query(EntityID %s) = %v, want %v", tc.entity, got, tc.rows)
		}
		for _, r := range rows {
			if r.EntityID != tc.entity {
				continue // another entity's row (a disbursement of the commitment)
			}
			if r.Relation != "" {
				if r.Links != nil {
					t.Errorf("Entity(%s): row %d (not the original) has links", tc.entity, r.Position)
				}
				continue
			}
			if got := linkPositions(r.Links); !slices.Equal(got, tc.links) {
				t.Errorf("Entity(%s): row %d links %v, want %v", tc.entity, r.Position, got, tc.links)
			}
			gotNet, wantNet := "nil", "nil"
			if r.NetAmountFen != nil {
				gotNet = fmt.Sprint(*r.NetAmountFen)
			}
			if tc.net != nil {
				wantNet = fmt.Sprint(*tc.net)
			}
			if gotNet != wantNet {
				t.Errorf("Entity(%s): row %d net %s, want %s", tc.entity, r.Position, gotNet, wantNet)
			}
		}
	}
}

// TestQueryFilters checks every filter, alone and combined, against the
// same predicate evaluated in Go over every row, through keyset pages of
// several sizes.
func TestQueryFilters(t *testing.T) {
	t.Parallel()
	pool := newDB(t)
	ctx := context.Background()
	evs := generate(1, 4000, nil)
	applyAll(t, pool, SchemaName, evs, 500)

	every := all(t, pool, Filter{Limit: MaxLimit})
	if len(every) != len(evs) {
		t.Fatalf("%d rows, want %d", len(every), len(evs))
	}
	for i, e := range every {
		if e.Position != int64(i+1) {
			t.Fatalf("row %d has position %d", i, e.Position)
		}
	}

	// Values to filter by, taken from the data.
	pick := func(f func(Entry) string, cond func(Entry) bool) string {
		for _, e := range every[len(every)/3:] {
			if v := f(e); v != "" && (cond == nil || cond(e)) {
				return v
			}
		}
		t.Fatal("no value to pick")
		return ""
	}
	multi := pick(func(e Entry) string { return e.EntityID }, func(e Entry) bool { return e.PartnerCode == multiPartner && len(e.PartnerCodes) > 1 })
	var multiEntry Entry
	for _, e := range every {
		if e.EntityID == multi {
			multiEntry = e
			break
		}
	}
	pairing := multiEntry.PairingIDs[1]
	partner := multiEntry.PartnerCodes[1]
	actor := pick(func(e Entry) string { return e.Actor }, nil)
	corr := pick(func(e Entry) string { return e.CorrelationID }, nil)
	commitment := pick(func(e Entry) string { return e.ParentID }, func(e Entry) bool { return e.Type == "aid.funds_disbursed" })
	voucher := pick(func(e Entry) string { return e.DocumentNo }, func(e Entry) bool { return e.DocumentKind == "voucher_no" })
	fiscalDoc := pick(func(e Entry) string { return e.DocumentNo }, func(e Entry) bool { return e.Type == "aid.funds_committed" })
	fiscalPrefix := fiscalDoc[:strings.Index(fiscalDoc, "〕")+len("〕")] // "钟楼财〔2023〕"

	filters := []Filter{
		{},
		{PairingID: pairing},
		{Type: "aid.funds_disbursed"},
		{Type: "aid.visit_conducted"},
		{Type: "aid.no_such_type"},
		{Actor: actor},
		{DateFrom: day("2023-03-01"), DateTo: day("2023-06-30")},
		{DateFrom: day("2025-01-01")},
		{DateTo: day("2021-02-01")},
		{DocumentNo: voucher},
		{DocumentNo: fiscalPrefix, DocumentNoPrefix: true},
		{DocumentNo: "PZ-2024-", DocumentNoPrefix: true},
		{DocumentNo: "PZ-2024", DocumentNoPrefix: false},
		{DonorCode: "330112"},
		{PartnerCode: partner},
		{DonorCode: multiEntry.DonorCode, PartnerCode: partner},
		{EntityID: commitment},
		{EntityID: multi},
		{CorrelationID: corr},
		{PairingID: pairing, PartnerCode: partner, Type: "aid.visit_conducted"},
		{PairingID: pairing, DateFrom: multiEntry.BusinessDate.AddDays(-400), DateTo: multiEntry.BusinessDate.AddDays(400), Actor: multiEntry.Actor},
		{PartnerCode: partner, DocumentNo: "832-", DocumentNoPrefix: true, DateFrom: day("2022-01-01")},
		{Type: "aid.donation_received", DonorCode: "320404", DateFrom: day("2022-01-01"), DateTo: day("2022-12-31")},
		{AfterPosition: 3990},
	}
	for _, f := range filters {
		var want []int64
		for _, e := range every {
			if matches(e, f) {
				want = append(want, e.Position)
			}
		}
		for _, limit := range []int{0, 1, 7, 250} {
			fl := f
			fl.Limit = limit
			var got []int64
			pages := 0
			for {
				page, err := Query(ctx, pool, fl)
				if err != nil {
					t.Fatalf("%+v: %v", fl, err)
				}
				pages++
				lim := limit
				if lim == 0 {
					lim = DefaultLimit
				}
				if len(page.Entries) > lim || (page.NextAfter != 0 && len(page.Entries) != lim) {
					t.Fatalf("%+v: page of %d rows, next_after %d", fl, len(page.Entries), page.NextAfter)
				}
				for _, e := range page.Entries {
					got = append(got, e.Position)
				}
				if page.NextAfter == 0 {
					break
				}
				fl.AfterPosition = page.NextAfter
			}
			if !slices.Equal(got, want) {
				t.Errorf("filter %+v limit %d: %d rows %v…, want %d %v…", f, limit, len(got), head(got), len(want), head(want))
			}
			if limit == 1 && pages != max(1, len(want)) {
				t.Errorf("filter %+v: %d pages of 1 for %d rows", f, pages, len(want))
			}
		}
		if len(want) == 0 && f.Type != "aid.no_such_type" && f.DocumentNo != "PZ-2024" {
			t.Errorf("filter %+v selects nothing: a weak test", f)
		}
	}
}

// matches is Filter's contract, in Go.
func matches(e Entry, f Filter) bool {
	docOK := f.DocumentNo == "" || e.DocumentNo == f.DocumentNo ||
		(f.DocumentNoPrefix && e.DocumentNo != "" && strings.HasPrefix(e.DocumentNo, f.DocumentNo))
	return e.Position > f.AfterPosition &&
		(f.PairingID == "" || slices.Contains(e.PairingIDs, f.PairingID)) &&
		(f.Type == "" || e.Type == f.Type) &&
		(f.Actor == "" || e.Actor == f.Actor) &&
		(f.DateFrom.IsZero() || (!e.BusinessDate.IsZero() && !e.BusinessDate.Before(f.DateFrom))) &&
		(f.DateTo.IsZero() || (!e.BusinessDate.IsZero() && !e.BusinessDate.After(f.DateTo))) &&
		docOK &&
		(f.DonorCode == "" || e.DonorCode == f.DonorCode) &&
		(f.PartnerCode == "" || slices.Contains(e.PartnerCodes, f.PartnerCode)) &&
		(f.EntityID == "" || e.EntityID == f.EntityID || e.OriginalID == f.EntityID || e.ParentID == f.EntityID) &&
		(f.CorrelationID == "" || e.CorrelationID == f.CorrelationID)
}

func head(s []int64) []int64 { return s[:min(len(s), 8)] }

// TestPaginationWhileAppending: rows appended between pages are picked up,
// none is repeated or skipped.
func TestPaginationWhileAppending(t *testing.T) {
	t.Parallel()
	pool := newDB(t)
	ctx := context.Background()
	evs := generate(2, 600, nil)
	applyAll(t, pool, SchemaName, evs[:200], 200)
	f := Filter{Limit: 50}
	var got []int64
	next := 200
	for {
		page, err := Query(ctx, pool, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Entries {
			got = append(got, e.Position)
			f.AfterPosition = e.Position
		}
		appended := false
		if next < len(evs) {
			applyAll(t, pool, SchemaName, evs[next:next+100], 100)
			next += 100
			appended = true
		}
		if page.NextAfter == 0 && !appended {
			break
		}
	}
	for i, p := range got {
		if p != int64(i+1) {
			t.Fatalf("page sequence %v… has %d at index %d", head(got), p, i)
		}
	}
	if len(got) != len(evs) {
		t.Fatalf("read %d rows, want %d", len(got), len(evs))
	}
}

// TestDeterminism applies one log in batches of 1, all at once and in
// uneven batches, into three schemas, and compares the tables' contents.
func TestDeterminism(t *testing.T) {
	t.Parallel()
	pool := newDB(t)
	evs := scenarioEvents()
	// Continue the scenario's log with random events (new positions).
	evs = append(evs, generate(3, 1500, &evs[len(evs)-1].Record)...)

	createSchema(t, pool, "det_one")
	createSchema(t, pool, "det_all")
	createSchema(t, pool, "det_uneven")
	applyAll(t, pool, "det_one", evs, 1)
	applyAll(t, pool, "det_all", evs, len(evs))
	for i, n := 0, 1; i < len(evs); i, n = i+n, n*2+1 {
		applyAll(t, pool, "det_uneven", evs[i:min(i+n, len(evs))], n)
	}
	multi := 0
	for _, e := range evs {
		if e.PartnerCode == multiPartner {
			multi++
		}
	}
	if multi < 10 {
		t.Fatalf("only %d multi-partner events: a weak test", multi)
	}

	for _, tbl := range New().Tables() {
		one := dump(t, pool, "det_one", tbl)
		if len(one) == 0 {
			t.Fatalf("%s is empty", tbl.Name)
		}
		for _, other := range []string{"det_all", "det_uneven"} {
			rows := dump(t, pool, other, tbl)
			if len(rows) != len(one) {
				t.Fatalf("%s.%s has %d rows, det_one %d", other, tbl.Name, len(rows), len(one))
			}
			for i := range one {
				if rows[i] != one[i] {
					t.Fatalf("%s.%s row %d differs:\n%s\ndet_one:\n%s", other, tbl.Name, i, rows[i], one[i])
				}
			}
		}
	}
}

// dump returns the rows of a table as text, in the table's order.
func dump(tb testing.TB, pool *pgxpool.Pool, schema string, tbl projections.Table) []string {
	tb.Helper()
	rows, err := pool.Query(context.Background(), fmt.Sprintf("SELECT t::text FROM %s.%s t ORDER BY %s",
		pgx.Identifier{schema}.Sanitize(), pgx.Identifier{tbl.Name}.Sanitize(), tbl.OrderBy))
	if err != nil {
		tb.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestApplyRejects: a batch out of order, or a position applied twice.
func TestApplyRejects(t *testing.T) {
	t.Parallel()
	pool := newDB(t)
	ctx := context.Background()
	evs := scenarioEvents()
	if err := apply(ctx, pool, SchemaName, []projections.Event{evs[2], evs[0]}); err == nil || !strings.Contains(err.Error(), "out of order") {
		t.Errorf("out of order: err = %v", err)
	}
	if err := apply(ctx, pool, SchemaName, []projections.Event{evs[1], evs[1]}); err == nil {
		t.Error("a position twice in a batch: no error")
	}
	// A gap is where the runner left out an event it could not decode.
	applyAll(t, pool, SchemaName, []projections.Event{evs[0], evs[2]}, 2)
	if err := apply(ctx, pool, SchemaName, evs[2:4]); err == nil {
		t.Error("position 3 applied twice without an error")
	}
	if err := apply(ctx, pool, SchemaName, nil); err != nil {
		t.Errorf("empty batch: %v", err)
	}
}

func TestFilterValidate(t *testing.T) {
	t.Parallel()
	for _, f := range []Filter{{Limit: -1}, {Limit: MaxLimit + 1}, {AfterPosition: -1}, {DocumentNoPrefix: true}, {Actor: "a\x00b"}, {Type: "\xff"}} {
		if _, err := Query(context.Background(), nil, f); err == nil {
			t.Errorf("%+v accepted", f)
		}
	}
}

func TestPrefixSuccessor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"PZ-2024-", "PZ-2024.", true},
		{"钟财〔2025〕", "钟财〔2025〖", true}, // 〕 U+3015 → 〖 U+3016
		{"a\U0010FFFF", "b", true},
		{"\U0010FFFF", "", false},
		{"\uD7FF", "\uE000", true},
	} {
		got, ok := prefixSuccessor(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("prefixSuccessor(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestRecordedAtRoundTrip: recorded_at keeps its microseconds and is UTC.
func TestRecordedAtRoundTrip(t *testing.T) {
	t.Parallel()
	pool := newDB(t)
	evs := scenarioEvents()[:1]
	evs[0].RecordedAt = time.Date(2025, 3, 4, 5, 6, 7, 123456000, time.UTC)
	applyAll(t, pool, SchemaName, evs, 1)
	got := all(t, pool, Filter{})
	if !got[0].RecordedAt.Equal(evs[0].RecordedAt) || got[0].RecordedAt.Location() != time.UTC {
		t.Errorf("recorded_at %v, want %v", got[0].RecordedAt, evs[0].RecordedAt)
	}
}

// TestBulkLoad: a rebuild through BulkLoader gives the same rows and, at
// the end, the same indexes as applying with every index in place.
func TestBulkLoad(t *testing.T) {
	t.Parallel()
	pool := newDB(t)
	ctx := context.Background()
	evs := scenarioEvents()
	evs = append(evs, generate(4, 3000, &evs[len(evs)-1].Record)...)
	createSchema(t, pool, "bulk")
	applyAll(t, pool, SchemaName, evs, 500)

	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	step := func(schema string, f func(context.Context, pgx.Tx) error) error {
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }()
		if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+schema); err != nil {
			return err
		}
		if err := f(ctx, tx); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}
	if err := step("public", New().BeginBulk); err == nil {
		t.Fatal("BeginBulk in the public schema: no error")
	}
	indexes := func(schema string) []string {
		rows, err := pool.Query(ctx, `SELECT indexname || ': ' || replace(indexdef, $1 || '.', '') FROM pg_indexes
			WHERE schemaname = $1 AND tablename IN ('audittrail', 'pairings') ORDER BY indexname`, schema)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	want := indexes("bulk")
	if err := step("bulk", New().BeginBulk); err != nil {
		t.Fatal(err)
	}
	if err := step("bulk", New().BeginBulk); err == nil {
		t.Error("BeginBulk twice: no error")
	}
	if got := indexes("bulk"); len(got) >= len(want) || len(got) == 0 {
		t.Errorf("after BeginBulk the indexes are %v", got)
	}
	applyAll(t, pool, "bulk", evs, 700)
	if err := step("bulk", New().EndBulk); err != nil {
		t.Fatal(err)
	}
	if got := indexes("bulk"); !slices.Equal(got, want) {
		t.Errorf("after EndBulk the indexes are\n%v\nwant\n%v", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := indexes(SchemaName); !slices.Equal(got, want) {
		t.Errorf("indexes of the bulk schema differ from the live one's:\n%v\nwant\n%v", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, tbl := range New().Tables() {
		live, bulk := dump(t, pool, SchemaName, tbl), dump(t, pool, "bulk", tbl)
		if !slices.Equal(live, bulk) {
			t.Errorf("table %s differs after a bulk load", tbl.Name)
		}
	}
	var leftover bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('bulk.deferred_indexes') IS NOT NULL`).Scan(&leftover); err != nil || leftover {
		t.Errorf("deferred_indexes left behind (%v)", err)
	}
}

// TestUnknownType: an event of a type this package does not know (newer
// than it) still gets its row, with the generic columns only.
func TestUnknownType(t *testing.T) {
	t.Parallel()
	pool := newDB(t)
	ev := scenarioEvents()[0]
	ev.Type, ev.Data, ev.Payload = "aid.something_new", nil, json.RawMessage(`{"x":1}`)
	applyAll(t, pool, SchemaName, []projections.Event{ev}, 1)
	got := all(t, pool, Filter{})
	if len(got) != 1 {
		t.Fatalf("%d rows", len(got))
	}
	e := got[0]
	if e.Type != ev.Type || e.LabelZH != ev.Type || e.EntityID != "" || len(e.PairingIDs) != 0 || e.AmountFen != nil ||
		!e.BusinessDate.IsZero() || string(e.Payload) != `{"x":1}` || e.Actor != ev.Metadata.Actor {
		t.Errorf("row %+v", e)
	}
}

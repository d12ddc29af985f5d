package events_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden from the samples")

const goldenDir = "testdata/golden"

// Fixed ids of the samples (valid ULIDs, so that ValidID holds for them).
const (
	pairingZhonglouBanma    = "01JN7PX380YFZMTH8Y8AF1G8GN" // 钟楼区 × 班玛县, 对口支援
	pairingZhonglouZhenping = "01JPQB8CR0WWTGJBKFT4S2CT6Z" // 钟楼区 × 镇坪县, 东西部协作
	projectID               = "01JNFMYZG0WM1HWJWSQW8TW2KS"
	commitmentID            = "01JNKKZXM0DTY49J2ZT5TBZK7M"
	disbursementID          = "01JNQK0VR07JTZARED010EGNK2"
	reversalID              = "01JNVJ1SW014W5RSG1VPSZR53J"
	donationID              = "01JNZH2R00Q20XK74450C3RFXE"
	purchaseID              = "01JP3G3P40E5KESFBWREX2DHAY"
	saleID                  = "01JP7F4M805X8PKJ9F5X393YQ2"
	secondmentID            = "01JPBE5JC0HM0FEKPAY96A870D"
	visitID                 = "01JPFD6GG0AXT7FH5JC5D7P1YR"
	labourTransferID        = "01M93476YAKH4SA1Z771RSRWWZ"
	investmentID            = "01M93476YAKH4SA1Z774Z9N5NJ"
	trainingID              = "01M93476YAKH4SA1Z776FHEMT5"
	agreementID             = "01M93476YAKH4SA1Z776S68GG8"
	parkID                  = "01M93476YAKH4SA1Z779Q1EPQ6"
	workshopID              = "01M93476YAKH4SA1Z77D8EMAGW"
)

func d(y int, m time.Month, day int) events.Date { return events.DateOf(y, m, day) }

// samples holds one realistic value of every event type of the catalogue.
// Every field is set (see TestSamplesSetEveryField), so that the golden
// files pin the encoding of each one. A new event type must add a sample
// here: TestGolden fails until it does.
func samples() []events.Event {
	return []events.Event{
		events.PairingEstablished{
			PairingID: pairingZhonglouBanma,
			Donor:     events.Unit{Code: "320404", Name: "江苏省常州市钟楼区", ShortName: "钟楼区"},
			Partner:   events.Unit{Code: "632624", Name: "青海省果洛藏族自治州班玛县", ShortName: "班玛县"},
			Programme: events.ProgrammeCounterpartSupport,
			// 协议文号
			AgreementDocNo: "常钟班协〔2021〕1号",
			ValidFrom:      d(2021, time.January, 1),
			ValidTo:        d(2025, time.December, 31),
		},
		events.AnnualTargetsSet{
			PairingID: pairingZhonglouBanma,
			Year:      2025,
			Targets: events.Targets{
				FiscalFen:              260_000_000, // 260万元
				SocialFen:              40_000_000,  // 40万元
				ConsumptionFen:         90_000_000,  // 90万元
				PersonsEmployed:        300,
				PovertyPersonsEmployed: 120,
				Enterprises:            3,
				InvestmentFen:          2_000_000_000, // 2000万元
				Staff:                  12,
				Visits:                 3,
				Trainees:               400,
				Projects:               4,
			},
			DocNo: "常钟协办〔2025〕3号",
		},
		events.AidProjectRegistered{
			ProjectID:       projectID,
			PairingID:       pairingZhonglouBanma,
			Name:            "班玛县江日堂乡牦牛养殖合作社棚圈改造项目",
			Sector:          "产业发展",
			DeliveryMode:    events.DeliveryCheque,
			PlannedTotalFen: 120_000_000, // 120万元
			PlanYear:        2025,
			BusinessDate:    d(2025, time.March, 18),
			Tier:            events.TierCounty,
		},
		events.ProjectProgressReported{
			ProjectID:              projectID,
			PairingID:              pairingZhonglouBanma,
			AsOf:                   d(2025, time.December, 31),
			Status:                 events.ProjectCompleted,
			CompletedInvestmentFen: 118_000_000,
			StartedOn:              d(2025, time.April, 8),
			CompletedOn:            d(2025, time.December, 20),
		},
		events.ProjectYearPlanned{
			ProjectID:    projectID,
			PairingID:    pairingZhonglouBanma,
			Year:         2025,
			PlannedFen:   100_000_000, // 100万元
			BusinessDate: d(2025, time.March, 20),
		},
		events.FundsCommitted{
			CommitmentID: commitmentID,
			PairingID:    pairingZhonglouBanma,
			ProjectID:    projectID,
			AmountFen:    120_000_000,
			BudgetYear:   2025,
			SourceLevel:  events.SourceDistrict,
			DocNo:        "钟财预〔2025〕27号",
			Batch:        "第一批",
			BusinessDate: d(2025, time.March, 10),
			// 山海协作: shared with a second pairing of the programme, 30万
			// allocated to it and 20万 not yet.
			Shares: []events.Share{{PairingID: pairingZhonglouBanma, AmountFen: 70_000_000},
				{PairingID: pairingZhonglouZhenping, AmountFen: 30_000_000}},
		},
		events.CommitmentAllocated{
			CommitmentID: commitmentID,
			PairingID:    pairingZhonglouBanma,
			Shares: []events.Share{{PairingID: pairingZhonglouBanma, AmountFen: 80_000_000},
				{PairingID: pairingZhonglouZhenping, AmountFen: 40_000_000}},
			DocNo:        "钟财预〔2025〕31号",
			BusinessDate: d(2025, time.April, 2),
		},
		events.CommitmentAdjusted{
			CommitmentID: commitmentID,
			PairingID:    pairingZhonglouBanma,
			DeltaFen:     -8_500_000, // 调减8.5万元
			Reason:       "项目结余资金调减",
			DocNo:        "钟财预〔2025〕61号",
			BusinessDate: d(2025, time.October, 15),
		},
		events.FundsDisbursed{
			DisbursementID:  disbursementID,
			CommitmentID:    commitmentID,
			PairingID:       pairingZhonglouBanma,
			AmountFen:       60_000_000,
			BusinessDate:    d(2025, time.April, 2),
			PayeeName:       "班玛县财政局",
			PayeeCreditCode: "11632624015600127X",
			VoucherNo:       "ZLGK-2025-000318",
			OverCommitment: &events.OverCommitment{
				Justification: "雪灾应急抢险追加拨付,追加计划待区政府常务会议审定",
				ApprovedBy:    "钟楼区财政局 王建国",
			},
		},
		events.DisbursementReversed{
			ReversalID:     reversalID,
			DisbursementID: disbursementID,
			CommitmentID:   commitmentID,
			PairingID:      pairingZhonglouBanma,
			AmountFen:      8_500_000,
			Reason:         events.ReasonFundsReturned,
			BusinessDate:   d(2025, time.November, 20),
			OriginalDate:   d(2025, time.April, 2),
			DocNo:          "班财退〔2025〕12号",
			Note:           "项目结余资金退回",
		},
		events.FundsReceiptConfirmed{
			DisbursementID: disbursementID,
			CommitmentID:   commitmentID,
			PairingID:      pairingZhonglouBanma,
			ReceivedDate:   d(2025, time.April, 7),
			ReceiptRef:     "班财收〔2025〕0457号",
		},
		events.DonationReceived{
			DonationID:     donationID,
			PairingID:      pairingZhonglouBanma,
			DonorName:      "常州天目医疗器械有限公司",
			DonorType:      events.DonorEnterprise,
			Kind:           events.DonationInKind,
			AmountFen:      38_600_000, // 38.6万元
			ValuationBasis: "按捐赠发票金额计价",
			Items: []events.DonationItem{
				{Description: "便携式彩色多普勒超声诊断仪", Quantity: "2", Unit: "台", ValueFen: 32_000_000},
				{Description: "医用防寒棉服", Quantity: "150", Unit: "套", ValueFen: 6_600_000},
			},
			ReceiptNo:    "苏公益捐〔2025〕00873",
			BusinessDate: d(2025, time.June, 12),
		},
		events.DonationReversed{EntryReversal: events.EntryReversal{
			OriginalID:    donationID,
			PairingIDList: []string{pairingZhonglouBanma},
			Reason:        events.ReasonEntryError,
			AmountFen:     6_600_000,
			BusinessDate:  d(2025, time.June, 20),
			OriginalDate:  d(2025, time.June, 12),
			DocNo:         "钟慈〔2025〕9号",
			Note:          "防寒棉服已计入2024年度,重复登记",
		}},
		events.ProductPurchased{
			PurchaseID:         purchaseID,
			PairingID:          pairingZhonglouBanma,
			BuyerName:          "常州市钟楼区机关事务管理中心",
			SupplierName:       "班玛县玛可河牦牛肉加工有限公司",
			SupplierCountyCode: "632624",
			Product:            "风干牦牛肉",
			Quantity:           "1250.5",
			Unit:               "千克",
			AmountFen:          18_757_500, // 150元/千克 × 1250.5千克
			Channel:            events.ChannelPlatform832,
			OrderNo:            "832-20250915-0012876",
			CompletedDate:      d(2025, time.September, 18),
		},
		events.PurchaseReversed{EntryReversal: events.EntryReversal{
			OriginalID:    purchaseID,
			PairingIDList: []string{pairingZhonglouBanma},
			Reason:        events.ReasonFundsReturned,
			AmountFen:     1_500_000,
			BusinessDate:  d(2025, time.October, 8),
			OriginalDate:  d(2025, time.September, 18),
			DocNo:         "832-TK-20251008-0331",
			Note:          "100千克破损退货退款",
		}},
		events.SalesFacilitated{
			SaleID:     saleID,
			PairingID:  pairingZhonglouBanma,
			Channel:    events.ChannelFair,
			Seller:     "常州市钟楼区商务局",
			OrderNo:    "ZLZX-2025-0041",
			PeriodFrom: d(2025, time.October, 10),
			PeriodTo:   d(2025, time.October, 12),
			AmountFen:  42_380_000,
			Evidence:   "2025常州对口地区特色农产品展销会班玛县展位销售台账",
		},
		events.SaleReversed{EntryReversal: events.EntryReversal{
			OriginalID:    saleID,
			PairingIDList: []string{pairingZhonglouBanma},
			Reason:        events.ReasonEntryError,
			AmountFen:     42_380_000,
			BusinessDate:  d(2025, time.October, 30),
			OriginalDate:  d(2025, time.October, 12),
			DocNo:         "钟商〔2025〕77号",
			Note:          "金额含镇坪县展位销售额,冲正后重新登记",
		}},
		events.SecondmentStarted{
			SecondmentID:   secondmentID,
			PairingID:      pairingZhonglouBanma,
			PersonRef:      "P-7F3K2Q",
			Category:       events.StaffDoctor,
			Direction:      events.SecondedOutbound,
			SendingOrg:     "常州市钟楼区人民医院",
			HostOrg:        "班玛县人民医院",
			StartDate:      d(2025, time.July, 1),
			PlannedEndDate: d(2026, time.June, 30),
		},
		events.SecondmentEnded{
			SecondmentID: secondmentID,
			PairingID:    pairingZhonglouBanma,
			PersonRef:    "P-7F3K2Q",
			EndDate:      d(2025, time.December, 20),
		},
		events.SecondmentReversed{EntryReversal: events.EntryReversal{
			OriginalID:    secondmentID,
			PairingIDList: []string{pairingZhonglouBanma},
			Reason:        events.ReasonEntryError,
			BusinessDate:  d(2025, time.July, 3),
			OriginalDate:  d(2025, time.July, 1),
			DocNo:         "钟组〔2025〕15号",
			Note:          "选派人员调整,原登记作废",
		}},
		events.VisitConducted{
			VisitID:        visitID,
			PairingIDList:  []string{pairingZhonglouBanma, pairingZhonglouZhenping},
			Direction:      events.VisitOutbound,
			LeadLevel:      "区委主要领导",
			StartDate:      d(2025, time.May, 12),
			EndDate:        d(2025, time.May, 16),
			DelegationSize: 9,
			Purpose:        "考察班玛县、镇坪县援建项目,召开东西部协作联席会议",
			LedByPrincipal: true,
		},
		events.VisitReversed{EntryReversal: events.EntryReversal{
			OriginalID:    visitID,
			PairingIDList: []string{pairingZhonglouBanma, pairingZhonglouZhenping},
			Reason:        events.ReasonEntryError,
			BusinessDate:  d(2025, time.May, 20),
			OriginalDate:  d(2025, time.May, 12),
			DocNo:         "钟协办〔2025〕21号",
			Note:          "同一次调研重复登记",
		}},
		events.LabourTransferRecorded{
			LabourTransferID: labourTransferID,
			PairingID:        pairingZhonglouBanma,
			PeriodFrom:       d(2025, time.January, 1),
			PeriodTo:         d(2025, time.June, 30),
			Destination:      events.LabourDonorArea,
			Persons:          136,
			PovertyPersons:   58,
			TrainingSessions: 4,
			Trainees:         212,
			DocNo:            "钟人社〔2025〕31号",
		},
		events.LabourTransferReversed{EntryReversal: events.EntryReversal{
			OriginalID:    labourTransferID,
			PairingIDList: []string{pairingZhonglouBanma},
			Reason:        events.ReasonEntryError,
			BusinessDate:  d(2025, time.July, 10),
			OriginalDate:  d(2025, time.June, 30),
			DocNo:         "钟人社〔2025〕35号",
			Note:          "与镇坪县数据重复统计",
		}},
		events.EnterpriseInvestmentRecorded{
			InvestmentID:   investmentID,
			PairingID:      pairingZhonglouBanma,
			EnterpriseName: "常州牧原食品科技有限公司",
			CreditCode:     "91320412MA1N7B2C3R",
			ProjectName:    "班玛县牦牛肉精深加工生产线",
			Sector:         "农产品加工",
			AmountFen:      1_850_000_000, // 1850万元
			InvestedDate:   d(2025, time.August, 18),
			Jobs:           64,
			PovertyJobs:    27,
			ParkID:         parkID,
		},
		events.InvestmentReversed{EntryReversal: events.EntryReversal{
			OriginalID:    investmentID,
			PairingIDList: []string{pairingZhonglouBanma},
			Reason:        events.ReasonFundsReturned,
			AmountFen:     150_000_000,
			BusinessDate:  d(2025, time.December, 5),
			OriginalDate:  d(2025, time.August, 18),
			DocNo:         "班商〔2025〕44号",
			Note:          "二期设备投资撤回",
		}},
		events.TrainingHeld{
			TrainingID:   trainingID,
			PairingID:    pairingZhonglouBanma,
			Kind:         events.TrainingTechnical,
			StartDate:    d(2025, time.September, 8),
			EndDate:      d(2025, time.September, 12),
			Participants: 48,
			Organiser:    "常州市钟楼区卫生健康局",
		},
		events.TrainingReversed{EntryReversal: events.EntryReversal{
			OriginalID:    trainingID,
			PairingIDList: []string{pairingZhonglouBanma},
			Reason:        events.ReasonEntryError,
			BusinessDate:  d(2025, time.September, 20),
			OriginalDate:  d(2025, time.September, 12),
			DocNo:         "钟卫健〔2025〕52号",
			Note:          "培训延期,原登记作废",
		}},
		events.AgreementSigned{
			AgreementID: agreementID,
			PairingID:   pairingZhonglouBanma,
			Title:       "钟楼区—班玛县2025年对口支援合作框架协议",
			DocNo:       "钟班协〔2025〕1号",
			SignedDate:  d(2025, time.March, 3),
			Mechanism:   "联席会议、干部互派、季度调度",
		},
		events.AgreementReversed{EntryReversal: events.EntryReversal{
			OriginalID:    agreementID,
			PairingIDList: []string{pairingZhonglouBanma},
			Reason:        events.ReasonEntryError,
			BusinessDate:  d(2025, time.March, 5),
			OriginalDate:  d(2025, time.March, 3),
			DocNo:         "钟协办〔2025〕6号",
			Note:          "文号录入错误",
		}},
		events.ParkEstablished{
			ParkID:          parkID,
			PairingID:       pairingZhonglouBanma,
			Name:            "钟楼—班玛飞地产业园",
			Kind:            events.ParkEnclave,
			LocationCode:    "320404",
			EstablishedDate: d(2024, time.May, 20),
		},
		events.ParkReported{
			ParkID:        parkID,
			PairingID:     pairingZhonglouBanma,
			AsOf:          d(2025, time.September, 30),
			Enterprises:   7,
			InvestmentFen: 4_620_000_000,
			OutputFen:     3_100_000_000,
			ReturnsFen:    180_000_000,
		},
		events.ParkReversed{EntryReversal: events.EntryReversal{
			OriginalID:    parkID,
			PairingIDList: []string{pairingZhonglouBanma},
			Reason:        events.ReasonEntryError,
			BusinessDate:  d(2025, time.October, 8),
			OriginalDate:  d(2024, time.May, 20),
			DocNo:         "钟发改〔2025〕19号",
			Note:          "园区由市级统一登记",
		}},
		events.WorkshopEstablished{
			WorkshopID:      workshopID,
			PairingID:       pairingZhonglouBanma,
			Name:            "藏毯编织帮扶车间",
			Village:         "江日堂乡东科村",
			EstablishedDate: d(2025, time.April, 16),
		},
		events.WorkshopReported{
			WorkshopID:      workshopID,
			PairingID:       pairingZhonglouBanma,
			AsOf:            d(2025, time.June, 30),
			Employed:        38,
			PovertyEmployed: 21,
		},
		events.WorkshopReversed{EntryReversal: events.EntryReversal{
			OriginalID:    workshopID,
			PairingIDList: []string{pairingZhonglouBanma},
			Reason:        events.ReasonEntryError,
			BusinessDate:  d(2025, time.July, 2),
			OriginalDate:  d(2025, time.April, 16),
			DocNo:         "班乡振〔2025〕9号",
			Note:          "车间与另一结对重复登记",
		}},
		events.SummaryGenerated{
			DonorCode:  "320404",
			Year:       2025,
			Cutoff:     d(2025, time.November, 30),
			Profile:    "official",
			Format:     "text",
			Lang:       "zh",
			Position:   1234,
			ChainHash:  "88819fe76a8f3f6c703b1be8bdfbe532767656e46b92d8d91a1c714d5589665c",
			TextSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		},
		events.ReportOrderSet{
			DonorCode:    "320404",
			PairingIDs:   []string{pairingZhonglouBanma, "01JCE0B2X3Y4Z5A6B7C8D9E0F1"},
			BusinessDate: d(2025, time.December, 1),
		},
		events.ReportStyleSet{
			DonorCode:    "320404",
			Paragraph:    "by_programme",
			Lead:         "2025年，钟楼区坚决扛起东西部协作和对口支援政治责任",
			BusinessDate: d(2025, time.December, 1),
		},
	}
}

// samplesByType indexes samples() by type string, failing on duplicates.
func samplesByType(t testing.TB) map[string]events.Event {
	t.Helper()
	m := map[string]events.Event{}
	for _, e := range samples() {
		if _, dup := m[e.EventType()]; dup {
			t.Fatalf("two samples of %s", e.EventType())
		}
		m[e.EventType()] = e
	}
	return m
}

func goldenPath(typ string) string { return filepath.Join(goldenDir, typ+".json") }

func TestGolden(t *testing.T) {
	byType := samplesByType(t)
	for typ := range byType {
		if _, ok := events.Lookup(typ); !ok {
			t.Errorf("sample of %s, which the catalogue does not hold", typ)
		}
	}
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, typ := range events.Types() {
		t.Run(typ, func(t *testing.T) {
			sample, ok := byType[typ]
			if !ok {
				t.Fatalf("no sample for %s: add one to samples() in catalogue_test.go and run go test ./events -run Golden -update", typ)
			}
			spec, _ := events.Lookup(typ)
			got, version, err := events.Encode(sample)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if version != spec.Version {
				t.Errorf("Encode version = %d, catalogue says %d", version, spec.Version)
			}
			if *update {
				if err := os.WriteFile(goldenPath(typ), got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(goldenPath(typ))
			if err != nil {
				t.Fatalf("%v (run go test ./events -run Golden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("Encode differs from %s:\n got %s\nwant %s", goldenPath(typ), got, want)
			}

			back, err := events.Decode(typ, version, want)
			if err != nil {
				t.Fatalf("Decode golden: %v", err)
			}
			if !reflect.DeepEqual(back, sample) {
				t.Errorf("Decode golden = %#v\nwant %#v", back, sample)
			}
			again, _, err := events.Encode(back)
			if err != nil {
				t.Fatalf("re-Encode: %v", err)
			}
			if !bytes.Equal(again, want) {
				t.Errorf("re-Encode differs from golden:\n got %s\nwant %s", again, want)
			}
		})
	}
}

// TestGoldenNoStaleFiles fails on golden files of types the catalogue no
// longer holds (a renamed or removed type must not leave a file behind).
func TestGoldenNoStaleFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	types := events.Types()
	if len(files) != len(types) {
		t.Errorf("%d golden files for %d types", len(files), len(types))
	}
	for _, f := range files {
		typ := strings.TrimSuffix(filepath.Base(f), ".json")
		if !slices.Contains(types, typ) {
			t.Errorf("stale golden file %s: no such type in the catalogue", f)
		}
	}
}

// Fields that are legitimately zero in their sample.
var zeroAllowed = map[string][]string{
	// Visits, secondments, labour transfers, trainings, agreements, parks
	// and workshops carry no money.
	"aid.visit_reversed":           {"amount_fen"},
	"aid.secondment_reversed":      {"amount_fen"},
	"aid.labour_transfer_reversed": {"amount_fen"},
	"aid.training_reversed":        {"amount_fen"},
	"aid.agreement_reversed":       {"amount_fen"},
	"aid.park_reversed":            {"amount_fen"},
	"aid.workshop_reversed":        {"amount_fen"},
}

// TestSamplesSetEveryField makes sure the golden files cover every field,
// including the omitempty ones and those of nested structs: a field added to
// an event without a sample value fails here.
func TestSamplesSetEveryField(t *testing.T) {
	for _, e := range samples() {
		var zero []string
		zeroFields(reflect.ValueOf(e), "", &zero)
		for _, f := range zero {
			if !slices.Contains(zeroAllowed[e.EventType()], f) {
				t.Errorf("%s: sample leaves %s unset", e.EventType(), f)
			}
		}
	}
}

var dateType = reflect.TypeFor[events.Date]()

func zeroFields(v reflect.Value, path string, out *[]string) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == dateType {
			if v.IsZero() {
				*out = append(*out, path)
			}
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case f.Anonymous && name == "":
				zeroFields(v.Field(i), path, out)
				continue
			case name == "":
				name = f.Name
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			zeroFields(v.Field(i), p, out)
		}
	case reflect.Pointer:
		if v.IsNil() {
			*out = append(*out, path)
			return
		}
		zeroFields(v.Elem(), path, out)
	case reflect.Slice:
		if v.Len() == 0 {
			*out = append(*out, path)
		}
		for i := range v.Len() {
			zeroFields(v.Index(i), path+"[]", out)
		}
	default:
		if v.IsZero() {
			*out = append(*out, path)
		}
	}
}

// TestSamplesArePairingScoped: every event names its pairing(s), and the
// sample ids are well-formed ULIDs.
func TestSamplesArePairingScoped(t *testing.T) {
	for _, e := range samples() {
		switch e.(type) {
		case events.SummaryGenerated, events.ReportOrderSet, events.ReportStyleSet:
			continue // about a donor's reports, not a pairing
		}
		ps, ok := e.(events.PairingScoped)
		if !ok {
			t.Errorf("%T does not implement PairingScoped", e)
			continue
		}
		ids := ps.PairingIDs()
		if len(ids) == 0 {
			t.Errorf("%s: no pairing ids", e.EventType())
		}
		for _, id := range ids {
			if !events.ValidID(id) {
				t.Errorf("%s: pairing id %q is not a ULID", e.EventType(), id)
			}
		}
	}
}

func TestEncodeRejectsForeignGoTypes(t *testing.T) {
	// A pointer has the same EventType but is not the registered Go type:
	// encoding it would bypass the catalogue's idea of the shape.
	e := samples()[0]
	ptr := reflect.New(reflect.TypeOf(e))
	ptr.Elem().Set(reflect.ValueOf(e))
	if _, _, err := events.Encode(ptr.Interface().(events.Event)); !errors.Is(err, events.ErrUnknownType) {
		t.Errorf("Encode(%T) error = %v, want ErrUnknownType", ptr.Interface(), err)
	}
	if _, _, err := events.Encode(unregistered{}); !errors.Is(err, events.ErrUnknownType) {
		t.Errorf("Encode(unregistered) error = %v, want ErrUnknownType", err)
	}
}

type unregistered struct{}

func (unregistered) EventType() string { return "test.unregistered" }

func TestDecodeIsStrict(t *testing.T) {
	const typ = "aid.funds_receipt_confirmed"
	golden, err := os.ReadFile(goldenPath(typ))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := events.Decode(typ, 1, golden); err != nil {
		t.Fatalf("golden payload rejected: %v", err)
	}
	body := strings.TrimSuffix(string(golden), "}")
	for name, payload := range map[string]string{
		"unknown field":       body + `,"amount_fen":1}`,
		"trailing object":     string(golden) + `{}`,
		"trailing garbage":    string(golden) + `x`,
		"wrong type":          strings.Replace(string(golden), `"receipt_ref":"班财收〔2025〕0457号"`, `"receipt_ref":457`, 1),
		"number as string id": `{"disbursement_id":1}`,
		"bad date":            strings.Replace(string(golden), `"2025-04-07"`, `"2025-4-7"`, 1),
		"date with time":      strings.Replace(string(golden), `"2025-04-07"`, `"2025-04-07T00:00:00Z"`, 1),
		"array":               `[]`,
		"empty":               ``,
		"truncated":           string(golden[:len(golden)-1]),
	} {
		if _, err := events.Decode(typ, 1, []byte(payload)); err == nil {
			t.Errorf("%s: Decode(%s) succeeded", name, payload)
		}
	}
	// Money is integer fen: never a float, never a string.
	const money = "aid.funds_disbursed"
	disbursed, err := os.ReadFile(goldenPath(money))
	if err != nil {
		t.Fatal(err)
	}
	for _, amount := range []string{`60000000.0`, `6e7`, `"60000000"`, `600000.00`, `9223372036854775808`} {
		payload := strings.Replace(string(disbursed), `"amount_fen":60000000`, `"amount_fen":`+amount, 1)
		if _, err := events.Decode(money, 1, []byte(payload)); err == nil {
			t.Errorf("amount_fen %s accepted", amount)
		}
	}
	// Insignificant white space is not an error (the payload column keeps
	// bytes verbatim, but a human-edited fixture may be indented).
	if _, err := events.Decode(typ, 1, append(append([]byte(" \n"), golden...), '\n')); err != nil {
		t.Errorf("white space around payload rejected: %v", err)
	}
}

func TestDecodeUnknownTypeAndVersion(t *testing.T) {
	golden, err := os.ReadFile(goldenPath("aid.funds_disbursed"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := events.Decode("aid.funds_teleported", 1, golden); !errors.Is(err, events.ErrUnknownType) {
		t.Errorf("unknown type: error = %v, want ErrUnknownType", err)
	}
	for _, v := range []int{0, -1, 2} {
		if _, err := events.Decode("aid.funds_disbursed", v, golden); !errors.Is(err, events.ErrUnknownVersion) {
			t.Errorf("version %d: error = %v, want ErrUnknownVersion", v, err)
		}
	}
	if _, err := events.New("aid.funds_teleported"); !errors.Is(err, events.ErrUnknownType) {
		t.Errorf("New(unknown) error = %v, want ErrUnknownType", err)
	}
}

func TestNewReturnsZeroOfRegisteredType(t *testing.T) {
	for typ, sample := range samplesByType(t) {
		e, err := events.New(typ)
		if err != nil {
			t.Fatalf("New(%s): %v", typ, err)
		}
		if reflect.TypeOf(e) != reflect.TypeOf(sample) || !reflect.ValueOf(e).IsZero() {
			t.Errorf("New(%s) = %#v, want zero %T", typ, e, sample)
		}
	}
}

func TestTypesSortedAndNamespaced(t *testing.T) {
	types := events.Types()
	if !slices.IsSorted(types) {
		t.Errorf("Types() not sorted: %v", types)
	}
	for _, typ := range types {
		if !strings.HasPrefix(typ, "aid.") || strings.ToLower(typ) != typ {
			t.Errorf("type %q is not of the form aid.snake_case", typ)
		}
	}
}

// An empty omitempty list decodes like an absent one (Encode writes neither),
// so that Decode(Encode(x)) equals x for every accepted payload.
func TestDecodeEmptyOmittedListIsNil(t *testing.T) {
	const typ = "aid.donation_received"
	golden, err := os.ReadFile(goldenPath(typ))
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(golden, []byte(`"items":[`)), bytes.Index(golden, []byte(`],"receipt_no"`))
	if i < 0 || j < 0 {
		t.Fatalf("golden %s has no items", typ)
	}
	withEmpty := string(golden[:i]) + `"items":[]` + string(golden[j+1:])
	withNone := string(golden[:i]) + string(golden[j+2:])
	a, err := events.Decode(typ, 1, []byte(withEmpty))
	if err != nil {
		t.Fatal(err)
	}
	b, err := events.Decode(typ, 1, []byte(withNone))
	if err != nil {
		t.Fatal(err)
	}
	if a.(events.DonationReceived).Items != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("items:[] decodes to %#v, absent items to %#v", a, b)
	}
}

// A secondment recorded before directions were (schema v1) was sent by the
// donor: it decodes as outbound, and everything else as recorded.
func TestSecondmentStartedV1IsOutbound(t *testing.T) {
	v1 := `{"secondment_id":"01JPBE5JC0HM0FEKPAY96A870D","pairing_id":"01JN7PX380YFZMTH8Y8AF1G8GN","person_ref":"P-7F3K2Q",` +
		`"category":"doctor","sending_org":"常州市钟楼区人民医院","host_org":"班玛县人民医院","start_date":"2025-07-01","planned_end_date":"2026-06-30"}`
	e, err := events.Decode("aid.secondment_started", 1, []byte(v1))
	if err != nil {
		t.Fatal(err)
	}
	if want := samplesByType(t)["aid.secondment_started"]; e != want {
		t.Errorf("v1 decodes as %+v, want %+v", e, want)
	}
	for _, bad := range []string{`null`, `[]`, `"x"`} {
		if _, err := events.Decode("aid.secondment_started", 1, []byte(bad)); err == nil {
			t.Errorf("v1 payload %s decoded", bad)
		}
	}
}

// Targets set before the office indicators (schema v1) keep their figures;
// staff_persons is now staff, and the new indicators have no target.
func TestAnnualTargetsV1(t *testing.T) {
	v1 := `{"pairing_id":"01JN7PX380YFZMTH8Y8AF1G8GN","year":2025,"targets":{"fiscal_fen":260000000,"social_fen":40000000,` +
		`"consumption_fen":90000000,"staff_persons":12,"visits":3,"projects":4},"doc_no":"常钟协办〔2025〕3号"}`
	e, err := events.Decode("aid.annual_targets_set", 1, []byte(v1))
	if err != nil {
		t.Fatal(err)
	}
	want := events.AnnualTargetsSet{PairingID: "01JN7PX380YFZMTH8Y8AF1G8GN", Year: 2025, DocNo: "常钟协办〔2025〕3号",
		Targets: events.Targets{FiscalFen: 260000000, SocialFen: 40000000, ConsumptionFen: 90000000, Staff: 12, Visits: 3, Projects: 4}}
	if e != want {
		t.Errorf("v1 decodes as %+v, want %+v", e, want)
	}
	if _, err := events.Decode("aid.annual_targets_set", 1, []byte(`{"pairing_id":"P","year":2025,"targets":null}`)); err == nil {
		t.Error("a v1 payload without targets decoded")
	}
}

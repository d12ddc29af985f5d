package ledger

import (
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// The office indicators: labour transfers, enterprise investment, trainings,
// agreements, co-built parks and assistance workshops (docs/domain.md
// I-43 … I-51).

const (
	parkID     = "01J0000000000000000PARK001"
	workshopID = "01J0000000000000000W0RKSP1"
	creditCode = "91320412MA1N7B2C3R" // check character R
)

// park is park parkID of pairing (an enclave established 2024-05-20),
// then whatever evs add.
func park(evs ...events.Event) *siteState {
	all := append([]events.Event{events.ParkEstablished{ParkID: parkID, PairingID: pairing.PairingID, Name: "钟楼—班玛飞地产业园",
		Kind: events.ParkEnclave, LocationCode: "320404", EstablishedDate: day("2024-05-20")}}, evs...)
	return foldSite("park", parkID, all, int64(len(all)))
}

func parkReport(asOf string, enterprises, investment int64) events.ParkReported {
	return events.ParkReported{ParkID: parkID, PairingID: pairing.PairingID, AsOf: day(asOf), Enterprises: enterprises,
		InvestmentFen: investment, OutputFen: 10 * wan, ReturnsFen: wan}
}

// workshop is workshop workshopID of pairing (set up 2025-04-16), then
// whatever evs add.
func workshop(evs ...events.Event) *siteState {
	all := append([]events.Event{events.WorkshopEstablished{WorkshopID: workshopID, PairingID: pairing.PairingID, Name: "藏毯编织车间",
		Village: "东科村", EstablishedDate: day("2025-04-16")}}, evs...)
	return foldSite("workshop", workshopID, all, int64(len(all)))
}

func siteReversal(kind, id string) events.Event {
	return mustKind(kind).reversed(events.EntryReversal{OriginalID: id, PairingIDList: []string{pairing.PairingID},
		Reason: events.ReasonEntryError, BusinessDate: day("2025-06-01"), OriginalDate: day("2025-04-16")})
}

func TestDecideOfficeIndicators(t *testing.T) {
	t.Parallel()
	labour := RecordLabourTransfer{LabourTransferID: newID, PairingID: pairing.PairingID, PeriodFrom: "2025-01-01", PeriodTo: "2025-06-30",
		Destination: events.LabourDonorArea, Persons: 136, PovertyPersons: 58, Trainees: 212, DocNo: "钟人社〔2025〕31号"}
	invest := RecordInvestment{InvestmentID: newID, PairingID: pairing.PairingID, EnterpriseName: "常州牧原食品科技有限公司",
		CreditCode: creditCode, ProjectName: "牦牛肉加工线", Sector: "农产品加工", AmountFen: 1850 * wan, InvestedDate: "2025-05-18",
		Jobs: 64, PovertyJobs: 27}
	training := RecordTraining{TrainingID: newID, PairingID: pairing.PairingID, Kind: events.TrainingTechnical, StartDate: "2025-06-08",
		EndDate: "2025-06-12", Participants: 48, Organiser: "钟楼区卫健局"}
	agreement := SignAgreement{AgreementID: newID, PairingID: pairing.PairingID, Title: "2025年合作框架协议", DocNo: "钟班协〔2025〕1号",
		SignedDate: "2025-03-03", Mechanism: "联席会议"}
	parkCmd := EstablishPark{ParkID: newID, PairingID: pairing.PairingID, Name: "班玛产业园", Kind: events.ParkCoBuilt, LocationCode: "632624",
		EstablishedDate: "2025-01-10"}
	report := ReportPark{AsOf: "2025-06-30", Enterprises: 7, InvestmentFen: 4620 * wan, OutputFen: 3100 * wan, ReturnsFen: 180 * wan}
	shopReport := ReportWorkshop{AsOf: "2025-06-30", Employed: 38, PovertyEmployed: 21}
	held := func(k eventstore.NaturalKey) map[[2]string]string {
		return map[[2]string]string{{k.Scope, k.Key}: "01J0000000000000000THER001"}
	}
	runCases(t, []decisionCase{
		{name: "I-13 pairing-in-force: a labour transfer counted at its period's end",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) { return labour.decide(today, pairing) },
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				if len(ar.Claim) != 1 || ar.Claim[0].Scope != "labour_transfer:"+pairing.PairingID {
					t.Errorf("claims %+v", ar.Claim)
				}
			}},
		{name: "I-13 pairing-in-force: a period ending after the pairing", code: CodePairingNotValid,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				l := labour
				l.PeriodFrom, l.PeriodTo = "2023-07-01", "2024-03-31"
				return l.decide(today, expired)
			}},
		{name: "I-43 of-which: more people lifted out of poverty than employed", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				l := labour
				l.PovertyPersons = 137
				return l.decide(today, pairing)
			}},
		{name: "I-4 field-shape: nobody employed", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				l := labour
				l.Persons, l.PovertyPersons = 0, 0
				return l.decide(today, pairing)
			}},
		{name: "I-4 field-shape: a period ending before it starts", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				l := labour
				l.PeriodFrom = "2025-07-01"
				return l.decide(today, pairing)
			}},
		{name: "I-4 field-shape: an unknown destination", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				l := labour
				l.Destination = "abroad"
				return l.decide(today, pairing)
			}},
		{name: "I-44 labour-unique: the same period, destination and document again", code: CodeDuplicateEntry,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				ar, err := labour.decide(today, pairing)
				if err != nil {
					return nil, err
				}
				return ar, place(ar, held(ar.Claim[0]))
			}},
		{name: "I-43 of-which: more jobs for people lifted out of poverty than jobs", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				i := invest
				i.PovertyJobs = 65
				return i.decide(today, pairing, nil)
			}},
		{name: "I-45 credit-code-checked: a mistyped check character", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				i := invest
				i.CreditCode = "91320412MA1N7B2C3T"
				return i.decide(today, pairing, nil)
			}},
		{name: "I-46 investment-unique: the enterprise's project again", code: CodeDuplicateEntry,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				ar, err := invest.decide(today, pairing, nil)
				if err != nil {
					return nil, err
				}
				return ar, place(ar, held(ar.Claim[0]))
			}},
		{name: "I-47 investment-park: in a park of the pairing, established before",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				i := invest
				i.ParkID = parkID
				return i.decide(today, pairing, park())
			}},
		{name: "I-47 investment-park: in a reversed park", code: CodeAlreadyReversed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				i := invest
				i.ParkID = parkID
				return i.decide(today, pairing, park(siteReversal("park", parkID)))
			}},
		{name: "I-47 investment-park: in another pairing's park", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				i := invest
				i.PairingID, i.ParkID = otherDonor.PairingID, parkID
				return i.decide(today, otherDonor, park())
			}},
		{name: "I-47 investment-park: before the park was established", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				i := invest
				i.ParkID, i.InvestedDate = parkID, "2024-05-19"
				return i.decide(today, pairing, park())
			}},
		{name: "I-4 field-shape: a training without participants", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				tr := training
				tr.Participants = 0
				return tr.decide(today, pairing)
			}},
		{name: "I-5 no-future-date: a training still running", code: CodeFutureDate,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				tr := training
				tr.EndDate = "2025-07-02"
				return tr.decide(today, pairing)
			}},
		{name: "I-48 site-unique: an agreement's document number again", code: CodeDuplicateEntry,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				ar, err := agreement.decide(today, pairing)
				if err != nil {
					return nil, err
				}
				return ar, place(ar, held(ar.Claim[0]))
			}},
		{name: "I-48 site-unique: a park's name again", code: CodeDuplicateEntry,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				ar, err := parkCmd.decide(today, pairing)
				if err != nil {
					return nil, err
				}
				return ar, place(ar, held(ar.Claim[0]))
			}},
		{name: "I-4 field-shape: a park located by a name, not a division code", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				p := parkCmd
				p.LocationCode = "班玛县"
				return p.decide(today, pairing)
			}},
		{name: "I-49 site-report: as of a day after the last report",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return report.decide(today, park(parkReport("2024-12-31", 5, 3000*wan)), pairing)
			}},
		{name: "I-49 site-report: before the park was established", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := report
				r.AsOf = "2024-05-01"
				return r.decide(today, park(), pairing)
			}},
		{name: "I-49 site-report: as of a day before the last report", code: CodeAsOfNotMonotonic,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := report
				r.AsOf = "2025-06-01"
				return r.decide(today, park(parkReport("2025-06-15", 5, 3000*wan)), pairing)
			}},
		{name: "I-49 site-report: on a reversed workshop", code: CodeAlreadyReversed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return shopReport.decide(today, workshop(siteReversal("workshop", workshopID)), pairing)
			}},
		{name: "I-50 park-cumulative: fewer enterprises than last reported", code: CodeCumulativeDecreased,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return report.decide(today, park(parkReport("2024-12-31", 8, 3000*wan)), pairing)
			}},
		{name: "I-50 park-cumulative: less investment than last reported", code: CodeCumulativeDecreased,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return report.decide(today, park(parkReport("2024-12-31", 5, 5000*wan)), pairing)
			}},
		{name: "I-51 enclave-returns: returns from a park in the partner area", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				s := park()
				s.parkKind = events.ParkCoBuilt
				return report.decide(today, s, pairing)
			}},
		{name: "I-43 of-which: a workshop employing more poor than employed", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := shopReport
				r.PovertyEmployed = 39
				return r.decide(today, workshop(), pairing)
			}},
		{name: "I-49 site-report: a workshop's employment may fall",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return shopReport.decide(today, workshop(events.WorkshopReported{WorkshopID: workshopID, PairingID: pairing.PairingID,
					AsOf: day("2025-05-31"), Employed: 50, PovertyEmployed: 30}), pairing)
			}},
	})
}

// Entries without money are reversed wholly and as entry errors only; an
// investment, like a donation, in part and as capital withdrawn too.
func TestDecideIndicatorReversals(t *testing.T) {
	t.Parallel()
	investment := events.EnterpriseInvestmentRecorded{InvestmentID: newID, PairingID: pairing.PairingID, EnterpriseName: "某企业",
		CreditCode: creditCode, ProjectName: "加工线", Sector: "加工", AmountFen: 100 * wan, InvestedDate: day("2025-02-01")}
	var cases []decisionCase
	for _, kind := range []string{"labour_transfer", "training", "agreement", "park", "workshop"} {
		cases = append(cases, decisionCase{name: "I-33 entry-error-only: a " + kind + " 'returned'", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return ReverseEntry{Reason: events.ReasonFundsReturned}.decide(today, mustKind(kind), newID, nil)
			}})
	}
	cases = append(cases,
		decisionCase{name: "I-31 entry-reversal-bounded: capital withdrawn, in part",
			decide: func(t *testing.T) (*eventstore.AppendRequest, error) {
				return ReverseEntry{Reason: events.ReasonFundsReturned, AmountFen: ptr[int64](30 * wan), BusinessDate: "2025-06-01"}.
					decide(today, mustKind("investment"), newID, entry(t, newID, investment))
			},
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				if r := ar.Events[0].(events.InvestmentReversed); r.AmountFen != 30*wan || len(ar.Release) != 0 {
					t.Errorf("append %+v", ar)
				}
			}},
		decisionCase{name: "I-31 entry-reversal-bounded: more than was invested", code: CodeReversalExceedsOriginal,
			decide: func(t *testing.T) (*eventstore.AppendRequest, error) {
				return ReverseEntry{Reason: events.ReasonEntryError, AmountFen: ptr[int64](101 * wan), BusinessDate: "2025-06-01"}.
					decide(today, mustKind("investment"), newID, entry(t, newID, investment))
			}},
		decisionCase{name: "I-32: a whole entry error frees the park's name",
			decide: func(t *testing.T) (*eventstore.AppendRequest, error) {
				s := park()
				st := &entryState{version: s.version, streamID: entryStream("park", parkID), pairingIDs: []string{pairing.PairingID},
					date: s.since}
				k := siteKey("park", pairing.PairingID, "钟楼—班玛飞地产业园", parkID)
				st.key = &k
				return ReverseEntry{Reason: events.ReasonEntryError, BusinessDate: "2025-06-01"}.decide(today, mustKind("park"), parkID, st)
			},
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				if len(ar.Release) != 1 || ar.Release[0].Key != "钟楼—班玛飞地产业园" {
					t.Errorf("release %+v", ar.Release)
				}
			}},
	)
	runCases(t, cases)
}

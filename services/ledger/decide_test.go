package ledger

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// The pure decisions of every command, one invariant of docs/domain.md §6
// at a time: given the state a command is decided on (streams folded from
// events), the command and today, the decisionCase is the append or the
// rejection named. The HTTP invariant test (services/ports/api) is the
// contract test of the same rules through the whole stack; these pin the
// rules themselves, without a database.

var (
	today   = day("2025-06-30")
	donor   = events.Unit{Code: "zhonglou", Name: "常州市钟楼区", ShortName: "钟楼"}
	partner = events.Unit{Code: "632624", Name: "班玛县", ShortName: "班玛"}
	pairing = events.PairingEstablished{PairingID: "01J00000000000000000PA1RNG", Donor: donor, Partner: partner,
		Programme: events.ProgrammeCounterpartSupport, AgreementDocNo: "钟政〔2021〕1号", ValidFrom: day("2021-01-01"), ValidTo: day("2030-12-31")}
	// expired is a pairing of the same donor that ended in 2023.
	expired = events.PairingEstablished{PairingID: "01J00000000000000000EXP1RD", Donor: donor,
		Partner: events.Unit{Code: "610927", Name: "镇坪县", ShortName: "镇坪"}, Programme: events.ProgrammeEastWest,
		AgreementDocNo: "钟政〔2019〕2号", ValidFrom: day("2019-01-01"), ValidTo: day("2023-12-31")}
	otherDonor = events.PairingEstablished{PairingID: "01J000000000000000000THERD", Donor: events.Unit{Code: "linan", Name: "杭州市临安区", ShortName: "临安"},
		Partner: events.Unit{Code: "513331", Name: "白玉县", ShortName: "白玉"}, Programme: events.ProgrammeEastWest,
		AgreementDocNo: "临政〔2021〕1号", ValidFrom: day("2021-01-01"), ValidTo: day("2030-12-31")}
)

const (
	commitmentID   = "01J0000000000000000C0MM1T1"
	disbursementID = "01J0000000000000000D1SBRS1"
	reversalID     = "01J0000000000000000REVRS01"
	newID          = "01J0000000000000000NEW1D01"
	projectID      = "01J0000000000000000PR0JCT1"
	wan            = 1_000_000 // 1万元 in 分
)

func day(s string) events.Date {
	d, err := events.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// commitment is a commitment of 100万元 with one disbursement of 60万元
// (voucher V-1, 2025-03-01), then whatever evs add.
func commitment(evs ...events.Event) *commitmentState {
	base := []events.Event{
		events.FundsCommitted{CommitmentID: commitmentID, PairingID: pairing.PairingID, AmountFen: 100 * wan, BudgetYear: 2025,
			SourceLevel: events.SourceDistrict, DocNo: "钟财〔2025〕1号", BusinessDate: day("2025-01-10")},
		events.FundsDisbursed{DisbursementID: disbursementID, CommitmentID: commitmentID, PairingID: pairing.PairingID,
			AmountFen: 60 * wan, BusinessDate: day("2025-03-01"), PayeeName: "班玛县财政局", VoucherNo: "V-1"},
	}
	all := append(base, evs...)
	return foldCommitment(all, int64(len(all)))
}

func reversed(amount int64, reason events.ReversalReason) events.DisbursementReversed {
	return events.DisbursementReversed{ReversalID: reversalID, DisbursementID: disbursementID, CommitmentID: commitmentID,
		PairingID: pairing.PairingID, AmountFen: amount, Reason: reason, BusinessDate: day("2025-04-01"), OriginalDate: day("2025-03-01")}
}

// project is a project registered on 2024-05-01, then whatever evs add.
func project(evs ...events.Event) *projectState {
	all := append([]events.Event{events.AidProjectRegistered{ProjectID: projectID, PairingID: pairing.PairingID, Name: "班玛县中学",
		Sector: "教育", DeliveryMode: events.DeliveryTurnkey, PlannedTotalFen: 500 * wan, PlanYear: 2024, BusinessDate: day("2024-05-01")}}, evs...)
	return foldProject(all, int64(len(all)))
}

func progress(asOf string, status events.ProjectStatus) events.ProjectProgressReported {
	return events.ProjectProgressReported{ProjectID: projectID, PairingID: pairing.PairingID, AsOf: day(asOf), Status: status, CompletedInvestmentFen: wan}
}

// person is the stream of person P-1 with secondments started (and, when
// an end is given, ended).
func person(secs ...events.Event) *personState { return foldPerson(secs, int64(len(secs))) }

func started(id, start string) events.SecondmentStarted {
	return events.SecondmentStarted{SecondmentID: id, PairingID: pairing.PairingID, PersonRef: "P-1", Category: events.StaffTeacher,
		SendingOrg: "钟楼区教育局", HostOrg: "班玛县中学", StartDate: day(start)}
}

func ended(id, end string) events.SecondmentEnded {
	return events.SecondmentEnded{SecondmentID: id, PairingID: pairing.PairingID, PersonRef: "P-1", EndDate: day(end)}
}

// entry folds the stream of entry id: its records as the store holds them.
func entry(t *testing.T, id string, evs ...events.Event) *entryState {
	t.Helper()
	recs := make([]events.Record, len(evs))
	for i, e := range evs {
		payload, version, err := events.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		recs[i] = events.Record{StreamVersion: int64(i + 1), Type: e.EventType(), SchemaVersion: version, Payload: payload,
			DonorCode: donor.Code, PartnerCode: partner.Code}
	}
	s, err := foldEntry(id, "entry-"+id, recs, int64(len(recs)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func donation(kind events.DonationKind) events.DonationReceived {
	return events.DonationReceived{DonationID: newID, PairingID: pairing.PairingID, DonorName: "某企业", DonorType: events.DonorEnterprise,
		Kind: kind, AmountFen: 10 * wan, ValuationBasis: "发票", ReceiptNo: "R-1", BusinessDate: day("2025-02-01")}
}

func entryReversal(kind string, amount int64, reason events.ReversalReason) events.Event {
	return mustKind(kind).reversed(events.EntryReversal{OriginalID: newID, PairingIDList: []string{pairing.PairingID}, Reason: reason,
		AmountFen: amount, BusinessDate: day("2025-03-01"), OriginalDate: day("2025-02-01")})
}

func ptr[T any](v T) *T { return &v }

// mustKind is the EntryKind named name.
func mustKind(name string) EntryKind {
	k, ok := entryKind(name)
	if !ok {
		panic("no entry kind " + name)
	}
	return k
}

// han finds Chinese in an English message; englishWord an English word in
// a Chinese one (field names, codes, ids and "CNY" excepted: they hold
// '_', digits, or are upper case).
var (
	han         = regexp.MustCompile(`\p{Han}`)
	englishWord = regexp.MustCompile(`(^|[^A-Za-z0-9_.\-])[a-z]{2,}([^A-Za-z0-9_.\-]|$)`)
)

// decisionCase is one case: what it decides, and the code of the rejection
// wanted ("" for an accepted command; then check, if set, looks at the
// append).
type decisionCase struct {
	name   string
	decide func(t *testing.T) (*eventstore.AppendRequest, error)
	code   string
	check  func(t *testing.T, ar *eventstore.AppendRequest)
}

func runCases(t *testing.T, cases []decisionCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ar, err := c.decide(t)
			if c.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if len(ar.Events) == 0 {
					t.Fatal("accepted with no events")
				}
				if c.check != nil {
					c.check(t, ar)
				}
				return
			}
			var r *Rejection
			if !errors.As(err, &r) {
				t.Fatalf("got %v (%T), want rejection %s", err, err, c.code)
			}
			if r.Code != c.code || r.Message == "" || r.MessageZh == "" {
				t.Fatalf("got %s (%q / %q), want %s with messages in both languages", r.Code, r.Message, r.MessageZh, c.code)
			}
			// Field names, the values given and the values allowed are the
			// API's: they stand in both languages.
			zh, _, _ := strings.Cut(r.MessageZh, "可选值:")
			zh = regexp.MustCompile(`"[^"]*"`).ReplaceAllString(zh, "")
			for _, part := range strings.FieldsFunc(r.Field, func(c rune) bool { return c == '.' || c == '[' || c == ']' }) {
				zh = strings.ReplaceAll(zh, part, "")
			}
			if han.MatchString(r.Message) || englishWord.MatchString(zh) {
				t.Fatalf("a message in the other language's script: %q / %q", r.Message, r.MessageZh)
			}
		})
	}
}

// place checks a decided append against a log in which held natural keys
// are taken, as the store will: the natural-key invariants are the
// store's, applied to what the decisionCase claims and releases.
func place(ar *eventstore.AppendRequest, held map[[2]string]string) error {
	p := eventstore.NewPlanner(0, events.Hash{})
	q := eventstore.Query(ar)
	ex := &eventstore.Existing{NaturalKeys: held, Versions: map[string]int64{ar.StreamID: ar.ExpectedVersion}}
	p.Learn(q, ex)
	ar.Metadata.Actor = "test"
	_, err := p.Place(ar)
	if err != nil {
		return storeRejection(err)
	}
	return nil
}

func TestDecidePairings(t *testing.T) {
	t.Parallel()
	establish := EstablishPairing{PairingID: newID, Donor: UnitInput(donor), Partner: UnitInput(partner),
		Programme: events.ProgrammeCounterpartSupport, AgreementDocNo: "钟政〔2031〕1号", ValidFrom: "2031-01-01", ValidTo: "2035-12-31"}
	with := func(f func(*EstablishPairing)) EstablishPairing { c := establish; f(&c); return c }
	runCases(t, []decisionCase{
		{name: "I-4 field-shape: a partner code is six digits", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return with(func(c *EstablishPairing) { c.Partner.Code = "63262" }).decide(today, nil, 0)
			}},
		{name: "I-4 field-shape: an unknown programme", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return with(func(c *EstablishPairing) { c.Programme = "friendship_plus" }).decide(today, nil, 0)
			}},
		{name: "I-11 pairing-period: valid_to before valid_from", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return with(func(c *EstablishPairing) { c.ValidTo = "2030-12-31" }).decide(today, nil, 0)
			}},
		{name: "I-12 one-pairing-in-force: overlapping the pairing in force", code: CodePairingOverlap,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return with(func(c *EstablishPairing) { c.ValidFrom = "2030-12-31" }).decide(today, []events.PairingEstablished{pairing}, 1)
			}},
		{name: "I-12 one-pairing-in-force: the day after it ends is free",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return establish.decide(today, []events.PairingEstablished{pairing}, 1)
			},
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				if ar.ExpectedVersion != 1 || ar.StreamID != "pairings-zhonglou.632624.counterpart_support" || ar.NewEntities[0].ID != newID {
					t.Errorf("append %+v", ar)
				}
			}},
		{name: "I-14 targets-in-validity: a year the pairing is not in force", code: CodePairingNotValid,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return SetTargets{Year: 2024, Targets: TargetsInput{FiscalFen: 100 * wan}}.decide(today, expired, 0)
			}},
		{name: "I-14 targets-in-validity: the pairing's last year",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return SetTargets{Year: 2023, Targets: TargetsInput{FiscalFen: 100 * wan}}.decide(today, expired, 2)
			}},
		{name: "I-4 field-shape: negative targets", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return SetTargets{Year: 2025, Targets: TargetsInput{Visits: -1}}.decide(today, pairing, 0)
			}},
		{name: "I-43 of-which: more poverty-relief jobs targeted than jobs", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return SetTargets{Year: 2025, Targets: TargetsInput{PersonsEmployed: 10, PovertyPersonsEmployed: 11}}.decide(today, pairing, 0)
			}},
		{name: "I-4 field-shape: staff_persons, the former name of staff, still read",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return SetTargets{Year: 2025, Targets: TargetsInput{StaffPersons: 12}}.decide(today, pairing, 0)
			},
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				if got := ar.Events[0].(events.AnnualTargetsSet).Targets.Staff; got != 12 {
					t.Errorf("staff %d, want 12", got)
				}
			}},
		{name: "I-4 field-shape: staff and staff_persons that differ", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return SetTargets{Year: 2025, Targets: TargetsInput{Staff: 10, StaffPersons: 12}}.decide(today, pairing, 0)
			}},
	})
}

func TestDecideFunds(t *testing.T) {
	t.Parallel()
	commit := CommitFunds{CommitmentID: newID, PairingID: pairing.PairingID, AmountFen: 50 * wan, BudgetYear: 2025,
		SourceLevel: events.SourceCity, DocNo: "常财〔2025〕3号", BusinessDate: "2025-06-01"}
	disburse := DisburseFunds{DisbursementID: newID, CommitmentID: commitmentID, AmountFen: 40 * wan, BusinessDate: "2025-06-01",
		PayeeName: "班玛县财政局", VoucherNo: "V-2"}
	reverse := ReverseDisbursement{ReversalID: newID, AmountFen: 10 * wan, Reason: events.ReasonEntryError, BusinessDate: "2025-06-01"}
	confirm := ConfirmReceipt{ReceivedDate: "2025-03-05", ReceiptRef: "班财收〔2025〕7号"}
	otherProject := foldProject([]events.Event{events.AidProjectRegistered{ProjectID: projectID, PairingID: expired.PairingID,
		Name: "镇坪项目", Sector: "产业", DeliveryMode: events.DeliveryCheque, PlannedTotalFen: wan, PlanYear: 2022, BusinessDate: day("2022-01-01")}}, 1)
	runCases(t, []decisionCase{
		{name: "I-4 field-shape: an amount of zero", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				c := commit
				c.AmountFen = 0
				return c.decide(today, pairing, nil, nil)
			}},
		{name: "I-4 field-shape: an amount over 1000亿元", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				c := commit
				c.AmountFen = MaxAmountFen + 1
				return c.decide(today, pairing, nil, nil)
			}},
		{name: "I-5 no-future-date: a commitment dated tomorrow", code: CodeFutureDate,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				c := commit
				c.BusinessDate = "2025-07-01"
				return c.decide(today, pairing, nil, nil)
			}},
		{name: "I-13 pairing-in-force: a commitment after the pairing ended", code: CodePairingNotValid,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				c := commit
				c.PairingID = expired.PairingID
				return c.decide(today, expired, nil, nil)
			}},
		{name: "I-16 commitment-project: the project of another pairing", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				c := commit
				c.ProjectID = projectID
				return c.decide(today, pairing, nil, otherProject)
			}},
		{name: "commitment accepted: a new stream, the commitment registered",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) { return commit.decide(today, pairing, nil, nil) },
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				ev := ar.Events[0].(events.FundsCommitted)
				if ar.ExpectedVersion != 0 || ar.StreamID != "commitment-"+newID || ev.BusinessDate != day("2025-06-01") || ar.DonorCode != donor.Code {
					t.Errorf("append %+v", ar)
				}
			}},
		{name: "I-17 adjustment-delta: zero", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return AdjustCommitment{DeltaFen: 0, Reason: "调减", DocNo: "X", BusinessDate: "2025-06-01"}.decide(today, commitment(), pairing)
			}},
		{name: "I-18 committed-not-below-disbursed: lowering 100万 to 50万 with 60万 disbursed", code: CodeBelowDisbursed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return AdjustCommitment{DeltaFen: -50 * wan, Reason: "调减", DocNo: "X", BusinessDate: "2025-06-01"}.decide(today, commitment(), pairing)
			}},
		{name: "I-18 committed-not-below-disbursed: lowering to exactly the net disbursed after a reversal",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return AdjustCommitment{DeltaFen: -50 * wan, Reason: "调减", DocNo: "X", BusinessDate: "2025-06-01"}.
					decide(today, commitment(reversed(10*wan, events.ReasonEntryError)), pairing)
			}},
		{name: "I-19 within-commitment: 60万 + 41万 of 100万", code: CodeOverCommitment,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				d := disburse
				d.AmountFen = 41 * wan
				return d.decide(today, commitment(), pairing, pairing)
			}},
		{name: "I-19 within-commitment: exactly the commitment",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return disburse.decide(today, commitment(), pairing, pairing)
			},
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				if ar.ExpectedVersion != 2 || len(ar.Claim) != 1 || ar.Claim[0].Key != "V-2" || ar.Claim[0].Scope != "voucher_no:zhonglou" {
					t.Errorf("append %+v", ar)
				}
			}},
		{name: "I-19 within-commitment: beyond it with an approval",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				d := disburse
				d.AmountFen = 41 * wan
				d.OverCommitment = &OverCommitmentInput{Justification: "追加", ApprovedBy: "区长"}
				return d.decide(today, commitment(), pairing, pairing)
			}},
		{name: "I-19 within-commitment: an approval needs its approver", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				d := disburse
				d.OverCommitment = &OverCommitmentInput{Justification: "追加"}
				return d.decide(today, commitment(), pairing, pairing)
			}},
		{name: "I-19 within-commitment: reversed money is room again",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				d := disburse
				d.AmountFen = 50 * wan
				return d.decide(today, commitment(reversed(10*wan, events.ReasonFundsReturned)), pairing, pairing)
			}},
		{name: "I-13 pairing-in-force: a disbursement dated before the pairing", code: CodePairingNotValid,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				d := disburse
				d.BusinessDate = "2020-12-31"
				return d.decide(today, commitment(), pairing, pairing)
			}},
		{name: "I-20 voucher-unique: a voucher number a live disbursement holds", code: CodeDuplicateVoucher,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				d := disburse
				d.VoucherNo = "V-1"
				ar, err := d.decide(today, commitment(), pairing, pairing)
				if err != nil {
					return nil, err
				}
				return ar, place(ar, map[[2]string]string{{"voucher_no:zhonglou", "V-1"}: disbursementID})
			}},
		{name: "I-21 disbursement-reversal-bounded: 61万 of 60万", code: CodeReversalExceedsOriginal,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := reverse
				r.AmountFen = 61 * wan
				return r.decide(today, commitment(), pairing, pairing, disbursementID)
			}},
		{name: "I-21 disbursement-reversal-bounded: both reasons count", code: CodeReversalExceedsOriginal,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := reverse
				r.AmountFen = 51 * wan
				return r.decide(today, commitment(reversed(10*wan, events.ReasonFundsReturned)), pairing, pairing, disbursementID)
			}},
		{name: "I-22 no-reversal-of-reversal", code: CodeCannotReverseReversal,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return reverse.decide(today, commitment(reversed(10*wan, events.ReasonEntryError)), pairing, pairing, reversalID)
			}},
		{name: "I-23 reversal-after-original: dated before the disbursement", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := reverse
				r.BusinessDate = "2025-02-28"
				return r.decide(today, commitment(), pairing, pairing, disbursementID)
			}},
		{name: "reversal: a whole entry error frees the voucher",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := reverse
				r.AmountFen = 60 * wan
				return r.decide(today, commitment(), pairing, pairing, disbursementID)
			},
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				ev := ar.Events[0].(events.DisbursementReversed)
				if len(ar.Release) != 1 || ar.Release[0].Key != "V-1" || ev.OriginalDate != day("2025-03-01") || ev.CommitmentID != commitmentID {
					t.Errorf("append %+v", ar)
				}
			}},
		{name: "reversal: money returned keeps the voucher taken for good",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := reverse
				r.AmountFen = 50 * wan
				return r.decide(today, commitment(reversed(10*wan, events.ReasonFundsReturned)), pairing, pairing, disbursementID)
			},
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				if len(ar.Release) != 0 {
					t.Errorf("released %+v", ar.Release)
				}
			}},
		{name: "I-24 receipt-once", code: CodeReceiptAlreadyConfirmed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				s := commitment(events.FundsReceiptConfirmed{DisbursementID: disbursementID, CommitmentID: commitmentID, PairingID: pairing.PairingID,
					ReceivedDate: day("2025-03-04"), ReceiptRef: "R"})
				return confirm.decide(today, s, pairing, disbursementID)
			}},
		{name: "I-25 no-receipt-when-reversed", code: CodeDisbursementReversed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return confirm.decide(today, commitment(reversed(60*wan, events.ReasonEntryError)), pairing, disbursementID)
			}},
		{name: "I-26 receipt-after-disbursement", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				c := confirm
				c.ReceivedDate = "2025-02-28"
				return c.decide(today, commitment(), pairing, disbursementID)
			}},
		{name: "receipt accepted on a partly reversed disbursement",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return confirm.decide(today, commitment(reversed(10*wan, events.ReasonEntryError)), pairing, disbursementID)
			}},
	})
}

func TestDecideSocialAndConsumption(t *testing.T) {
	t.Parallel()
	donate := RecordDonation{DonationID: newID, PairingID: pairing.PairingID, DonorName: "某企业", DonorType: events.DonorEnterprise,
		Kind: events.DonationCash, AmountFen: 10 * wan, ReceiptNo: "R-1", BusinessDate: "2025-02-01"}
	purchase := RecordPurchase{PurchaseID: newID, PairingID: pairing.PairingID, BuyerName: "钟楼区机关食堂", SupplierName: "班玛合作社",
		Product: "牦牛肉", AmountFen: 5 * wan, Channel: events.ChannelCanteen, OrderNo: "O-1", CompletedDate: "2025-05-01"}
	sale := RecordSale{SaleID: newID, PairingID: pairing.PairingID, Channel: events.ChannelFair, PeriodFrom: "2025-05-01",
		PeriodTo: "2025-05-03", AmountFen: 8 * wan}
	runCases(t, []decisionCase{
		{name: "I-27 in-kind-valued: goods without a valuation basis", code: CodeValuationBasisRequired,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				d := donate
				d.Kind = events.DonationInKind
				return d.decide(today, pairing)
			}},
		{name: "I-4 field-shape: an item quantity that is not a decimal", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				d := donate
				d.Items = []DonationItemInput{{Description: "棉衣", Quantity: "十"}}
				return d.decide(today, pairing)
			}},
		{name: "I-28 receipt-no-unique", code: CodeDuplicateReceipt,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				ar, err := donate.decide(today, pairing)
				if err != nil {
					return nil, err
				}
				return ar, place(ar, map[[2]string]string{{"receipt_no:zhonglou", "R-1"}: disbursementID})
			}},
		{name: "I-28 receipt-no-unique: per donor (another donor's R-1 does not count)",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				ar, err := donate.decide(today, pairing)
				if err != nil {
					return nil, err
				}
				return ar, place(ar, map[[2]string]string{{"receipt_no:linan", "R-1"}: disbursementID})
			}},
		{name: "I-13 pairing-in-force: a purchase completed after the pairing ended", code: CodePairingNotValid,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				p := purchase
				p.PairingID = expired.PairingID
				return p.decide(today, expired)
			}},
		{name: "I-29 order-counted-once: a sale's order already bought", code: CodeDuplicateOrder,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				s := sale
				s.Channel, s.OrderNo = events.ChannelCanteen, "O-1"
				ar, err := s.decide(today, pairing)
				if err != nil {
					return nil, err
				}
				return ar, place(ar, map[[2]string]string{{"order:canteen", "O-1"}: disbursementID})
			}},
		{name: "I-29 order-counted-once: the same number on another channel",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				ar, err := purchase.decide(today, pairing)
				if err != nil {
					return nil, err
				}
				return ar, place(ar, map[[2]string]string{{"order:fair", "O-1"}: disbursementID})
			}},
		{name: "I-29: a sale without an order number claims nothing",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) { return sale.decide(today, pairing) },
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				if len(ar.Claim) != 0 {
					t.Errorf("claims %+v", ar.Claim)
				}
			}},
		{name: "I-30 sale-period: period_to before period_from", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				s := sale
				s.PeriodTo = "2025-04-30"
				return s.decide(today, pairing)
			}},
		{name: "I-5 no-future-date: a sale period ending tomorrow", code: CodeFutureDate,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				s := sale
				s.PeriodTo = "2025-07-01"
				return s.decide(today, pairing)
			}},
	})
}

func TestDecideEntryReversals(t *testing.T) {
	t.Parallel()
	whole := ReverseEntry{Reason: events.ReasonEntryError, BusinessDate: "2025-06-01"}
	runCases(t, []decisionCase{
		{name: "I-31 entry-reversal-bounded: 11万 of a 10万 donation", code: CodeReversalExceedsOriginal,
			decide: func(t *testing.T) (*eventstore.AppendRequest, error) {
				r := whole
				r.AmountFen = ptr[int64](11 * wan)
				return r.decide(today, mustKind("donation"), newID, entry(t, newID, donation(events.DonationCash)))
			}},
		{name: "I-31 entry-reversal-bounded: what is left after a partial return", code: CodeReversalExceedsOriginal,
			decide: func(t *testing.T) (*eventstore.AppendRequest, error) {
				r := whole
				r.AmountFen = ptr[int64](7 * wan)
				return r.decide(today, mustKind("donation"), newID, entry(t, newID, donation(events.DonationCash),
					entryReversal("donation", 4*wan, events.ReasonFundsReturned)))
			}},
		{name: "I-31: an omitted amount is the whole remainder, and keeps the returned receipt taken",
			decide: func(t *testing.T) (*eventstore.AppendRequest, error) {
				return whole.decide(today, mustKind("donation"), newID, entry(t, newID, donation(events.DonationCash),
					entryReversal("donation", 4*wan, events.ReasonFundsReturned)))
			},
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				r := ar.Events[0].(events.DonationReversed)
				if r.AmountFen != 6*wan || r.OriginalDate != day("2025-02-01") || len(ar.Release) != 0 {
					t.Errorf("append %+v", ar)
				}
			}},
		{name: "I-31: a whole entry error frees the receipt number",
			decide: func(t *testing.T) (*eventstore.AppendRequest, error) {
				return whole.decide(today, mustKind("donation"), newID, entry(t, newID, donation(events.DonationCash)))
			},
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				if len(ar.Release) != 1 || ar.Release[0].Scope != "receipt_no:zhonglou" || ar.Release[0].Key != "R-1" {
					t.Errorf("release %+v", ar.Release)
				}
			}},
		{name: "I-32 not-already-reversed: a wholly reversed donation", code: CodeAlreadyReversed,
			decide: func(t *testing.T) (*eventstore.AppendRequest, error) {
				return whole.decide(today, mustKind("donation"), newID, entry(t, newID, donation(events.DonationCash),
					entryReversal("donation", 10*wan, events.ReasonEntryError)))
			}},
		{name: "I-32 not-already-reversed: a visit reversed before", code: CodeAlreadyReversed,
			decide: func(t *testing.T) (*eventstore.AppendRequest, error) {
				visit := events.VisitConducted{VisitID: newID, PairingIDList: []string{pairing.PairingID}, Direction: events.VisitOutbound,
					StartDate: day("2025-02-01")}
				return whole.decide(today, mustKind("visit"), newID, entry(t, newID, visit, entryReversal("visit", 0, events.ReasonEntryError)))
			}},
		{name: "I-33 people-entry-error-only: a visit 'returned'", code: CodeValidationFailed,
			decide: func(t *testing.T) (*eventstore.AppendRequest, error) {
				return ReverseEntry{Reason: events.ReasonFundsReturned}.decide(today, mustKind("visit"), newID, nil)
			}},
		{name: "I-33 people-entry-error-only: a secondment with an amount", code: CodeValidationFailed,
			decide: func(t *testing.T) (*eventstore.AppendRequest, error) {
				return ReverseEntry{Reason: events.ReasonEntryError, AmountFen: ptr[int64](1)}.decide(today, mustKind("secondment"), newID, nil)
			}},
		{name: "I-34 entry-reversal-after-original", code: CodeValidationFailed,
			decide: func(t *testing.T) (*eventstore.AppendRequest, error) {
				r := whole
				r.BusinessDate = "2025-01-31"
				return r.decide(today, mustKind("donation"), newID, entry(t, newID, donation(events.DonationCash)))
			}},
		{name: "I-5 no-future-date: a reversal dated tomorrow", code: CodeFutureDate,
			decide: func(t *testing.T) (*eventstore.AppendRequest, error) {
				r := whole
				r.BusinessDate = "2025-07-01"
				return r.decide(today, mustKind("donation"), newID, nil)
			}},
	})
}

func TestDecideSecondmentsAndVisits(t *testing.T) {
	t.Parallel()
	start := StartSecondment{SecondmentID: newID, PairingID: pairing.PairingID, PersonRef: "P-1", Category: events.StaffDoctor,
		SendingOrg: "钟楼区人民医院", HostOrg: "班玛县人民医院", StartDate: "2025-03-01"}
	const first = "01J0000000000000000SEC0ND1"
	visit := RecordVisit{VisitID: newID, PairingIDs: []string{pairing.PairingID, expired.PairingID}, Direction: events.VisitOutbound,
		StartDate: "2023-06-01"}
	runCases(t, []decisionCase{
		{name: "I-4 field-shape: a person's real name is not a pseudonym", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				s := start
				s.PersonRef = "张 三"
				return s.decide(today, pairing, person())
			}},
		{name: "I-35 secondment-dates: end before start", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				s := start
				s.EndDate = "2025-02-28"
				return s.decide(today, pairing, person())
			}},
		{name: "I-36 no-overlapping-secondments: a running one lasts until ended", code: CodeSecondmentOverlap,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return start.decide(today, pairing, person(started(first, "2024-09-01")))
			}},
		{name: "I-36 no-overlapping-secondments: an open one may not start before another", code: CodeSecondmentOverlap,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				s := start
				s.StartDate = "2024-01-01"
				return s.decide(today, pairing, person(started(first, "2024-09-01"), ended(first, "2024-12-31")))
			}},
		{name: "I-36 no-overlapping-secondments: both ends count", code: CodeSecondmentOverlap,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				s := start
				s.StartDate = "2024-12-31"
				return s.decide(today, pairing, person(started(first, "2024-09-01"), ended(first, "2024-12-31")))
			}},
		{name: "I-36: after the other ended",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return start.decide(today, pairing, person(started(first, "2024-09-01"), ended(first, "2024-12-31")))
			},
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				if ar.ExpectedVersion != 2 || ar.StreamID != "person-zhonglou.P-1" {
					t.Errorf("append %+v", ar)
				}
			}},
		{name: "I-36: a reversed secondment does not count",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				rev := events.SecondmentReversed{EntryReversal: events.EntryReversal{OriginalID: first, PairingIDList: []string{pairing.PairingID},
					Reason: events.ReasonEntryError, BusinessDate: day("2024-10-01"), OriginalDate: day("2024-09-01")}}
				return start.decide(today, pairing, person(started(first, "2024-09-01"), rev))
			}},
		{name: "I-37 end-once", code: CodeSecondmentAlreadyEnded,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return EndSecondment{EndDate: "2025-01-31"}.decide(today, pairing, person(started(first, "2024-09-01"), ended(first, "2024-12-31")), first)
			}},
		{name: "I-38 no-end-after-reversal", code: CodeAlreadyReversed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				rev := events.SecondmentReversed{EntryReversal: events.EntryReversal{OriginalID: first, PairingIDList: []string{pairing.PairingID},
					Reason: events.ReasonEntryError, BusinessDate: day("2024-10-01"), OriginalDate: day("2024-09-01")}}
				return EndSecondment{EndDate: "2025-01-31"}.decide(today, pairing, person(started(first, "2024-09-01"), rev), first)
			}},
		{name: "I-35 secondment-dates: an end before the start", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return EndSecondment{EndDate: "2024-08-31"}.decide(today, pairing, person(started(first, "2024-09-01")), first)
			}},
		{name: "I-36: an end that would overlap a later secondment", code: CodeSecondmentOverlap,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return EndSecondment{EndDate: "2025-04-30"}.decide(today, pairing,
					person(started(first, "2024-09-01"), started(newID, "2025-03-01")), first)
			}},
		{name: "I-15 visit-pairings: a pairing listed twice", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				v := visit
				v.PairingIDs = []string{pairing.PairingID, pairing.PairingID}
				return v.decide(today, []events.PairingEstablished{pairing, pairing})
			}},
		{name: "I-15 visit-pairings: pairings of two donors", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				v := visit
				v.PairingIDs = []string{pairing.PairingID, otherDonor.PairingID}
				return v.decide(today, []events.PairingEstablished{pairing, otherDonor})
			}},
		{name: "I-13 pairing-in-force: a visit after one of its pairings ended", code: CodePairingNotValid,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				v := visit
				v.StartDate = "2024-06-01"
				return v.decide(today, []events.PairingEstablished{pairing, expired})
			}},
		{name: "a visit of two partners is routed to 'multi'",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return visit.decide(today, []events.PairingEstablished{pairing, expired})
			},
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				if ar.PartnerCode != multiPartner || ar.DonorCode != donor.Code {
					t.Errorf("routed to %s.%s", ar.DonorCode, ar.PartnerCode)
				}
			}},
	})
}

func TestDecideProjects(t *testing.T) {
	t.Parallel()
	register := RegisterProject{ProjectID: newID, PairingID: pairing.PairingID, Name: "班玛县中学", Sector: "教育",
		DeliveryMode: events.DeliveryTurnkey, PlannedTotalFen: 500 * wan, PlanYear: 2023, BusinessDate: "2023-03-01"}
	report := ReportProgress{AsOf: "2025-06-01", Status: events.ProjectInProgress, CompletedInvestmentFen: 100 * wan}
	runCases(t, []decisionCase{
		{name: "I-13 pairing-in-force: registered on a date of the pairing (2023, not today)",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := register
				r.PairingID = expired.PairingID
				return r.decide(today, expired)
			}},
		{name: "I-13 pairing-in-force: registered after the pairing ended", code: CodePairingNotValid,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := register
				r.PairingID, r.BusinessDate = expired.PairingID, "2024-01-01"
				return r.decide(today, expired)
			}},
		{name: "I-4 field-shape: an unknown delivery mode", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := register
				r.DeliveryMode = "gift"
				return r.decide(today, pairing)
			}},
		{name: "I-39 progress-after-registration", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := report
				r.AsOf = "2024-04-30"
				return r.decide(today, project(), pairing)
			}},
		{name: "I-40 as-of-monotonic", code: CodeAsOfNotMonotonic,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := report
				r.AsOf = "2025-01-01"
				return r.decide(today, project(progress("2025-02-01", events.ProjectNotStarted)), pairing)
			}},
		{name: "I-40 as-of-monotonic: the same day again is allowed",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return report.decide(today, project(progress("2025-06-01", events.ProjectInProgress)), pairing)
			}},
		{name: "I-41 status-monotonic", code: CodeStatusNotMonotonic,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				return report.decide(today, project(progress("2025-02-01", events.ProjectCompleted)), pairing)
			}},
		{name: "I-5 no-future-date: progress as of tomorrow", code: CodeFutureDate,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := report
				r.AsOf = "2025-07-01"
				return r.decide(today, project(), pairing)
			}},
		{name: "I-4 field-shape: an unknown tier", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := register
				r.Tier = "village"
				return r.decide(today, pairing)
			}},
		{name: "I-52 project-dates: started and completed on stated days",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := report
				r.Status, r.StartedOn, r.CompletedOn = events.ProjectCompleted, "2024-06-01", "2025-05-20"
				return r.decide(today, project(), pairing)
			},
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				e := ar.Events[0].(events.ProjectProgressReported)
				if e.StartedOn != day("2024-06-01") || e.CompletedOn != day("2025-05-20") {
					t.Errorf("dates %s %s", e.StartedOn, e.CompletedOn)
				}
			}},
		{name: "I-52 project-dates: a start after the as-of date", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := report
				r.StartedOn = "2025-06-02"
				return r.decide(today, project(), pairing)
			}},
		{name: "I-52 project-dates: a start date for a project not started", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := report
				r.Status, r.StartedOn = events.ProjectNotStarted, "2025-01-02"
				return r.decide(today, project(), pairing)
			}},
		{name: "I-52 project-dates: a completion date for a project in progress", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := report
				r.CompletedOn = "2025-05-01"
				return r.decide(today, project(), pairing)
			}},
		{name: "I-52 project-dates: completed before the start an earlier report stated", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := report
				r.Status, r.CompletedOn = events.ProjectCompleted, "2025-01-31"
				earlier := progress("2025-03-01", events.ProjectInProgress)
				earlier.StartedOn = day("2025-02-01")
				return r.decide(today, project(earlier), pairing)
			}},
		{name: "I-52 project-dates: completed before the start defaulted to an earlier report's as-of date", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				r := report
				r.Status, r.CompletedOn = events.ProjectCompleted, "2025-02-28"
				return r.decide(today, project(progress("2025-03-01", events.ProjectInProgress)), pairing)
			}},
	})
}

func TestDecideYearPlans(t *testing.T) {
	t.Parallel()
	plan := PlanProjectYear{Year: 2025, PlannedFen: 200 * wan, BusinessDate: "2025-01-10"}
	runCases(t, []decisionCase{
		{name: "I-53 year-plan: a year of the pairing, from the plan year on",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) { return plan.decide(today, project(), pairing) },
			check: func(t *testing.T, ar *eventstore.AppendRequest) {
				e := ar.Events[0].(events.ProjectYearPlanned)
				if e.Year != 2025 || e.PlannedFen != 200*wan || e.ProjectID != projectID || ar.ExpectedVersion != 1 {
					t.Errorf("%+v at version %d", e, ar.ExpectedVersion)
				}
			}},
		{name: "I-53 year-plan: 0 withdraws the year's plan",
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				p := plan
				p.PlannedFen = 0
				return p.decide(today, project(), pairing)
			}},
		{name: "I-53 year-plan: a year before the project's plan year", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				p := plan
				p.Year = 2023
				return p.decide(today, project(), pairing)
			}},
		{name: "I-53 year-plan: dated before the registration", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				p := plan
				p.BusinessDate = "2024-04-30"
				return p.decide(today, project(), pairing)
			}},
		{name: "I-13 pairing-in-force: a year the pairing does not cover", code: CodePairingNotValid,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				p := plan
				p.Year = 2025
				return p.decide(today, project(), expired)
			}},
		{name: "I-4 field-shape: a negative plan", code: CodeValidationFailed,
			decide: func(*testing.T) (*eventstore.AppendRequest, error) {
				p := plan
				p.PlannedFen = -1
				return p.decide(today, project(), pairing)
			}},
	})
}

// I-55: the report order names the donor's pairings, each once; another donor's
// pairing is answered as if it did not exist.
func TestDecideReportOrder(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		cmd      SetReportOrder
		pairings []events.PairingEstablished
		code     string
	}{
		{"the donor's pairings", SetReportOrder{}, []events.PairingEstablished{expired, pairing}, ""},
		{"back to the default", SetReportOrder{}, nil, ""},
		{"another donor's pairing", SetReportOrder{}, []events.PairingEstablished{pairing, otherDonor}, CodeNotFound},
		{"a pairing twice", SetReportOrder{}, []events.PairingEstablished{pairing, expired, pairing}, CodeValidationFailed},
		{"a date to come", SetReportOrder{BusinessDate: "2025-07-01"}, []events.PairingEstablished{pairing}, CodeFutureDate},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev, err := c.cmd.decide(today, donor.Code, c.pairings)
			if c.code != "" {
				var rej *Rejection
				if !errors.As(err, &rej) || rej.Code != c.code {
					t.Fatalf("got %v, want %s", err, c.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.PairingIDs) != len(c.pairings) || ev.DonorCode != donor.Code || ev.BusinessDate != today {
				t.Fatalf("event %+v", ev)
			}
			for i, p := range c.pairings {
				if ev.PairingIDs[i] != p.PairingID {
					t.Fatalf("order %v", ev.PairingIDs)
				}
			}
		})
	}
}

func TestDecideReportStyle(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		cmd  SetReportStyle
		code string
	}{
		{"by programme with a lead-in", SetReportStyle{Paragraph: "by_programme", Lead: "  2025年，甲区坚决扛起政治责任 "}, ""},
		{"by pairing", SetReportStyle{Paragraph: "by_pairing"}, ""},
		{"no style", SetReportStyle{}, CodeValidationFailed},
		{"an unknown style", SetReportStyle{Paragraph: "by_county"}, CodeValidationFailed},
		{"a lead-in too long", SetReportStyle{Paragraph: "by_pairing", Lead: strings.Repeat("长", 201)}, CodeValidationFailed},
		{"a lead-in of two lines", SetReportStyle{Paragraph: "by_pairing", Lead: "一\n二"}, CodeValidationFailed},
		{"a date to come", SetReportStyle{Paragraph: "by_pairing", BusinessDate: "2025-07-01"}, CodeFutureDate},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev, err := c.cmd.decide(today, donor.Code)
			if c.code != "" {
				var rej *Rejection
				if !errors.As(err, &rej) || rej.Code != c.code {
					t.Fatalf("got %v, want %s", err, c.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ev.DonorCode != donor.Code || ev.Paragraph != c.cmd.Paragraph || ev.Lead != strings.TrimSpace(c.cmd.Lead) || ev.BusinessDate != today {
				t.Fatalf("event %+v", ev)
			}
		})
	}
}

package demo

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/services/ledger"
)

// creditCodes are enterprises' unified social credit codes (check
// characters valid).
var creditCodes = []string{"91320412MA1N7B2C3R", "91330110MA27XQ9T5M", "91510100MA61R3LQ8K"}

// indicators plans a year of the office indicators for a pairing: labour
// transfers, an investment (in the pairing's park from the second year),
// a park (the first year) and a workshop with their reports, trainings, an
// agreement (the first year).
func (ld *loader) indicators(p pairingSpec, pw *ledger.Written, y int, site *sites) {
	for i, dest := range []events.LabourDestination{events.LabourDonorArea, events.LabourNearHome} {
		from, to := events.DateOf(y, 1, 1), ld.day(y, 6+4*i)
		persons := 20 + ld.rng.Int64N(180)
		poverty := persons * (30 + ld.rng.Int64N(40)) / 100
		doc := fmt.Sprintf("%s人社〔%d〕%d号", p.donor.ShortName, y, 30+i)
		lw := ld.at(to, "labour transfer", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.RecordLabourTransfer(ld.ctx, r, ledger.RecordLabourTransfer{PairingID: pw.PairingID, PeriodFrom: from.String(),
				PeriodTo: to.String(), Destination: dest, Persons: persons, PovertyPersons: poverty, TrainingSessions: 2, Trainees: persons + 20,
				DocNo: doc})
		})
		if y == 2025 && i == 1 && p.partner.Code == "610927" {
			// counted twice with the donor-area figures: reversed
			ld.at(to.AddDays(20), "labour transfer reversal", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.ReverseEntry(ld.ctx, r, "labour_transfer", lw.LabourTransferID, ledger.ReverseEntry{Reason: events.ReasonEntryError,
					BusinessDate: to.AddDays(20).String(), Note: "与到援助方就业人数重复统计"})
			})
		}
	}
	if y == years[0] {
		established := ld.day(y, 3)
		kind, where := events.ParkCoBuilt, p.partner.Code
		if p.donor.Code == linan.Code {
			kind, where = events.ParkEnclave, linan.Code
		}
		site.park = ld.at(established, "park", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.EstablishPark(ld.ctx, r, ledger.EstablishPark{PairingID: pw.PairingID, Name: p.donor.ShortName + p.partner.ShortName + "产业园",
				Kind: kind, LocationCode: where, EstablishedDate: established.String()})
		})
		site.enclave = kind == events.ParkEnclave
		started := ld.day(y, 4)
		site.workshop = ld.at(started, "workshop", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.EstablishWorkshop(ld.ctx, r, ledger.EstablishWorkshop{PairingID: pw.PairingID, Name: "扶贫车间",
				Village: p.partner.ShortName + "镇中心村", EstablishedDate: started.String()})
		})
		signed := ld.day(y, 2)
		ld.at(signed, "agreement", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.SignAgreement(ld.ctx, r, ledger.SignAgreement{PairingID: pw.PairingID, Title: p.donor.ShortName + "—" + p.partner.ShortName +
				"协作框架协议", DocNo: fmt.Sprintf("%s协〔%d〕%s号", p.donor.ShortName, y, p.partner.Code[4:]), SignedDate: signed.String(),
				Mechanism: "联席会议"})
		})
	}
	for half := range 2 {
		asOf := ld.day(y, 6+4*half)
		site.enterprises += 1 + ld.rng.Int64N(3)
		site.investment += ld.between(10_000_000, 300_000_000)
		site.output += ld.between(20_000_000, 500_000_000)
		if site.enclave {
			site.returns += ld.between(1_000_000, 20_000_000)
		}
		report := ledger.ReportPark{AsOf: asOf.String(), Enterprises: site.enterprises, InvestmentFen: site.investment,
			OutputFen: site.output, ReturnsFen: site.returns}
		ld.at(asOf, "park report", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.ReportPark(ld.ctx, r, site.park.ParkID, report)
		})
		employed := 15 + ld.rng.Int64N(40)
		shop := ledger.ReportWorkshop{AsOf: asOf.String(), Employed: employed, PovertyEmployed: employed / 2}
		ld.at(asOf, "workshop report", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.ReportWorkshop(ld.ctx, r, site.workshop.WorkshopID, shop)
		})
	}
	invested := ld.day(y, 7)
	inv := ledger.RecordInvestment{EnterpriseName: []string{"常州牧原食品科技有限公司", "杭州临工农业发展有限公司", "四川雪域农牧开发有限公司"}[ld.rng.IntN(3)],
		CreditCode: creditCodes[ld.rng.IntN(len(creditCodes))], ProjectName: fmt.Sprintf("%s%d年农产品加工项目", p.partner.ShortName, y),
		Sector: "农产品加工", AmountFen: ld.between(p.scale*5, p.scale*20), InvestedDate: invested.String(), Jobs: 30 + ld.rng.Int64N(90)}
	inv.PovertyJobs = inv.Jobs / 3
	ld.at(invested, "investment", func(r ledger.Request) (*ledger.Written, error) {
		cmd := inv
		cmd.PairingID = pw.PairingID
		if y > years[0] {
			cmd.ParkID = site.park.ParkID
		}
		return ld.l.RecordInvestment(ld.ctx, r, cmd)
	})
	for i, kind := range []events.TrainingKind{events.TrainingCadre, events.TrainingLabourSkills} {
		end := ld.day(y, 5+4*i)
		start := end.AddDays(-4)
		participants := 30 + ld.rng.Int64N(120)
		ld.at(end, "training", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.RecordTraining(ld.ctx, r, ledger.RecordTraining{PairingID: pw.PairingID, Kind: kind, StartDate: start.String(),
				EndDate: end.String(), Participants: participants, Organiser: p.donor.ShortName + []string{"区委组织部", "人社局"}[i]})
		})
	}
}

// targets plans the pairing's targets for year y, set in January: the
// office's plan, some of which it meets and some not.
func (ld *loader) targets(p pairingSpec, pw *ledger.Written, y int) {
	set := events.DateOf(y, 1, 10)
	t := ledger.TargetsInput{FiscalFen: p.scale * 6, SocialFen: 60_000_000, ConsumptionFen: 150_000_000, PersonsEmployed: 200,
		PovertyPersonsEmployed: 80, Enterprises: 1, InvestmentFen: p.scale * 10, Staff: 4, Visits: 3, Trainees: 200, Projects: 1}
	doc := fmt.Sprintf("%s协办〔%d〕%d号", p.donor.ShortName, y, 1)
	ld.at(set, "targets", func(r ledger.Request) (*ledger.Written, error) {
		return ld.l.SetTargets(ld.ctx, r, pw.PairingID, ledger.SetTargets{Year: y, Targets: t, DocNo: doc})
	})
}

// sites are a pairing's park and workshop, and the park's cumulative
// figures so far.
type sites struct {
	park, workshop                           *ledger.Written
	enclave                                  bool
	enterprises, investment, output, returns int64
}

package demo

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/services/ledger"
)

// social plans donations, purchases and facilitated sales for a year.
func (ld *loader) social(p pairingSpec, pw *ledger.Written, y int) {
	for i := range 4 {
		given := ld.day(y, 2+2*i)
		cmd := ledger.RecordDonation{DonorName: []string{"某某集团有限公司", "区慈善总会", "某商会", "爱心人士"}[i],
			DonorType: []events.DonorType{events.DonorEnterprise, events.DonorSocialOrg, events.DonorSocialOrg, events.DonorIndividual}[i],
			Kind:      events.DonationCash, AmountFen: ld.between(2_000_000, 20_000_000),
			ReceiptNo: fmt.Sprintf("JZ-%s-%s-%d", p.donor.Code, p.partner.Code, len(ld.steps)), BusinessDate: given.String()}
		if i == 2 {
			cmd.Kind, cmd.ValuationBasis = events.DonationInKind, "按捐赠方提供的增值税发票金额认定"
			cmd.Items = []ledger.DonationItemInput{{Description: "课桌椅", Quantity: "200", Unit: "套", ValueFen: cmd.AmountFen}}
		}
		w := ld.at(given, "donation", func(r ledger.Request) (*ledger.Written, error) {
			cmd.PairingID = pw.PairingID
			return ld.l.RecordDonation(ld.ctx, r, cmd)
		})
		if i == 3 && y == 2025 {
			reversed := ld.day(y, 12)
			ld.at(reversed, "donation reversal", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.ReverseEntry(ld.ctx, r, "donation", w.DonationID, ledger.ReverseEntry{Reason: events.ReasonEntryError, BusinessDate: reversed.String(), Note: "重复登记"})
			})
		}
	}
	for i := range 6 {
		ch := channels[ld.rng.IntN(len(channels))]
		county := p.partner.Code
		if i == 5 {
			county = "632621" // goods from a neighbouring county: flagged in the year-end footnotes
		}
		completed := ld.day(y, 1+2*i)
		keyed := completed
		if y == 2025 && i == 4 && p.partner.Code == "632624" {
			// the invoice reached the office after the books were closed:
			// recorded late, footnoted in the year-end summary
			completed, keyed = events.DateOf(2025, 12, 22), events.DateOf(2026, 1, 19)
		}
		cmd := ledger.RecordPurchase{BuyerName: p.donor.Name + "机关事务管理局",
			SupplierName: p.partner.ShortName + "农牧产业合作社", SupplierCountyCode: county, Product: products[ld.rng.IntN(len(products))],
			Quantity: fmt.Sprint(10 + ld.rng.IntN(500)), Unit: "公斤", AmountFen: ld.between(500_000, 8_000_000), Channel: ch,
			OrderNo: fmt.Sprintf("%s-%d-%s-%d", ch, y, p.partner.Code, i), CompletedDate: completed.String()}
		ld.at(keyed, "purchase", func(r ledger.Request) (*ledger.Written, error) {
			cmd.PairingID = pw.PairingID
			return ld.l.RecordPurchase(ld.ctx, r, cmd)
		})
	}
	for i := range 2 {
		from := ld.day(y, 1+6*i)
		to := ld.day(y, 5+5*i)
		amount := ld.between(3_000_000, 30_000_000)
		ld.at(to, "sale", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.RecordSale(ld.ctx, r, ledger.RecordSale{PairingID: pw.PairingID, Channel: events.ChannelStore, Seller: p.donor.ShortName + "消费帮扶专馆",
				PeriodFrom: from.String()[:8] + "01", PeriodTo: to.String(), AmountFen: amount, Evidence: "专馆销售台账"})
		})
	}
}

// people plans secondments and visits for a year.
func (ld *loader) people(p pairingSpec, pw *ledger.Written, y int) {
	for i := range 4 {
		person := fmt.Sprintf("%s-%d-%02d", p.partner.Code, y, i)
		started := ld.day(y, 2+i)
		cmd := ledger.StartSecondment{PersonRef: person, Category: staff[i%len(staff)], SendingOrg: p.donor.Name + "教育局",
			HostOrg: p.partner.Name + "中学", StartDate: started.String(), PlannedEndDate: fmt.Sprintf("%d-12-31", y+1)}
		if i == 3 {
			// a teacher of the partner county placed at a donor school (跟岗)
			cmd.Direction, cmd.SendingOrg, cmd.HostOrg = events.SecondedInbound, p.partner.Name+"中学", p.donor.Name+"实验学校"
		}
		w := ld.at(started, "secondment", func(r ledger.Request) (*ledger.Written, error) {
			cmd.PairingID = pw.PairingID
			return ld.l.StartSecondment(ld.ctx, r, cmd)
		})
		if y == 2025 && i < 2 {
			ended := ld.day(2026, 7)
			ld.at(ended, "secondment end", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.EndSecondment(ld.ctx, r, w.SecondmentID, ledger.EndSecondment{EndDate: ended.String()})
			})
		}
	}
	for i := range 3 {
		started := ld.day(y, 3+3*i)
		direction := []events.VisitDirection{events.VisitOutbound, events.VisitInbound}[i%2]
		size := 5 + ld.rng.IntN(20)
		w := ld.at(started, "visit", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.RecordVisit(ld.ctx, r, ledger.RecordVisit{PairingIDs: []string{pw.PairingID}, Direction: direction,
				LeadLevel: "县处级", StartDate: started.String(), DelegationSize: size, Purpose: "考察对接帮扶项目", LedByPrincipal: i == 0})
		})
		if i == 2 && y == 2026 {
			// found a week later never to have taken place
			ld.at(started.AddDays(7), "visit reversal", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.ReverseEntry(ld.ctx, r, "visit", w.VisitID, ledger.ReverseEntry{Reason: events.ReasonEntryError, Note: "行程取消,误录"})
			})
		}
	}
}

package demo

import (
	"context"
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/services/ledger"
)

// social records donations, purchases and facilitated sales for a year.
func (ld *loader) social(ctx context.Context, p pairingSpec, pid string, y int) error {
	for i := range 4 {
		cmd := ledger.RecordDonation{PairingID: pid, DonorName: []string{"某某集团有限公司", "区慈善总会", "某商会", "爱心人士"}[i],
			DonorType: []events.DonorType{events.DonorEnterprise, events.DonorSocialOrg, events.DonorSocialOrg, events.DonorIndividual}[i],
			Kind:      events.DonationCash, AmountFen: ld.between(2_000_000, 20_000_000),
			ReceiptNo: fmt.Sprintf("JZ-%s-%d-%02d", p.donor.Code, y, ld.n), BusinessDate: ld.day(y, 2+2*i)}
		if i == 2 {
			cmd.Kind, cmd.ValuationBasis = events.DonationInKind, "按捐赠方提供的增值税发票金额认定"
			cmd.Items = []ledger.DonationItemInput{{Description: "课桌椅", Quantity: "200", Unit: "套", ValueFen: cmd.AmountFen}}
		}
		w, err := ld.do(ctx, "donation", func(r ledger.Request) (*ledger.Written, error) { return ld.l.RecordDonation(ctx, r, cmd) })
		if err != nil {
			return err
		}
		if i == 3 && y == 2025 {
			if _, err := ld.do(ctx, "donation reversal", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.ReverseEntry(ctx, r, "donation", w.DonationID, ledger.ReverseEntry{Reason: events.ReasonEntryError, BusinessDate: ld.day(y, 12), Note: "重复登记"})
			}); err != nil {
				return err
			}
		}
	}
	for i := range 6 {
		ch := channels[ld.rng.IntN(len(channels))]
		county := p.partner.Code
		if i == 5 {
			county = "632621" // goods from a neighbouring county: flagged in the year-end footnotes
		}
		if _, err := ld.do(ctx, "purchase", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.RecordPurchase(ctx, r, ledger.RecordPurchase{PairingID: pid, BuyerName: p.donor.Name + "机关事务管理局",
				SupplierName: p.partner.ShortName + "农牧产业合作社", SupplierCountyCode: county, Product: products[ld.rng.IntN(len(products))],
				Quantity: fmt.Sprint(10 + ld.rng.IntN(500)), Unit: "公斤", AmountFen: ld.between(500_000, 8_000_000), Channel: ch,
				OrderNo: fmt.Sprintf("%s-%d-%s-%d", ch, y, p.partner.Code, i), CompletedDate: ld.day(y, 1+2*i)})
		}); err != nil {
			return err
		}
	}
	for i := range 2 {
		from := ld.day(y, 1+6*i)
		if _, err := ld.do(ctx, "sale", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.RecordSale(ctx, r, ledger.RecordSale{PairingID: pid, Channel: events.ChannelStore, Seller: p.donor.ShortName + "消费帮扶专馆",
				PeriodFrom: from[:8] + "01", PeriodTo: ld.day(y, 5+5*i), AmountFen: ld.between(3_000_000, 30_000_000), Evidence: "专馆销售台账"})
		}); err != nil {
			return err
		}
	}
	return nil
}

// people records secondments and visits for a year.
func (ld *loader) people(ctx context.Context, p pairingSpec, pid string, y int) error {
	for i := range 4 {
		person := fmt.Sprintf("%s-%d-%02d", p.partner.Code, y, i)
		w, err := ld.do(ctx, "secondment", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.StartSecondment(ctx, r, ledger.StartSecondment{PairingID: pid, PersonRef: person, Category: staff[i%len(staff)],
				SendingOrg: p.donor.Name + "教育局", HostOrg: p.partner.Name + "中学", StartDate: ld.day(y, 2+i), PlannedEndDate: fmt.Sprintf("%d-12-31", y+1)})
		})
		if err != nil {
			return err
		}
		if y == 2025 && i < 2 {
			if _, err := ld.do(ctx, "secondment end", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.EndSecondment(ctx, r, w.SecondmentID, ledger.EndSecondment{EndDate: ld.day(2026, 7)})
			}); err != nil {
				return err
			}
		}
	}
	for i := range 3 {
		w, err := ld.do(ctx, "visit", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.RecordVisit(ctx, r, ledger.RecordVisit{PairingIDs: []string{pid}, Direction: []events.VisitDirection{events.VisitOutbound, events.VisitInbound}[i%2],
				LeadLevel: "县处级", StartDate: ld.day(y, 3+3*i), DelegationSize: 5 + ld.rng.IntN(20), Purpose: "考察对接帮扶项目"})
		})
		if err != nil {
			return err
		}
		if i == 2 && y == 2026 {
			if _, err := ld.do(ctx, "visit reversal", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.ReverseEntry(ctx, r, "visit", w.VisitID, ledger.ReverseEntry{Reason: events.ReasonEntryError, Note: "行程取消,误录"})
			}); err != nil {
				return err
			}
		}
	}
	return nil
}

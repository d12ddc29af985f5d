package demo

import (
	"fmt"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/services/ledger"
)

var (
	products = []string{"牦牛肉", "青稞", "黑枸杞", "茶叶", "香菇", "蜂蜜", "核桃", "土豆粉"}
	channels = []events.Channel{events.ChannelPlatform832, events.ChannelCanteen, events.ChannelUnion, events.ChannelFair, events.ChannelEcommerce}
	sectors  = []string{"教育", "医疗", "产业", "基础设施", "乡村振兴"}
	staff    = []events.StaffCategory{events.StaffTeacher, events.StaffDoctor, events.StaffAgronomist, events.StaffTechnician, events.StaffCadre}
)

// pairing plans one pairing and two years of aid for it.
func (ld *loader) pairing(p pairingSpec) {
	pw := ld.at(booksOpened, "pairing", func(r ledger.Request) (*ledger.Written, error) {
		return ld.l.EstablishPairing(ld.ctx, r, ledger.EstablishPairing{Donor: p.donor, Partner: p.partner,
			Programme: events.Programme(p.programme), AgreementDocNo: p.donor.ShortName + "协〔2021〕" + p.partner.Code[4:] + "号",
			ValidFrom: p.from, ValidTo: p.to})
	})
	site := &sites{}
	for _, y := range years {
		ld.fiscal(p, pw, y)
		ld.social(p, pw, y)
		ld.people(p, pw, y)
		ld.indicators(p, pw, y, site)
		ld.targets(p, pw, y)
	}
}

// fiscal plans a project, commitments and disbursements for a year, with
// receipts, an adjustment, reversals of both kinds and, once, an approved
// over-commitment.
func (ld *loader) fiscal(p pairingSpec, pw *ledger.Written, y int) {
	registered := ld.day(y, 2)
	name := fmt.Sprintf("%s%d年%s帮扶项目", p.partner.ShortName, y, sectors[ld.rng.IntN(len(sectors))])
	sector := sectors[ld.rng.IntN(len(sectors))]
	proj := ld.at(registered, "project", func(r ledger.Request) (*ledger.Written, error) {
		return ld.l.RegisterProject(ld.ctx, r, ledger.RegisterProject{PairingID: pw.PairingID, Name: name, Sector: sector,
			DeliveryMode: events.DeliveryCheque, PlannedTotalFen: p.scale * 4, PlanYear: y, BusinessDate: registered.String(),
			Tier: events.TierCounty})
	})
	ld.at(registered, "year plan", func(r ledger.Request) (*ledger.Written, error) {
		return ld.l.PlanProjectYear(ld.ctx, r, proj.ProjectID, ledger.PlanProjectYear{Year: y, PlannedFen: p.scale * 3,
			BusinessDate: registered.String()})
	})
	for c := range 2 {
		amount := p.scale * 3
		cmd := ledger.CommitFunds{AmountFen: amount, BudgetYear: y, SourceLevel: events.SourceDistrict,
			DocNo: fmt.Sprintf("%s财〔%d〕%d号", p.donor.ShortName, y, 10+c)}
		committed := ld.day(y, 3+c)
		cw := ld.at(committed, "commitment", func(r ledger.Request) (*ledger.Written, error) {
			cmd.PairingID, cmd.BusinessDate = pw.PairingID, committed.String()
			if c == 0 {
				cmd.ProjectID = proj.ProjectID
			}
			return ld.l.CommitFunds(ld.ctx, r, cmd)
		})
		ld.disbursements(p, cw, y, c, amount)
		if c == 1 && y == 2025 {
			adjusted := ld.day(y, 11)
			ld.at(adjusted, "adjustment", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.AdjustCommitment(ld.ctx, r, cw.CommitmentID, ledger.AdjustCommitment{DeltaFen: p.scale / 2, Reason: "追加年度资金",
					DocNo: fmt.Sprintf("%s财〔%d〕%d号", p.donor.ShortName, y, 40), BusinessDate: adjusted.String()})
			})
		}
	}
	started, midyear := ld.day(y, 4), ld.day(y, 6)
	ld.at(midyear, "progress", func(r ledger.Request) (*ledger.Written, error) {
		return ld.l.ReportProgress(ld.ctx, r, proj.ProjectID, ledger.ReportProgress{AsOf: midyear.String(), Status: events.ProjectInProgress,
			CompletedInvestmentFen: p.scale, StartedOn: started.String()})
	})
	report := ledger.ReportProgress{Status: events.ProjectInProgress, CompletedInvestmentFen: p.scale * 3}
	if y < 2026 {
		report.Status, report.CompletedOn = events.ProjectCompleted, ld.day(y, 9).String()
	}
	asOf := ld.day(y, 10)
	ld.at(asOf, "progress", func(r ledger.Request) (*ledger.Written, error) {
		report.AsOf = asOf.String()
		return ld.l.ReportProgress(ld.ctx, r, proj.ProjectID, report)
	})
}

// disbursements plans three payments against commitment c of a year, with
// their receipts and reversals.
func (ld *loader) disbursements(p pairingSpec, cw *ledger.Written, y, c int, amount int64) {
	var disbursed int64
	for d := range 3 {
		amt := ld.between(p.scale/2, p.scale)
		voucher := fmt.Sprintf("PZ-%s-%d-%d%d", p.partner.Code, y, c, d)
		paid := ld.day(y, 5+2*d+c)
		dw := ld.at(paid, "disbursement", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.DisburseFunds(ld.ctx, r, ledger.DisburseFunds{CommitmentID: cw.CommitmentID, AmountFen: amt, BusinessDate: paid.String(),
				PayeeName: p.partner.Name + "财政局", VoucherNo: voucher})
		})
		disbursed += amt
		switch {
		case d == 0:
			received := ld.day(y, 9)
			ld.at(received, "receipt", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.ConfirmReceipt(ld.ctx, r, dw.DisbursementID, ledger.ConfirmReceipt{ReceivedDate: received.String(), ReceiptRef: "DZ-" + voucher})
			})
		case d == 1 && c == 1:
			// keyed in with the wrong amount: reversed as an entry error and
			// re-entered the same day
			corrected := ld.day(y, 10)
			ld.at(corrected, "reversal", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.ReverseDisbursement(ld.ctx, r, dw.DisbursementID, ledger.ReverseDisbursement{AmountFen: amt, Reason: events.ReasonEntryError,
					BusinessDate: corrected.String(), DocNo: "冲正-" + voucher, Note: "金额录入错误"})
			})
			ld.at(corrected, "re-entry", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.DisburseFunds(ld.ctx, r, ledger.DisburseFunds{CommitmentID: cw.CommitmentID, AmountFen: amt - 1_000_000, BusinessDate: corrected.String(),
					PayeeName: p.partner.Name + "财政局", VoucherNo: voucher})
			})
		case d == 2 && c == 0 && y == 2025:
			ld.at(events.DateOf(2026, 1, 15), "funds returned", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.ReverseDisbursement(ld.ctx, r, dw.DisbursementID, ledger.ReverseDisbursement{AmountFen: amt / 10, Reason: events.ReasonFundsReturned,
					BusinessDate: "2026-01-15", DocNo: "退回-" + voucher, Note: "项目结余资金退回"})
			})
		}
	}
	if c == 0 && y == 2026 && p.donor.Code == linan.Code && p.partner.Code == "513331" {
		// an urgent payment beyond the plan, approved in writing, after
		// the month's other payments
		ld.at(events.DateOf(2026, 9, 30), "over-commitment", func(r ledger.Request) (*ledger.Written, error) {
			return ld.l.DisburseFunds(ld.ctx, r, ledger.DisburseFunds{CommitmentID: cw.CommitmentID, AmountFen: amount - disbursed + 5_000_000,
				BusinessDate: "2026-09-30", PayeeName: p.partner.Name + "人民医院", VoucherNo: fmt.Sprintf("PZ-%s-%d-OC", p.partner.Code, y),
				OverCommitment: &ledger.OverCommitmentInput{Justification: "地震灾后应急医疗设备采购,先拨后补", ApprovedBy: "临安区财政局 王局长"}})
		})
	}
}

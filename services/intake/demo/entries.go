package demo

import (
	"context"
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

// pairing records one pairing and two years of aid for it.
func (ld *loader) pairing(ctx context.Context, p pairingSpec) error {
	w, err := ld.do(ctx, "pairing", func(r ledger.Request) (*ledger.Written, error) {
		return ld.l.EstablishPairing(ctx, r, ledger.EstablishPairing{Donor: p.donor, Partner: p.partner,
			Programme: events.Programme(p.programme), AgreementDocNo: p.donor.ShortName + "协〔2021〕" + p.partner.Code[4:] + "号",
			ValidFrom: p.from, ValidTo: p.to})
	})
	if err != nil {
		return err
	}
	pid := w.PairingID
	for _, y := range years {
		if err := ld.fiscal(ctx, p, pid, y); err != nil {
			return err
		}
		if err := ld.social(ctx, p, pid, y); err != nil {
			return err
		}
		if err := ld.people(ctx, p, pid, y); err != nil {
			return err
		}
	}
	return nil
}

// fiscal records a project, commitments and disbursements for a year, with
// receipts, an adjustment, reversals of both kinds and, once, an approved
// over-commitment.
func (ld *loader) fiscal(ctx context.Context, p pairingSpec, pid string, y int) error {
	proj, err := ld.do(ctx, "project", func(r ledger.Request) (*ledger.Written, error) {
		return ld.l.RegisterProject(ctx, r, ledger.RegisterProject{PairingID: pid, Name: fmt.Sprintf("%s%d年%s帮扶项目", p.partner.ShortName, y, sectors[ld.rng.IntN(len(sectors))]),
			Sector: sectors[ld.rng.IntN(len(sectors))], DeliveryMode: events.DeliveryCheque, PlannedTotalFen: p.scale * 4, PlanYear: y, BusinessDate: ld.day(y, 2)})
	})
	if err != nil {
		return err
	}
	for c := range 2 {
		amount := p.scale * 3
		cw, err := ld.do(ctx, "commitment", func(r ledger.Request) (*ledger.Written, error) {
			cmd := ledger.CommitFunds{PairingID: pid, AmountFen: amount, BudgetYear: y, SourceLevel: events.SourceDistrict,
				DocNo: fmt.Sprintf("%s财〔%d〕%d号", p.donor.ShortName, y, 10+c), BusinessDate: ld.day(y, 3+c)}
			if c == 0 {
				cmd.ProjectID = proj.ProjectID
			}
			return ld.l.CommitFunds(ctx, r, cmd)
		})
		if err != nil {
			return err
		}
		var disbursed int64
		for d := range 3 {
			amt := ld.between(p.scale/2, p.scale)
			voucher := fmt.Sprintf("PZ-%s-%d-%d%d", p.partner.Code, y, c, d)
			dw, err := ld.do(ctx, "disbursement", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.DisburseFunds(ctx, r, ledger.DisburseFunds{CommitmentID: cw.CommitmentID, AmountFen: amt, BusinessDate: ld.day(y, 5+2*d+c),
					PayeeName: p.partner.Name + "财政局", VoucherNo: voucher})
			})
			if err != nil {
				return err
			}
			disbursed += amt
			switch {
			case d == 0:
				if _, err := ld.do(ctx, "receipt", func(r ledger.Request) (*ledger.Written, error) {
					return ld.l.ConfirmReceipt(ctx, r, dw.DisbursementID, ledger.ConfirmReceipt{ReceivedDate: ld.day(y, 9), ReceiptRef: "DZ-" + voucher})
				}); err != nil {
					return err
				}
			case d == 1 && c == 1:
				// keyed in with the wrong amount: reversed as an entry error and re-entered
				if _, err := ld.do(ctx, "reversal", func(r ledger.Request) (*ledger.Written, error) {
					return ld.l.ReverseDisbursement(ctx, r, dw.DisbursementID, ledger.ReverseDisbursement{AmountFen: amt, Reason: events.ReasonEntryError,
						BusinessDate: ld.day(y, 10), DocNo: "冲正-" + voucher, Note: "金额录入错误"})
				}); err != nil {
					return err
				}
				if _, err := ld.do(ctx, "re-entry", func(r ledger.Request) (*ledger.Written, error) {
					return ld.l.DisburseFunds(ctx, r, ledger.DisburseFunds{CommitmentID: cw.CommitmentID, AmountFen: amt - 1_000_000, BusinessDate: ld.day(y, 10),
						PayeeName: p.partner.Name + "财政局", VoucherNo: voucher})
				}); err != nil {
					return err
				}
			case d == 2 && c == 0 && y == 2025:
				if _, err := ld.do(ctx, "funds returned", func(r ledger.Request) (*ledger.Written, error) {
					return ld.l.ReverseDisbursement(ctx, r, dw.DisbursementID, ledger.ReverseDisbursement{AmountFen: amt / 10, Reason: events.ReasonFundsReturned,
						BusinessDate: "2026-01-15", DocNo: "退回-" + voucher, Note: "项目结余资金退回"})
				}); err != nil {
					return err
				}
			}
		}
		if c == 0 && y == 2026 && p.donor.Code == linan.Code && p.partner.Code == "513331" {
			// an urgent payment beyond the plan, approved in writing
			if _, err := ld.do(ctx, "over-commitment", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.DisburseFunds(ctx, r, ledger.DisburseFunds{CommitmentID: cw.CommitmentID, AmountFen: amount - disbursed + 5_000_000,
					BusinessDate: "2026-09-18", PayeeName: p.partner.Name + "人民医院", VoucherNo: fmt.Sprintf("PZ-%s-%d-OC", p.partner.Code, y),
					OverCommitment: &ledger.OverCommitmentInput{Justification: "地震灾后应急医疗设备采购,先拨后补", ApprovedBy: "临安区财政局 王局长"}})
			}); err != nil {
				return err
			}
		}
		if c == 1 && y == 2025 {
			if _, err := ld.do(ctx, "adjustment", func(r ledger.Request) (*ledger.Written, error) {
				return ld.l.AdjustCommitment(ctx, r, cw.CommitmentID, ledger.AdjustCommitment{DeltaFen: p.scale / 2, Reason: "追加年度资金",
					DocNo: fmt.Sprintf("%s财〔%d〕%d号", p.donor.ShortName, y, 40), BusinessDate: ld.day(y, 11)})
			}); err != nil {
				return err
			}
		}
	}
	status := events.ProjectCompleted
	if y == 2026 {
		status = events.ProjectInProgress
	}
	_, err = ld.do(ctx, "progress", func(r ledger.Request) (*ledger.Written, error) {
		return ld.l.ReportProgress(ctx, r, proj.ProjectID, ledger.ReportProgress{AsOf: ld.day(y, 10), Status: status, CompletedInvestmentFen: p.scale * 3})
	})
	return err
}

package history

import (
	"fmt"
	"slices"

	"github.com/aidledger/aidledger/events"
)

// step folds one event of the entity's stream into the running state and
// reports whether the event concerns the entity, with the figure after it.
// It is called for every event of the stream in order, so state that the
// entity's figure depends on (the stream's other events) is kept too.
type step func(ev events.Event) (Figure, bool)

// folder returns the fold for an entity of kind with id.
func folder(kind, id string) (step, error) {
	switch kind {
	case "commitment":
		return commitmentFold(), nil
	case "disbursement", "disbursement_reversal":
		return disbursementFold(kind, id), nil
	case "donation", "purchase", "sale", "investment":
		return entryFold(id), nil
	case "labour_transfer", "training", "agreement":
		return countedFold(id), nil
	case "park", "workshop":
		return siteFold(id), nil
	case "project":
		return projectFold(id), nil
	case "secondment":
		return secondmentFold(id), nil
	case "visit":
		return visitFold(id), nil
	case "pairing":
		return pairingFold(id), nil
	}
	return nil, fmt.Errorf("entities of kind %q have no history", kind)
}

// commitmentFold is services/ledger's loadCommitment with the totals kept
// apart: every event of the stream concerns the commitment.
func commitmentFold() step {
	var c CommitmentFigure
	return func(ev events.Event) (Figure, bool) {
		switch e := ev.(type) {
		case events.FundsCommitted:
			c.CommittedFen, c.Shares = e.AmountFen, e.Shares
		case events.CommitmentAllocated:
			c.Shares = e.Shares
		case events.CommitmentAdjusted:
			c.CommittedFen += e.DeltaFen
		case events.FundsDisbursed:
			c.DisbursedFen += e.AmountFen
		case events.DisbursementReversed:
			c.ReversedFen += e.AmountFen
		case events.FundsReceiptConfirmed:
			c.ReceiptsConfirmed++
		default:
			return Figure{}, false
		}
		c.NetDisbursedFen = c.DisbursedFen - c.ReversedFen
		c.OutstandingFen = c.CommittedFen - c.NetDisbursedFen
		fig := c
		return Figure{Commitment: &fig}, true
	}
}

// disbursementFold follows every disbursement of a commitment stream; it
// keeps the events of disbursement id (kind "disbursement") or the one
// reversal id (kind "disbursement_reversal", figured as its disbursement).
func disbursementFold(kind, id string) step {
	all := map[string]*DisbursementFigure{}
	figure := func(d *DisbursementFigure) Figure {
		d.NetFen = d.AmountFen - d.ReversedFen
		fig := *d
		return Figure{Disbursement: &fig}
	}
	return func(ev events.Event) (Figure, bool) {
		switch e := ev.(type) {
		case events.FundsDisbursed:
			d := &DisbursementFigure{DisbursementID: e.DisbursementID, AmountFen: e.AmountFen}
			all[e.DisbursementID] = d
			return figure(d), kind == "disbursement" && e.DisbursementID == id
		case events.DisbursementReversed:
			d := all[e.DisbursementID]
			if d == nil {
				return Figure{}, false
			}
			d.ReversedFen += e.AmountFen
			keep := (kind == "disbursement" && e.DisbursementID == id) || (kind == "disbursement_reversal" && e.ReversalID == id)
			return figure(d), keep
		case events.FundsReceiptConfirmed:
			d := all[e.DisbursementID]
			if d == nil {
				return Figure{}, false
			}
			d.ReceiptConfirmed = true
			return figure(d), kind == "disbursement" && e.DisbursementID == id
		}
		return Figure{}, false
	}
}

// entryFold is a donation, purchase, sale or investment and its (partial)
// reversals.
func entryFold(id string) step {
	var f EntryFigure
	figure := func() Figure {
		f.NetFen = f.AmountFen - f.ReversedFen
		fig := f
		return Figure{Entry: &fig}
	}
	return func(ev events.Event) (Figure, bool) {
		switch e := ev.(type) {
		case events.DonationReceived:
			if e.DonationID != id {
				return Figure{}, false
			}
			f.AmountFen = e.AmountFen
		case events.ProductPurchased:
			if e.PurchaseID != id {
				return Figure{}, false
			}
			f.AmountFen = e.AmountFen
		case events.SalesFacilitated:
			if e.SaleID != id {
				return Figure{}, false
			}
			f.AmountFen = e.AmountFen
		case events.EnterpriseInvestmentRecorded:
			if e.InvestmentID != id {
				return Figure{}, false
			}
			f.AmountFen = e.AmountFen
		case events.DonationReversed, events.PurchaseReversed, events.SaleReversed, events.InvestmentReversed:
			rv, _ := reversalOf(e)
			if rv.OriginalID != id {
				return Figure{}, false
			}
			f.ReversedFen += rv.AmountFen
		default:
			return Figure{}, false
		}
		return figure(), true
	}
}

// projectFold is a project's registration and progress reports.
func projectFold(id string) step {
	f := ProjectFigure{Status: "registered"}
	var started, completed events.Date
	return func(ev events.Event) (Figure, bool) {
		switch e := ev.(type) {
		case events.AidProjectRegistered:
			if e.ProjectID != id {
				return Figure{}, false
			}
			f.PlannedTotalFen = e.PlannedTotalFen
		case events.ProjectProgressReported:
			if e.ProjectID != id {
				return Figure{}, false
			}
			f.Status, f.AsOf, f.CompletedInvestmentFen = string(e.Status), e.AsOf.String(), e.CompletedInvestmentFen
			started, completed = events.ProjectDates(started, completed, e)
			f.StartedOn, f.CompletedOn = started.String(), completed.String()
		case events.ProjectYearPlanned:
			if e.ProjectID != id {
				return Figure{}, false
			}
			f.YearPlans = e.Apply(f.YearPlans)
		default:
			return Figure{}, false
		}
		fig := f
		return Figure{Project: &fig}, true
	}
}

// secondmentFold is one secondment in its person's stream (the ledger's
// loadPerson, for one secondment id).
func secondmentFold(id string) step {
	var f SecondmentFigure
	return func(ev events.Event) (Figure, bool) {
		switch e := ev.(type) {
		case events.SecondmentStarted:
			if e.SecondmentID != id {
				return Figure{}, false
			}
			f.Status, f.StartDate = SecondmentRunning, e.StartDate.String()
		case events.SecondmentEnded:
			if e.SecondmentID != id {
				return Figure{}, false
			}
			f.Status, f.EndDate = SecondmentEnded, e.EndDate.String()
		case events.SecondmentReversed:
			if e.OriginalID != id {
				return Figure{}, false
			}
			f.Status = SecondmentReversed
		default:
			return Figure{}, false
		}
		fig := f
		return Figure{Secondment: &fig}, true
	}
}

// countedFold is a labour transfer, training or agreement and its
// reversal: counted until reversed.
func countedFold(id string) step {
	return func(ev events.Event) (Figure, bool) {
		switch e := ev.(type) {
		case events.LabourTransferRecorded, events.TrainingHeld, events.AgreementSigned:
			return Figure{Counted: &CountedFigure{Counted: true}}, true
		case events.LabourTransferReversed, events.TrainingReversed, events.AgreementReversed:
			if rv, _ := reversalOf(e); rv.OriginalID == id {
				return Figure{Counted: &CountedFigure{Counted: false}}, true
			}
		}
		return Figure{}, false
	}
}

// siteFold is a park or workshop, its reports and its reversal.
func siteFold(id string) step {
	f := SiteFigure{Counted: true}
	return func(ev events.Event) (Figure, bool) {
		switch e := ev.(type) {
		case events.ParkEstablished:
			f.Kind = "park"
		case events.WorkshopEstablished:
			f.Kind = "workshop"
		case events.ParkReported:
			f.AsOf, f.Enterprises, f.InvestmentFen, f.OutputFen, f.ReturnsFen = e.AsOf.String(), e.Enterprises, e.InvestmentFen,
				e.OutputFen, e.ReturnsFen
		case events.WorkshopReported:
			f.AsOf, f.Employed, f.PovertyEmployed = e.AsOf.String(), e.Employed, e.PovertyEmployed
		case events.ParkReversed, events.WorkshopReversed:
			f.Counted = false
		default:
			return Figure{}, false
		}
		fig := f
		return Figure{Site: &fig}, true
	}
}

// visitFold is a visit and its reversal.
func visitFold(id string) step {
	return func(ev events.Event) (Figure, bool) {
		switch e := ev.(type) {
		case events.VisitConducted:
			if e.VisitID == id {
				return Figure{Visit: &VisitFigure{Counted: true}}, true
			}
		case events.VisitReversed:
			if e.OriginalID == id {
				return Figure{Visit: &VisitFigure{Counted: false}}, true
			}
		}
		return Figure{}, false
	}
}

// pairingFold is a pairing's establishment (from the pairings stream of
// its donor, partner and programme) and its annual targets (from its
// targets stream), merged in position order.
func pairingFold(id string) step {
	var f PairingFigure
	f.TargetYears = []int{}
	return func(ev events.Event) (Figure, bool) {
		switch e := ev.(type) {
		case events.PairingEstablished:
			if e.PairingID != id {
				return Figure{}, false
			}
			f.ValidFrom, f.ValidTo = e.ValidFrom.String(), e.ValidTo.String()
		case events.AnnualTargetsSet:
			if e.PairingID != id {
				return Figure{}, false
			}
			if !slices.Contains(f.TargetYears, e.Year) {
				f.TargetYears = append(f.TargetYears, e.Year)
				slices.Sort(f.TargetYears)
			}
		default:
			return Figure{}, false
		}
		fig := f
		fig.TargetYears = slices.Clone(f.TargetYears)
		return Figure{Pairing: &fig}, true
	}
}

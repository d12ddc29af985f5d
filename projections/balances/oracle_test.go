package balances_test

import (
	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/balances"
)

// oracle computes the read model's stored figures straight from a whole
// event list, the slow and obvious way (no incremental state, day-by-day
// person-days), to check Apply against.
type oracle struct {
	years       map[oracleKey]*balances.Figures
	commitments map[string]*balances.CommitmentTotals
	disbs       map[string]*balances.Disbursement
}

type oracleKey struct {
	pairing string
	year    int
}

func (o *oracle) at(pairing string, year int) *balances.Figures {
	k := oracleKey{pairing, year}
	if o.years[k] == nil {
		o.years[k] = &balances.Figures{}
	}
	return o.years[k]
}

// rawFigures lists the stored (not derived) figures of f, in a fixed order.
func rawFigures(f *balances.Figures) []int64 {
	return []int64{f.Fiscal.CommitmentCount, f.Fiscal.CommittedFen, f.Fiscal.AdjustedFen, f.Fiscal.DisbursementCount,
		f.Fiscal.DisbursedFen, f.Fiscal.ReversedEntryErrorFen, f.Fiscal.ReversedFundsReturnedFen, f.Fiscal.ReceiptsConfirmed,
		f.Fiscal.ReceiptsConfirmedFen, f.Fiscal.OverCommitmentDisbursements, f.Fiscal.OverCommitmentFen,
		f.Social.CashFen, f.Social.CashReversedFen, f.Social.InKindFen, f.Social.InKindReversedFen,
		f.Consumption.PurchasesFen, f.Consumption.PurchasesReversedFen, f.Consumption.SalesFen, f.Consumption.SalesReversedFen,
		f.Staff.Cadre, f.Staff.Teacher, f.Staff.Doctor, f.Staff.Agronomist, f.Staff.Technician, f.Staff.PersonDays,
		f.Visits, f.Projects.Registered, f.Projects.PlannedTotalFen, f.Projects.Completed, f.Projects.CompletedInvestmentFen,
		f.Labour.Persons, f.Labour.PovertyPersons, f.Labour.DonorArea, f.Labour.OtherEast, f.Labour.NearHome, f.Labour.Trainees,
		f.Investment.Records, f.Investment.AmountFen, f.Investment.ReversedFen, f.Investment.Jobs, f.Investment.PovertyJobs,
		f.Trainings.Sessions, f.Trainings.Cadre, f.Trainings.Technical, f.Trainings.LabourSkills, f.Agreements,
		f.Parks.Established, f.Parks.Enterprises, f.Parks.InvestmentFen, f.Parks.OutputFen, f.Parks.ReturnsFen,
		f.Workshops.Established, f.Workshops.Employed, f.Workshops.PovertyEmployed, f.Staff.Inbound, f.VisitsLedByPrincipal,
		f.Fiscal.UnallocatedFen}
}

func newOracle(evs []projections.Event) *oracle {
	o := &oracle{years: map[oracleKey]*balances.Figures{}, commitments: map[string]*balances.CommitmentTotals{},
		disbs: map[string]*balances.Disbursement{}}

	// Index the originals and the final facts about them.
	commitments := map[string]events.FundsCommitted{}
	disbs := map[string]events.FundsDisbursed{}
	donations := map[string]events.DonationReceived{}
	secondments := map[string]events.SecondmentStarted{}
	ended := map[string]events.Date{}
	reversedSec := map[string]bool{}
	reversedVisit := map[string]bool{}
	projects := map[string]events.AidProjectRegistered{}
	latest := map[string]events.ProjectProgressReported{}
	confirmed := map[string]bool{}
	entryErrors := map[string]int64{} // disbursement → Σ entry_error reversals
	var order []string                // secondments and projects in order
	// The office indicators: the entries taken back wholly (no-money ones
	// reversed; investments whose last reversal was an entry error that
	// left nothing), what investments had reversed, and each site's last
	// report of each year.
	voided := map[string]bool{}
	invested := map[string]int64{}
	type siteYear struct {
		id   string
		year int
	}
	lastPark := map[siteYear]events.ParkReported{}
	lastShop := map[siteYear]events.WorkshopReported{}
	for _, ev := range evs {
		switch e := ev.Data.(type) {
		case events.FundsCommitted:
			commitments[e.CommitmentID] = e
		case events.FundsDisbursed:
			disbs[e.DisbursementID] = e
		case events.DisbursementReversed:
			if e.Reason == events.ReasonEntryError {
				entryErrors[e.DisbursementID] += e.AmountFen
			}
		case events.FundsReceiptConfirmed:
			confirmed[e.DisbursementID] = true
		case events.DonationReceived:
			donations[e.DonationID] = e
		case events.SecondmentStarted:
			secondments[e.SecondmentID] = e
			order = append(order, e.SecondmentID)
		case events.SecondmentEnded:
			ended[e.SecondmentID] = e.EndDate
		case events.SecondmentReversed:
			reversedSec[e.OriginalID] = true
		case events.VisitReversed:
			reversedVisit[e.OriginalID] = true
		case events.AidProjectRegistered:
			projects[e.ProjectID] = e
			order = append(order, e.ProjectID)
		case events.ProjectProgressReported:
			latest[e.ProjectID] = e
		case events.LabourTransferReversed, events.TrainingReversed, events.AgreementReversed, events.ParkReversed,
			events.WorkshopReversed:
			voided[e.(interface{ Reversal() events.EntryReversal }).Reversal().OriginalID] = true
		case events.EnterpriseInvestmentRecorded:
			invested[e.InvestmentID] = e.AmountFen
		case events.InvestmentReversed:
			invested[e.OriginalID] -= e.AmountFen
			voided[e.OriginalID] = invested[e.OriginalID] == 0 && e.Reason == events.ReasonEntryError
		case events.ParkReported:
			lastPark[siteYear{e.ParkID, e.AsOf.Year()}] = e
		case events.WorkshopReported:
			lastShop[siteYear{e.WorkshopID, e.AsOf.Year()}] = e
		}
	}
	year := func(reason events.ReversalReason, own, original events.Date) int {
		if reason == events.ReasonEntryError {
			return original.Year()
		}
		return own.Year()
	}

	shares := map[string][]events.Share{} // commitment → its allocation so far
	for _, ev := range evs {
		switch e := ev.Data.(type) {
		case events.FundsCommitted:
			o.commitments[e.CommitmentID] = &balances.CommitmentTotals{AmountFen: e.AmountFen}
			shares[e.CommitmentID] = e.Shares
			if e.Shares == nil {
				f := o.at(e.PairingID, e.BudgetYear)
				f.Fiscal.CommitmentCount++
				f.Fiscal.CommittedFen += e.AmountFen
				break
			}
			left := e.AmountFen // several pairings: each its share, the rest unallocated on the first
			for _, s := range e.Shares {
				f := o.at(s.PairingID, e.BudgetYear)
				f.Fiscal.CommitmentCount++
				f.Fiscal.CommittedFen += s.AmountFen
				left -= s.AmountFen
			}
			o.at(e.PairingID, e.BudgetYear).Fiscal.UnallocatedFen += left
		case events.CommitmentAllocated:
			c, was := commitments[e.CommitmentID], shares[e.CommitmentID]
			var moved int64
			for i, s := range e.Shares {
				o.at(s.PairingID, c.BudgetYear).Fiscal.CommittedFen += s.AmountFen - was[i].AmountFen
				moved += s.AmountFen - was[i].AmountFen
			}
			o.at(c.PairingID, c.BudgetYear).Fiscal.UnallocatedFen -= moved
			shares[e.CommitmentID] = e.Shares
		case events.CommitmentAdjusted:
			c := commitments[e.CommitmentID]
			if shares[e.CommitmentID] != nil {
				o.at(c.PairingID, c.BudgetYear).Fiscal.UnallocatedFen += e.DeltaFen
			} else {
				o.at(c.PairingID, c.BudgetYear).Fiscal.AdjustedFen += e.DeltaFen
			}
			o.commitments[e.CommitmentID].AdjustedFen += e.DeltaFen
		case events.FundsDisbursed:
			f := o.at(e.PairingID, e.BusinessDate.Year())
			f.Fiscal.DisbursementCount++
			f.Fiscal.DisbursedFen += e.AmountFen
			t := o.commitments[e.CommitmentID]
			t.DisbursementCount++
			t.DisbursedFen += e.AmountFen
			d := &balances.Disbursement{DisbursementID: e.DisbursementID, AmountFen: e.AmountFen}
			o.disbs[e.DisbursementID] = d
			if e.OverCommitment != nil {
				f.Fiscal.OverCommitmentDisbursements++
				f.Fiscal.OverCommitmentFen += e.AmountFen
				t.OverCommitmentDisbursements++
				t.OverCommitmentFen += e.AmountFen
			}
			if confirmed[e.DisbursementID] && e.AmountFen > entryErrors[e.DisbursementID] {
				net := e.AmountFen - entryErrors[e.DisbursementID]
				f.Fiscal.ReceiptsConfirmed++
				f.Fiscal.ReceiptsConfirmedFen += net
				t.ReceiptsConfirmed++
				t.ReceiptsConfirmedFen += net
			}
		case events.DisbursementReversed:
			orig := disbs[e.DisbursementID]
			t, d := o.commitments[e.CommitmentID], o.disbs[e.DisbursementID]
			if e.Reason == events.ReasonEntryError {
				o.at(orig.PairingID, orig.BusinessDate.Year()).Fiscal.ReversedEntryErrorFen += e.AmountFen
				t.ReversedEntryErrorFen += e.AmountFen
				d.ReversedEntryErrorFen += e.AmountFen
			} else {
				o.at(orig.PairingID, e.BusinessDate.Year()).Fiscal.ReversedFundsReturnedFen += e.AmountFen
				t.ReversedFundsReturnedFen += e.AmountFen
				d.ReversedFundsReturnedFen += e.AmountFen
			}
		case events.FundsReceiptConfirmed:
			o.disbs[e.DisbursementID].ReceiptConfirmedDate = e.ReceivedDate
		case events.DonationReceived:
			f := o.at(e.PairingID, e.BusinessDate.Year())
			if e.Kind == events.DonationCash {
				f.Social.CashFen += e.AmountFen
			} else {
				f.Social.InKindFen += e.AmountFen
			}
		case events.DonationReversed:
			orig := donations[e.OriginalID]
			f := o.at(orig.PairingID, year(e.Reason, e.BusinessDate, orig.BusinessDate))
			if orig.Kind == events.DonationCash {
				f.Social.CashReversedFen += e.AmountFen
			} else {
				f.Social.InKindReversedFen += e.AmountFen
			}
		case events.ProductPurchased:
			o.at(e.PairingID, e.CompletedDate.Year()).Consumption.PurchasesFen += e.AmountFen
		case events.PurchaseReversed:
			o.at(e.PairingIDList[0], year(e.Reason, e.BusinessDate, e.OriginalDate)).Consumption.PurchasesReversedFen += e.AmountFen
		case events.SalesFacilitated:
			o.at(e.PairingID, e.PeriodTo.Year()).Consumption.SalesFen += e.AmountFen
		case events.SaleReversed:
			o.at(e.PairingIDList[0], year(e.Reason, e.BusinessDate, e.OriginalDate)).Consumption.SalesReversedFen += e.AmountFen
		case events.VisitConducted:
			if !reversedVisit[e.VisitID] {
				for _, p := range e.PairingIDList {
					o.at(p, e.StartDate.Year()).Visits++
					if e.LedByPrincipal {
						o.at(p, e.StartDate.Year()).VisitsLedByPrincipal++
					}
				}
			}
		case events.LabourTransferRecorded:
			if !voided[e.LabourTransferID] {
				l := &o.at(e.PairingID, e.PeriodTo.Year()).Labour
				l.Persons += e.Persons
				l.PovertyPersons += e.PovertyPersons
				l.Trainees += e.Trainees
				switch e.Destination {
				case events.LabourDonorArea:
					l.DonorArea += e.Persons
				case events.LabourOtherEast:
					l.OtherEast += e.Persons
				default:
					l.NearHome += e.Persons
				}
			}
		case events.EnterpriseInvestmentRecorded:
			inv := &o.at(e.PairingID, e.InvestedDate.Year()).Investment
			inv.AmountFen += e.AmountFen
			if !voided[e.InvestmentID] {
				inv.Records++
				inv.Jobs += e.Jobs
				inv.PovertyJobs += e.PovertyJobs
			}
		case events.InvestmentReversed:
			o.at(e.PairingIDList[0], year(e.Reason, e.BusinessDate, e.OriginalDate)).Investment.ReversedFen += e.AmountFen
		case events.TrainingHeld:
			if !voided[e.TrainingID] {
				t := &o.at(e.PairingID, e.EndDate.Year()).Trainings
				t.Sessions++
				switch e.Kind {
				case events.TrainingCadre:
					t.Cadre += e.Participants
				case events.TrainingTechnical:
					t.Technical += e.Participants
				default:
					t.LabourSkills += e.Participants
				}
			}
		case events.AgreementSigned:
			if !voided[e.AgreementID] {
				o.at(e.PairingID, e.SignedDate.Year()).Agreements++
			}
		case events.ParkEstablished:
			if !voided[e.ParkID] {
				o.at(e.PairingID, e.EstablishedDate.Year()).Parks.Established++
			}
		case events.ParkReported:
			if !voided[e.ParkID] && lastPark[siteYear{e.ParkID, e.AsOf.Year()}] == e {
				p := &o.at(e.PairingID, e.AsOf.Year()).Parks
				p.Enterprises += e.Enterprises
				p.InvestmentFen += e.InvestmentFen
				p.OutputFen += e.OutputFen
				p.ReturnsFen += e.ReturnsFen
			}
		case events.WorkshopEstablished:
			if !voided[e.WorkshopID] {
				o.at(e.PairingID, e.EstablishedDate.Year()).Workshops.Established++
			}
		case events.WorkshopReported:
			if !voided[e.WorkshopID] && lastShop[siteYear{e.WorkshopID, e.AsOf.Year()}] == e {
				w := &o.at(e.PairingID, e.AsOf.Year()).Workshops
				w.Employed += e.Employed
				w.PovertyEmployed += e.PovertyEmployed
			}
		}
	}

	for _, id := range order {
		if s, ok := secondments[id]; ok {
			if reversedSec[id] {
				continue
			}
			f := o.at(s.PairingID, s.StartDate.Year())
			if s.Direction == events.SecondedInbound {
				f.Staff.Inbound++
				continue
			}
			switch s.Category {
			case events.StaffCadre:
				f.Staff.Cadre++
			case events.StaffTeacher:
				f.Staff.Teacher++
			case events.StaffDoctor:
				f.Staff.Doctor++
			case events.StaffAgronomist:
				f.Staff.Agronomist++
			case events.StaffTechnician:
				f.Staff.Technician++
			}
			until, ok := ended[id]
			if !ok {
				until = s.PlannedEndDate
			}
			if until.IsZero() {
				until = events.DateOf(s.StartDate.Year(), 12, 31)
			}
			for d := s.StartDate; !d.After(until); d = d.AddDays(1) {
				o.at(s.PairingID, d.Year()).Staff.PersonDays++
			}
			continue
		}
		p := projects[id]
		f := o.at(p.PairingID, p.PlanYear)
		f.Projects.Registered++
		f.Projects.PlannedTotalFen += p.PlannedTotalFen
		if r, ok := latest[id]; ok {
			if r.Status.Done() {
				f.Projects.Completed++
			}
			f.Projects.CompletedInvestmentFen += r.CompletedInvestmentFen
		}
	}
	return o
}

package balances

import (
	"cmp"
	"strings"
)

// counter indexes one additive column of pairing_years. The order of the
// constants is the order of counterColumns and of the table's columns.
type counter int

const (
	cCommitments counter = iota
	cCommittedFen
	cAdjustedFen
	cDisbursements
	cDisbursedFen
	cReversedEntryErrorFen
	cReversedFundsReturnedFen
	cReceiptsConfirmed
	cReceiptsConfirmedFen
	cOverCommitmentDisbursements
	cOverCommitmentFen
	cDonationsCashFen
	cDonationsCashReversedFen
	cDonationsInKindFen
	cDonationsInKindReversedFen
	cPurchasesFen
	cPurchasesReversedFen
	cSalesFen
	cSalesReversedFen
	cStaffCadre
	cStaffTeacher
	cStaffDoctor
	cStaffAgronomist
	cStaffTechnician
	cStaffPersonDays
	cVisits
	cProjectsRegistered
	cProjectsPlannedFen
	cProjectsCompleted
	cProjectsCompletedInvestmentFen
	cLabourPersons
	cLabourPovertyPersons
	cLabourDonorArea
	cLabourOtherEast
	cLabourNearHome
	cLabourTrainees
	cInvestments
	cInvestmentFen
	cInvestmentReversedFen
	cInvestmentJobs
	cInvestmentPovertyJobs
	cTrainings
	cTraineesCadre
	cTraineesTechnical
	cTraineesLabourSkills
	cAgreements
	cParks
	cParkEnterprises
	cParkInvestmentFen
	cParkOutputFen
	cParkReturnsFen
	cWorkshops
	cWorkshopEmployed
	cWorkshopPovertyEmployed
	cStaffInbound
	cVisitsPrincipal
	cUnallocatedFen
	nCounters
)

// counterColumns are the pairing_years column names, indexed by counter.
var counterColumns = [nCounters]string{
	cCommitments:                    "commitments",
	cCommittedFen:                   "committed_fen",
	cAdjustedFen:                    "adjusted_fen",
	cDisbursements:                  "disbursements",
	cDisbursedFen:                   "disbursed_fen",
	cReversedEntryErrorFen:          "reversed_entry_error_fen",
	cReversedFundsReturnedFen:       "reversed_funds_returned_fen",
	cReceiptsConfirmed:              "receipts_confirmed",
	cReceiptsConfirmedFen:           "receipts_confirmed_fen",
	cOverCommitmentDisbursements:    "over_commitment_disbursements",
	cOverCommitmentFen:              "over_commitment_fen",
	cDonationsCashFen:               "donations_cash_fen",
	cDonationsCashReversedFen:       "donations_cash_reversed_fen",
	cDonationsInKindFen:             "donations_in_kind_fen",
	cDonationsInKindReversedFen:     "donations_in_kind_reversed_fen",
	cPurchasesFen:                   "purchases_fen",
	cPurchasesReversedFen:           "purchases_reversed_fen",
	cSalesFen:                       "sales_fen",
	cSalesReversedFen:               "sales_reversed_fen",
	cStaffCadre:                     "staff_cadre",
	cStaffTeacher:                   "staff_teacher",
	cStaffDoctor:                    "staff_doctor",
	cStaffAgronomist:                "staff_agronomist",
	cStaffTechnician:                "staff_technician",
	cStaffPersonDays:                "staff_person_days",
	cVisits:                         "visits",
	cProjectsRegistered:             "projects_registered",
	cProjectsPlannedFen:             "projects_planned_fen",
	cProjectsCompleted:              "projects_completed",
	cProjectsCompletedInvestmentFen: "projects_completed_investment_fen",
	cLabourPersons:                  "labour_persons",
	cLabourPovertyPersons:           "labour_poverty_persons",
	cLabourDonorArea:                "labour_donor_area",
	cLabourOtherEast:                "labour_other_east",
	cLabourNearHome:                 "labour_near_home",
	cLabourTrainees:                 "labour_trainees",
	cInvestments:                    "investments",
	cInvestmentFen:                  "investment_fen",
	cInvestmentReversedFen:          "investment_reversed_fen",
	cInvestmentJobs:                 "investment_jobs",
	cInvestmentPovertyJobs:          "investment_poverty_jobs",
	cTrainings:                      "trainings",
	cTraineesCadre:                  "trainees_cadre",
	cTraineesTechnical:              "trainees_technical",
	cTraineesLabourSkills:           "trainees_labour_skills",
	cAgreements:                     "agreements",
	cParks:                          "parks",
	cParkEnterprises:                "park_enterprises",
	cParkInvestmentFen:              "park_investment_fen",
	cParkOutputFen:                  "park_output_fen",
	cParkReturnsFen:                 "park_returns_fen",
	cWorkshops:                      "workshops",
	cWorkshopEmployed:               "workshop_employed",
	cWorkshopPovertyEmployed:        "workshop_poverty_employed",
	cStaffInbound:                   "staff_inbound",
	cVisitsPrincipal:                "visits_principal",
	cUnallocatedFen:                 "unallocated_fen",
}

// counterNamed is the counter of a pairing_years column name.
var counterNamed = func() map[string]counter {
	m := make(map[string]counter, nCounters)
	for c, name := range counterColumns {
		m[name] = counter(c)
	}
	return m
}()

// compareYearKeys orders keys by pairing, then year.
func compareYearKeys(x, y yearKey) int {
	return cmp.Or(strings.Compare(x.pairingID, y.pairingID), cmp.Compare(x.year, y.year))
}

// counters holds one value per pairing_years column: deltas while a batch
// is folded, totals when read back.
type counters [nCounters]int64

// yearKey identifies a pairing_years row.
type yearKey struct {
	pairingID string
	year      int
}

package yearend

import (
	"fmt"
	"slices"

	"github.com/aidledger/aidledger/events"
)

// Figure names: the json names of the Figures fields. The base
// figures are the ones contributions are stored under (LineItem.Figure);
// the derived ones are sums of base figures, computed on read.
const (
	FigVisits                 = "visits"
	FigStaffCadre             = "staff_cadre"
	FigStaffTeacher           = "staff_teacher"
	FigStaffDoctor            = "staff_doctor"
	FigStaffAgronomist        = "staff_agronomist"
	FigStaffTechnician        = "staff_technician"
	FigFiscalDisbursedFen     = "fiscal_disbursed_fen"
	FigFiscalCommittedFen     = "fiscal_committed_fen"
	FigReceiptsConfirmedFen   = "receipts_confirmed_fen"
	FigProjectsRegistered     = "projects_registered"
	FigProjectsCompleted      = "projects_completed"
	FigPlannedInvestmentFen   = "planned_investment_fen"
	FigCompletedInvestmentFen = "completed_investment_fen"
	FigSocialCashFen          = "social_cash_fen"
	FigSocialInKindFen        = "social_in_kind_fen"
	FigPurchasesFen           = "purchases_fen"
	FigSalesFen               = "sales_fen"

	// The office indicators (docs/domain.md §5.4a), and staff and visits
	// counted apart.
	FigStaffInbound            = "staff_inbound"
	FigVisitsLedByPrincipal    = "visits_led_by_principal"
	FigLabourPersons           = "labour_persons"
	FigLabourPovertyPersons    = "labour_poverty_persons"
	FigInvestmentRecords       = "investment_records"
	FigInvestmentFen           = "investment_fen"
	FigInvestmentJobs          = "investment_jobs"
	FigInvestmentPovertyJobs   = "investment_poverty_jobs"
	FigTrainings               = "trainings"
	FigTrainingParticipants    = "training_participants"
	FigAgreements              = "agreements"
	FigParks                   = "parks"
	FigParkEnterprises         = "park_enterprises"
	FigParkInvestmentFen       = "park_investment_fen"
	FigParkReturnsFen          = "park_returns_fen"
	FigWorkshops               = "workshops"
	FigWorkshopEmployed        = "workshop_employed"
	FigWorkshopPovertyEmployed = "workshop_poverty_employed"

	// Projects by calendar year (援建项目), whatever their plan year:
	// started (新开工) and completed (竣工) in the year, the investment
	// planned for it and completed in it, and, of the projects with a plan
	// for the year, how many had started by the cut-off (开工率).
	FigProjectsStarted     = "projects_started"
	FigProjectsFinished    = "projects_finished"
	FigYearPlannedFen      = "year_planned_fen"
	FigYearInvestedFen     = "year_invested_fen"
	FigYearPlannedProjects = "year_planned_projects"
	FigYearPlannedStarted  = "year_planned_started"

	// Staff in post (在岗): an outbound secondment's end, its first
	// anniversary unless it ended before, and an end after the
	// anniversary; summed over earlier years on read.
	FigStaffLeft          = "staff_left"
	FigStaffAnniversary   = "staff_anniversary"
	FigStaffLeftAfterYear = "staff_left_after_year"

	// The part of commitments of several pairings not yet allocated to
	// any: counted for their programme and the donor, never a pairing.
	FigFiscalUnallocatedFen = "fiscal_unallocated_fen"

	// Derived: 专业技术人才 (teacher + doctor + agronomist + technician),
	// social aid (cash + in-kind) and consumption aid (purchases + sales).
	FigStaffProfessional = "staff_professional"
	FigSocialFen         = "social_fen"
	FigConsumptionFen    = "consumption_fen"

	// Counted on read from the rows of earlier years: projects started
	// before the year and not completed before it (续建); and those under
	// way in the year (实施 = 续建 + 新开工).
	FigProjectsContinuing = "projects_continuing"
	FigProjectsUnderWay   = "projects_under_way"
	// Outbound staff in post at some time in the year up to the cut-off
	// (在岗: sent in the year, or before and not returned before it), and
	// those of them who by the cut-off (or their return) had served one
	// year (一年以上).
	FigStaffInPost     = "staff_in_post"
	FigStaffYearOrMore = "staff_year_or_more"
)

// baseFigures lists the figures contributions are stored under, in the
// order of Figures.
var baseFigures = [...]string{
	FigVisits, FigStaffCadre, FigStaffTeacher, FigStaffDoctor, FigStaffAgronomist, FigStaffTechnician,
	FigFiscalDisbursedFen, FigFiscalCommittedFen, FigReceiptsConfirmedFen,
	FigProjectsRegistered, FigProjectsCompleted, FigPlannedInvestmentFen, FigCompletedInvestmentFen,
	FigSocialCashFen, FigSocialInKindFen, FigPurchasesFen, FigSalesFen,
	FigStaffInbound, FigVisitsLedByPrincipal, FigLabourPersons, FigLabourPovertyPersons, FigInvestmentRecords, FigInvestmentFen,
	FigInvestmentJobs, FigInvestmentPovertyJobs, FigTrainings, FigTrainingParticipants, FigAgreements, FigParks, FigParkEnterprises,
	FigParkInvestmentFen, FigParkReturnsFen, FigWorkshops, FigWorkshopEmployed, FigWorkshopPovertyEmployed,
	FigProjectsStarted, FigProjectsFinished, FigYearPlannedFen, FigYearInvestedFen, FigYearPlannedProjects, FigYearPlannedStarted,
	FigStaffLeft, FigStaffAnniversary, FigStaffLeftAfterYear, FigFiscalUnallocatedFen,
}

// BaseFigures lists the figures contributions are stored under (the
// LineItem.Figure values), in the order of Figures.
func BaseFigures() []string { return slices.Clone(baseFigures[:]) }

// derivedFigures maps each derived figure to the base figures it sums.
var derivedFigures = map[string][]string{
	FigStaffProfessional: {FigStaffTeacher, FigStaffDoctor, FigStaffAgronomist, FigStaffTechnician},
	FigSocialFen:         {FigSocialCashFen, FigSocialInKindFen},
	FigConsumptionFen:    {FigPurchasesFen, FigSalesFen},
	FigProjectsUnderWay:  {FigProjectsContinuing, FigProjectsStarted},
	FigStaffInPost: {earlierStaff, FigStaffCadre, FigStaffTeacher, FigStaffDoctor, FigStaffAgronomist,
		FigStaffTechnician},
	FigStaffYearOrMore: {earlierYearOrMore, FigStaffAnniversary},
}

// figureField returns the field of f named by a figure's json name, or nil
// for a name Figures does not have.
func figureField(f *Figures, name string) *Figure {
	switch name {
	case FigVisits:
		return &f.Visits
	case FigStaffProfessional:
		return &f.StaffProfessional
	case FigStaffCadre:
		return &f.StaffCadre
	case FigStaffTeacher:
		return &f.StaffTeacher
	case FigStaffDoctor:
		return &f.StaffDoctor
	case FigStaffAgronomist:
		return &f.StaffAgronomist
	case FigStaffTechnician:
		return &f.StaffTechnician
	case FigFiscalDisbursedFen:
		return &f.FiscalDisbursedFen
	case FigFiscalCommittedFen:
		return &f.FiscalCommittedFen
	case FigReceiptsConfirmedFen:
		return &f.ReceiptsConfirmedFen
	case FigProjectsRegistered:
		return &f.ProjectsRegistered
	case FigProjectsCompleted:
		return &f.ProjectsCompleted
	case FigPlannedInvestmentFen:
		return &f.PlannedInvestmentFen
	case FigCompletedInvestmentFen:
		return &f.CompletedInvestmentFen
	case FigSocialCashFen:
		return &f.SocialCashFen
	case FigSocialInKindFen:
		return &f.SocialInKindFen
	case FigSocialFen:
		return &f.SocialFen
	case FigPurchasesFen:
		return &f.PurchasesFen
	case FigSalesFen:
		return &f.SalesFen
	case FigConsumptionFen:
		return &f.ConsumptionFen
	}
	return indicatorField(f, name)
}

// indicatorField returns the field of f for an office-indicator figure
// (or staff or visits counted apart), or nil.
func indicatorField(f *Figures, name string) *Figure {
	switch name {
	case FigStaffInbound:
		return &f.StaffInbound
	case FigVisitsLedByPrincipal:
		return &f.VisitsLedByPrincipal
	case FigLabourPersons:
		return &f.LabourPersons
	case FigLabourPovertyPersons:
		return &f.LabourPovertyPersons
	case FigInvestmentRecords:
		return &f.InvestmentRecords
	case FigInvestmentFen:
		return &f.InvestmentFen
	case FigInvestmentJobs:
		return &f.InvestmentJobs
	case FigInvestmentPovertyJobs:
		return &f.InvestmentPovertyJobs
	case FigTrainings:
		return &f.Trainings
	case FigTrainingParticipants:
		return &f.TrainingParticipants
	case FigAgreements:
		return &f.Agreements
	case FigParks:
		return &f.Parks
	case FigParkEnterprises:
		return &f.ParkEnterprises
	case FigParkInvestmentFen:
		return &f.ParkInvestmentFen
	case FigParkReturnsFen:
		return &f.ParkReturnsFen
	case FigWorkshops:
		return &f.Workshops
	case FigWorkshopEmployed:
		return &f.WorkshopEmployed
	case FigWorkshopPovertyEmployed:
		return &f.WorkshopPovertyEmployed
	}
	return projectYearField(f, name)
}

// restates reports whether rows of figure restate the state of a project
// or a secondment rather than enter anything (projects by calendar year,
// the service of staff): they are never noted as late entries.
func restates(figure string) bool {
	switch figure {
	case FigProjectsStarted, FigProjectsFinished, FigYearPlannedFen, FigYearInvestedFen, FigYearPlannedProjects, FigYearPlannedStarted,
		FigStaffLeft, FigStaffAnniversary, FigStaffLeftAfterYear:
		return true
	}
	return false
}

// projectYearField returns the field of f for a figure of projects by
// calendar year, or nil.
func projectYearField(f *Figures, name string) *Figure {
	switch name {
	case FigProjectsStarted:
		return &f.ProjectsStarted
	case FigProjectsFinished:
		return &f.ProjectsFinished
	case FigProjectsContinuing:
		return &f.ProjectsContinuing
	case FigProjectsUnderWay:
		return &f.ProjectsUnderWay
	case FigYearPlannedFen:
		return &f.YearPlannedFen
	case FigYearInvestedFen:
		return &f.YearInvestedFen
	case FigYearPlannedProjects:
		return &f.YearPlannedProjects
	case FigYearPlannedStarted:
		return &f.YearPlannedStarted
	case FigFiscalUnallocatedFen:
		return &f.FiscalUnallocatedFen
	case FigStaffLeft:
		return &f.StaffLeft
	case FigStaffAnniversary:
		return &f.StaffAnniversary
	case FigStaffLeftAfterYear:
		return &f.StaffLeftAfterYear
	case FigStaffInPost:
		return &f.StaffInPost
	case FigStaffYearOrMore:
		return &f.StaffYearOrMore
	}
	return nil
}

// staffFigure is the figure a staff category counts in.
func staffFigure(c events.StaffCategory) (string, error) {
	switch c {
	case events.StaffCadre:
		return FigStaffCadre, nil
	case events.StaffTeacher:
		return FigStaffTeacher, nil
	case events.StaffDoctor:
		return FigStaffDoctor, nil
	case events.StaffAgronomist:
		return FigStaffAgronomist, nil
	case events.StaffTechnician:
		return FigStaffTechnician, nil
	}
	return "", fmt.Errorf("%w: unknown staff category %q", ErrInconsistent, c)
}

// donationFigure is the figure a donation kind counts in.
func donationFigure(k events.DonationKind) (string, error) {
	switch k {
	case events.DonationCash:
		return FigSocialCashFen, nil
	case events.DonationInKind:
		return FigSocialInKindFen, nil
	}
	return "", fmt.Errorf("%w: unknown donation kind %q", ErrInconsistent, k)
}

package balances

// Figures are the read model's figures for one pairing (or a donor's
// pairings summed) over one fiscal year or all years. Derived figures (net,
// outstanding, rates, person-months) are computed from the stored counters
// when read; sums are always of fen, never of rounded figures.
type Figures struct {
	Fiscal      Fiscal      `json:"fiscal"`
	Social      Social      `json:"social"`
	Consumption Consumption `json:"consumption"`
	Staff       Staff       `json:"staff"`
	// Visits (互访调研, 次) by start date, once per pairing listed, net of
	// reversed visits.
	Visits int64 `json:"visits"`
	// VisitsLedByPrincipal are the visits led by the principal Party or
	// government leader (党政主要负责同志带队), counted like Visits.
	VisitsLedByPrincipal int64      `json:"visits_led_by_principal"`
	Projects             Projects   `json:"projects"`
	Labour               Labour     `json:"labour"`
	Investment           Investment `json:"investment"`
	Trainings            Trainings  `json:"trainings"`
	// Agreements (合作协议) signed in the year, net of reversed ones.
	Agreements int64     `json:"agreements"`
	Parks      Parks     `json:"parks"`
	Workshops  Workshops `json:"workshops"`
}

// Labour is labour cooperation (劳务协作): persons helped into work, by the
// year their period ends, net of reversed records.
type Labour struct {
	Persons        int64 `json:"persons"`
	PovertyPersons int64 `json:"poverty_persons"` // of whom people lifted out of poverty (脱贫人口)
	DonorArea      int64 `json:"donor_area"`      // persons employed in the donor's area
	OtherEast      int64 `json:"other_east"`      // … elsewhere in the east
	NearHome       int64 `json:"near_home"`       // … near home
	Trainees       int64 `json:"trainees"`        // skills-training trainees recorded with the transfers (人次)
}

// Investment is enterprise investment (产业合作): investment actually made,
// by the date invested, net of reversals (entry_error in the original's
// year, funds_returned — capital withdrawn — in its own). A record and its
// jobs count until an entry error takes back all that is left of it.
type Investment struct {
	Records     int64 `json:"records"` // investment records (an enterprise's projects)
	AmountFen   int64 `json:"amount_fen"`
	ReversedFen int64 `json:"reversed_fen"`
	NetFen      int64 `json:"net_fen"`
	Jobs        int64 `json:"jobs"`
	PovertyJobs int64 `json:"poverty_jobs"`
}

// Trainings (干部人才培训) by the year they ended, net of reversed ones.
type Trainings struct {
	Sessions     int64 `json:"sessions"`
	Cadre        int64 `json:"cadre"`         // participants (人次), by kind
	Technical    int64 `json:"technical"`     //
	LabourSkills int64 `json:"labour_skills"` //
	Participants int64 `json:"participants"`  // all kinds
}

// Parks are co-built parks (共建产业园区): those established in the year,
// and the cumulative figures of each park as of its last report dated in
// the year (a park not reported in a year adds nothing to that year).
type Parks struct {
	Established   int64 `json:"established"`
	Enterprises   int64 `json:"enterprises"`
	InvestmentFen int64 `json:"investment_fen"`
	OutputFen     int64 `json:"output_fen"`
	ReturnsFen    int64 `json:"returns_fen"`
}

// Workshops are assistance workshops (帮扶车间): those set up in the year,
// and the people each employed as of its last report dated in the year.
type Workshops struct {
	Established     int64 `json:"established"`
	Employed        int64 `json:"employed"`
	PovertyEmployed int64 `json:"poverty_employed"`
}

// Fiscal is fiscal aid (财政帮扶). Commitments and adjustments count in the
// commitment's budget year; disbursements by business date; entry_error
// reversals in the original disbursement's year, funds_returned in their own.
type Fiscal struct {
	CommitmentCount   int64 `json:"commitment_count"`
	CommittedFen      int64 `json:"committed_fen"`
	AdjustedFen       int64 `json:"adjusted_fen"`
	CommittedTotalFen int64 `json:"committed_total_fen"` // committed + adjusted
	DisbursementCount int64 `json:"disbursement_count"`
	DisbursedFen      int64 `json:"disbursed_fen"` // gross
	// ReversedEntryErrorFen (冲正) and ReversedFundsReturnedFen (资金退回).
	ReversedEntryErrorFen    int64 `json:"reversed_entry_error_fen"`
	ReversedFundsReturnedFen int64 `json:"reversed_funds_returned_fen"`
	ReversedFen              int64 `json:"reversed_fen"`
	NetDisbursedFen          int64 `json:"net_disbursed_fen"` // disbursed − reversed
	// UnallocatedFen is the part of commitments of several pairings not
	// yet allocated to any (on the first pairing's figures; in the
	// committed totals of none).
	UnallocatedFen int64 `json:"unallocated_fen"`
	OutstandingFen int64 `json:"outstanding_fen"` // committed total − net disbursed
	// DisbursalRate is net disbursed / committed total (nil when nothing
	// is committed).
	DisbursalRate *Rate `json:"disbursal_rate"`
	// ReceiptsConfirmed counts the disbursements whose receipt the partner
	// confirmed, in the disbursement's year; ReceiptsConfirmedFen is their
	// amounts net of entry_error reversals (a disbursement wholly reversed
	// as an entry error drops out of both).
	ReceiptsConfirmed    int64 `json:"receipts_confirmed"`
	ReceiptsConfirmedFen int64 `json:"receipts_confirmed_fen"`
	// OverCommitment… count the disbursements made under an explicit
	// over-commitment approval, at their gross amounts.
	OverCommitmentDisbursements int64 `json:"over_commitment_disbursements"`
	OverCommitmentFen           int64 `json:"over_commitment_fen"`
}

// Social is social aid (社会帮扶): donations by business date, net of
// reversals (entry_error in the donation's year, funds_returned in their own).
type Social struct {
	CashFen           int64 `json:"cash_fen"`
	CashReversedFen   int64 `json:"cash_reversed_fen"`
	CashNetFen        int64 `json:"cash_net_fen"`
	InKindFen         int64 `json:"in_kind_fen"`
	InKindReversedFen int64 `json:"in_kind_reversed_fen"`
	InKindNetFen      int64 `json:"in_kind_net_fen"`
	TotalNetFen       int64 `json:"total_net_fen"`
}

// Consumption is consumption aid (消费帮扶): purchases by completed date,
// facilitated sales by the end of their period, net of reversals.
type Consumption struct {
	PurchasesFen         int64 `json:"purchases_fen"`
	PurchasesReversedFen int64 `json:"purchases_reversed_fen"`
	PurchasesNetFen      int64 `json:"purchases_net_fen"`
	SalesFen             int64 `json:"sales_fen"`
	SalesReversedFen     int64 `json:"sales_reversed_fen"`
	SalesNetFen          int64 `json:"sales_net_fen"`
	TotalNetFen          int64 `json:"total_net_fen"`
}

// Staff is staff sent (人才选派): persons whose secondment started in the
// year, by category, net of reversed secondments; and the person-days of
// all secondments falling in the year. A secondment counts its days from
// its start to its recorded end, or its planned end while running, or 31
// December of its start year when it has neither (re-counted when the end
// is recorded), split across calendar years.
type Staff struct {
	Cadre        int64 `json:"cadre"`        // 党政挂职
	Teacher      int64 `json:"teacher"`      // 支教
	Doctor       int64 `json:"doctor"`       // 支医
	Agronomist   int64 `json:"agronomist"`   // 支农
	Technician   int64 `json:"technician"`   // 其他专技
	Persons      int64 `json:"persons"`      // all categories (sent by the donor)
	Professional int64 `json:"professional"` // 专业技术人才: all but cadres
	PersonDays   int64 `json:"person_days"`
	// Inbound are the persons received from the partner side (西部来挂职、
	// 跟岗) whose secondment started in the year; they are in no category
	// and add no person-days.
	Inbound int64 `json:"inbound"`
	// PersonMonths is PersonDays / DaysPerPersonMonth to one decimal place,
	// rounded half up ("12.3").
	PersonMonths string `json:"person_months"`
}

// Projects are aid projects (援建项目) by plan year, with their latest
// progress reports.
type Projects struct {
	Registered             int64 `json:"registered"`
	PlannedTotalFen        int64 `json:"planned_total_fen"`
	Completed              int64 `json:"completed"` // latest status completed or accepted
	CompletedInvestmentFen int64 `json:"completed_investment_fen"`
	// CompletionRate is completed / registered projects; InvestmentRate is
	// completed investment / planned total (nil when the denominator is 0).
	CompletionRate *Rate `json:"completion_rate"`
	InvestmentRate *Rate `json:"investment_rate"`
}

// figuresOf derives Figures from a pairing_years row (or a sum of rows).
func figuresOf(c *counters) Figures {
	f := Figures{Visits: c[cVisits], VisitsLedByPrincipal: c[cVisitsPrincipal], Agreements: c[cAgreements]}
	committed := c[cCommittedFen] + c[cAdjustedFen]
	reversed := c[cReversedEntryErrorFen] + c[cReversedFundsReturnedFen]
	net := c[cDisbursedFen] - reversed
	f.Fiscal = Fiscal{
		CommitmentCount: c[cCommitments], CommittedFen: c[cCommittedFen], AdjustedFen: c[cAdjustedFen],
		CommittedTotalFen: committed, DisbursementCount: c[cDisbursements], DisbursedFen: c[cDisbursedFen],
		ReversedEntryErrorFen: c[cReversedEntryErrorFen], ReversedFundsReturnedFen: c[cReversedFundsReturnedFen],
		ReversedFen: reversed, NetDisbursedFen: net, OutstandingFen: committed - net, UnallocatedFen: c[cUnallocatedFen],
		DisbursalRate:     NewRate(net, committed),
		ReceiptsConfirmed: c[cReceiptsConfirmed], ReceiptsConfirmedFen: c[cReceiptsConfirmedFen],
		OverCommitmentDisbursements: c[cOverCommitmentDisbursements], OverCommitmentFen: c[cOverCommitmentFen],
	}
	cash := c[cDonationsCashFen] - c[cDonationsCashReversedFen]
	inKind := c[cDonationsInKindFen] - c[cDonationsInKindReversedFen]
	f.Social = Social{
		CashFen: c[cDonationsCashFen], CashReversedFen: c[cDonationsCashReversedFen], CashNetFen: cash,
		InKindFen: c[cDonationsInKindFen], InKindReversedFen: c[cDonationsInKindReversedFen], InKindNetFen: inKind,
		TotalNetFen: cash + inKind,
	}
	purchases := c[cPurchasesFen] - c[cPurchasesReversedFen]
	sales := c[cSalesFen] - c[cSalesReversedFen]
	f.Consumption = Consumption{
		PurchasesFen: c[cPurchasesFen], PurchasesReversedFen: c[cPurchasesReversedFen], PurchasesNetFen: purchases,
		SalesFen: c[cSalesFen], SalesReversedFen: c[cSalesReversedFen], SalesNetFen: sales,
		TotalNetFen: purchases + sales,
	}
	professional := c[cStaffTeacher] + c[cStaffDoctor] + c[cStaffAgronomist] + c[cStaffTechnician]
	f.Staff = Staff{
		Cadre: c[cStaffCadre], Teacher: c[cStaffTeacher], Doctor: c[cStaffDoctor], Agronomist: c[cStaffAgronomist],
		Technician: c[cStaffTechnician], Persons: c[cStaffCadre] + professional, Professional: professional,
		PersonDays: c[cStaffPersonDays], PersonMonths: tenths(c[cStaffPersonDays], DaysPerPersonMonth), Inbound: c[cStaffInbound],
	}
	f.Labour = Labour{Persons: c[cLabourPersons], PovertyPersons: c[cLabourPovertyPersons], DonorArea: c[cLabourDonorArea],
		OtherEast: c[cLabourOtherEast], NearHome: c[cLabourNearHome], Trainees: c[cLabourTrainees]}
	f.Investment = Investment{Records: c[cInvestments], AmountFen: c[cInvestmentFen], ReversedFen: c[cInvestmentReversedFen],
		NetFen: c[cInvestmentFen] - c[cInvestmentReversedFen], Jobs: c[cInvestmentJobs], PovertyJobs: c[cInvestmentPovertyJobs]}
	f.Trainings = Trainings{Sessions: c[cTrainings], Cadre: c[cTraineesCadre], Technical: c[cTraineesTechnical],
		LabourSkills: c[cTraineesLabourSkills], Participants: c[cTraineesCadre] + c[cTraineesTechnical] + c[cTraineesLabourSkills]}
	f.Parks = Parks{Established: c[cParks], Enterprises: c[cParkEnterprises], InvestmentFen: c[cParkInvestmentFen],
		OutputFen: c[cParkOutputFen], ReturnsFen: c[cParkReturnsFen]}
	f.Workshops = Workshops{Established: c[cWorkshops], Employed: c[cWorkshopEmployed], PovertyEmployed: c[cWorkshopPovertyEmployed]}
	f.Projects = Projects{
		Registered: c[cProjectsRegistered], PlannedTotalFen: c[cProjectsPlannedFen], Completed: c[cProjectsCompleted],
		CompletedInvestmentFen: c[cProjectsCompletedInvestmentFen],
		CompletionRate:         NewRate(c[cProjectsCompleted], c[cProjectsRegistered]),
		InvestmentRate:         NewRate(c[cProjectsCompletedInvestmentFen], c[cProjectsPlannedFen]),
	}
	return f
}

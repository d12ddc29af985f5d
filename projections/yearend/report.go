package yearend

import "github.com/aidledger/aidledger/events"

// Style is how an amount is printed.
type Style string

// Styles.
const (
	// StyleExact prints the exact amount: 30万元, 2405.4万元.
	StyleExact Style = "exact"
	// StyleYu prints the official approximation "余" (more than): it
	// truncates, never rounds up: 20余万元, 5万余元.
	StyleYu Style = "yu"
	// StyleYue prints "约" (about): rounded to the same precision as 余.
	StyleYue Style = "yue"
	// StyleWan2 prints an amount of 1万元 or more rounded half up to
	// 0.01万元 (100元), without a marker: 117.28万元 for 117.2808万元;
	// smaller amounts exactly. Official documents state fiscal aid so.
	StyleWan2 Style = "wan2"
)

// Profile chooses a style per category of aid, and the paragraph's.
type Profile struct {
	Name        string `json:"name"`
	Fiscal      Style  `json:"fiscal"`
	Social      Style  `json:"social"`
	Consumption Style  `json:"consumption"`
	// Paragraph is the paragraph's style: "" or "by_pairing" (a clause
	// group per pairing), "by_programme" (a sentence per programme, then
	// one for social and consumption aid); Lead a sentence it opens with.
	Paragraph string `json:"paragraph,omitempty"`
	Lead      string `json:"lead,omitempty"`
}

// Figure is a number (fen, or a count) and the ids of the events behind it.
type Figure struct {
	Value    int64    `json:"value"`
	EventIDs []string `json:"event_ids"`
}

// IsZero reports whether no event counts in f (0, with no event behind
// it). The office indicators' figures are left out of JSON when zero, so
// a ledger without them renders as before they existed.
func (f Figure) IsZero() bool { return f.Value == 0 && len(f.EventIDs) == 0 }

// Figures are one pairing's (or a donor's total) year-end figures for
// events with business date in [1 Jan, cutoff], net of reversals (an
// entry_error reversal counts in the original's year, funds_returned in
// its own).
type Figures struct {
	Visits Figure `json:"visits"` // 次
	// Staff sent in the year (名): professionals (专业技术人才 = teacher +
	// doctor + agronomist + technician) and cadres (党政干部).
	StaffProfessional Figure `json:"staff_professional"`
	StaffCadre        Figure `json:"staff_cadre"`
	StaffTeacher      Figure `json:"staff_teacher"`
	StaffDoctor       Figure `json:"staff_doctor"`
	StaffAgronomist   Figure `json:"staff_agronomist"`
	StaffTechnician   Figure `json:"staff_technician"`
	// Fiscal aid (财政帮扶): disbursed net of reversals; committed for the
	// budget year (commitments + adjustments); confirmed receipts.
	FiscalDisbursedFen   Figure `json:"fiscal_disbursed_fen"`
	FiscalCommittedFen   Figure `json:"fiscal_committed_fen"`
	ReceiptsConfirmedFen Figure `json:"receipts_confirmed_fen"`
	// DisbursalRateBP is disbursed / committed in basis points (0 when
	// nothing is committed), rounded half up; committed includes the
	// unallocated part of commitments of several pairings.
	DisbursalRateBP int64 `json:"disbursal_rate_bp"`
	// FiscalUnallocatedFen is the part of commitments of several pairings
	// of one programme not yet allocated to any of them (未分配): in the
	// programme's and the donor's figures, never a pairing's.
	FiscalUnallocatedFen Figure `json:"fiscal_unallocated_fen,omitzero"`
	// Projects of the plan year: registered, completed, planned and
	// completed investment.
	ProjectsRegistered     Figure `json:"projects_registered"`
	ProjectsCompleted      Figure `json:"projects_completed"`
	PlannedInvestmentFen   Figure `json:"planned_investment_fen"`
	CompletedInvestmentFen Figure `json:"completed_investment_fen"`
	// Social aid (社会帮扶): cash and valued in-kind donations.
	SocialCashFen   Figure `json:"social_cash_fen"`
	SocialInKindFen Figure `json:"social_in_kind_fen"`
	SocialFen       Figure `json:"social_fen"`
	// Consumption aid (消费帮扶): purchases completed in the year and
	// facilitated sales whose period ends in it.
	PurchasesFen   Figure `json:"purchases_fen"`
	SalesFen       Figure `json:"sales_fen"`
	ConsumptionFen Figure `json:"consumption_fen"`

	// Persons received from the partner side (西部来挂职、跟岗, 名) and visits
	// led by the principal leader (党政主要负责同志带队, 次).
	StaffInbound         Figure `json:"staff_inbound,omitzero"`
	VisitsLedByPrincipal Figure `json:"visits_led_by_principal,omitzero"`
	// Labour cooperation (劳务协作): persons employed by the end of their
	// period, of whom people lifted out of poverty (脱贫人口).
	LabourPersons        Figure `json:"labour_persons,omitzero"`
	LabourPovertyPersons Figure `json:"labour_poverty_persons,omitzero"`
	// Enterprise investment (产业合作) by the date invested, net of
	// reversals; records and jobs drop out when an entry error takes back
	// all that is left of one.
	InvestmentRecords     Figure `json:"investment_records,omitzero"`
	InvestmentFen         Figure `json:"investment_fen,omitzero"`
	InvestmentJobs        Figure `json:"investment_jobs,omitzero"`
	InvestmentPovertyJobs Figure `json:"investment_poverty_jobs,omitzero"`
	// Trainings (干部人才培训) by their last day: sessions and participants
	// (人次).
	Trainings            Figure `json:"trainings,omitzero"`
	TrainingParticipants Figure `json:"training_participants,omitzero"`
	Agreements           Figure `json:"agreements,omitzero"`
	// Co-built parks (共建产业园区) established in the year, and each park's
	// cumulative figures as of its last report dated on or before the
	// cut-off in the year; assistance workshops (帮扶车间) likewise, with the
	// people each employed.
	Parks                   Figure `json:"parks,omitzero"`
	ParkEnterprises         Figure `json:"park_enterprises,omitzero"`
	ParkInvestmentFen       Figure `json:"park_investment_fen,omitzero"`
	ParkReturnsFen          Figure `json:"park_returns_fen,omitzero"`
	Workshops               Figure `json:"workshops,omitzero"`
	WorkshopEmployed        Figure `json:"workshop_employed,omitzero"`
	WorkshopPovertyEmployed Figure `json:"workshop_poverty_employed,omitzero"`

	// Projects by calendar year (援建项目), whatever their plan year, by
	// their start (开工) and completion (竣工) dates as their latest reports
	// state them: under way in the year (实施 = 续建 + 新开工), started in
	// it up to the cut-off, continuing from earlier years (started before
	// the year, not completed before it), completed in it. Investment
	// planned for the year (年度计划投资) and completed in it up to the
	// cut-off (the change of the cumulative figure over the year's
	// reports: a report dated after the cut-off is not used), and the
	// ratio (年度完成率, basis points); of the projects with a plan for
	// the year, how many had started by the cut-off, and the ratio (开工率).
	ProjectsUnderWay     Figure `json:"projects_under_way,omitzero"`
	ProjectsStarted      Figure `json:"projects_started,omitzero"`
	ProjectsContinuing   Figure `json:"projects_continuing,omitzero"`
	ProjectsFinished     Figure `json:"projects_finished,omitzero"`
	YearPlannedFen       Figure `json:"year_planned_fen,omitzero"`
	YearInvestedFen      Figure `json:"year_invested_fen,omitzero"`
	YearCompletionRateBP int64  `json:"year_completion_rate_bp,omitzero"`
	YearPlannedProjects  Figure `json:"year_planned_projects,omitzero"`
	YearPlannedStarted   Figure `json:"year_planned_started,omitzero"`
	StartRateBP          int64  `json:"start_rate_bp,omitzero"`

	// Outbound staff in post (在岗) at some time in the year up to the
	// cut-off — sent in it, or before it and not returned before it — and
	// those of them who by the cut-off (or their return) had served one
	// year (一年以上); sent in the year (新选派) are the staff figures above.
	// StaffLeft, StaffAnniversary and StaffLeftAfterYear are the rows
	// these are counted from: returns, first anniversaries, and returns
	// after one.
	StaffInPost        Figure `json:"staff_in_post,omitzero"`
	StaffYearOrMore    Figure `json:"staff_year_or_more,omitzero"`
	StaffLeft          Figure `json:"staff_left,omitzero"`
	StaffAnniversary   Figure `json:"staff_anniversary,omitzero"`
	StaffLeftAfterYear Figure `json:"staff_left_after_year,omitzero"`
}

// PairingFigures are the figures of one pairing.
type PairingFigures struct {
	PairingID string      `json:"pairing_id"`
	Partner   events.Unit `json:"partner"`
	Programme string      `json:"programme"`
	Figures
	// Targets are the pairing's targets for the year as set by the
	// report's position (nil: none), and Progress compares each one set
	// with its result (see Figures.Result): plans, never results.
	Targets  *events.Targets  `json:"targets,omitempty"`
	Progress []TargetProgress `json:"progress,omitempty"`
}

// ProgrammeFigures are the figures of one programme's pairings summed
// (as the donor totals sum all pairings): its partners and pairings in
// Pairings order.
type ProgrammeFigures struct {
	Programme  string        `json:"programme"`
	Partners   []events.Unit `json:"partners"`
	PairingIDs []string      `json:"pairing_ids"`
	Figures
}

// FootnoteKind names a flag the summary must explain.
type FootnoteKind string

// Footnote kinds.
const (
	FootOverCommitment  FootnoteKind = "over_commitment"     // disbursed beyond the commitment, with approval
	FootCrossYear       FootnoteKind = "cross_year_reversal" // a reversal that moved money between fiscal years
	FootLateEntry       FootnoteKind = "late_entry"          // recorded after the cut-off, dated before it
	FootPartnerMismatch FootnoteKind = "partner_mismatch"    // supplier county ≠ the pairing's partner
	FootInKindValuation FootnoteKind = "in_kind_valuation"   // in-kind donation and its valuation basis
)

// Footnote is one flagged fact, structured; the texts are rendered here.
type Footnote struct {
	Kind      FootnoteKind `json:"kind"`
	PairingID string       `json:"pairing_id"`
	EventID   string       `json:"event_id"`
	// AmountFen is what the event contributed to Figure (a base figure):
	// fen for a money figure (…_fen), else a count.
	AmountFen int64       `json:"amount_fen"`
	Figure    string      `json:"figure,omitempty"`
	Date      events.Date `json:"date"`
	// Detail is kind-specific: the justification and approver, the
	// original's year, the recording date, the supplier county, the
	// valuation basis.
	Detail string `json:"detail"`
}

// LineItem is one event's contribution to the figures (sheet 2 of the
// XLSX): which figure, how much, and its document number.
type LineItem struct {
	EventID      string      `json:"event_id"`
	Position     int64       `json:"position"`
	Type         string      `json:"type"`
	PairingID    string      `json:"pairing_id"`
	Figure       string      `json:"figure"` // the Figures json name it counts in
	BusinessDate events.Date `json:"business_date"`
	AmountFen    int64       `json:"amount_fen"` // signed; counts carry 1 or -1
	DocumentNo   string      `json:"document_no"`
}

// Report is a donor's year-end summary as computed at a ledger position.
// Generating it again at the same position gives byte-identical output.
type Report struct {
	Donor  events.Unit `json:"donor"`
	Year   int         `json:"year"`
	Cutoff events.Date `json:"cutoff"` // default 31 December
	// Position and ChainHash identify the ledger state it was computed at.
	Position  int64   `json:"position"`
	ChainHash string  `json:"chain_hash"`
	Profile   Profile `json:"profile"`
	// DonorStyle is the donor's default paragraph style and lead-in, used
	// where Profile sets none.
	DonorStyle DonorStyle       `json:"donor_style,omitzero"`
	Pairings   []PairingFigures `json:"pairings"` // in the donor's report order
	// Programmes are the pairings' figures summed per programme, stated
	// across its partners (山海协作: 乙县和丙县 together), in the order the
	// programmes first appear in Pairings.
	Programmes []ProgrammeFigures `json:"programmes"`
	Totals     Figures            `json:"totals"`
	Footnotes  []Footnote         `json:"footnotes"`
	LineItems  LineItems          `json:"line_items"`
}

// Valid reports whether s is one of the styles.
func (s Style) Valid() bool {
	return s == StyleExact || s == StyleYu || s == StyleYue || s == StyleWan2
}

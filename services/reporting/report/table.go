package report

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aidledger/aidledger/projections/yearend"
)

// The summary table: one row per pairing (in r.Pairings order) and a
// totals row, three label columns and one column per figure, each header
// carrying its unit. Every format (text, Markdown, CSV, XLSX) uses these
// definitions, so their columns never drift apart.

// columnKind says how a figure column is rendered.
type columnKind int

const (
	kindCount columnKind = iota // an integer count (次, 名, 个)
	kindWan                     // fen, shown as exact 万元
	kindRate                    // basis points, shown as %
)

// column is one figure column.
type column struct {
	key   string // the Figures json name (as in LineItem.Figure)
	zh    string // Chinese header with unit
	en    string // English header with unit
	kind  columnKind
	value func(*yearend.Figures) int64
}

// columns are the figure columns, in table order.
var columns = []column{
	{"visits", "互访调研（次）", "Visits (times)", kindCount, func(f *yearend.Figures) int64 { return f.Visits.Value }},
	{"staff_cadre", "党政干部（名）", "Cadres (persons)", kindCount, func(f *yearend.Figures) int64 { return f.StaffCadre.Value }},
	{"staff_professional", "专业技术人才（名）", "Professional staff (persons)", kindCount, func(f *yearend.Figures) int64 { return f.StaffProfessional.Value }},
	{"staff_teacher", "其中支教（名）", "of which teachers (persons)", kindCount, func(f *yearend.Figures) int64 { return f.StaffTeacher.Value }},
	{"staff_doctor", "其中支医（名）", "of which doctors (persons)", kindCount, func(f *yearend.Figures) int64 { return f.StaffDoctor.Value }},
	{"staff_agronomist", "其中支农（名）", "of which agronomists (persons)", kindCount, func(f *yearend.Figures) int64 { return f.StaffAgronomist.Value }},
	{"staff_technician", "其中其他专技（名）", "of which other technicians (persons)", kindCount, func(f *yearend.Figures) int64 { return f.StaffTechnician.Value }},
	{"fiscal_disbursed_fen", "财政帮扶拨付（万元）", "Fiscal aid disbursed (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.FiscalDisbursedFen.Value }},
	{"fiscal_committed_fen", "财政资金计划（万元）", "Fiscal aid committed (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.FiscalCommittedFen.Value }},
	{"disbursal_rate_bp", "拨付率（%）", "Disbursal rate (%)", kindRate, func(f *yearend.Figures) int64 { return f.DisbursalRateBP }},
	{"receipts_confirmed_fen", "受援方确认到位（万元）", "Receipts confirmed (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.ReceiptsConfirmedFen.Value }},
	{"projects_registered", "援建项目（个）", "Projects (count)", kindCount, func(f *yearend.Figures) int64 { return f.ProjectsRegistered.Value }},
	{"projects_completed", "已完工项目（个）", "Projects completed (count)", kindCount, func(f *yearend.Figures) int64 { return f.ProjectsCompleted.Value }},
	{"planned_investment_fen", "计划投资（万元）", "Planned investment (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.PlannedInvestmentFen.Value }},
	{"completed_investment_fen", "完成投资（万元）", "Completed investment (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.CompletedInvestmentFen.Value }},
	{"social_fen", "社会帮扶（万元）", "Social aid (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.SocialFen.Value }},
	{"social_cash_fen", "其中捐款（万元）", "of which cash (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.SocialCashFen.Value }},
	{"social_in_kind_fen", "其中捐物折价（万元）", "of which in kind, valued (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.SocialInKindFen.Value }},
	{"consumption_fen", "消费帮扶（万元）", "Consumption aid (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.ConsumptionFen.Value }},
	{"purchases_fen", "其中采购（万元）", "of which purchases (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.PurchasesFen.Value }},
	{"sales_fen", "其中帮助销售（万元）", "of which facilitated sales (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.SalesFen.Value }},
}

// optionalColumns are groups of columns shown after columns when the
// totals have one of them non-zero: commitments not yet allocated, staff
// in post, projects by calendar year.
var optionalColumns = [][]column{unallocatedColumns, staffColumns, yearColumns, exchangeColumns, labourColumns, investmentColumns, trainingColumns, parkColumns, workshopColumns}

// unallocatedColumns are the commitments of several pairings not yet
// allocated (a programme's and the donor's; no pairing's).
var unallocatedColumns = []column{
	{"fiscal_unallocated_fen", "其中多地共享计划未分配（万元）", "of which shared commitments not yet allocated (10k CNY)", kindWan,
		func(f *yearend.Figures) int64 { return f.FiscalUnallocatedFen.Value }},
}

// staffColumns are the outbound staff in post.
var staffColumns = []column{
	{"staff_in_post", "在岗人才（名）", "Staff in post (persons)", kindCount, func(f *yearend.Figures) int64 { return f.StaffInPost.Value }},
	{"staff_year_or_more", "其中一年以上（名）", "of which a year or more (persons)", kindCount, func(f *yearend.Figures) int64 { return f.StaffYearOrMore.Value }},
}

// yearColumns are the columns of projects by calendar year.
var yearColumns = []column{
	{"projects_under_way", "年内实施项目（个）", "Projects under way (count)", kindCount, func(f *yearend.Figures) int64 { return f.ProjectsUnderWay.Value }},
	{"projects_started", "其中新开工（个）", "of which started (count)", kindCount, func(f *yearend.Figures) int64 { return f.ProjectsStarted.Value }},
	{"projects_continuing", "其中续建（个）", "of which continuing (count)", kindCount, func(f *yearend.Figures) int64 { return f.ProjectsContinuing.Value }},
	{"projects_finished", "年内竣工（个）", "Completed in the year (count)", kindCount, func(f *yearend.Figures) int64 { return f.ProjectsFinished.Value }},
	{"year_planned_fen", "年度计划投资（万元）", "Planned for the year (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.YearPlannedFen.Value }},
	{"year_invested_fen", "年度完成投资（万元）", "Invested in the year (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.YearInvestedFen.Value }},
	{"year_completion_rate_bp", "年度完成率（%）", "Annual completion rate (%)", kindRate, func(f *yearend.Figures) int64 { return f.YearCompletionRateBP }},
	{"start_rate_bp", "开工率（%）", "Start rate (%)", kindRate, func(f *yearend.Figures) int64 { return f.StartRateBP }},
}

// exchangeColumns are persons received from the partner side and visits
// led by the principal leader.
var exchangeColumns = []column{
	{"staff_inbound", "西部来挂职跟岗（名）", "Received from the partner (persons)", kindCount, func(f *yearend.Figures) int64 { return f.StaffInbound.Value }},
	{"visits_led_by_principal", "主要负责同志带队（次）", "Visits led by the principal leader (times)", kindCount, func(f *yearend.Figures) int64 { return f.VisitsLedByPrincipal.Value }},
}

// labourColumns are labour cooperation (劳务协作).
var labourColumns = []column{
	{"labour_persons", "转移就业（人）", "Workers placed in jobs (persons)", kindCount, func(f *yearend.Figures) int64 { return f.LabourPersons.Value }},
	{"labour_poverty_persons", "其中脱贫人口（人）", "of whom lifted out of poverty (persons)", kindCount, func(f *yearend.Figures) int64 { return f.LabourPovertyPersons.Value }},
}

// investmentColumns are enterprise investment (产业合作).
var investmentColumns = []column{
	{"investment_records", "引导企业投资（家次）", "Enterprise investments (count)", kindCount, func(f *yearend.Figures) int64 { return f.InvestmentRecords.Value }},
	{"investment_fen", "实际投资额（万元）", "Invested (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.InvestmentFen.Value }},
	{"investment_jobs", "带动就业（人）", "Jobs created (persons)", kindCount, func(f *yearend.Figures) int64 { return f.InvestmentJobs.Value }},
	{"investment_poverty_jobs", "其中脱贫人口（人）", "of which for people lifted out of poverty (persons)", kindCount, func(f *yearend.Figures) int64 { return f.InvestmentPovertyJobs.Value }},
}

// trainingColumns are trainings and agreements.
var trainingColumns = []column{
	{"trainings", "培训（期）", "Trainings (sessions)", kindCount, func(f *yearend.Figures) int64 { return f.Trainings.Value }},
	{"training_participants", "培训人次（人次）", "Training participants (person-times)", kindCount, func(f *yearend.Figures) int64 { return f.TrainingParticipants.Value }},
	{"agreements", "签订协议（份）", "Agreements signed (count)", kindCount, func(f *yearend.Figures) int64 { return f.Agreements.Value }},
}

// parkColumns are co-built parks (共建产业园区).
var parkColumns = []column{
	{"parks", "共建园区（个）", "Co-built parks (count)", kindCount, func(f *yearend.Figures) int64 { return f.Parks.Value }},
	{"park_enterprises", "入驻企业（家）", "Enterprises in parks (count)", kindCount, func(f *yearend.Figures) int64 { return f.ParkEnterprises.Value }},
	{"park_investment_fen", "园区投资（万元）", "Investment in parks (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.ParkInvestmentFen.Value }},
	{"park_returns_fen", "飞地返利（万元）", "Returns paid to the partner (10k CNY)", kindWan, func(f *yearend.Figures) int64 { return f.ParkReturnsFen.Value }},
}

// workshopColumns are assistance workshops (帮扶车间).
var workshopColumns = []column{
	{"workshops", "帮扶车间（个）", "Assistance workshops (count)", kindCount, func(f *yearend.Figures) int64 { return f.Workshops.Value }},
	{"workshop_employed", "车间吸纳就业（人）", "Employed in workshops (persons)", kindCount, func(f *yearend.Figures) int64 { return f.WorkshopEmployed.Value }},
	{"workshop_poverty_employed", "其中脱贫人口（人）", "of whom lifted out of poverty (persons)", kindCount, func(f *yearend.Figures) int64 { return f.WorkshopPovertyEmployed.Value }},
}

// reportColumns are the figure columns of r's table: columns, then each
// group of optionalColumns the totals have a non-zero figure of (a ledger
// without them renders as before).
func reportColumns(r *yearend.Report) []column {
	out := slices.Clip(columns)
	for _, group := range optionalColumns {
		if slices.ContainsFunc(group, func(c column) bool { return c.value(&r.Totals) != 0 }) {
			out = append(out, group...)
		}
	}
	return out
}

// header is the column's header in lang.
func (c column) header(lang string) string {
	if lang == LangEN {
		return c.en
	}
	return c.zh
}

// text renders the column's value of f as an exact decimal string in the
// header's unit: counts as integers, money as 万元 (WanDecimal), rates as
// percent (RateDecimal).
func (c column) text(f *yearend.Figures) string {
	v := c.value(f)
	switch c.kind {
	case kindWan:
		return WanDecimal(v)
	case kindRate:
		return RateDecimal(v)
	default:
		return strconv.FormatInt(v, 10)
	}
}

// labelColumns is the number of label columns before the figures.
const labelColumns = 3

// labelHeaders are the headers of the label columns.
func labelHeaders(lang string) []string {
	if lang == LangEN {
		return []string{"Partner", "Division code", "Programme"}
	}
	return []string{"结对地区", "行政区划代码", "协作类型"}
}

// tableRow is one row of the summary table.
type tableRow struct {
	labels  [labelColumns]string // partner, code, programme (localised)
	figures *yearend.Figures
}

// tableRows are the rows of r's summary table: every pairing; a subtotal
// (小计 / Subtotal) of each programme of several pairings, stated across
// its partners ("乙县、丙县"); then the donor totals labelled 合计 / Total.
func tableRows(r *yearend.Report, lang string) []tableRow {
	rows := make([]tableRow, 0, len(r.Pairings)+len(r.Programmes)+1)
	for i := range r.Pairings {
		pf := &r.Pairings[i]
		rows = append(rows, tableRow{
			labels:  [labelColumns]string{fullName(pf.Partner), pf.Partner.Code, programmeName(pf.Programme, lang)},
			figures: &pf.Figures,
		})
	}
	total, subtotal, sep := "合计", "小计", "、"
	if lang == LangEN {
		total, subtotal, sep = "Total", "Subtotal", ", "
	}
	for i := range r.Programmes {
		pg := &r.Programmes[i]
		if len(pg.Partners) < 2 {
			continue
		}
		names := make([]string, len(pg.Partners))
		for j, u := range pg.Partners {
			names[j] = fullName(u)
		}
		rows = append(rows, tableRow{
			labels:  [labelColumns]string{strings.Join(names, sep), subtotal, programmeName(pg.Programme, lang)},
			figures: &pg.Figures,
		})
	}
	rows = append(rows, tableRow{labels: [labelColumns]string{total, "", ""}, figures: &r.Totals})
	return rows
}

// Table is r's summary table as strings (every format renders it): the header
// and the rows, the last being the totals.
func Table(r *yearend.Report, lang string) (header []string, rows [][]string) {
	whole := printTable{cols: reportColumns(r)}
	return whole.header(lang), whole.cells(tableRows(r, lang), false)
}

// lineFigureNames name the figures a line item may count in that are
// not table columns (they feed derived columns).
var lineFigureNames = map[string][2]string{
	"year_planned_projects": {"年度计划项目", "Projects planned for the year"},
	"year_planned_started":  {"年度计划项目已开工", "Planned projects started"},
	"staff_left":            {"人才期满离岗", "Staff who left"},
	"staff_anniversary":     {"人才在岗满一年", "Staff a year in post"},
	"staff_left_after_year": {"人才满一年后离岗", "Staff who left after a year"},
}

// figureLabel names the figure called key (a Figures json name) in lang,
// without the column's unit ("财政帮扶拨付"), or is key itself when it is
// unknown.
func figureLabel(key, lang string) string {
	if name, ok := columnLabels()[lang][key]; ok {
		return name
	}
	return named(lineFigureNames, key, lang, key)
}

// columnLabels are the table's column headers without their units, by
// language and figure key (figureLabel is called for every line item).
var columnLabels = sync.OnceValue(func() map[string]map[string]string {
	out := map[string]map[string]string{LangZH: {}, LangEN: {}}
	for _, c := range slices.Concat(append([][]column{columns}, optionalColumns...)...) {
		for lang, names := range out {
			if _, ok := names[c.key]; !ok {
				name, _, _ := strings.Cut(c.header(lang), "（")
				name, _, _ = strings.Cut(name, " (")
				names[c.key] = name
			}
		}
	}
	return out
})

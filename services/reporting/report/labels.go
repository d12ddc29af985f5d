package report

import "github.com/aidledger/aidledger/projections/yearend"

// Language codes accepted by the renderers. Every exported function that
// takes a language renders English for LangEN and Chinese otherwise;
// Render alone rejects unknown codes.
const (
	LangZH = "zh"
	LangEN = "en"
)

// named is the name of key in lang from names (Chinese and English), or
// fallback when names has none.
func named[K comparable](names map[K][2]string, key K, lang, fallback string) string {
	n, ok := names[key]
	switch {
	case !ok:
		return fallback
	case lang == LangEN:
		return n[1]
	}
	return n[0]
}

// programmeNames are the Chinese and English names of the programmes
// (events.Programme values).
var programmeNames = map[string][2]string{
	"east_west":           {"东西部协作", "East–West Cooperation"},
	"counterpart_support": {"对口支援", "Counterpart Support"},
	"mountain_sea":        {"山海协作", "Mountain–Sea Cooperation"},
	"three_gorges":        {"三峡库区", "Three Gorges Reservoir Area Support"},
	"intra_province":      {"省内协作", "Intra-Provincial Cooperation"},
}

// programmeName is the name of programme p in lang, or p itself when the
// programme is unknown.
func programmeName(p, lang string) string { return named(programmeNames, p, lang, p) }

// styleNames are how the provenance names a Style.
var styleNames = map[yearend.Style][2]string{
	yearend.StyleExact: {"精确", "exact"},
	yearend.StyleYu:    {"余（只舍不入）", "“more than” (truncated)"},
	yearend.StyleYue:   {"约（四舍五入）", "“about” (rounded half up)"},
	yearend.StyleWan2:  {"精确到0.01万元（四舍五入）", "to CNY 100 (rounded half up)"},
}

// styleName is the name of s in lang, or s itself when unknown.
func styleName(s yearend.Style, lang string) string { return named(styleNames, s, lang, string(s)) }

// eventTypeNames are the Chinese and English names of the event types a
// report lists (line items, notes).
var eventTypeNames = map[string][2]string{
	"aid.pairing_established":            {"建立结对关系", "pairing established"},
	"aid.annual_targets_set":             {"下达年度目标任务", "annual targets set"},
	"aid.project_registered":             {"援建项目登记", "aid project registered"},
	"aid.project_progress_reported":      {"项目进度报告", "project progress reported"},
	"aid.project_year_planned":           {"项目年度计划", "project year planned"},
	"aid.funds_committed":                {"资金计划下达", "funds committed"},
	"aid.commitment_adjusted":            {"资金计划调整", "commitment adjusted"},
	"aid.commitment_allocated":           {"共享计划分配", "shared commitment allocated"},
	"aid.funds_disbursed":                {"资金拨付", "funds disbursed"},
	"aid.disbursement_reversed":          {"拨付冲正", "disbursement reversed"},
	"aid.funds_receipt_confirmed":        {"受援方确认到位", "receipt confirmed"},
	"aid.donation_received":              {"社会捐赠", "private donation received"},
	"aid.donation_reversed":              {"捐赠冲正", "donation reversed"},
	"aid.product_purchased":              {"采购农特产品", "products purchased"},
	"aid.purchase_reversed":              {"采购冲正", "purchase reversed"},
	"aid.sales_facilitated":              {"帮助销售", "sales facilitated"},
	"aid.sale_reversed":                  {"销售冲正", "sale reversed"},
	"aid.secondment_started":             {"选派人才到岗", "secondment started"},
	"aid.secondment_ended":               {"选派人才期满", "secondment ended"},
	"aid.secondment_reversed":            {"选派冲正", "secondment reversed"},
	"aid.visit_conducted":                {"互访调研", "visit conducted"},
	"aid.visit_reversed":                 {"互访冲正", "visit reversed"},
	"aid.labour_transfer_recorded":       {"劳务协作转移就业", "labour transfer recorded"},
	"aid.labour_transfer_reversed":       {"劳务协作冲正", "labour transfer reversed"},
	"aid.enterprise_investment_recorded": {"引导企业投资", "enterprise investment recorded"},
	"aid.investment_reversed":            {"投资冲正", "investment reversed"},
	"aid.training_held":                  {"干部人才培训", "training held"},
	"aid.training_reversed":              {"培训冲正", "training reversed"},
	"aid.agreement_signed":               {"签订合作协议", "agreement signed"},
	"aid.agreement_reversed":             {"协议冲正", "agreement reversed"},
	"aid.park_established":               {"共建产业园区", "park established"},
	"aid.park_reported":                  {"园区情况报告", "park reported"},
	"aid.park_reversed":                  {"园区冲正", "park reversed"},
	"aid.workshop_established":           {"建设帮扶车间", "workshop established"},
	"aid.workshop_reported":              {"车间情况报告", "workshop reported"},
	"aid.workshop_reversed":              {"车间冲正", "workshop reversed"},
	"aid.summary_generated":              {"年度总结报送", "summary published"},
	"aid.report_order_set":               {"设定报告顺序", "report order set"},
	"aid.report_style_set":               {"设定报告写法", "report style set"},
}

// eventTypeName is the name of event type t in lang, or t itself when it
// is unknown.
func eventTypeName(t, lang string) string { return named(eventTypeNames, t, lang, t) }

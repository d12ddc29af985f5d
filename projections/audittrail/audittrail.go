// Package audittrail is the audit-trail read model: every ledger event
// flattened into one row of proj_audittrail.audittrail, with the columns an
// auditor searches by (pairing, type, actor, business date, document number,
// donor and partner scope, entity) and the links from an original entry to
// what later acted on it (reversals, adjustments, receipts, progress
// reports, ends).
//
// The projection (Projection) is run by package projections; Apply writes a
// batch with one binary COPY. A rebuild may go through BulkLoader, which
// builds the secondary indexes once at the end instead of row by row. The
// queries (Query, Entity, Links) read the live model by schema-qualified
// names and work on any Querier: a pool, a connection or a transaction.
package audittrail

import (
	"embed"
	"io/fs"

	"github.com/aidledger/aidledger/projections"
)

// SchemaName is the Postgres schema of the read model ("proj_" + Name).
const SchemaName = "proj_audittrail"

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Projection is the audit-trail read model. Its zero value is ready to use
// and holds no state: everything it needs lives in its tables.
type Projection struct{}

var _ projections.Projection = Projection{}

// New returns the audit-trail projection.
func New() Projection { return Projection{} }

// Name is "audittrail": the schema is proj_audittrail.
func (Projection) Name() string { return "audittrail" }

// Migrations are the read model's tables (audittrail, pairings, members), with unqualified names, to be run with search_path set to
// proj_audittrail.
func (Projection) Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil { // the embedded directory always exists
		panic("audittrail: " + err.Error())
	}
	return sub
}

// Tables lists the tables of the read model with a deterministic order.
func (Projection) Tables() []projections.Table {
	return []projections.Table{
		{Name: "audittrail", OrderBy: "position"},
		{Name: "pairings", OrderBy: "pairing_id"},
		{Name: "members", OrderBy: "pairing_id, position"},
	}
}

// label is the Chinese and English name of an event type.
type label struct{ zh, en string }

// labels names every event type of the catalogue (events.Types); a test
// fails when a type is added without a label.
var labels = map[string]label{
	"aid.pairing_established":            {"建立结对关系", "Pairing established"},
	"aid.annual_targets_set":             {"年度目标任务", "Annual targets set"},
	"aid.project_registered":             {"援建项目立项", "Aid project registered"},
	"aid.project_progress_reported":      {"项目进度", "Project progress reported"},
	"aid.project_year_planned":           {"年度投资计划", "Project year planned"},
	"aid.funds_committed":                {"资金计划下达", "Funds committed"},
	"aid.commitment_adjusted":            {"计划调整", "Commitment adjusted"},
	"aid.commitment_allocated":           {"资金计划分配", "Commitment allocated"},
	"aid.funds_disbursed":                {"资金拨付", "Funds disbursed"},
	"aid.disbursement_reversed":          {"拨付冲正/资金退回", "Disbursement reversed / funds returned"},
	"aid.funds_receipt_confirmed":        {"受援方到位确认", "Receipt of funds confirmed"},
	"aid.donation_received":              {"社会帮扶(捐款捐物)", "Social donation received"},
	"aid.donation_reversed":              {"社会帮扶冲正", "Social donation reversed"},
	"aid.product_purchased":              {"消费帮扶-采购", "Products purchased (consumption aid)"},
	"aid.purchase_reversed":              {"消费帮扶-采购冲正", "Purchase reversed"},
	"aid.sales_facilitated":              {"消费帮扶-帮助销售", "Sales facilitated (consumption aid)"},
	"aid.sale_reversed":                  {"消费帮扶-帮助销售冲正", "Facilitated sale reversed"},
	"aid.secondment_started":             {"人才选派-到岗", "Secondment started"},
	"aid.secondment_ended":               {"人才选派-离岗", "Secondment ended"},
	"aid.secondment_reversed":            {"人才选派冲正", "Secondment reversed"},
	"aid.visit_conducted":                {"互访调研", "Visit conducted"},
	"aid.visit_reversed":                 {"互访调研冲正", "Visit reversed"},
	"aid.labour_transfer_recorded":       {"劳务协作", "Labour transfer recorded"},
	"aid.labour_transfer_reversed":       {"劳务协作冲正", "Labour transfer reversed"},
	"aid.enterprise_investment_recorded": {"产业合作-企业投资", "Enterprise investment recorded"},
	"aid.investment_reversed":            {"企业投资冲正/撤资", "Investment reversed / withdrawn"},
	"aid.training_held":                  {"干部人才培训", "Training held"},
	"aid.training_reversed":              {"培训冲正", "Training reversed"},
	"aid.agreement_signed":               {"合作协议", "Cooperation agreement signed"},
	"aid.agreement_reversed":             {"合作协议冲正", "Agreement reversed"},
	"aid.park_established":               {"共建产业园区", "Co-built park established"},
	"aid.park_reported":                  {"园区进展", "Park reported"},
	"aid.park_reversed":                  {"园区冲正", "Park reversed"},
	"aid.workshop_established":           {"帮扶车间", "Assistance workshop established"},
	"aid.workshop_reported":              {"车间用工", "Workshop employment reported"},
	"aid.workshop_reversed":              {"帮扶车间冲正", "Workshop reversed"},
	"aid.summary_generated":              {"生成年度总结", "Year-end summary generated"},
	"aid.report_order_set":               {"设置年度总结排序", "Year-end summary order set"},
	"aid.report_style_set":               {"设置年度总结写法", "Year-end summary style set"},
}

// Label returns the Chinese and English label of an event type. For a type
// it does not know (one newer than this package) both are the type string.
func Label(typ string) (zh, en string) {
	if l, ok := labels[typ]; ok {
		return l.zh, l.en
	}
	return typ, typ
}

package forms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/aidledger/aidledger/services/ledger"
)

// Choices of the enumerations, with their Chinese and English names.
var (
	Programmes = []Option{{"east_west", "东西部协作", "East–West cooperation"}, {"counterpart_support", "对口支援", "Counterpart support"},
		{"mountain_sea", "山海协作", "Mountain–sea cooperation"}, {"three_gorges", "三峡库区", "Three Gorges area"},
		{"intra_province", "省内协作", "Intra-provincial"}, {"grain_cooperation", "粮食产销合作", "Grain production and marketing cooperation"},
		{"friendship", "友好合作", "Friendship cooperation"}}
	SourceLevels  = []Option{{"district", "区级", "District"}, {"city", "市级", "City"}, {"province", "省级", "Province"}}
	Reasons       = []Option{{"entry_error", "录入错误(冲正)", "Entry error"}, {"funds_returned", "资金退回", "Funds returned"}}
	DonationKinds = []Option{{"cash", "捐款", "Cash"}, {"in_kind", "捐物", "In kind"}}
	DonorTypes    = []Option{{"enterprise", "企业", "Enterprise"}, {"social_org", "社会组织", "Social organisation"},
		{"individual", "个人", "Individual"}, {"public_body", "机关事业单位", "Public body"}, {"other", "其他", "Other"}}
	Channels = []Option{{"platform_832", "832平台", "832 platform"}, {"fair", "展销会", "Fair"}, {"canteen", "食堂采购", "Canteen"},
		{"union", "工会福利", "Trade union"}, {"ecommerce", "电商", "E-commerce"}, {"store", "消费帮扶专馆专柜", "Store or counter"},
		{"other", "其他", "Other"}}
	StaffCategories = []Option{{"cadre", "党政挂职", "Cadre"}, {"teacher", "支教", "Teacher"}, {"doctor", "支医", "Doctor"},
		{"agronomist", "支农", "Agronomist"}, {"technician", "其他专技", "Other professional"}}
	Directions           = []Option{{"outbound", "走出去(赴受援地)", "Outbound"}, {"inbound", "请进来(受援地来访)", "Inbound"}}
	DeliveryModes        = []Option{{"cheque", "交支票", "Cheque"}, {"turnkey", "交钥匙", "Turnkey"}}
	ProjectTiers         = []Option{{"national", "国家级", "National"}, {"provincial", "省级", "Provincial"}, {"municipal", "市级", "Municipal"}, {"county", "县级", "County"}}
	SecondmentDirections = []Option{{"outbound", "东部派出", "Sent by the donor"}, {"inbound", "西部来挂职、跟岗", "Received from the partner"}}
	LabourDestinations   = []Option{{"donor_area", "到援助方就业", "In the donor's area"}, {"other_east", "到其他东部地区就业", "Elsewhere in the east"},
		{"near_home", "就地就近就业", "Near home"}}
	TrainingKinds = []Option{{"cadre", "党政干部培训", "Cadres"}, {"technical", "专业技术人才培训", "Professionals"},
		{"labour_skills", "劳动力技能培训", "Workers' skills"}}
	ParkKinds = []Option{{"co_built_park", "共建园区", "Co-built park"}, {"enclave", "飞地园区", "Enclave"}}
	// YesNoOptions are the values of a YesNo field.
	YesNoOptions = []Option{{"true", "是", "Yes"}, {"false", "否", "No"}}
	Statuses     = []Option{{"not_started", "未开工", "Not started"}, {"in_progress", "在建", "In progress"},
		{"completed", "完工", "Completed"}, {"accepted", "已验收", "Accepted"}}
)

// OptionName is the name of value among options in lang (value itself
// when unknown).
func OptionName(options []Option, value, lang string) string {
	for _, o := range options {
		if o.Value == value {
			if lang == "en" {
				return o.EN
			}
			return o.ZH
		}
	}
	return value
}

// Common fields.
var (
	pairingField = Field{Key: "pairing_id", ZH: "结对关系", EN: "Pairing", Kind: Pairing, Required: true}
	docNoField   = Field{Key: "doc_no", ZH: "文号", EN: "Document no.", Kind: Text}
	noteField    = Field{Key: "note", ZH: "备注", EN: "Note", Kind: LongText}
	reasonField  = Field{Key: "reason", ZH: "冲正原因", EN: "Reason", Kind: Choice, Required: true, Options: Reasons,
		HelpZH: "录入错误:原记录不应存在,计入原记录年度;资金退回:资金实际退回,计入退回当年", HelpEN: "Entry error: the entry should not have been made (counts in its year); funds returned: money came back (counts in its own year)"}
	businessDateField = func(zh, en string) Field {
		return Field{Key: "business_date", ZH: zh, EN: en, Kind: Date, Required: true}
	}
)

// catalogue lists every form, by name.
var catalogue = []*Form{
	{Name: "pairing", TitleZH: "建立结对关系", TitleEN: "Establish a pairing", Fields: []Field{
		{Key: "donor.code", ZH: "援助方代码", EN: "Donor code", Kind: Text, Required: true},
		{Key: "donor.name", ZH: "援助方名称", EN: "Donor name", Kind: Text, Required: true, HelpZH: "如 常州市钟楼区", HelpEN: "e.g. 常州市钟楼区"},
		{Key: "donor.short_name", ZH: "援助方简称", EN: "Donor short name", Kind: Text, Required: true, HelpZH: "用于年度总结,如 钟楼", HelpEN: "Used in the year-end text"},
		{Key: "partner.code", ZH: "受援地行政区划代码", EN: "Partner division code", Kind: Text, Required: true, HelpZH: "6 位代码", HelpEN: "6 digits"},
		{Key: "partner.name", ZH: "受援地名称", EN: "Partner name", Kind: Text, Required: true},
		{Key: "partner.short_name", ZH: "受援地简称", EN: "Partner short name", Kind: Text, Required: true},
		{Key: "programme", ZH: "协作类型", EN: "Programme", Kind: Choice, Required: true, Options: Programmes},
		{Key: "agreement_doc_no", ZH: "协议文号", EN: "Agreement no.", Kind: Text, Required: true},
		{Key: "valid_from", ZH: "有效期起", EN: "Valid from", Kind: Date, Required: true},
		{Key: "valid_to", ZH: "有效期止", EN: "Valid to", Kind: Date, Required: true},
	}, submit: create((*ledger.Ledger).EstablishPairing)},
	{Name: "targets", Target: "pairing", TitleZH: "年度目标任务", TitleEN: "Set annual targets", Fields: []Field{
		{Key: "year", ZH: "年度", EN: "Year", Kind: Int, Required: true},
		{Key: "targets.fiscal_fen", ZH: "财政帮扶目标(元)", EN: "Fiscal aid (yuan)", Kind: Money},
		{Key: "targets.social_fen", ZH: "社会帮扶目标(元)", EN: "Social aid (yuan)", Kind: Money},
		{Key: "targets.consumption_fen", ZH: "消费帮扶目标(元)", EN: "Consumption aid (yuan)", Kind: Money},
		{Key: "targets.persons_employed", ZH: "劳务协作转移就业(人)", EN: "Persons employed", Kind: Int},
		{Key: "targets.poverty_persons_employed", ZH: "其中脱贫人口(人)", EN: "Of whom lifted out of poverty", Kind: Int},
		{Key: "targets.enterprises", ZH: "引导企业投资(家)", EN: "Enterprises investing", Kind: Int},
		{Key: "targets.investment_fen", ZH: "实际到位投资(元)", EN: "Investment made (yuan)", Kind: Money},
		{Key: "targets.staff", ZH: "选派人才(名)", EN: "Staff (persons)", Kind: Int},
		{Key: "targets.visits", ZH: "互访调研(次)", EN: "Visits", Kind: Int},
		{Key: "targets.trainees", ZH: "培训(人次)", EN: "Trainees", Kind: Int},
		{Key: "targets.projects", ZH: "援建项目(个)", EN: "Projects", Kind: Int},
		docNoField,
	}, submit: onTarget((*ledger.Ledger).SetTargets)},
	{Name: "commitment", TitleZH: "资金计划下达", TitleEN: "Commit funds", Fields: []Field{
		pairingField,
		{Key: "project_id", ZH: "援建项目", EN: "Aid project", Kind: Project},
		{Key: "amount_fen", ZH: "计划金额(元)", EN: "Amount (yuan)", Kind: Money, Required: true},
		{Key: "budget_year", ZH: "预算年度", EN: "Budget year", Kind: Int, Required: true},
		{Key: "source_level", ZH: "资金来源", EN: "Source level", Kind: Choice, Required: true, Options: SourceLevels},
		{Key: "doc_no", ZH: "文号", EN: "Document no.", Kind: Text, Required: true, HelpZH: "资金计划下达文件文号,如 钟财〔2025〕12号", HelpEN: "The budget document's number"},
		{Key: "batch", ZH: "批次", EN: "Batch", Kind: Text},
		businessDateField("下达日期", "Date"),
		{Key: "shares", ZH: "多个结对关系共享", EN: "Shared by several pairings", Kind: Shares,
			HelpZH: "同一协作类型的多个受援县共用一项资金计划时,勾选全部受援县(含上面所选)并填各自分配金额;尚未分配的留空,作“未分配”列示",
			HelpEN: "When one commitment funds several partner counties of one programme: tick every one (the pairing above included) with its share; leave a share blank when not yet known — it is shown as unallocated"},
	}, arrange: leadShareFirst, submit: create((*ledger.Ledger).CommitFunds)},
	{Name: "allocation", Target: "commitment", TitleZH: "资金计划分配", TitleEN: "Allocate a shared commitment", Fields: []Field{
		{Key: "shares", ZH: "各结对关系分配", EN: "Shares", Kind: Shares, Required: true,
			HelpZH: "列出该计划涉及的全部结对关系及各自分配金额,合计不超过计划金额;其余为未分配",
			HelpEN: "Every pairing of the commitment with its share, together not above the amount committed; the rest stays unallocated"},
		{Key: "doc_no", ZH: "文号", EN: "Document no.", Kind: Text},
		businessDateField("分配日期", "Date"),
	}, submit: onTarget((*ledger.Ledger).AllocateCommitment)},
	{Name: "adjustment", Target: "commitment", TitleZH: "资金计划调整", TitleEN: "Adjust a commitment", Fields: []Field{
		{Key: "delta_fen", ZH: "调整金额(元)", EN: "Change (yuan)", Kind: Signed, Required: true, HelpZH: "调增填正数,调减填负数;调减后不得低于已拨付金额", HelpEN: "Positive to raise, negative to lower; never below what was disbursed"},
		{Key: "reason", ZH: "调整原因", EN: "Reason", Kind: LongText, Required: true},
		{Key: "doc_no", ZH: "文号", EN: "Document no.", Kind: Text, Required: true},
		businessDateField("调整日期", "Date"),
	}, submit: onTarget((*ledger.Ledger).AdjustCommitment)},
	{Name: "disbursement", TitleZH: "资金拨付", TitleEN: "Disburse funds", Fields: []Field{
		{Key: "commitment_id", ZH: "资金计划", EN: "Commitment", Kind: Commitment, Required: true},
		{Key: "amount_fen", ZH: "拨付金额(元)", EN: "Amount (yuan)", Kind: Money, Required: true},
		businessDateField("拨付日期", "Date paid"),
		{Key: "payee_name", ZH: "收款单位", EN: "Payee", Kind: Text, Required: true},
		{Key: "payee_credit_code", ZH: "统一社会信用代码", EN: "Payee credit code", Kind: Text},
		{Key: "voucher_no", ZH: "支付凭证号", EN: "Voucher no.", Kind: Text, Required: true, HelpZH: "本援助方内唯一", HelpEN: "Unique per donor"},
		{Key: "over_commitment.justification", ZH: "超计划拨付说明", EN: "Over-commitment justification", Kind: LongText,
			HelpZH: "仅当本次拨付使累计拨付超过计划金额时填写", HelpEN: "Only when this disbursement takes the total beyond the commitment"},
		{Key: "over_commitment.approved_by", ZH: "超计划拨付批准人", EN: "Over-commitment approved by", Kind: Text},
		{Key: "pairing_id", ZH: "拨付给", EN: "Paid to", Kind: Pairing,
			HelpZH: "仅多地共享的资金计划填写:本次拨付给哪个受援县", HelpEN: "Only for a commitment shared by several pairings: the one this payment is for"},
	}, submit: create((*ledger.Ledger).DisburseFunds)},
	{Name: "disbursement_reversal", Target: "disbursement", TitleZH: "拨付冲正 / 资金退回", TitleEN: "Reverse a disbursement", Fields: []Field{
		{Key: "amount_fen", ZH: "冲正金额(元)", EN: "Amount (yuan)", Kind: Money, Required: true, HelpZH: "可部分冲正,不超过未冲正余额", HelpEN: "Partial reversals are allowed, up to what is left"},
		reasonField,
		businessDateField("冲正日期", "Date"),
		{Key: "doc_no", ZH: "文号", EN: "Document no.", Kind: Text, Required: true},
		noteField,
	}, submit: onTarget((*ledger.Ledger).ReverseDisbursement)},
	{Name: "receipt", Target: "disbursement", TitleZH: "受援方到位确认", TitleEN: "Confirm receipt", Fields: []Field{
		{Key: "received_date", ZH: "到位日期", EN: "Date received", Kind: Date, Required: true},
		{Key: "receipt_ref", ZH: "收款凭证号", EN: "Receipt reference", Kind: Text, Required: true},
	}, submit: onTarget((*ledger.Ledger).ConfirmReceipt)},
	{Name: "donation", TitleZH: "社会帮扶(捐款捐物)", TitleEN: "Record a donation", Fields: []Field{
		pairingField,
		{Key: "donor_name", ZH: "捐赠方", EN: "Donor name", Kind: Text, Required: true},
		{Key: "donor_type", ZH: "捐赠方类型", EN: "Donor type", Kind: Choice, Required: true, Options: DonorTypes},
		{Key: "kind", ZH: "捐赠形式", EN: "Kind", Kind: Choice, Required: true, Options: DonationKinds},
		{Key: "amount_fen", ZH: "金额或折价(元)", EN: "Amount or value (yuan)", Kind: Money, Required: true},
		{Key: "valuation_basis", ZH: "折价依据", EN: "Valuation basis", Kind: Text, HelpZH: "捐物必填:发票、市场价等", HelpEN: "Required for in-kind: invoice, market price …"},
		{Key: "receipt_no", ZH: "捐赠票据号", EN: "Receipt no.", Kind: Text, Required: true, HelpZH: "本援助方内唯一", HelpEN: "Unique per donor"},
		businessDateField("捐赠日期", "Date"),
	}, submit: create((*ledger.Ledger).RecordDonation)},
	{Name: "purchase", TitleZH: "消费帮扶—采购", TitleEN: "Record a purchase", Fields: []Field{
		pairingField,
		{Key: "buyer_name", ZH: "采购单位", EN: "Buyer", Kind: Text, Required: true},
		{Key: "supplier_name", ZH: "供应商", EN: "Supplier", Kind: Text, Required: true},
		{Key: "supplier_county_code", ZH: "供应商所在县代码", EN: "Supplier county code", Kind: Text, HelpZH: "6 位行政区划代码", HelpEN: "6-digit division code"},
		{Key: "product", ZH: "产品", EN: "Product", Kind: Text, Required: true},
		{Key: "quantity", ZH: "数量", EN: "Quantity", Kind: Text},
		{Key: "unit", ZH: "单位", EN: "Unit", Kind: Text},
		{Key: "amount_fen", ZH: "金额(元)", EN: "Amount (yuan)", Kind: Money, Required: true},
		{Key: "channel", ZH: "渠道", EN: "Channel", Kind: Choice, Required: true, Options: Channels},
		{Key: "order_no", ZH: "订单号", EN: "Order no.", Kind: Text, Required: true, HelpZH: "同一渠道内唯一", HelpEN: "Unique per channel"},
		{Key: "completed_date", ZH: "完成日期", EN: "Completed on", Kind: Date, Required: true},
	}, submit: create((*ledger.Ledger).RecordPurchase)},
	{Name: "sale", TitleZH: "消费帮扶—帮助销售", TitleEN: "Record facilitated sales", Fields: []Field{
		pairingField,
		{Key: "channel", ZH: "渠道", EN: "Channel", Kind: Choice, Required: true, Options: Channels},
		{Key: "seller", ZH: "销售方", EN: "Seller", Kind: Text},
		{Key: "order_no", ZH: "订单号", EN: "Order no.", Kind: Text},
		{Key: "period_from", ZH: "起始日期", EN: "Period from", Kind: Date, Required: true},
		{Key: "period_to", ZH: "截止日期", EN: "Period to", Kind: Date, Required: true},
		{Key: "amount_fen", ZH: "销售额(元)", EN: "Amount (yuan)", Kind: Money, Required: true},
		{Key: "evidence", ZH: "佐证材料", EN: "Evidence", Kind: LongText},
	}, submit: create((*ledger.Ledger).RecordSale)},
	{Name: "secondment", TitleZH: "人才选派", TitleEN: "Start a secondment", Fields: []Field{
		pairingField,
		{Key: "person_ref", ZH: "人员代号", EN: "Person reference", Kind: Text, Required: true, HelpZH: "化名或代号,不填姓名和身份证号", HelpEN: "A pseudonym, never a name or ID number"},
		{Key: "category", ZH: "类别", EN: "Category", Kind: Choice, Required: true, Options: StaffCategories},
		{Key: "direction", ZH: "选派方向", EN: "Direction", Kind: Choice, Options: SecondmentDirections, HelpZH: "不填则为东部派出", HelpEN: "Sent by the donor when blank"},
		{Key: "sending_org", ZH: "派出单位", EN: "Sending organisation", Kind: Text, Required: true},
		{Key: "host_org", ZH: "接收单位", EN: "Host organisation", Kind: Text, Required: true},
		{Key: "start_date", ZH: "到岗日期", EN: "Start date", Kind: Date, Required: true},
		{Key: "planned_end_date", ZH: "计划结束日期", EN: "Planned end", Kind: Date},
		{Key: "end_date", ZH: "实际结束日期", EN: "End date", Kind: Date, HelpZH: "已结束的选派可一并登记", HelpEN: "For a secondment already over"},
	}, submit: create((*ledger.Ledger).StartSecondment)},
	{Name: "secondment_end", Target: "secondment", TitleZH: "选派结束", TitleEN: "End a secondment", Fields: []Field{
		{Key: "end_date", ZH: "结束日期", EN: "End date", Kind: Date, Required: true},
	}, submit: onTarget((*ledger.Ledger).EndSecondment)},
	{Name: "visit", TitleZH: "互访调研", TitleEN: "Record a visit", Fields: []Field{
		{Key: "pairing_ids", ZH: "结对关系", EN: "Pairings", Kind: Pairings, Required: true, HelpZH: "可多选;导入时以逗号分隔", HelpEN: "One or more; comma-separated in imports"},
		{Key: "direction", ZH: "方向", EN: "Direction", Kind: Choice, Required: true, Options: Directions},
		{Key: "lead_level", ZH: "带队领导级别", EN: "Leader's rank", Kind: Text},
		{Key: "start_date", ZH: "开始日期", EN: "Start date", Kind: Date, Required: true},
		{Key: "end_date", ZH: "结束日期", EN: "End date", Kind: Date},
		{Key: "delegation_size", ZH: "人数", EN: "Delegation size", Kind: Int},
		{Key: "purpose", ZH: "事由", EN: "Purpose", Kind: LongText},
		{Key: "led_by_principal", ZH: "党政主要负责同志带队", EN: "Led by the principal leader", Kind: YesNo, Options: YesNoOptions},
	}, submit: create((*ledger.Ledger).RecordVisit)},
	{Name: "labour_transfer", TitleZH: "劳务协作", TitleEN: "Record a labour transfer", Fields: []Field{
		pairingField,
		{Key: "period_from", ZH: "统计期起", EN: "Period from", Kind: Date, Required: true},
		{Key: "period_to", ZH: "统计期止", EN: "Period to", Kind: Date, Required: true, HelpZH: "计入统计期止所在年度", HelpEN: "Counts in the year the period ends"},
		{Key: "destination", ZH: "就业去向", EN: "Destination", Kind: Choice, Required: true, Options: LabourDestinations},
		{Key: "persons", ZH: "转移就业人数", EN: "Persons employed", Kind: Int, Required: true},
		{Key: "poverty_persons", ZH: "其中脱贫人口", EN: "Of whom lifted out of poverty", Kind: Int, Required: true},
		{Key: "training_sessions", ZH: "技能培训期数", EN: "Training sessions", Kind: Int},
		{Key: "trainees", ZH: "培训人次", EN: "Trainees", Kind: Int},
		{Key: "doc_no", ZH: "文号或台账编号", EN: "Document no.", Kind: Text, Required: true, HelpZH: "与统计期、去向一起在本结对内唯一", HelpEN: "Unique with the period and destination in the pairing"},
	}, submit: create((*ledger.Ledger).RecordLabourTransfer)},
	{Name: "investment", TitleZH: "产业合作—企业投资", TitleEN: "Record an enterprise investment", Fields: []Field{
		pairingField,
		{Key: "enterprise_name", ZH: "企业名称", EN: "Enterprise", Kind: Text, Required: true},
		{Key: "credit_code", ZH: "统一社会信用代码", EN: "Unified social credit code", Kind: Text, Required: true, HelpZH: "18 位,核对校验位", HelpEN: "18 characters; the check character is verified"},
		{Key: "project_name", ZH: "投资项目", EN: "Project", Kind: Text, Required: true},
		{Key: "sector", ZH: "行业", EN: "Sector", Kind: Text, Required: true},
		{Key: "amount_fen", ZH: "实际到位投资(元)", EN: "Investment made (yuan)", Kind: Money, Required: true},
		{Key: "invested_date", ZH: "到位日期", EN: "Invested on", Kind: Date, Required: true},
		{Key: "jobs", ZH: "带动就业人数", EN: "Jobs created", Kind: Int},
		{Key: "poverty_jobs", ZH: "其中脱贫人口", EN: "Of which for people lifted out of poverty", Kind: Int},
		{Key: "park_id", ZH: "入驻园区编号", EN: "Park id", Kind: Text, HelpZH: "入驻本结对共建园区时填写(见结对页园区列表)", HelpEN: "When in a co-built park of the pairing (see the pairing's parks)"},
	}, submit: create((*ledger.Ledger).RecordInvestment)},
	{Name: "training", TitleZH: "干部人才培训", TitleEN: "Record a training", Fields: []Field{
		pairingField,
		{Key: "kind", ZH: "培训类别", EN: "Kind", Kind: Choice, Required: true, Options: TrainingKinds},
		{Key: "start_date", ZH: "开始日期", EN: "Start date", Kind: Date, Required: true},
		{Key: "end_date", ZH: "结束日期", EN: "End date", Kind: Date, Required: true},
		{Key: "participants", ZH: "培训人次", EN: "Participants", Kind: Int, Required: true},
		{Key: "organiser", ZH: "主办单位", EN: "Organiser", Kind: Text, Required: true},
	}, submit: create((*ledger.Ledger).RecordTraining)},
	{Name: "agreement", TitleZH: "合作协议", TitleEN: "Record an agreement", Fields: []Field{
		pairingField,
		{Key: "title", ZH: "协议名称", EN: "Title", Kind: Text, Required: true},
		{Key: "doc_no", ZH: "协议文号", EN: "Document no.", Kind: Text, Required: true, HelpZH: "本结对内唯一", HelpEN: "Unique in the pairing"},
		{Key: "signed_date", ZH: "签订日期", EN: "Signed on", Kind: Date, Required: true},
		{Key: "mechanism", ZH: "工作机制", EN: "Mechanism", Kind: Text, HelpZH: "如 联席会议", HelpEN: "e.g. joint meetings"},
	}, submit: create((*ledger.Ledger).SignAgreement)},
	{Name: "park", TitleZH: "共建产业园区", TitleEN: "Establish a co-built park", Fields: []Field{
		pairingField,
		{Key: "name", ZH: "园区名称", EN: "Name", Kind: Text, Required: true, HelpZH: "本结对内唯一", HelpEN: "Unique in the pairing"},
		{Key: "kind", ZH: "园区类型", EN: "Kind", Kind: Choice, Required: true, Options: ParkKinds},
		{Key: "location_code", ZH: "所在县区代码", EN: "Location code", Kind: Text, Required: true, HelpZH: "6 位行政区划代码", HelpEN: "6-digit division code"},
		{Key: "established_date", ZH: "设立日期", EN: "Established on", Kind: Date, Required: true},
	}, submit: create((*ledger.Ledger).EstablishPark)},
	{Name: "park_report", Target: "park", TitleZH: "园区进展", TitleEN: "Report on a park", Fields: []Field{
		{Key: "as_of", ZH: "截至日期", EN: "As of", Kind: Date, Required: true},
		{Key: "enterprises", ZH: "累计入驻企业(家)", EN: "Enterprises settled (cumulative)", Kind: Int, Required: true},
		{Key: "investment_fen", ZH: "累计投资(元)", EN: "Investment (yuan, cumulative)", Kind: Money, Required: true},
		{Key: "output_fen", ZH: "累计产值(元)", EN: "Output (yuan, cumulative)", Kind: Money},
		{Key: "returns_fen", ZH: "累计飞地返利(元)", EN: "Returns to the partner (yuan, cumulative)", Kind: Money, HelpZH: "仅飞地园区", HelpEN: "Enclaves only"},
	}, submit: onTarget((*ledger.Ledger).ReportPark)},
	{Name: "workshop", TitleZH: "帮扶车间", TitleEN: "Establish an assistance workshop", Fields: []Field{
		pairingField,
		{Key: "name", ZH: "车间名称", EN: "Name", Kind: Text, Required: true},
		{Key: "village", ZH: "所在村", EN: "Village", Kind: Text, Required: true, HelpZH: "与名称一起在本结对内唯一", HelpEN: "Unique with the name in the pairing"},
		{Key: "established_date", ZH: "设立日期", EN: "Established on", Kind: Date, Required: true},
	}, submit: create((*ledger.Ledger).EstablishWorkshop)},
	{Name: "workshop_report", Target: "workshop", TitleZH: "车间用工", TitleEN: "Report a workshop's employment", Fields: []Field{
		{Key: "as_of", ZH: "截至日期", EN: "As of", Kind: Date, Required: true},
		{Key: "employed", ZH: "吸纳就业人数", EN: "People employed", Kind: Int, Required: true},
		{Key: "poverty_employed", ZH: "其中脱贫人口", EN: "Of whom lifted out of poverty", Kind: Int, Required: true},
	}, submit: onTarget((*ledger.Ledger).ReportWorkshop)},
	{Name: "project", TitleZH: "援建项目立项", TitleEN: "Register an aid project", Fields: []Field{
		pairingField,
		{Key: "name", ZH: "项目名称", EN: "Name", Kind: Text, Required: true},
		{Key: "sector", ZH: "领域", EN: "Sector", Kind: Text, Required: true, HelpZH: "如 教育、医疗、产业、基础设施", HelpEN: "e.g. education, health, industry"},
		{Key: "delivery_mode", ZH: "建设方式", EN: "Delivery mode", Kind: Choice, Required: true, Options: DeliveryModes},
		{Key: "planned_total_fen", ZH: "计划投资(元)", EN: "Planned investment (yuan)", Kind: Money, Required: true},
		{Key: "plan_year", ZH: "计划年度", EN: "Plan year", Kind: Int, Required: true},
		{Key: "business_date", ZH: "立项日期", EN: "Registered on", Kind: Date},
		{Key: "tier", ZH: "项目层级", EN: "Tier", Kind: Choice, Options: ProjectTiers},
	}, submit: create((*ledger.Ledger).RegisterProject)},
	{Name: "progress", Target: "project", TitleZH: "项目进度", TitleEN: "Report progress", Fields: []Field{
		{Key: "as_of", ZH: "截至日期", EN: "As of", Kind: Date, Required: true},
		{Key: "status", ZH: "状态", EN: "Status", Kind: Choice, Required: true, Options: Statuses},
		{Key: "completed_investment_fen", ZH: "已完成投资(元)", EN: "Investment completed (yuan)", Kind: Money, Required: true},
		{Key: "started_on", ZH: "开工日期", EN: "Started on", Kind: Date, HelpZH: "不填则以首次报告在建的截至日期为开工日期", HelpEN: "when empty, the as-of date of the first report showing it under way"},
		{Key: "completed_on", ZH: "竣工日期", EN: "Completed on", Kind: Date, HelpZH: "不填则以首次报告完工的截至日期为竣工日期", HelpEN: "when empty, the as-of date of the first report showing it completed"},
	}, submit: onTarget((*ledger.Ledger).ReportProgress)},
	{Name: "year_plan", Target: "project", TitleZH: "年度投资计划", TitleEN: "Plan a year's investment", Fields: []Field{
		{Key: "year", ZH: "年度", EN: "Year", Kind: Int, Required: true},
		{Key: "planned_fen", ZH: "年度计划投资(元)", EN: "Planned that year (yuan)", Kind: Money, Required: true, HelpZH: "填 0 撤销该年度计划", HelpEN: "0 withdraws the year's plan"},
		{Key: "business_date", ZH: "下达日期", EN: "Approved on", Kind: Date},
	}, submit: onTarget((*ledger.Ledger).PlanProjectYear)},
}

// Entry reversals: one form per kind of entry.
func init() {
	for _, k := range []struct{ kind, zh, en string }{
		{"donation", "社会帮扶冲正", "Reverse a donation"}, {"purchase", "采购冲正", "Reverse a purchase"},
		{"sale", "帮助销售冲正", "Reverse facilitated sales"}, {"visit", "互访调研冲正", "Reverse a visit"},
		{"secondment", "人才选派冲正", "Reverse a secondment"}, {"labour_transfer", "劳务协作冲正", "Reverse a labour transfer"},
		{"investment", "企业投资冲正/撤资", "Reverse an investment"}, {"training", "培训冲正", "Reverse a training"},
		{"agreement", "合作协议冲正", "Reverse an agreement"}, {"park", "园区冲正", "Reverse a park"},
		{"workshop", "帮扶车间冲正", "Reverse a workshop"},
	} {
		fields := []Field{reasonField}
		if slices.ContainsFunc(ledger.EntryKinds, func(e ledger.EntryKind) bool { return e.Name == k.kind && e.Money }) {
			fields = append(fields, Field{Key: "amount_fen", ZH: "冲正金额(元)", EN: "Amount (yuan)", Kind: Money,
				HelpZH: "不填则冲正全部余额", HelpEN: "The whole remainder when left blank"})
		} else {
			fields[0].Options = Reasons[:1]
		}
		fields = append(fields, Field{Key: "business_date", ZH: "冲正日期", EN: "Date", Kind: Date, HelpZH: "不填则为今天", HelpEN: "Today when blank"},
			Field{Key: "doc_no", ZH: "文号", EN: "Document no.", Kind: Text, Required: true}, noteField)
		kind := k.kind
		catalogue = append(catalogue, &Form{Name: kind + "_reversal", Target: kind, TitleZH: k.zh, TitleEN: k.en, Fields: fields,
			submit: onTarget(func(l *ledger.Ledger, ctx context.Context, req ledger.Request, id string, cmd ledger.ReverseEntry) (*ledger.Written, error) {
				return l.ReverseEntry(ctx, req, kind, id, cmd)
			})})
	}
}

// Lookup returns the form named name.
func Lookup(name string) (*Form, bool) {
	i := slices.IndexFunc(catalogue, func(f *Form) bool { return f.Name == name })
	if i < 0 {
		return nil, false
	}
	return catalogue[i], true
}

// All lists every form.
func All() []*Form { return slices.Clone(catalogue) }

// decode reads body into a command, refusing unknown fields.
func decode[C any](body []byte) (C, error) {
	var cmd C
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cmd); err != nil {
		return cmd, &ledger.Rejection{Status: http.StatusBadRequest, Code: ledger.CodeMalformedRequest,
			Message: fmt.Sprintf("the form's values do not make a command: %v", err), MessageZh: "表单内容无法构成有效请求"}
	}
	return cmd, nil
}

// create adapts a command that creates an entity.
func create[C any](run func(*ledger.Ledger, context.Context, ledger.Request, C) (*ledger.Written, error)) func(context.Context, *ledger.Ledger, ledger.Request, string, []byte) (*ledger.Written, error) {
	return func(ctx context.Context, l *ledger.Ledger, req ledger.Request, _ string, body []byte) (*ledger.Written, error) {
		cmd, err := decode[C](body)
		if err != nil {
			return nil, err
		}
		return run(l, ctx, req, cmd)
	}
}

// leadShareFirst puts the share of the commitment's own pairing first,
// as the ledger wants it, whatever order the shares were listed in.
func leadShareFirst(body map[string]any) {
	shares, _ := body["shares"].([]map[string]any)
	for i, sh := range shares {
		if sh["pairing_id"] == body["pairing_id"] {
			copy(shares[1:i+1], shares[:i])
			shares[0] = sh
			return
		}
	}
}

// onTarget adapts a command on an existing entity.
func onTarget[C any](run func(*ledger.Ledger, context.Context, ledger.Request, string, C) (*ledger.Written, error)) func(context.Context, *ledger.Ledger, ledger.Request, string, []byte) (*ledger.Written, error) {
	return func(ctx context.Context, l *ledger.Ledger, req ledger.Request, target string, body []byte) (*ledger.Written, error) {
		cmd, err := decode[C](body)
		if err != nil {
			return nil, err
		}
		return run(l, ctx, req, target, cmd)
	}
}

package web

import (
	"net/http"
	"strings"
)

// Languages of the interface: Chinese by default, English on request.
const (
	langZH = "zh"
	langEN = "en"
)

// langCookie remembers the language chosen.
const langCookie = "aidledger_lang"

// messages are the interface's texts: key → Chinese, English.
var messages = map[string][2]string{
	"app.name":             {"对口支援资金台账", "Counterpart aid ledger"},
	"nav.dashboard":        {"总览", "Dashboard"},
	"nav.record":           {"登记", "Record"},
	"nav.audit":            {"审计追踪", "Audit trail"},
	"nav.report":           {"年度总结", "Year-end summary"},
	"nav.import":           {"表格导入", "Import"},
	"nav.verify":           {"账本核验", "Verification"},
	"nav.signout":          {"退出登录", "Sign out"},
	"nav.lang":             {"English", "中文"},
	"login.title":          {"登录", "Sign in"},
	"login.login":          {"用户名", "Login"},
	"login.password":       {"密码", "Password"},
	"login.submit":         {"登录", "Sign in"},
	"login.bad":            {"用户名或密码错误。", "Wrong login or password."},
	"login.locked":         {"连续登录失败次数过多,账户已锁定至 %s,请稍后再试或联系管理员。", "Too many failed sign-ins: the account is locked until %s. Try later or ask an administrator."},
	"login.expired":        {"登录已过期,请重新登录。", "Your session has ended; please sign in again."},
	"csrf.bad":             {"页面已过期或请求来源无效,请刷新页面后重试。", "The page has expired or the request did not come from this site; reload the page and try again."},
	"dash.title":           {"%s %d 年总览", "%s, %d"},
	"dash.year":            {"年度", "Year"},
	"dash.donor":           {"援助方", "Donor"},
	"dash.show":            {"查看", "Show"},
	"dash.none":            {"没有可显示的结对关系。", "No pairings to show."},
	"dash.committed":       {"资金计划", "Committed"},
	"dash.disbursed":       {"已拨付(净额)", "Disbursed (net)"},
	"dash.outstanding":     {"未拨付", "Outstanding"},
	"dash.rate":            {"拨付率", "Disbursal rate"},
	"dash.social":          {"社会帮扶", "Social aid"},
	"dash.consumption":     {"消费帮扶", "Consumption aid"},
	"dash.staff":           {"选派人才", "Staff sent"},
	"dash.visits":          {"互访调研", "Visits"},
	"dash.totals":          {"合计", "Total"},
	"dash.chart.pairings":  {"各结对关系资金计划与拨付(万元)", "Committed and disbursed per pairing (10k CNY)"},
	"dash.chart.monthly":   {"逐月累计(万元)", "Cumulative by month (10k CNY)"},
	"dash.position":        {"数据截至账本第 %d 条事件", "As of ledger position %d"},
	"unit.persons":         {"名", "persons"},
	"unit.times":           {"次", "times"},
	"unit.yuan":            {"元", "CNY"},
	"pairing.title":        {"%s—%s(%s)", "%s – %s (%s)"},
	"pairing.valid":        {"有效期 %s 至 %s,协议文号 %s", "Valid %s to %s, agreement %s"},
	"pairing.balances":     {"分年度余额", "Balances by year"},
	"pairing.commitments":  {"资金计划与拨付", "Commitments and disbursements"},
	"pairing.projects":     {"援建项目", "Aid projects"},
	"pairing.donations":    {"社会帮扶", "Donations"},
	"pairing.purchases":    {"消费帮扶—采购", "Purchases"},
	"pairing.sales":        {"消费帮扶—帮助销售", "Facilitated sales"},
	"pairing.secondments":  {"人才选派", "Secondments"},
	"pairing.visits":       {"互访调研", "Visits"},
	"pairing.timeline":     {"时间线", "Timeline"},
	"pairing.none":         {"暂无记录。", "Nothing recorded."},
	"col.year":             {"年度", "Year"},
	"col.date":             {"日期", "Date"},
	"col.doc":              {"文号/凭证", "Document"},
	"col.amount":           {"金额(元)", "Amount (CNY)"},
	"col.net":              {"净额(元)", "Net (CNY)"},
	"col.status":           {"状态", "Status"},
	"col.actions":          {"操作", "Actions"},
	"col.type":             {"类型", "Type"},
	"col.actor":            {"登记人", "Recorded by"},
	"col.recorded":         {"登记时间", "Recorded at"},
	"col.position":         {"位置", "Position"},
	"col.entity":           {"对象", "Entity"},
	"col.payee":            {"收款单位", "Payee"},
	"col.name":             {"名称", "Name"},
	"col.planned":          {"计划投资(元)", "Planned (CNY)"},
	"col.completed":        {"完成投资(元)", "Completed (CNY)"},
	"col.receipt":          {"到位确认", "Receipt"},
	"col.figure":           {"累计", "Running figure"},
	"act.reverse":          {"冲正", "Reverse"},
	"act.adjust":           {"调整", "Adjust"},
	"act.disburse":         {"拨付", "Disburse"},
	"act.confirm":          {"确认到位", "Confirm receipt"},
	"act.progress":         {"报进度", "Report progress"},
	"act.end":              {"结束", "End"},
	"act.history":          {"历史", "History"},
	"act.commit":           {"下达计划", "Commit funds"},
	"act.targets":          {"目标任务", "Targets"},
	"reversed.partly":      {"部分冲正", "partly reversed"},
	"reversed.wholly":      {"已冲正", "reversed"},
	"confirmed":            {"已确认", "confirmed"},
	"record.title":         {"登记", "Record"},
	"record.choose":        {"选择要登记的事项", "Choose what to record"},
	"record.submit":        {"提交", "Submit"},
	"record.cancel":        {"取消", "Cancel"},
	"record.required":      {"必填", "required"},
	"record.target":        {"对象:%s", "On: %s"},
	"record.failed":        {"未能登记:%s", "Not recorded: %s"},
	"record.done":          {"已登记「%s」,账本位置 %d。", "Recorded “%s” at ledger position %d."},
	"record.replayed":      {"该表单已提交过,未重复登记(账本位置 %d)。", "This form was submitted before; nothing was recorded twice (position %d)."},
	"record.readonly":      {"您的角色只读,不能登记。", "Your role is read-only: nothing can be recorded."},
	"record.choose.option": {"— 请选择 —", "— choose —"},
	"audit.title":          {"审计追踪", "Audit trail"},
	"audit.filter":         {"筛选", "Filter"},
	"audit.csv":            {"下载 CSV", "Download CSV"},
	"audit.from":           {"业务日期起", "Business date from"},
	"audit.to":             {"业务日期止", "Business date to"},
	"audit.pairing":        {"结对关系", "Pairing"},
	"audit.type":           {"事件类型", "Event type"},
	"audit.actor":          {"登记人", "Actor"},
	"audit.docno":          {"文号/凭证号", "Document no."},
	"audit.any":            {"全部", "any"},
	"audit.next":           {"下一页", "Next page"},
	"audit.first":          {"第一页", "First page"},
	"audit.count":          {"本页 %d 条", "%d on this page"},
	"history.title":        {"%s 的历史", "History of %s"},
	"history.logged":       {"本次查看已记入访问日志。", "This view was recorded in the access log."},
	"report.title":         {"年度总结", "Year-end summary"},
	"report.cutoff":        {"统计截止日", "Cut-off"},
	"report.profile":       {"取整口径", "Rounding"},
	"report.generate":      {"生成", "Generate"},
	"report.copy":          {"复制段落", "Copy paragraph"},
	"report.copied":        {"已复制", "Copied"},
	"report.xlsx":          {"下载 XLSX", "Download XLSX"},
	"report.print":         {"打印", "Print"},
	"report.paragraph":     {"总结段落", "Paragraph"},
	"report.english":       {"英文", "English"},
	"report.table":         {"汇总表", "Table"},
	"report.footnotes":     {"附注", "Footnotes"},
	"report.provenance":    {"数据来源", "Provenance"},
	"report.evidence":      {"下载审计证据包", "Download evidence bundle"},
	"profile.official":     {"官方口径(“余”)", "official (余)"},
	"profile.exact":        {"精确", "exact"},
	"profile.approx":       {"约数", "approximate (约)"},
	"verify.title":         {"账本核验", "Ledger verification"},
	"verify.run":           {"立即核验", "Run verification"},
	"verify.latest":        {"最近一次核验", "Latest verification"},
	"verify.never":         {"尚未核验。", "Never run."},
	"verify.ok":            {"通过:哈希链、消息流与读模型均一致。", "OK: the hash chain, the stream and the read models all hold."},
	"verify.bad":           {"发现不一致,见下方明细。", "Discrepancies found: see below."},
	"verify.by":            {"%s 于 %s 执行,账本第 %d 条事件,链头 %s", "Run by %s at %s, ledger position %d, head %s"},
	"verify.chain":         {"哈希链", "hash chain"},
	"verify.checked":       {"自第 %d 条起核验 %d 条事件", "%[2]d events verified from position %[1]d"},
	"verify.broken":        {"第 %d 条事件处断裂(%s):%s", "broken at position %d (%s): %s"},
	"verify.stream":        {"消息流 %s", "stream %s"},
	"verify.compared":      {"比对 %d 个位置", "%d positions compared"},
	"verify.lag":           {",%d 条尚未发布", ", %d not yet published"},
	"verify.model":         {"读模型 %s", "read model %s"},
	"verify.matches":       {"与重建结果一致(第 %d 条)", "identical to its rebuild at position %d"},
	"verify.differs":       {"与重建结果有 %d 行不同(第 %d 条)", "%d rows differ from its rebuild at position %d"},
	"tag.over":             {"超计划", "over-committed"},
	"verify.forbidden":     {"仅审计人员和管理员可核验账本。", "Only auditors and administrators verify the ledger."},
	"import.title":         {"表格导入", "Spreadsheet import"},
	"import.templates":     {"下载模板", "Templates"},
	"import.type":          {"导入类型", "Type"},
	"import.file":          {"文件(XLSX 或 CSV)", "File (XLSX or CSV)"},
	"import.dryrun":        {"仅检查,不写入", "Check only, write nothing"},
	"import.mode":          {"出错时", "On errors"},
	"import.atomic":        {"整个文件不导入", "import nothing"},
	"import.skip":          {"跳过出错行,导入其余", "skip bad rows, import the rest"},
	"import.submit":        {"上传", "Upload"},
	"import.result":        {"共 %d 行:新增 %d,已导入过 %d,出错 %d。", "%d rows: %d new, %d imported before, %d with errors."},
	"import.committed":     {"已写入账本(位置至 %d)。", "Written to the ledger (up to position %d)."},
	"import.nothing":       {"未写入任何内容。", "Nothing was written."},
	"import.row":           {"行", "Row"},
	"import.column":        {"列", "Column"},
	"import.message":       {"问题", "Problem"},
	"import.readonly":      {"您的角色只读,不能导入。", "Your role is read-only: nothing can be imported."},
	"error.title":          {"出错了", "Something went wrong"},
	"error.notfound":       {"未找到该页面或记录,或您无权查看。", "Not found, or not yours to see."},
	"error.internal":       {"服务器内部错误,已记录日志。请稍后重试。", "An internal error occurred and was logged. Please try again shortly."},
	"error.badform":        {"表单内容无法读取(文件过大或格式有误)。", "The form could not be read (too large, or malformed)."},
	"error.badfilter":      {"筛选条件无效,请检查日期与各项条件。", "The filters are not valid: check the dates and the other fields."},
	"error.forbidden":      {"您无权执行此操作。", "You may not do this."},
	"behind":               {"读模型尚有 %d 条记录未更新,本页数据可能不是最新的。", "The read models are %d events behind the ledger: figures on this page may not be the latest."},
	"footer":               {"所有金额以分为单位记账,显示时换算为元/万元,从不四舍五入求和。", "Every amount is kept in fen and shown in yuan or 10k yuan; sums are never taken of rounded figures."},
}

// lang is the language of one request, with the texts in it.
type lang struct{ code string }

// T returns the text of key in the language; with args, formatted.
func (l lang) T(key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[0]
	if l.code == langEN {
		s = m[1]
	}
	if len(args) > 0 {
		return sprintf(s, args...)
	}
	return s
}

// Code is "zh" or "en".
func (l lang) Code() string { return l.code }

// EN reports whether the language is English.
func (l lang) EN() bool { return l.code == langEN }

// requestLang is the language cookie's, or Chinese.
func requestLang(r *http.Request) lang {
	if c, err := r.Cookie(langCookie); err == nil && strings.EqualFold(c.Value, langEN) {
		return lang{langEN}
	}
	return lang{langZH}
}

package report

import (
	"strconv"

	"github.com/aidledger/aidledger/projections/yearend"
)

// targetLabelColumns is the number of label columns of TargetsTable.
const targetLabelColumns = 2

// targetLabels name the indicators of events.Targets with their unit, in
// Chinese and English.
var targetLabels = map[string][2]string{
	"fiscal_fen":               {"财政援助资金（万元）", "Fiscal aid (10k CNY)"},
	"social_fen":               {"社会帮扶（万元）", "Social aid (10k CNY)"},
	"consumption_fen":          {"消费帮扶（万元）", "Consumption aid (10k CNY)"},
	"persons_employed":         {"劳务协作转移就业（人）", "Persons employed (persons)"},
	"poverty_persons_employed": {"其中脱贫人口（人）", "of whom lifted out of poverty (persons)"},
	"enterprises":              {"引导企业投资（家）", "Enterprises investing (count)"},
	"investment_fen":           {"实际到位投资（万元）", "Investment made (10k CNY)"},
	"staff":                    {"选派人才（名）", "Staff sent (persons)"},
	"visits":                   {"互访调研（次）", "Visits (times)"},
	"trainees":                 {"培训（人次）", "Trainees (person-times)"},
	"projects":                 {"援建项目（个）", "Aid projects (count)"},
}

// targetLabel names indicator key in lang (the key itself when unknown).
func targetLabel(key, lang string) string { return named(targetLabels, key, lang, key) }

// targetValue renders a target or a result of indicator key: money in
// exact 万元, counts as integers.
func targetValue(key string, v int64) string {
	if isMoneyFigure(key) {
		return WanDecimal(v)
	}
	return strconv.FormatInt(v, 10)
}

// TargetsTable is r's targets against results (目标任务完成情况): one row per
// pairing (in r.Pairings order) and indicator with a target, giving the
// target, the result, the completion rate, the share of the year elapsed
// at the cut-off (序时进度) and whether the result is behind it. rows is
// empty when no pairing has targets for the year.
func TargetsTable(r *yearend.Report, lang string) (header []string, rows [][]string) {
	header = []string{"结对地区", "指标", "目标", "完成", "完成率（%）", "序时进度（%）", "状态"}
	behind, onTrack := "落后序时进度", "达到序时进度"
	if lang == LangEN {
		header = []string{"Partner", "Indicator", "Target", "Result", "Rate (%)", "Year elapsed (%)", "Status"}
		behind, onTrack = "behind schedule", "on schedule"
	}
	for i := range r.Pairings {
		pf := &r.Pairings[i]
		for _, p := range pf.Progress {
			status := onTrack
			if p.Behind {
				status = behind
			}
			rows = append(rows, []string{fullName(pf.Partner), targetLabel(p.Indicator, lang), targetValue(p.Indicator, p.Target),
				targetValue(p.Indicator, p.Result), RateDecimal(p.RateBP), RateDecimal(p.ExpectedBP), status})
		}
	}
	return header, rows
}

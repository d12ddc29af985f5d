package ledger

import (
	"fmt"
	"net/http"

	"github.com/aidledger/aidledger/events"
)

// Rejection is a command refused for a reason the caller can act on. It
// carries a stable machine code, a message in English and in Chinese, the
// offending field when there is one, and the HTTP status that fits it.
type Rejection struct {
	Status    int    `json:"-"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageZh string `json:"message_zh"`
	Field     string `json:"field,omitempty"`
}

func (r *Rejection) Error() string {
	if r.Field != "" {
		return fmt.Sprintf("%s (%s): %s", r.Code, r.Field, r.Message)
	}
	return r.Code + ": " + r.Message
}

// GetStatus is the HTTP status of the rejection.
func (r *Rejection) GetStatus() int { return r.Status }

func reject(status int, code, field, en, zh string) *Rejection {
	return &Rejection{Status: status, Code: code, Field: field, Message: en, MessageZh: zh}
}

// invalid is a field that breaks a rule of its own (format, range, enum).
func invalid(field, en, zh string) *Rejection {
	return reject(http.StatusUnprocessableEntity, CodeValidationFailed, field, en, zh)
}

// notFound is a referenced entity that does not exist (or is not visible).
func notFound(field, what, id string) *Rejection {
	return reject(http.StatusNotFound, CodeNotFound, field,
		fmt.Sprintf("%s %s does not exist", what, id), fmt.Sprintf("%s %s 不存在", zhName(what), id))
}

func forbidden(en, zh string) *Rejection {
	return reject(http.StatusForbidden, CodeForbidden, "", en, zh)
}

// rule is a domain invariant the command would break.
func rule(code, field, en, zh string) *Rejection {
	return reject(http.StatusUnprocessableEntity, code, field, en, zh)
}

func conflict(code, field, en, zh string) *Rejection {
	return reject(http.StatusConflict, code, field, en, zh)
}

var zhNames = map[string]string{
	"pairing": "结对关系", "commitment": "资金计划", "disbursement": "拨付记录", "project": "援建项目",
	"donation": "捐赠记录", "purchase": "采购记录", "sale": "帮助销售记录", "secondment": "选派记录", "visit": "互访记录",
	"labour_transfer": "劳务协作记录", "investment": "企业投资记录", "training": "培训记录", "agreement": "合作协议",
	"park": "共建园区", "workshop": "帮扶车间", "donor": "援助方",
}

func zhName(what string) string {
	if z, ok := zhNames[what]; ok {
		return z
	}
	return what
}

// money is an amount as messages state it: yuan, and the exact fen the
// API speaks in ("CNY 1,234.56 (123456 fen)").
func money(fen int64) string { return fmt.Sprintf("CNY %s (%d fen)", events.Yuan(fen), fen) }

// moneyZh is money in Chinese ("1,234.56 元(123456 分)").
func moneyZh(fen int64) string { return fmt.Sprintf("%s 元(%d 分)", events.Yuan(fen), fen) }

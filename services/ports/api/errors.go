package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/ledger"
)

// Every error the API answers is a *ledger.Rejection: {code, message,
// message_zh, field?}. Huma's own errors (malformed JSON, schema
// violations, oversized bodies) are mapped by newError, which New installs
// as huma's error constructor — a process-wide hook of huma's, set once
// and only to this pure mapping, so every API in the process answers alike
// (it also gives the OpenAPI document the Rejection schema).
var installErrors sync.Once

func useRejections() { installErrors.Do(func() { huma.NewError = newError }) }

func newError(status int, msg string, errs ...error) huma.StatusError {
	r := &ledger.Rejection{Status: status}
	var detail *huma.ErrorDetail
	for _, e := range errs {
		if d, ok := e.(huma.ErrorDetailer); ok {
			detail = d.ErrorDetail()
			break
		}
	}
	switch {
	case status == http.StatusUnprocessableEntity:
		r.Code = ledger.CodeValidationFailed
		r.Message, r.MessageZh = "the request does not match the schema", "请求数据格式不符合要求"
		if detail != nil {
			r.Field, r.Message = fieldOf(detail)
			r.MessageZh = fmt.Sprintf("%s:数据不符合要求(%s)", orBody(r.Field), r.Message)
			r.Message = orBody(r.Field) + ": " + r.Message
		}
	case status == http.StatusBadRequest:
		r.Code, r.Message, r.MessageZh = ledger.CodeMalformedRequest, "the request body is not valid JSON", "请求体不是有效的 JSON"
		if detail != nil {
			r.Message += ": " + detail.Message
		}
	case status == http.StatusRequestEntityTooLarge:
		r.Code, r.Message, r.MessageZh = ledger.CodeBodyTooLarge, "the request body is larger than 1 MiB", "请求体超过 1 MiB"
	case status == http.StatusUnsupportedMediaType:
		r.Code, r.Message, r.MessageZh = ledger.CodeUnsupportedMediaType, "send the body as JSON with the header Content-Type: application/json", "请求体须为 JSON,并设置请求头 Content-Type: application/json"
	case status == http.StatusNotFound:
		r.Code, r.Message, r.MessageZh = ledger.CodeNotFound, msg, "未找到"
	case status == http.StatusUnauthorized:
		r.Code, r.Message, r.MessageZh = ledger.CodeUnauthorized, "a valid bearer token is required (Authorization: Bearer …)", "需要有效的访问令牌(Authorization: Bearer …)"
	case status == http.StatusForbidden:
		r.Code, r.Message, r.MessageZh = ledger.CodeForbidden, msg, "无权执行此操作"
	case status == http.StatusServiceUnavailable:
		r.Code, r.Message, r.MessageZh = ledger.CodeUnavailable, "the ledger database is unavailable; retry shortly with the same Idempotency-Key", "账本数据库暂不可用,请稍后使用相同的 Idempotency-Key 重试"
	case status >= 500:
		r.Code, r.Message, r.MessageZh = ledger.CodeInternalError, "internal error; it has been logged", "服务器内部错误,已记录日志"
	case status == http.StatusMethodNotAllowed:
		r.Code, r.Message, r.MessageZh = ledger.CodeMethodNotAllowed, msg, "该接口不支持此请求方法"
	case status == http.StatusNotAcceptable:
		r.Code, r.Message, r.MessageZh = ledger.CodeNotAcceptable, msg, "无法以所请求的格式应答"
	case status == http.StatusConflict:
		r.Code, r.Message, r.MessageZh = ledger.CodeConflict, msg, "请求与当前状态冲突"
	default:
		r.Code, r.Message, r.MessageZh = ledger.CodeMalformedRequest, msg, "请求无效:"+msg
	}
	return r
}

// fieldOf names the field of a huma error detail and says what is wrong
// with it in plain words.
func fieldOf(d *huma.ErrorDetail) (field, problem string) {
	field = strings.TrimPrefix(strings.TrimPrefix(d.Location, "body."), "body")
	problem = d.Message
	if name, ok := strings.CutPrefix(problem, "expected required property "); ok {
		name, _, _ = strings.Cut(name, " ")
		field = strings.TrimPrefix(field+"."+name, ".")
		problem = "is required"
	}
	// encoding/json's overflow message names Go types; say it for people.
	if _, rest, ok := strings.Cut(problem, "cannot unmarshal number "); ok {
		if _, f, ok := strings.Cut(rest, "Go struct field "); ok {
			f, _, _ = strings.Cut(f, " of type")
			if i := strings.Index(f, "."); i >= 0 {
				f = f[i+1:]
			}
			field = f
		}
		problem = "number is not a whole number within ±9223372036854775807"
	}
	return field, problem
}

func orBody(field string) string {
	if field == "" {
		return "body"
	}
	return field
}

// unavailable reports whether err means the database could not be reached
// (as opposed to a bug): the caller should retry.
func unavailable(err error) bool {
	return eventstore.Unavailable(err) || errors.Is(err, context.DeadlineExceeded)
}

package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/aidledger/aidledger/services/ledger"
)

// maxBody is the largest request body read (huma refuses larger ones with
// 413 body_too_large).
const maxBody = 1 << 20

// checkText refuses, with 400 invalid_text naming where, any request whose
// path, query parameters or JSON body hold text that is not valid UTF-8 —
// raw bytes such as 0xFF, overlong encodings, lone surrogates (\ud800) —
// or a NUL character. Such text would otherwise be replaced by U+FFFD when
// decoded and stored altered, or reach the database and fail there.
func checkText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rej := badParameter(r); rej != nil {
			writeJSON(w, rej.Status, rej)
			return
		}
		if r.Body != nil && r.ContentLength != 0 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
			if err != nil {
				writeJSON(w, http.StatusBadRequest, &ledger.Rejection{Status: http.StatusBadRequest, Code: ledger.CodeMalformedRequest,
					Message: "the request body could not be read: " + err.Error(), MessageZh: "无法读取请求体"})
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			if len(body) <= maxBody {
				if rej := badBodyText(body); rej != nil {
					writeJSON(w, rej.Status, rej)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// badParameter checks the path and every query parameter (names too).
func badParameter(r *http.Request) *ledger.Rejection {
	if !goodText(r.URL.Path) {
		return invalidText("path", "the path", "路径")
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil // not ours to judge: the routes answer a bad query string
	}
	for name, values := range query {
		if !goodText(name) {
			return invalidText("query", "a query parameter's name", "查询参数名")
		}
		for _, v := range values {
			if !goodText(v) {
				return invalidText(name, "query parameter "+name, "查询参数 "+name)
			}
		}
	}
	return nil
}

// badBodyText checks every string of a JSON body, object keys included.
// A body that is not JSON at all is left to the JSON decoder (400
// malformed_request).
func badBodyText(body []byte) *ledger.Rejection {
	if !json.Valid(body) {
		return nil
	}
	// encoding/json's Valid does not check the text in strings; jsontext
	// does, and says where.
	dec := jsontext.NewDecoder(bytes.NewReader(body), jsontext.AllowDuplicateNames(true))
	for {
		tok, err := dec.ReadToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var se *jsontext.SyntacticError
			field := "body"
			if errors.As(err, &se) && se.JSONPointer != "" {
				field = fieldOfPointer(se.JSONPointer)
			}
			return invalidText(field, field, field)
		}
		if tok.Kind() == '"' && strings.ContainsRune(tok.String(), 0) {
			field := "body"
			if p := dec.StackPointer(); p != "" {
				field = fieldOfPointer(p)
			}
			return invalidText(field, field, field)
		}
	}
}

// goodText is valid UTF-8 without NUL.
func goodText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// fieldOfPointer writes a JSON pointer (/items/0/description) as the API's
// field names do (items[0].description).
func fieldOfPointer(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if tok != "" && strings.Trim(tok, "0123456789") == "" && b.Len() > 0 {
			fmt.Fprintf(&b, "[%s]", tok)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func invalidText(field, where, whereZh string) *ledger.Rejection {
	return &ledger.Rejection{Status: http.StatusBadRequest, Code: ledger.CodeInvalidText, Field: field,
		Message:   where + " holds text that is not valid UTF-8, or a NUL character; send it as UTF-8 text",
		MessageZh: whereZh + " 含有无效的 UTF-8 字符或空字符(NUL),请以 UTF-8 文本提交"}
}

// Package forms describes each ledger command as a finance officer fills
// it in — a web form or a spreadsheet row: its fields, with Chinese and
// English labels, what kind of value each takes (text, money in 元, a
// date, a choice, a reference to a pairing or a commitment …), and how the
// values become the command's JSON body (the same body the HTTP API
// takes). The web interface (services/ports/web) and the spreadsheet import
// (services/intake/importer) both work from these definitions, so a field is
// named, explained and converted in one place.
package forms

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/services/ledger"
)

// Kind is what a field takes.
type Kind int

// Kinds of field.
const (
	Text       Kind = iota // one line of text
	LongText               // several lines
	Money                  // an amount in 元 with at most two decimals, sent as fen: "12,345.67" → 1234567
	Signed                 // Money that may be negative (an adjustment)
	Date                   // YYYY-MM-DD (also 2025/3/1 and 2025年3月1日)
	Int                    // a whole number
	Choice                 // one of Choices
	Pairing                // the id of a pairing
	Pairings               // ids of pairings, separated by commas, 、 or spaces (sent as a list)
	Commitment             // the id of a commitment
	Shares                 // pairings with a share in 元 each: "ID=12,345.67; ID=" (blank: not yet known), sent as [{pairing_id, amount_fen}]
	Project                // the id of a project
	YesNo                  // 是 or 否 (sent as true or false)
)

// Option is one value of a Choice field.
type Option struct {
	Value  string
	ZH, EN string
}

// Field is one field of a form.
type Field struct {
	// Key is the command's JSON field; a dot nests ("over_commitment.approved_by").
	Key      string
	ZH, EN   string // labels
	Kind     Kind
	Required bool
	Options  []Option // Choice only
	// HelpZH and HelpEN explain the field (shown under it, and as a
	// comment in spreadsheet templates).
	HelpZH, HelpEN string
}

// Label is the field's label in lang ("en", or Chinese otherwise).
func (f *Field) Label(lang string) string {
	if lang == "en" {
		return f.EN
	}
	return f.ZH
}

// Help is the field's help text in lang.
func (f *Field) Help(lang string) string {
	if lang == "en" {
		return f.HelpEN
	}
	return f.HelpZH
}

// Form is one command.
type Form struct {
	// Name identifies the form ("disbursement"); it is the import type.
	Name             string
	TitleZH, TitleEN string
	// Target names the entity the command acts on when it acts on one
	// ("commitment" for an adjustment); "" for commands that create one.
	Target string
	Fields []Field
	// arrange, when set, puts the converted body in the order the
	// command wants (the commitment's pairing first among its shares).
	arrange func(body map[string]any)
	submit  func(ctx context.Context, l *ledger.Ledger, req ledger.Request, target string, body []byte) (*ledger.Written, error)
}

// Title is the form's title in lang.
func (f *Form) Title(lang string) string {
	if lang == "en" {
		return f.TitleEN
	}
	return f.TitleZH
}

// Field returns the field with key, or nil.
func (f *Form) Field(key string) *Field {
	for i := range f.Fields {
		if f.Fields[i].Key == key {
			return &f.Fields[i]
		}
	}
	return nil
}

// FieldError is a value a field cannot take, in both languages.
type FieldError struct {
	Key    string
	EN, ZH string
}

// Message is the error in lang.
func (e FieldError) Message(lang string) string {
	if lang == "en" {
		return e.EN
	}
	return e.ZH
}

// Body turns values (field key → text as typed; missing and blank are
// the same) into the command's JSON body, or lists what is wrong with
// them, field by field, in the form's order. Blank optional fields are
// left out; a nested object whose fields are all blank is left out.
func (f *Form) Body(values map[string]string) ([]byte, []FieldError) {
	body := map[string]any{}
	var errs []FieldError
	for i := range f.Fields {
		fd := &f.Fields[i]
		raw := strings.TrimSpace(values[fd.Key])
		if raw == "" {
			if fd.Required {
				errs = append(errs, FieldError{fd.Key, fd.EN + " is required", fd.ZH + "为必填项"})
			}
			continue
		}
		v, ferr := fd.convert(raw)
		if ferr != nil {
			errs = append(errs, *ferr)
			continue
		}
		put(body, fd.Key, v)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if f.arrange != nil {
		f.arrange(body)
	}
	b, err := json.Marshal(body)
	if err != nil { // maps of strings, numbers and lists always marshal
		panic("forms: " + err.Error())
	}
	return b, nil
}

// put sets key (dotted for nesting) in m.
func put(m map[string]any, key string, v any) {
	head, rest, nested := strings.Cut(key, ".")
	if !nested {
		m[key] = v
		return
	}
	sub, _ := m[head].(map[string]any)
	if sub == nil {
		sub = map[string]any{}
		m[head] = sub
	}
	put(sub, rest, v)
}

// convert reads one value as the field's kind.
func (f *Field) convert(raw string) (any, *FieldError) {
	bad := func(en, zh string) *FieldError {
		return &FieldError{f.Key, f.EN + ": " + en, f.ZH + ":" + zh}
	}
	switch f.Kind {
	case Money, Signed:
		fen, err := ParseYuan(raw)
		switch {
		case err != nil:
			return nil, bad(err.Error(), "请填写金额(元),最多两位小数,如 12345.67")
		case fen <= 0 && f.Kind == Money:
			return nil, bad("must be more than 0", "须大于 0")
		case fen == 0:
			return nil, bad("must not be 0", "不能为 0")
		}
		return fen, nil
	case Date:
		d, err := ParseDate(raw)
		if err != nil {
			return nil, bad("must be a date such as 2025-03-01", "须为日期,如 2025-03-01")
		}
		return d.String(), nil
	case Int:
		n, err := strconv.ParseInt(strings.ReplaceAll(raw, ",", ""), 10, 32)
		if err != nil {
			return nil, bad("must be a whole number", "须为整数")
		}
		return n, nil
	case Choice:
		for _, o := range f.Options {
			if raw == o.Value || raw == o.ZH || strings.EqualFold(raw, o.EN) {
				return o.Value, nil
			}
		}
		names := make([]string, len(f.Options))
		namesZH := make([]string, len(f.Options))
		for i, o := range f.Options {
			names[i], namesZH[i] = o.EN, o.ZH
		}
		return nil, bad("must be one of: "+strings.Join(names, ", "), "须为以下之一:"+strings.Join(namesZH, "、"))
	case YesNo:
		switch strings.ToLower(raw) {
		case "true", "yes", "y", "1", "是", "on":
			return true, nil
		case "false", "no", "n", "0", "否":
			return false, nil
		}
		return nil, bad("must be yes or no", "须为“是”或“否”")
	case Pairings:
		ids := strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == '、' || r == '，' || r == ';' || r == ' ' })
		if len(ids) == 0 {
			return nil, bad("list at least one pairing", "至少填写一个结对关系")
		}
		return ids, nil
	case Shares:
		return f.shares(raw)
	}
	return raw, nil
}

// shares reads "ID=amount" items separated by semicolons or line breaks;
// a blank amount is a share not yet known (0).
func (f *Field) shares(raw string) (any, *FieldError) {
	var out []map[string]any
	for item := range strings.FieldsFuncSeq(raw, func(r rune) bool { return r == ';' || r == '；' || r == '\n' || r == '\r' }) {
		id, amount, _ := strings.Cut(strings.NewReplacer("：", "=", ":", "=").Replace(item), "=")
		id, amount = strings.TrimSpace(id), strings.TrimSpace(amount)
		var fen int64
		var err error
		if amount != "" {
			fen, err = ParseYuan(amount)
		}
		if id == "" || err != nil || fen < 0 {
			return nil, &FieldError{f.Key, fmt.Sprintf("%s: %q is not a pairing with its share, such as 01J…=12,345.67", f.EN, strings.TrimSpace(item)),
				fmt.Sprintf("%s:“%s”应为结对关系编号及其分配金额(元),如 01J…=12345.67", f.ZH, strings.TrimSpace(item))}
		}
		out = append(out, map[string]any{"pairing_id": id, "amount_fen": fen})
	}
	if len(out) == 0 {
		return nil, &FieldError{f.Key, f.EN + ": list the pairings", f.ZH + ":请列出结对关系"}
	}
	return out, nil
}

// ParseDate reads a business date written 2025-03-01, 2025/3/1 or
// 2025年3月1日.
func ParseDate(s string) (events.Date, error) {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(s)
	parts := strings.Split(s, "-")
	if len(parts) == 3 {
		if len(parts[1]) == 1 {
			parts[1] = "0" + parts[1]
		}
		if len(parts[2]) == 1 {
			parts[2] = "0" + parts[2]
		}
		s = strings.Join(parts, "-")
	}
	d, err := events.ParseDate(s)
	if err != nil {
		return d, fmt.Errorf("not a date: %q", s)
	}
	return d, nil
}

// Submit runs the form's command through l with body (from Body) on the
// target entity (for forms with a Target).
func (f *Form) Submit(ctx context.Context, l *ledger.Ledger, req ledger.Request, target string, body []byte) (*ledger.Written, error) {
	return f.submit(ctx, l, req, target, body)
}

// FieldOf maps a rejection's field (the command's JSON field, possibly
// with an index: "pairing_ids[1]") to the form field it concerns, or "".
func (f *Form) FieldOf(rejected string) string {
	key, _, _ := strings.Cut(rejected, "[")
	if f.Field(key) != nil {
		return key
	}
	for i := range f.Fields { // a nested object named as a whole
		if strings.HasPrefix(f.Fields[i].Key, key+".") {
			return f.Fields[i].Key
		}
	}
	return ""
}

// Package importer records spreadsheets of entries — disbursements,
// donations, purchases, facilitated sales, secondments and visits — made
// from the downloadable templates (XLSX or CSV, Chinese headers). Each row
// is one ledger command, converted and checked exactly as the web form
// converts it (services/intake/forms) and decided by the ledger's own handlers. A
// dry run lists every row's problems and writes nothing; a real import
// writes every good row, or — unless asked to skip bad rows — nothing at
// all when any row is bad.
// The rows are decided one after another into a ledger.Batch (each seeing
// the ones before it: two rows with one voucher number are caught), then
// appended with one eventstore.Store.AppendBatch, so a file of ten
// thousand rows lands in seconds and whole.
//
// Importing is idempotent per row: each row's idempotency key is derived
// from the import type and the row's values, so importing the same file
// again records nothing new, and a row repeated within a file is reported
// instead of recorded twice.
package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/intake/forms"
	"github.com/aidledger/aidledger/services/ledger"
)

// Types are the kinds of entry a spreadsheet can hold (forms names).
var Types = []string{"disbursement", "donation", "purchase", "sale", "secondment", "visit", "labour_transfer", "investment", "training",
	"agreement", "park", "workshop"}

// MaxRows bounds the data rows of one file.
const MaxRows = 100_000

// Options say how to import.
type Options struct {
	// DryRun checks every row and writes nothing.
	DryRun bool
	// SkipBad writes the good rows when some are bad; without it nothing
	// is written unless every row is good.
	SkipBad bool
	// Progress, when not nil, is called now and then with the rows decided
	// of the file's.
	Progress func(done, total int64)
}

// Problem is what is wrong with one row (Row 1 is the header).
type Problem struct {
	Row int `json:"row"`
	// Column is the header of the column concerned ("" for the row as a
	// whole).
	Column    string `json:"column,omitempty"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageZh string `json:"message_zh"`
}

// Result is what an import did (or, in a dry run, would do).
type Result struct {
	Type string `json:"type"`
	// Rows is the number of data rows (blank rows are not counted); New
	// of them were recorded now, Replayed had been imported before, Bad
	// have Problems.
	Rows     int       `json:"rows"`
	New      int       `json:"new"`
	Replayed int       `json:"replayed"`
	Bad      int       `json:"bad"`
	Problems []Problem `json:"problems"`
	// Committed reports whether anything was written; Position is the
	// ledger position of the last event written.
	Committed bool  `json:"committed"`
	DryRun    bool  `json:"dry_run"`
	Position  int64 `json:"position"`
}

// ErrUnknownType means the import type is not one of Types.
var ErrUnknownType = errors.New("importer: unknown import type")

// Import records rows (the header first, as Read returns them) of type typ
// for principal p through l on store (see the package documentation): every
// row is decided into one optimistic ledger.Batch, whose new ids, streams
// and natural keys are then checked against the store at once; only when
// one is taken are the rows decided again, asking the store row by row, so
// that every row's problem is exactly the ledger's. Unless it is a dry run
// the batch is appended in one transaction. The error is for failures of the
// database, the type, or a header that does not match the template;
// everything wrong with the data is in Result.Problems.
func Import(ctx context.Context, store *eventstore.Store, l *ledger.Ledger, p auth.Principal, typ string, rows [][]string, opts Options) (*Result, error) {
	form, ok := form(typ)
	if !ok {
		return nil, fmt.Errorf("%w %q (want one of %s)", ErrUnknownType, typ, strings.Join(Types, ", "))
	}
	if len(rows) == 0 {
		return nil, errors.New("importer: the file is empty: the first row must be the template's header")
	}
	cols, err := columns(form, rows[0])
	if err != nil {
		return nil, err
	}
	if len(rows)-1 > MaxRows {
		return nil, fmt.Errorf("importer: %d rows; at most %d in one file", len(rows)-1, MaxRows)
	}
	var refs References
	if hasKind(form, forms.Commitment) {
		if refs, err = LoadReferences(ctx, store.Pool(), p); err != nil {
			return nil, err
		}
	}
	prepared, keys := prepare(form, cols, rows, refs)
	batch, res, rowOf, err := decide(ctx, store, l, p, form, prepared, keys, true, opts.Progress)
	if err != nil {
		return nil, err
	}
	conflicts, err := batch.Conflicts(ctx)
	if err != nil {
		return nil, fmt.Errorf("importer: %w", err)
	}
	if len(conflicts) > 0 { // decide again, asking the store row by row
		if batch, res, rowOf, err = decide(ctx, store, l, p, form, prepared, keys, false, opts.Progress); err != nil {
			return nil, err
		}
	}
	res.DryRun = opts.DryRun
	if opts.DryRun || (res.Bad > 0 && !opts.SkipBad) || batch.Len() == 0 {
		return res, nil
	}
	written, err := batch.Commit(ctx)
	var be *eventstore.BatchError
	if errors.As(err, &be) { // the ledger moved since the rows were checked
		res.New, res.Bad = 0, res.Bad+1
		pr := Problem{Row: rowOf[be.Index], Code: ledger.CodeConflict, Message: be.Err.Error(), MessageZh: "导入期间该记录已被他人修改,整个文件未导入,请重新导入"}
		var rej *ledger.Rejection
		if errors.As(be.Err, &rej) {
			pr.Code, pr.Message = rej.Code, rej.Message+"; nothing was imported, import the file again"
		}
		res.Problems = append(res.Problems, pr)
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("importer: %w", err)
	}
	for _, w := range written {
		res.Position = max(res.Position, w.Position)
	}
	res.Committed = true
	return res, nil
}

// row is a data row converted: its body and idempotency key, or its
// problems.
type row struct {
	n        int // the row's number in the sheet
	body     []byte
	key      string
	problems []Problem
}

// prepare converts every non-blank data row (forms.Body) and derives its
// idempotency key from the import type and its values; a row the same as
// an earlier one is a problem. A commitment may be given by its 文号 (refs
// resolve it to its id). It returns the rows and the keys of those
// without problems.
func prepare(form *forms.Form, cols []*forms.Field, rows [][]string, refs References) ([]row, []string) {
	var out []row
	var keys []string
	seen := map[string]int{} // idempotency key → row
	for i, cells := range rows[1:] {
		r := row{n: i + 2}
		values, blank := rowValues(cols, cells)
		if blank {
			continue
		}
		for _, fd := range cols {
			if fd == nil {
				continue
			}
			if v := values[fd.Key]; fd.Kind == forms.Commitment && v != "" {
				id, problem := refs.commitmentOf(v)
				if problem != nil {
					problem.Row, problem.Column = r.n, header(fd)
					r.problems = append(r.problems, *problem)
				}
				values[fd.Key] = id
			}
		}
		if r.problems != nil {
			out = append(out, r)
			continue
		}
		body, ferrs := form.Body(values)
		for _, fe := range ferrs {
			r.problems = append(r.problems, Problem{Row: r.n, Column: header(form.Field(fe.Key)), Code: ledger.CodeValidationFailed, Message: fe.EN, MessageZh: fe.ZH})
		}
		if ferrs == nil {
			sum := sha256.Sum256(append([]byte(form.Name+"\x00"), body...))
			r.body, r.key = body, "import-"+hex.EncodeToString(sum[:16])
			if first, dup := seen[r.key]; dup {
				r.problems = []Problem{{Row: r.n, Code: ledger.CodeDuplicateRow, Message: fmt.Sprintf("the same as row %d", first),
					MessageZh: fmt.Sprintf("与第 %d 行完全相同", first)}}
			} else {
				seen[r.key] = r.n
				keys = append(keys, r.key)
			}
		}
		out = append(out, r)
	}
	return out, keys
}

// decide decides every good row into a new batch (optimistic: checking new
// streams, ids and natural keys against the store only afterwards, with
// Batch.Conflicts) and counts the outcome; rowOf is the row of each of the
// batch's appends.
func decide(ctx context.Context, store *eventstore.Store, l *ledger.Ledger, p auth.Principal, form *forms.Form, rows []row, keys []string,
	optimistic bool, progress func(done, total int64)) (batch *ledger.Batch, res *Result, rowOf []int, err error) {
	batch = l.NewBatch(store)
	if optimistic {
		batch.Optimistic()
	}
	if err := batch.Prefetch(ctx, keys); err != nil {
		return nil, nil, nil, fmt.Errorf("importer: %w", err)
	}
	res = &Result{Type: form.Name, Rows: len(rows), Problems: []Problem{}}
	for i, r := range rows {
		if progress != nil && i%100 == 0 {
			progress(int64(i), int64(len(rows)))
		}
		problems := r.problems
		if problems == nil {
			w, err := form.Submit(ctx, batch.Ledger(), ledger.Request{Principal: p, IdempotencyKey: r.key}, "", r.body)
			var rej *ledger.Rejection
			switch {
			case errors.As(err, &rej):
				pr := Problem{Row: r.n, Code: rej.Code, Message: rej.Message, MessageZh: rej.MessageZh}
				if k := form.FieldOf(rej.Field); k != "" {
					pr.Column = header(form.Field(k))
				}
				if rej.Code == ledger.CodeIdempotencyReused {
					pr.Code = ledger.CodeAlreadyImported
					pr.Message, pr.MessageZh = "this row was already imported (by someone else): it is not imported again", "该行已导入过(由其他用户导入),不再重复导入"
				}
				problems = []Problem{pr}
			case err != nil:
				return nil, nil, nil, fmt.Errorf("importer: row %d: %w", r.n, err)
			case w.Replayed:
				res.Replayed++
			default:
				res.New++
			}
		}
		if len(problems) > 0 {
			res.Bad++
			res.Problems = append(res.Problems, problems...)
		}
		for len(rowOf) < batch.Len() {
			rowOf = append(rowOf, r.n)
		}
	}
	if progress != nil {
		progress(int64(len(rows)), int64(len(rows)))
	}
	return batch, res, rowOf, nil
}

// form is the form of an import type.
func form(typ string) (*forms.Form, bool) {
	if !slices.Contains(Types, typ) {
		return nil, false
	}
	return forms.Lookup(typ)
}

// header is the template's header of a field: its Chinese label, with an
// asterisk when it is required.
func header(f *forms.Field) string {
	if f == nil {
		return ""
	}
	if f.Required {
		return f.ZH + "*"
	}
	return f.ZH
}

// columns maps the header row to the form's fields: a header matches a
// field by its Chinese or English label or its key (an asterisk and
// spaces aside). Every required field must have a column; a header that
// matches no field, or one field twice, is an error.
func columns(form *forms.Form, head []string) ([]*forms.Field, error) {
	cols := make([]*forms.Field, len(head))
	taken := map[string]bool{}
	var unknown []string
	for i, h := range head {
		name := normalizeHeader(h)
		if name == "" {
			continue
		}
		for j := range form.Fields {
			f := &form.Fields[j]
			if name == normalizeHeader(f.ZH) || name == normalizeHeader(f.EN) || name == normalizeHeader(f.Key) {
				if taken[f.Key] {
					return nil, fmt.Errorf("importer: the header names %q twice (columns %s)", f.ZH, columnName(i))
				}
				cols[i], taken[f.Key] = f, true
				break
			}
		}
		if cols[i] == nil {
			unknown = append(unknown, fmt.Sprintf("%s %q", columnName(i), h))
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("importer: columns not in the %s template: %s", form.Name, strings.Join(unknown, ", "))
	}
	var missing []string
	for _, f := range form.Fields {
		if f.Required && !taken[f.Key] {
			missing = append(missing, f.ZH)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("importer: the header lacks required columns: %s", strings.Join(missing, ", "))
	}
	return cols, nil
}

// normalizeHeader folds a header for matching.
func normalizeHeader(h string) string {
	h = strings.NewReplacer("*", "", "*", "", " ", "", "\u3000", "", "(", "(", ")", ")").Replace(strings.TrimSpace(h))
	return strings.ToLower(h)
}

// columnName is the spreadsheet name of column i (0: A).
func columnName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// rowValues reads one row's cells by field key; blank reports a row with
// nothing in it.
func rowValues(cols []*forms.Field, cells []string) (map[string]string, bool) {
	values := map[string]string{}
	blank := true
	for i, c := range cells {
		if i >= len(cols) || cols[i] == nil {
			continue
		}
		c = strings.TrimSpace(c)
		if c != "" {
			blank = false
			values[cols[i].Key] = cellValue(cols[i], c)
		}
	}
	return values, blank
}

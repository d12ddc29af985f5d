package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/intake/forms"
	"github.com/aidledger/aidledger/services/ledger"
)

// choice is one option of a select or a set of checkboxes.
type choice struct {
	Value, Label string
	Selected     bool
	// Amount is the share typed for the choice (a Shares field).
	Amount string
}

// formField is a field as a form shows it.
type formField struct {
	Key, Label, Help, Value, Error string
	Required                       bool
	// Input is the control: text, textarea, date, number, money, select
	// or checkboxes.
	Input   string
	Choices []choice
}

// formData is a form page.
type formData struct {
	basePage
	Form   *forms.Form
	Fields []formField
	// Target is the entity the command acts on; Key the idempotency key;
	// Next where to go afterwards.
	Target, Key, Next string
	// Problem is a rejection not tied to one field.
	Problem string
}

// menuData is the list of forms.
type menuData struct {
	basePage
	Forms []*forms.Form
}

// menuForms are the forms that create entries (the others are started
// from the entity they act on).
var menuForms = []string{"commitment", "disbursement", "donation", "purchase", "sale", "secondment", "visit", "project", "pairing"}

// recordMenu lists what the user may record.
func (s *Server) recordMenu(w http.ResponseWriter, r *http.Request, q *request) {
	d := &menuData{basePage: q.base(r, q.lang.T("record.choose"), "record")}
	if !q.principal().Writes() {
		d.Flash, d.FlashError = q.lang.T("record.readonly"), true
	}
	for _, name := range menuForms {
		if f, _ := forms.Lookup(name); q.offers(f) {
			d.Forms = append(d.Forms, f)
		}
	}
	s.render(w, r, http.StatusOK, "menu", d)
}

// offers reports whether the user is offered form f at all (the ledger
// decides each command's scope in full).
func (q *request) offers(f *forms.Form) bool {
	p := q.principal()
	switch p.Role {
	case auth.RoleAdmin:
		return true
	case auth.RoleRecorder:
		return f.Name != "receipt"
	case auth.RolePartner:
		return f.Name == "receipt"
	}
	return false // auditors record nothing
}

// formOf is the form the path names, if the user is offered it; otherwise
// it answers 404 or 403 and reports false.
func (s *Server) formOf(w http.ResponseWriter, r *http.Request, q *request) (*forms.Form, bool) {
	f, ok := forms.Lookup(r.PathValue("form"))
	switch {
	case !ok:
		s.errorPage(w, r, q, http.StatusNotFound, "error.notfound")
	case !q.offers(f):
		s.errorPage(w, r, q, http.StatusForbidden, "error.forbidden")
	default:
		return f, true
	}
	return nil, false
}

// recordForm shows a form, its fields filled from the query (a link from
// a pairing's page names the pairing, a commitment …).
func (s *Server) recordForm(w http.ResponseWriter, r *http.Request, q *request) {
	f, ok := s.formOf(w, r, q)
	if !ok {
		return
	}
	values := map[string]string{}
	for _, fd := range f.Fields {
		values[fd.Key] = strings.Join(r.URL.Query()[fd.Key], ",")
	}
	next := r.URL.Query().Get("next")
	if next == "" {
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
			next = ref.RequestURI()
		}
	}
	d := &formData{Form: f, Target: r.URL.Query().Get("target"), Key: randomKey(), Next: safeNext(next)}
	s.showForm(w, r, q, http.StatusOK, d, values, nil)
}

// showForm renders form d with values and the errors by field key.
func (s *Server) showForm(w http.ResponseWriter, r *http.Request, q *request, status int, d *formData, values, errs map[string]string) {
	d.basePage = q.base(r, d.Form.Title(q.lang.code), "record")
	options, err := s.options(r.Context(), q.principal(), d.Form, q.lang)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	d.Fields = nil
	for _, fd := range d.Form.Fields {
		ff := formField{Key: fd.Key, Label: fd.Label(q.lang.code), Help: fd.Help(q.lang.code), Value: values[fd.Key],
			Error: errs[fd.Key], Required: fd.Required, Input: inputOf(fd.Kind)}
		switch fd.Kind {
		case forms.Choice, forms.YesNo:
			for _, o := range fd.Options {
				ff.Choices = append(ff.Choices, choice{Value: o.Value, Label: forms.OptionName(fd.Options, o.Value, q.lang.code), Selected: o.Value == ff.Value})
			}
		case forms.Pairing, forms.Pairings, forms.Commitment, forms.Project:
			selected := map[string]bool{}
			for _, v := range strings.Split(ff.Value, ",") {
				selected[v] = true
			}
			for _, o := range options[fd.Kind] {
				o.Selected = selected[o.Value]
				ff.Choices = append(ff.Choices, o)
			}
		case forms.Shares:
			typed := sharesTyped(ff.Value)
			for _, o := range options[forms.Pairings] {
				o.Amount, o.Selected = typed[o.Value]
				ff.Choices = append(ff.Choices, o)
			}
		}
		d.Fields = append(d.Fields, ff)
	}
	s.render(w, r, status, "record", d)
}

// inputOf is the control of a kind of field.
func inputOf(k forms.Kind) string {
	switch k {
	case forms.LongText:
		return "textarea"
	case forms.Date:
		return "date"
	case forms.Int:
		return "number"
	case forms.Money, forms.Signed:
		return "money"
	case forms.Choice, forms.YesNo, forms.Pairing, forms.Commitment, forms.Project:
		return "select"
	case forms.Pairings:
		return "checkboxes"
	case forms.Shares:
		return "shares"
	}
	return "text"
}

// sharesValue is the text of a Shares field posted as a checkbox per
// pairing (key) with its amount (key.pairing): "ID=amount;…".
func sharesValue(form url.Values, key string) string {
	var items []string
	for _, id := range form[key] {
		items = append(items, id+"="+form.Get(key+"."+id))
	}
	return strings.Join(items, ";")
}

// sharesTyped reads a Shares field's text back: pairing → amount typed.
func sharesTyped(value string) map[string]string {
	typed := map[string]string{}
	for item := range strings.SplitSeq(value, ";") {
		if id, amount, _ := strings.Cut(item, "="); id != "" {
			typed[id] = amount
		}
	}
	return typed
}

// options lists, for the reference fields of f, what the user may pick:
// the pairings they record for, and those pairings' commitments and
// projects.
func (s *Server) options(ctx context.Context, p auth.Principal, f *forms.Form, l lang) (map[forms.Kind][]choice, error) {
	out := map[forms.Kind][]choice{}
	need := map[forms.Kind]bool{}
	for _, fd := range f.Fields {
		need[fd.Kind] = true
	}
	need[forms.Pairings] = need[forms.Pairings] || need[forms.Shares]
	if !need[forms.Pairing] && !need[forms.Pairings] && !need[forms.Commitment] && !need[forms.Project] {
		return out, nil
	}
	err := pgx.BeginTxFunc(ctx, s.cfg.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		filter := balances.PairingFilter{}
		if p.Role == auth.RoleRecorder {
			filter.DonorCode = p.DonorCode
		}
		ps, err := balances.Pairings(ctx, tx, filter)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(ps))
		names := map[string]string{}
		for _, pr := range ps {
			if !p.CanWrite(pr.Donor.Code) {
				continue
			}
			ids = append(ids, pr.PairingID)
			names[pr.PairingID] = pr.Donor.ShortName + "—" + pr.Partner.Name
			label := fmt.Sprintf("%s(%s,%s–%s)", names[pr.PairingID], forms.OptionName(forms.Programmes, pr.Programme, l.code),
				pr.ValidFrom, pr.ValidTo)
			out[forms.Pairing] = append(out[forms.Pairing], choice{Value: pr.PairingID, Label: label})
			out[forms.Pairings] = append(out[forms.Pairings], choice{Value: pr.PairingID, Label: label})
		}
		if need[forms.Commitment] {
			cs, err := balances.CommitmentList(ctx, tx, ids)
			if err != nil {
				return err
			}
			for _, c := range cs {
				out[forms.Commitment] = append(out[forms.Commitment], choice{Value: c.CommitmentID,
					Label: fmt.Sprintf("%s · %s · %d · %s %s %s", names[c.PairingID], c.DocNo, c.BudgetYear, l.T("dash.outstanding"),
						events.Yuan(c.OutstandingFen), l.T("unit.yuan"))})
			}
		}
		if need[forms.Project] {
			projects, err := balances.ProjectList(ctx, tx, ids)
			if err != nil {
				return err
			}
			for _, pj := range projects {
				out[forms.Project] = append(out[forms.Project], choice{Value: pj.ProjectID,
					Label: fmt.Sprintf("%s · %s · %d", names[pj.PairingID], pj.Name, pj.PlanYear)})
			}
		}
		return nil
	})
	return out, err
}

// record submits a form: the values are converted (forms.Body) and the
// command run through the ledger under the form's idempotency key, so a
// second submission of the same form records nothing twice. Errors are
// shown on the form, field by field where the ledger names the field;
// success goes on to the page the form was opened from.
func (s *Server) record(w http.ResponseWriter, r *http.Request, q *request) {
	f, ok := s.formOf(w, r, q)
	if !ok {
		return
	}
	d := &formData{Form: f, Target: r.PostFormValue("target"), Key: r.PostFormValue("idempotency_key"), Next: safeNext(r.PostFormValue("next"))}
	values := map[string]string{}
	for _, fd := range f.Fields {
		values[fd.Key] = strings.Join(r.PostForm[fd.Key], ",")
		if fd.Kind == forms.Shares {
			values[fd.Key] = sharesValue(r.PostForm, fd.Key)
		}
	}
	body, ferrs := f.Body(values)
	if ferrs != nil {
		errs := map[string]string{}
		for _, e := range ferrs {
			errs[e.Key] = e.Message(q.lang.code)
		}
		s.showForm(w, r, q, http.StatusUnprocessableEntity, d, values, errs)
		return
	}
	written, err := f.Submit(r.Context(), s.cfg.Ledger, ledger.Request{Principal: q.principal(), IdempotencyKey: d.Key}, d.Target, body)
	var rej *ledger.Rejection
	switch {
	case errors.As(err, &rej):
		msg := rej.MessageZh
		if q.lang.EN() {
			msg = rej.Message
		}
		msg += " [" + rej.Code + "]"
		errs := map[string]string{}
		if key := f.FieldOf(rej.Field); key != "" {
			errs[key] = msg
		} else {
			d.Problem = q.lang.T("record.failed", msg)
		}
		s.showForm(w, r, q, rej.Status, d, values, errs)
		return
	case err != nil:
		s.fail(w, r, q, err)
		return
	}
	s.cfg.Logger.Info("recorded from the web", "form", f.Name, "actor", q.principal().Actor(), "position", written.Position, "replayed", written.Replayed)
	next := d.Next
	sep := "?"
	if strings.Contains(next, "?") {
		sep = "&"
	}
	next += sep + "done=" + url.QueryEscape(f.Name) + "&at=" + strconv.FormatInt(written.Position, 10)
	if written.Replayed {
		next += "&replayed=1"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// flash is the message a page shows after a write (?done=form&at=N).
func flash(r *http.Request, l lang) string {
	qv := r.URL.Query()
	f, ok := forms.Lookup(qv.Get("done"))
	if !ok {
		return ""
	}
	at, _ := strconv.ParseInt(qv.Get("at"), 10, 64)
	if qv.Get("replayed") != "" {
		return l.T("record.replayed", at)
	}
	return l.T("record.done", f.Title(l.code), at)
}

package web

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/intake/forms"
	"github.com/aidledger/aidledger/services/intake/importer"
)

// maxUpload bounds a request's form: an import file and a few fields.
const maxUpload = importer.MaxFileBytes + 1<<20

// importType is an import type with its name.
type importType struct{ Name, Title string }

// importData is the import page.
type importData struct {
	basePage
	Types    []importType
	Type     string
	DryRun   bool
	SkipBad  bool
	Result   *importer.Result
	Problems []importProblem
	Error    string
}

// importProblem is a problem as the page lists it.
type importProblem struct {
	Row            int
	Column, Reason string
}

func (s *Server) importBase(r *http.Request, q *request) *importData {
	d := &importData{basePage: q.base(r, q.lang.T("import.title"), "import"), DryRun: true}
	for _, t := range importer.Types {
		f, _ := forms.Lookup(t)
		d.Types = append(d.Types, importType{t, f.Title(q.lang.code)})
	}
	d.Type = importer.Types[0]
	return d
}

// importPage offers the templates and the upload form.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request, q *request) {
	d := s.importBase(r, q)
	if !q.principal().Writes() || q.principal().Role == auth.RolePartner {
		d.Flash, d.FlashError = q.lang.T("import.readonly"), true
	}
	s.render(w, r, http.StatusOK, "import", d)
}

// importFile imports an uploaded spreadsheet (importer.Import) and shows
// the outcome, row by row.
func (s *Server) importFile(w http.ResponseWriter, r *http.Request, q *request) {
	d := s.importBase(r, q)
	p := q.principal()
	if !p.Writes() || p.Role == auth.RolePartner {
		s.errorPage(w, r, q, http.StatusForbidden, "import.readonly")
		return
	}
	d.Type, d.DryRun, d.SkipBad = r.PostFormValue("type"), r.PostFormValue("dry_run") != "", r.PostFormValue("on_error") == "skip"
	file, _, err := r.FormFile("file")
	if err != nil {
		d.Error = q.lang.T("import.file")
		s.render(w, r, http.StatusUnprocessableEntity, "import", d)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, importer.MaxFileBytes+1))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	rows, err := importer.Read(data)
	if err == nil {
		d.Result, err = importer.Import(r.Context(), s.cfg.Store, s.cfg.Ledger, p, d.Type, rows, importer.Options{DryRun: d.DryRun, SkipBad: d.SkipBad})
	}
	if err != nil {
		d.Error = strings.TrimPrefix(err.Error(), "importer: ")
		s.render(w, r, http.StatusUnprocessableEntity, "import", d)
		return
	}
	for _, pr := range d.Result.Problems {
		reason := pr.MessageZh
		if q.lang.EN() {
			reason = pr.Message
		}
		d.Problems = append(d.Problems, importProblem{Row: pr.Row, Column: pr.Column, Reason: reason + " [" + pr.Code + "]"})
	}
	s.cfg.Logger.Info("imported from the web", "type", d.Type, "actor", p.Actor(), "rows", d.Result.Rows, "new", d.Result.New,
		"bad", d.Result.Bad, "committed", d.Result.Committed, "dry_run", d.DryRun)
	s.render(w, r, http.StatusOK, "import", d)
}

// importTemplate downloads a template, its reference sheets listing the
// user's pairings and commitments.
func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request, q *request) {
	name := r.PathValue("file")
	typ, format, _ := strings.Cut(name, ".")
	refs, err := importer.LoadReferences(r.Context(), s.cfg.Pool, q.principal())
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	body, err := importer.Template(typ, format, refs)
	if err != nil {
		s.errorPage(w, r, q, http.StatusNotFound, "error.notfound")
		return
	}
	ctype := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="template-%s.%s"`, typ, format))
	_, _ = w.Write(body)
}

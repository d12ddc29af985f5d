package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/xuri/excelize/v2"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/intake/forms"
	"github.com/aidledger/aidledger/services/ledger"
)

// Sheet names of a template workbook.
const (
	dataSheet  = "导入数据"
	guideSheet = "填写说明"
)

// Reference is one row of a template's reference sheet: an id to copy
// into the data sheet, and what it is (and, for a commitment, its 文号 and
// its partner's names).
type Reference struct {
	ID          string
	Description string
	DocNo       string
	Partner     []string // the partner's name and short name
}

// References are the ids a user may need while filling a template: their
// pairings and, for disbursements, their commitments.
type References struct {
	Pairings, Commitments []Reference
}

// LoadReferences lists the pairings and commitments p records for, from
// the balances read model.
func LoadReferences(ctx context.Context, pool *pgxpool.Pool, p auth.Principal) (References, error) {
	var refs References
	err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		f := balances.PairingFilter{}
		if p.Role == auth.RoleRecorder {
			f.DonorCode = p.DonorCode
		}
		ps, err := balances.Pairings(ctx, tx, f)
		if err != nil {
			return err
		}
		var ids []string
		names, partners := map[string]string{}, map[string][]string{}
		for _, pr := range ps {
			if p.CanWrite(pr.Donor.Code) {
				ids = append(ids, pr.PairingID)
				names[pr.PairingID] = pr.Donor.ShortName + "—" + pr.Partner.Name
				partners[pr.PairingID] = []string{pr.Partner.Name, pr.Partner.ShortName}
				refs.Pairings = append(refs.Pairings, Reference{ID: pr.PairingID,
					Description: fmt.Sprintf("%s,%s,%s 至 %s", names[pr.PairingID], forms.OptionName(forms.Programmes, pr.Programme, "zh"), pr.ValidFrom, pr.ValidTo)})
			}
		}
		cs, err := balances.CommitmentList(ctx, tx, ids)
		for _, c := range cs {
			refs.Commitments = append(refs.Commitments, Reference{ID: c.CommitmentID, DocNo: c.DocNo, Partner: partners[c.PairingID],
				Description: fmt.Sprintf("%s,%s,%d 年度,计划 %s 元,未拨付 %s 元", names[c.PairingID], c.DocNo, c.BudgetYear,
					events.Yuan(c.CommittedTotalFen), events.Yuan(c.OutstandingFen))})
		}
		return err
	})
	if err != nil {
		return refs, fmt.Errorf("importer: references: %w", err)
	}
	return refs, nil
}

// commitmentOf resolves what a row gives for a commitment: its id; or its
// 文号 when exactly one of the user's commitments carries it; or, as one
// document often funds several pairings, its 文号 followed by the partner's
// name ("临安财〔2025〕10号 白玉县").
func (refs References) commitmentOf(v string) (id string, problem *Problem) {
	if events.ValidID(v) {
		return v, nil
	}
	doc, who := v, ""
	found := refs.withDocNo(doc, "")
	if i := strings.LastIndexAny(v, " /|"); len(found) == 0 && i > 0 {
		doc, who = strings.TrimSpace(v[:i]), strings.TrimSpace(v[i+1:])
		found = refs.withDocNo(doc, who)
	}
	switch len(found) {
	case 1:
		return found[0].ID, nil
	case 0:
		return "", &Problem{Code: ledger.CodeNotFound,
			Message:   fmt.Sprintf("no commitment you record for has the id or document number %q (see the sheet 资金计划)", v),
			MessageZh: fmt.Sprintf("您可录入的资金计划中没有编号或文号为“%s”的(见“资金计划”工作表)", v)}
	}
	var whom []string
	for _, c := range found {
		if len(c.Partner) > 0 {
			whom = append(whom, c.Partner[0])
		}
	}
	return "", &Problem{Code: ledger.CodeValidationFailed,
		Message: fmt.Sprintf("%d commitments carry the document number %q (%s): add the partner's name after it, e.g. %q, or give the commitment's id",
			len(found), doc, strings.Join(whom, ", "), doc+" "+whom[0]),
		MessageZh: fmt.Sprintf("文号“%s”对应 %d 个资金计划(%s):请在文号后加受援方名称,如“%s %s”,或改填资金计划编号",
			doc, len(found), strings.Join(whom, "、"), doc, whom[0])}
}

// withDocNo are the commitments with 文号 doc (and, when who is given, a
// partner whose name or short name is who).
func (refs References) withDocNo(doc, who string) []Reference {
	var out []Reference
	for _, c := range refs.Commitments {
		if c.DocNo == doc && (who == "" || slices.Contains(c.Partner, who)) {
			out = append(out, c)
		}
	}
	return out
}

// Template returns the template of typ as "xlsx" (a data sheet with the
// header, a drop-down for each choice, and sheets explaining every column
// and listing refs) or "csv" (the header alone, UTF-8 with a byte-order
// mark so that Excel reads the Chinese).
func Template(typ, format string, refs References) ([]byte, error) {
	form, ok := form(typ)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownType, typ)
	}
	var head []string
	for i := range form.Fields {
		head = append(head, header(&form.Fields[i]))
	}
	switch format {
	case "csv":
		var buf bytes.Buffer
		buf.WriteString("\ufeff")
		w := csv.NewWriter(&buf)
		_ = w.Write(head)
		w.Flush()
		return buf.Bytes(), w.Error()
	case "xlsx":
		return templateXLSX(form, head, refs)
	}
	return nil, fmt.Errorf("importer: unknown template format %q (xlsx or csv)", format)
}

func templateXLSX(form *forms.Form, head []string, refs References) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", dataSheet); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"#EEF2F6"}, Pattern: 1}})
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": ids and numbers as typed
	if err != nil {
		return nil, err
	}
	for i, h := range head {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr(dataSheet, cell, h); err != nil {
			return nil, err
		}
		_ = f.SetColWidth(dataSheet, col, col, float64(max(12, 2*len([]rune(h))+4)))
		fd := &form.Fields[i]
		switch fd.Kind {
		case forms.Text, forms.Pairing, forms.Pairings, forms.Shares, forms.Commitment, forms.Project:
			_ = f.SetColStyle(dataSheet, col, text)
		case forms.Choice, forms.YesNo:
			dv := excelize.NewDataValidation(true)
			dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, MaxRows+1)
			var names []string
			for _, o := range fd.Options {
				names = append(names, o.ZH)
			}
			if err := dv.SetDropList(names); err == nil {
				_ = f.AddDataValidation(dataSheet, dv)
			}
		}
	}
	_ = f.SetRowStyle(dataSheet, 1, 1, bold)
	_ = f.SetPanes(dataSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})

	if _, err := f.NewSheet(guideSheet); err != nil {
		return nil, err
	}
	rows := [][]string{{"列", "必填", "格式", "说明", "Column (English)"}}
	for i := range form.Fields {
		fd := &form.Fields[i]
		required := ""
		if fd.Required {
			required = "是"
		}
		rows = append(rows, []string{head[i], required, kindText(fd), fd.HelpZH, fd.EN})
	}
	rows = append(rows, []string{}, []string{"每行一条记录;同一文件重复导入不会重复登记。金额单位为元,最多两位小数。"},
		[]string{"One record a row; importing the same file again records nothing twice. Amounts in yuan, at most two decimals."})
	if err := writeRows(f, guideSheet, rows, bold); err != nil {
		return nil, err
	}
	for _, ref := range []struct {
		sheet string
		list  []Reference
		need  bool
	}{
		{"结对关系", refs.Pairings, hasKind(form, forms.Pairing) || hasKind(form, forms.Pairings) || hasKind(form, forms.Shares)},
		{"资金计划", refs.Commitments, hasKind(form, forms.Commitment)},
	} {
		if !ref.need {
			continue
		}
		if _, err := f.NewSheet(ref.sheet); err != nil {
			return nil, err
		}
		rows := [][]string{{"编号(复制到导入数据;资金计划也可填文号,或文号加受援方名称)", "说明"}}
		for _, r := range ref.list {
			rows = append(rows, []string{r.ID, r.Description})
		}
		if err := writeRows(f, ref.sheet, rows, bold); err != nil {
			return nil, err
		}
		_ = f.SetColWidth(ref.sheet, "A", "A", 32)
		_ = f.SetColWidth(ref.sheet, "B", "B", 60)
	}
	_ = f.SetColWidth(guideSheet, "A", "A", 22)
	_ = f.SetColWidth(guideSheet, "C", "D", 40)
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeRows writes rows into sheet, the first in style head.
func writeRows(f *excelize.File, sheet string, rows [][]string, head int) error {
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(row))
		for j, v := range row {
			vals[j] = v
		}
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return err
		}
	}
	return f.SetRowStyle(sheet, 1, 1, head)
}

// kindText explains in Chinese what a field takes.
func kindText(fd *forms.Field) string {
	switch fd.Kind {
	case forms.Money:
		return "金额(元),如 12345.67"
	case forms.Signed:
		return "金额(元),可为负数"
	case forms.Date:
		return "日期,如 2025-03-01"
	case forms.Int:
		return "整数"
	case forms.Choice, forms.YesNo:
		var names []string
		for _, o := range fd.Options {
			names = append(names, o.ZH)
		}
		return "以下之一:" + strings.Join(names, "、")
	case forms.Pairing:
		return "结对关系编号(见“结对关系”表)"
	case forms.Pairings:
		return "结对关系编号,多个以逗号分隔"
	case forms.Shares:
		return "结对关系编号=分配金额(元),多个以分号分隔,金额未知留空,如 01J…=500000;01K…="
	case forms.Commitment:
		return "资金计划编号(见“资金计划”表)"
	case forms.Project:
		return "援建项目编号"
	}
	return "文字"
}

func hasKind(form *forms.Form, k forms.Kind) bool {
	for _, f := range form.Fields {
		if f.Kind == k {
			return true
		}
	}
	return false
}

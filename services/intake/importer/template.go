package importer

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/aidledger/aidledger/services/intake/forms"
)

// Sheet names of a template workbook.
const (
	dataSheet  = "导入数据"
	guideSheet = "填写说明"
)

// Reference is one row of a template's reference sheet: an id to copy
// into the data sheet, and what it is.
type Reference struct {
	ID          string
	Description string
}

// References are the ids a user may need while filling a template: their
// pairings and, for disbursements, their commitments.
type References struct {
	Pairings, Commitments []Reference
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
		case forms.Text, forms.Pairing, forms.Pairings, forms.Commitment, forms.Project:
			_ = f.SetColStyle(dataSheet, col, text)
		case forms.Choice:
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
		{"结对关系", refs.Pairings, hasKind(form, forms.Pairing) || hasKind(form, forms.Pairings)},
		{"资金计划", refs.Commitments, hasKind(form, forms.Commitment)},
	} {
		if !ref.need {
			continue
		}
		if _, err := f.NewSheet(ref.sheet); err != nil {
			return nil, err
		}
		rows := [][]string{{"编号(复制到导入数据)", "说明"}}
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
	case forms.Choice:
		var names []string
		for _, o := range fd.Options {
			names = append(names, o.ZH)
		}
		return "以下之一:" + strings.Join(names, "、")
	case forms.Pairing:
		return "结对关系编号(见“结对关系”表)"
	case forms.Pairings:
		return "结对关系编号,多个以逗号分隔"
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

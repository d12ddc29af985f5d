package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// MaxFileBytes bounds the size of a file to import.
const MaxFileBytes = 32 << 20

// Read returns the rows of a spreadsheet: an XLSX workbook (its first
// sheet, or the sheet named as the template names it) or a CSV file
// (UTF-8, with or without a byte-order mark, comma- or tab-separated),
// told apart by their contents. XLSX cells are read as stored — numbers
// and dates unformatted — for cellValue to interpret.
func Read(data []byte) ([][]string, error) {
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("importer: the file has %d bytes; at most %d", len(data), MaxFileBytes)
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return readXLSX(data)
	}
	return readCSV(data)
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("importer: not a readable XLSX workbook: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("importer: the workbook has no sheet")
	}
	sheet := sheets[0]
	for _, s := range sheets {
		if s == dataSheet {
			sheet = s
		}
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("importer: sheet %s: %w", sheet, err)
	}
	return rows, nil
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, errors.New("importer: the CSV file is not UTF-8 (save it as “CSV UTF-8”)")
	}
	r := csv.NewReader(bytes.NewReader(data))
	first, _, _ := strings.Cut(string(data), "\n")
	if strings.Count(first, "\t") > strings.Count(first, ",") {
		r.Comma = '\t'
	}
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("importer: not a readable CSV file: %w", err)
	}
	return rows, nil
}

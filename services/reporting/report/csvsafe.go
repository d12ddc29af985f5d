package report

import (
	"regexp"
	"strings"
)

// plainNumber is a cell a spreadsheet reads as a number and nothing else.
var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// CSVCell neutralises a cell a spreadsheet program would run as a formula
// (the OWASP rule for CSV injection): text beginning with =, +, -, @, a tab
// or a carriage return is prefixed with an apostrophe, so that a name or
// document number like "=HYPERLINK(…)" is shown as typed. Plain numbers,
// negative amounts included, are left as they are.
func CSVCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) || plainNumber.MatchString(s) {
		return s
	}
	return "'" + s
}

// CSVRow is row with every cell passed through CSVCell (a new slice).
func CSVRow(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = CSVCell(c)
	}
	return out
}

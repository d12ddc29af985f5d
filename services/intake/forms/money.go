package forms

import (
	"errors"
	"strings"

	"github.com/aidledger/aidledger/services/ledger"
)

// ParseYuan reads an amount in 元 with at most two decimals — "12345.67",
// "12,345.6", "-300", "¥1,000.00" — as integer fen, exactly (no floating
// point). Amounts beyond ledger.MaxAmountFen are refused.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	s = strings.TrimSuffix(s, "元")
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, dotted := strings.Cut(strings.ReplaceAll(s, ",", ""), ".")
	if whole == "" && (!dotted || frac == "") {
		return 0, errors.New("not an amount in yuan")
	}
	if len(frac) > 2 {
		return 0, errors.New("at most two decimals (fen)")
	}
	var fen int64
	for _, c := range whole + frac + strings.Repeat("0", 2-len(frac)) {
		if c < '0' || c > '9' {
			return 0, errors.New("not an amount in yuan")
		}
		fen = fen*10 + int64(c-'0')
		if fen > ledger.MaxAmountFen {
			return 0, errors.New("more than 100 billion yuan")
		}
	}
	if neg {
		fen = -fen
	}
	return fen, nil
}

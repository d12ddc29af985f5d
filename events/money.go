package events

import (
	"fmt"
	"strings"
)

// Yuan formats fen as yuan with two decimals and thousands separators,
// e.g. -123456789 → "-1,234,567.89".
func Yuan(fen int64) string {
	neg := fen < 0
	u := uint64(fen)
	if neg {
		u = -u
	}
	digits := fmt.Sprint(u / 100)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	fmt.Fprintf(&b, ".%02d", u%100)
	return b.String()
}

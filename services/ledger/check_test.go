package ledger

import (
	"errors"
	"testing"
)

// TestTextRefusesHiddenCharacters: free text may not hold control
// characters (but for newline and tab) nor bidirectional controls, which
// make text display other than it reads.
func TestTextRefusesHiddenCharacters(t *testing.T) {
	t.Parallel()
	for v, ok := range map[string]bool{
		"乙县财政局": true, "第一行\n第二行": true, "a\tb": true,
		"付款单位\u202e4321": false, "\u2066隔离\u2069": false, "x\u200fy": false, "a\x07b": false, "a\u061cb": false,
	} {
		c := &check{today: day("2025-06-30")}
		c.text("payee_name", v, 100)
		var r *Rejection
		if err := c.result(); (err == nil) != ok || (err != nil && (!errors.As(err, &r) || r.Code != CodeValidationFailed || r.Field != "payee_name")) {
			t.Errorf("text %q: %v, want ok %v", v, err, ok)
		}
	}
}

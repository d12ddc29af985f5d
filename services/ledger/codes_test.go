package ledger

import (
	"os"
	"regexp"
	"slices"
	"testing"
)

// TestREADMEListsEveryCode: the README's table of error codes is exactly
// Codes, in order — no code a client can meet is undocumented, and no
// documented code is gone.
func TestREADMEListsEveryCode(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| [0-9]{3} \\|").FindAllSubmatch(readme, -1) {
		documented = append(documented, string(m[1]))
	}
	if !slices.Equal(documented, Codes) {
		t.Errorf("README error codes\n%v\nledger.Codes\n%v", documented, Codes)
	}
	seen := map[string]bool{}
	for _, c := range Codes {
		if seen[c] {
			t.Errorf("code %s listed twice", c)
		}
		seen[c] = true
	}
}

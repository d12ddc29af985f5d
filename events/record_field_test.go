package events

import (
	"encoding/json"
	"testing"
)

// appendField writes every string exactly as encoding/json does, whether
// it takes the fast path or not: the canonical bytes, and so every hash,
// depend on it.
func FuzzAppendFieldMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{"", "plain", "辛会计 (recorder)", "a<b>&c", "quote\"back\\slash", "\u2028line\u2029", "\x7f\x00\t",
		"\xff\xfe invalid", "半\xe4角", "钟政〔2021〕1号", "emoji 🙂"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		got := appendField(nil, "f", s)
		if string(got) != `,"f":`+string(want) {
			t.Fatalf("%q: wrote %s, encoding/json writes %s", s, got[5:], want)
		}
	})
}

package report

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestSplicer: the marker is replaced wherever the writes happen to cut
// it, and text that only begins like the marker passes unchanged, also at
// the very end.
func TestSplicer(t *testing.T) {
	t.Parallel()
	insert := func(w io.Writer) error { _, err := io.WriteString(w, "[spliced]"); return err }
	const marker = `"aidledger-line-items-0123"`
	for in, out := range map[string]string{
		`{"a": "aidledger-line-items-01", "b": ` + marker + `, "c": "aidledger"}`: `{"a": "aidledger-line-items-01", "b": [spliced], "c": "aidledger"}`,
		`{"a": ` + marker + `}`:          `{"a": [spliced]}`,
		marker:                           `[spliced]`,
		`{"a": "aidledger-line-items-01`: `{"a": "aidledger-line-items-01`,
	} {
		for _, size := range []int{1, 2, 7, 27, 28, 29, 40, 57, len(in)} {
			var got bytes.Buffer
			s := newSplicer(&got, []byte(marker), insert)
			for p := in; p != ""; p = p[min(size, len(p)):] {
				if n, err := s.Write([]byte(p[:min(size, len(p))])); err != nil || n != min(size, len(p)) {
					t.Fatalf("writes of %d: Write = %d, %v", size, n, err)
				}
			}
			if err := s.Flush(); err != nil {
				t.Fatal(err)
			}
			if got.String() != out || s.found != strings.Contains(in, marker) {
				t.Errorf("writes of %d:\n got %s (found %v)\nwant %s", size, got.String(), s.found, out)
			}
		}
	}
}

// TestJSONFailedWrite: a client that goes away while the line items are
// written gets the writer's error, and no goroutine formatting them is
// left behind.
func TestJSONFailedWrite(t *testing.T) {
	r := bigReport()
	before := runtime.NumGoroutine()
	for _, n := range []int{1000, 200_000, 2_000_000} {
		if err := Write(&failingWriter{n: n}, r, FormatJSON, LangZH); err == nil || !strings.Contains(err.Error(), "connection reset") {
			t.Fatalf("after %d bytes: %v, want the writer's error", n, err)
		}
	}
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left behind", runtime.NumGoroutine()-before)
		}
	}
	var whole bytes.Buffer
	if err := Write(&whole, r, FormatJSON, LangZH); err != nil || whole.Len() < 2_000_000 {
		t.Fatalf("the whole answer: %d bytes, %v (the test needs more than 2 MB)", whole.Len(), err)
	}
}

package report

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestLineItemSplicer: the marker is replaced wherever the writes happen
// to cut it, and text that only begins like the marker passes unchanged.
func TestLineItemSplicer(t *testing.T) {
	t.Parallel()
	items := bigReport().LineItems[:3]
	var want bytes.Buffer
	if err := writeLineItems(&want, items); err != nil {
		t.Fatal(err)
	}
	const marker = "aidledger-line-items-0123"
	in := `{"a": "aidledger-line-items-01", "b": "` + marker + `", "c": "aidledger"}`
	out := strings.Replace(in, `"`+marker+`"`, want.String(), 1)
	for _, size := range []int{1, 2, 7, len(in)} {
		var got bytes.Buffer
		s := newLineItemSplicer(&got, marker, items)
		for p := in; p != ""; p = p[min(size, len(p)):] {
			if n, err := s.Write([]byte(p[:min(size, len(p))])); err != nil || n != min(size, len(p)) {
				t.Fatalf("writes of %d: Write = %d, %v", size, n, err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if got.String() != out {
			t.Errorf("writes of %d:\n got %s\nwant %s", size, got.String(), out)
		}
	}
	s := newLineItemSplicer(&bytes.Buffer{}, marker, items)
	if _, err := s.Write([]byte(`{"a": "aidledger-line-items-01"}`)); err != nil {
		t.Fatal(err)
	}
	if s.Close() == nil {
		t.Error("Close without the marker: no error")
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

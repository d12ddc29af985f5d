package events_test

import (
	"bytes"
	"os"
	"reflect"
	"testing"

	"github.com/aidledger/aidledger/events"
)

// FuzzDecode feeds arbitrary bytes to Decode as a v1 payload of a catalogue
// type picked by the fuzzed index. Decode must never panic, and whatever it
// accepts must encode, and decode again to the same value with the same
// canonical bytes: a payload that Decode understands has exactly one
// meaning.
//
//	go test ./events -run '^$' -fuzz FuzzDecode -fuzztime 30s
func FuzzDecode(f *testing.F) {
	types := events.Types()
	for i, typ := range types {
		golden, err := os.ReadFile(goldenPath(typ))
		if err != nil {
			f.Fatalf("%v (run go test ./events -run Golden -update)", err)
		}
		f.Add(uint(i), golden)
	}
	// A few shapes the golden files do not have.
	for i := range types {
		f.Add(uint(i), []byte(`{}`))
		f.Add(uint(i), []byte(`null`))
	}

	f.Fuzz(func(t *testing.T, index uint, payload []byte) {
		typ := types[index%uint(len(types))]
		spec, _ := events.Lookup(typ)
		e, err := events.Decode(typ, spec.Version, payload)
		if err != nil {
			return
		}
		if e.EventType() != typ {
			t.Fatalf("Decode(%s) returned a %s", typ, e.EventType())
		}
		enc, version, err := events.Encode(e)
		if err != nil {
			t.Fatalf("Decode(%s) accepted %q but Encode fails: %v", typ, payload, err)
		}
		if version != spec.Version {
			t.Fatalf("Encode version = %d, want the current %d", version, spec.Version)
		}
		back, err := events.Decode(typ, version, enc)
		if err != nil {
			t.Fatalf("Decode(Encode(x)) fails: %v\npayload %q\nencoded %s", err, payload, enc)
		}
		if !reflect.DeepEqual(back, e) {
			t.Fatalf("Decode(Encode(x)) != x\npayload %q\nencoded %s\n     x %#v\n  back %#v", payload, enc, e, back)
		}
		again, _, err := events.Encode(back)
		if err != nil || !bytes.Equal(again, enc) {
			t.Fatalf("Encode not stable: %s vs %s (%v)", enc, again, err)
		}
	})
}

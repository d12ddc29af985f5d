package events_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
)

// FromWire gives back exactly the record that was sent, including escaped
// strings, and refuses a body with any byte changed.
func TestFromWireRoundTripAndTamper(t *testing.T) {
	r := wireRecord(t)
	r.Metadata.CorrelationID = "quote\" backslash\\ <tag> 中文\n"
	r.Hash = events.ChainHash(r.PrevHash, r.Position, r.Canonical())
	body := r.Canonical()
	got, err := events.FromWire(r.Position, body, r.PrevHash.String(), r.Hash.String())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Fatalf("round trip:\n got  %+v\n want %+v", got, r)
	}
	for i := range body {
		bad := append([]byte(nil), body...)
		bad[i] ^= 0x01
		if _, err := events.FromWire(r.Position, bad, r.PrevHash.String(), r.Hash.String()); err == nil {
			t.Fatalf("byte %d flipped (%q): accepted", i, bad)
		}
	}
	if _, err := events.FromWire(r.Position+1, body, r.PrevHash.String(), r.Hash.String()); err == nil {
		t.Fatal("a record at another position was accepted")
	}
}

var fixedTime = time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)

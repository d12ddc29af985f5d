package events_test

import (
	"reflect"
	"strings"
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

// A body whose recorded_at is not in TimeLayout is refused even when its
// hash header matches it (as a forger would make it): a day past the
// month's end, a comma before the fraction, another zone, five digits of
// fraction.
func TestFromWireRefusesAnotherTimeForm(t *testing.T) {
	r := wireRecord(t)
	body := string(r.Canonical())
	const at = `"recorded_at":"2025-06-01T08:00:00.000000Z"`
	if !strings.Contains(body, at) {
		t.Fatalf("the record's time is not %s: %s", at, body)
	}
	for _, other := range []string{"2025-02-30T08:00:00.000000Z", "2025-06-01T08:00:00,000000Z", "2025-06-01T08:00:00.000000+00:00",
		"2025-06-01T08:00:00.00000Z", "2025-06-01T08:00:00.000000z"} {
		bad := []byte(strings.Replace(body, at, `"recorded_at":"`+other+`"`, 1))
		hash := events.ChainHash(r.PrevHash, r.Position, bad)
		if _, err := events.FromWire(r.Position, bad, r.PrevHash.String(), hash.String()); err == nil {
			t.Errorf("recorded_at %s: accepted", other)
		}
	}
}

var fixedTime = time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)

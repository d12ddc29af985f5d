package yearend_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/yearend"
)

// TestLineItems: the chunked list yields what it was given, in order,
// by item, by index and by run, and round-trips through JSON as an array.
func TestLineItems(t *testing.T) {
	if b, err := json.Marshal(yearend.LineItems{}); err != nil || string(b) != "[]" {
		t.Errorf("empty: %s, %v; want []", b, err)
	}
	want := make([]yearend.LineItem, 10_000) // several chunks, the last part full
	for i := range want {
		want[i] = yearend.LineItem{EventID: "e" + strconv.Itoa(i), Position: int64(i), Type: "<aid>&", PairingID: "pr",
			Figure: "visits", BusinessDate: events.DateOf(2025, time.January, 1).AddDays(i % 365), AmountFen: 1, DocumentNo: "№" + strconv.Itoa(i)}
	}
	l := yearend.LineItemsOf(want...)
	if l.Len() != len(want) {
		t.Fatalf("Len %d, want %d", l.Len(), len(want))
	}
	var byItem, byRun []yearend.LineItem
	for i, li := range l.All() {
		if i != len(byItem) {
			t.Fatalf("index %d after %d items", i, len(byItem))
		}
		byItem = append(byItem, *li)
		if l.At(i) != li {
			t.Fatalf("At(%d) is not the item All yields there", i)
		}
	}
	for run := range l.Runs() {
		byRun = append(byRun, run...)
	}
	if !slices.Equal(byItem, want) || !slices.Equal(byRun, want) {
		t.Fatal("the items yielded are not the items given")
	}
	for i := range l.All() {
		if i == 5000 {
			break // a loop may stop early
		}
	}

	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var asSlice []yearend.LineItem
	if err := json.Unmarshal(b, &asSlice); err != nil || !slices.Equal(asSlice, want) {
		t.Fatalf("not an array of the items: %v", err)
	}
	var back yearend.LineItems
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, l) {
		t.Fatalf("JSON round trip: %v", err)
	}
}

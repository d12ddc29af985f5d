package events

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// upcastProbe is a throwaway event type that exists only in this test. Its
// v1 shape was {"id":…,"amount":…,"note":…}; v2 renamed id to probe_id and
// amount to amount_fen, and dropped note.
type upcastProbe struct {
	ProbeID   string `json:"probe_id"`
	AmountFen int64  `json:"amount_fen"`
}

func (upcastProbe) EventType() string { return "test.upcast_probe" }

// upcastProbeV3 is the shape after a second change (v3 adds currency).
type upcastProbeV3 struct {
	ProbeID   string `json:"probe_id"`
	AmountFen int64  `json:"amount_fen"`
	Currency  string `json:"currency"`
}

func (upcastProbeV3) EventType() string { return "test.upcast_probe_v3" }

// registerForTest adds e to the catalogue for the duration of the test.
func registerForTest(t *testing.T, e Event) {
	t.Helper()
	register(e)
	t.Cleanup(func() { delete(catalogue, e.EventType()) })
}

// renameV1 lifts the v1 shape of upcastProbe to v2.
func renameV1(calls *int) Upcaster {
	return func(payload json.RawMessage) (json.RawMessage, error) {
		*calls++
		var v1 struct {
			ID     string `json:"id"`
			Amount int64  `json:"amount"`
			Note   string `json:"note"`
		}
		if err := json.Unmarshal(payload, &v1); err != nil {
			return nil, err
		}
		if v1.ID == "" {
			return nil, errors.New("v1 payload without id")
		}
		return json.Marshal(upcastProbe{ProbeID: v1.ID, AmountFen: v1.Amount})
	}
}

func TestUpcastRenamedField(t *testing.T) {
	const typ = "test.upcast_probe"
	calls := 0
	registerForTest(t, upcastProbe{})
	addUpcaster(typ, renameV1(&calls))

	if s, _ := Lookup(typ); s.Version != 2 {
		t.Fatalf("version after one upcaster = %d, want 2", s.Version)
	}
	want := upcastProbe{ProbeID: "01JNQK0VR07JTZARED010EGNK2", AmountFen: 60_000_000}

	// A v1 payload is lifted to the v2 value.
	got, err := Decode(typ, 1, []byte(`{"id":"01JNQK0VR07JTZARED010EGNK2","amount":60000000,"note":"首批拨付"}`))
	if err != nil {
		t.Fatalf("Decode v1: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Decode v1 = %#v, want %#v", got, want)
	}
	if calls != 1 {
		t.Errorf("upcaster called %d times for a v1 payload, want 1", calls)
	}

	// Encode writes the current version, and its bytes decode as v2
	// without touching the upcaster.
	payload, version, err := Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	if version != 2 || string(payload) != `{"probe_id":"01JNQK0VR07JTZARED010EGNK2","amount_fen":60000000}` {
		t.Errorf("Encode = %s v%d", payload, version)
	}
	got, err = Decode(typ, 2, payload)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Decode v2 = %#v, %v", got, err)
	}
	if calls != 1 {
		t.Errorf("upcaster called for a current-version payload")
	}

	// The payload is checked strictly after upcasting: a v2 payload sent as
	// v1 fails in the upcaster, a v1 payload sent as v2 has unknown fields.
	if _, err := Decode(typ, 1, payload); err == nil {
		t.Error("v2 payload decoded as v1")
	}
	if _, err := Decode(typ, 2, []byte(`{"id":"01JNQK0VR07JTZARED010EGNK2","amount":60000000}`)); err == nil {
		t.Error("v1 payload decoded as v2")
	}
	// An upcaster's error is reported, wrapped.
	if _, err := Decode(typ, 1, []byte(`{"amount":1}`)); err == nil || !containsAll(err.Error(), "upcast from v1", "without id") {
		t.Errorf("upcaster error = %v", err)
	}

	for _, v := range []int{0, 3, -1} {
		if _, err := Decode(typ, v, payload); !errors.Is(err, ErrUnknownVersion) {
			t.Errorf("Decode version %d: error = %v, want ErrUnknownVersion", v, err)
		}
	}
	if _, err := Decode("test.upcast_probe_v9", 1, payload); !errors.Is(err, ErrUnknownType) {
		t.Errorf("Decode unknown type: error = %v, want ErrUnknownType", err)
	}
}

// TestUpcastChain: a v1 payload goes through every upcaster, in order.
func TestUpcastChain(t *testing.T) {
	const typ = "test.upcast_probe_v3"
	var order []int
	registerForTest(t, upcastProbeV3{})
	addUpcaster(typ, func(p json.RawMessage) (json.RawMessage, error) {
		order = append(order, 1)
		var v1 struct {
			ID     string `json:"id"`
			Amount int64  `json:"amount"`
		}
		if err := json.Unmarshal(p, &v1); err != nil {
			return nil, err
		}
		return json.Marshal(map[string]any{"probe_id": v1.ID, "amount_fen": v1.Amount})
	})
	addUpcaster(typ, func(p json.RawMessage) (json.RawMessage, error) {
		order = append(order, 2)
		var v2 map[string]any
		if err := json.Unmarshal(p, &v2); err != nil {
			return nil, err
		}
		if _, ok := v2["probe_id"]; !ok {
			return nil, errors.New("v2->v3 upcaster got a payload that is not v2")
		}
		v2["currency"] = "CNY"
		return json.Marshal(v2)
	})
	want := upcastProbeV3{ProbeID: "p1", AmountFen: 5, Currency: "CNY"}
	got, err := Decode(typ, 1, []byte(`{"id":"p1","amount":5}`))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode v1 = %#v, %v; want %#v", got, err, want)
	}
	if !reflect.DeepEqual(order, []int{1, 2}) {
		t.Errorf("upcasters ran in order %v, want [1 2]", order)
	}
	order = nil
	got, err = Decode(typ, 2, []byte(`{"probe_id":"p1","amount_fen":5}`))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode v2 = %#v, %v; want %#v", got, err, want)
	}
	if !reflect.DeepEqual(order, []int{2}) {
		t.Errorf("v2 payload ran upcasters %v, want [2]", order)
	}
	if _, err := Decode(typ, 4, []byte(`{}`)); !errors.Is(err, ErrUnknownVersion) {
		t.Errorf("Decode v4: error = %v, want ErrUnknownVersion", err)
	}
}

// TestRegisterForTestCleansUp runs after the tests above (go test runs tests
// in source order): the throwaway types must be gone from the catalogue.
func TestRegisterForTestCleansUp(t *testing.T) {
	for _, typ := range []string{"test.upcast_probe", "test.upcast_probe_v3"} {
		if _, ok := Lookup(typ); ok {
			t.Errorf("%s still in the catalogue", typ)
		}
	}
	for _, typ := range Types() {
		if !strings.HasPrefix(typ, "aid.") {
			t.Errorf("unexpected catalogue entry %q", typ)
		}
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("registering aid.funds_disbursed twice did not panic")
		}
	}()
	register(FundsDisbursed{})
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func TestNilEmptyOmitted(t *testing.T) {
	type inner struct {
		Tags  []string       `json:"tags,omitempty"`
		Kept  []string       `json:"kept"`
		Attrs map[string]int `json:"attrs,omitempty"`
	}
	type outer struct {
		inner
		Inner   inner    `json:"inner"`
		Ptr     *inner   `json:"ptr,omitempty"`
		List    []inner  `json:"list,omitempty"`
		Full    []string `json:"full,omitempty"`
		Skipped []string `json:"-"`
	}
	empty := func() inner { return inner{Tags: []string{}, Kept: []string{}, Attrs: map[string]int{}} }
	v := outer{inner: empty(), Inner: empty(), Ptr: &inner{Tags: []string{}}, List: []inner{empty()}, Full: []string{"a"}, Skipped: []string{}}
	nilEmptyOmitted(reflect.ValueOf(&v).Elem())

	want := func() inner { return inner{Kept: []string{}} }
	if v.Inner.Tags != nil || v.Inner.Attrs != nil || !reflect.DeepEqual(v.Inner, want()) {
		t.Errorf("nested struct: %#v", v.Inner)
	}
	if !reflect.DeepEqual(*v.Ptr, inner{}) || !reflect.DeepEqual(v.List, []inner{want()}) {
		t.Errorf("pointer / slice element: %#v %#v", *v.Ptr, v.List)
	}
	if !reflect.DeepEqual(v.Full, []string{"a"}) || v.Skipped == nil {
		t.Errorf("non-empty or non-omitempty fields changed: %#v %#v", v.Full, v.Skipped)
	}
	// The embedded struct is unexported here, so its fields are not
	// settable through reflection: it must be left alone, not panic.
	if v.inner.Tags == nil {
		t.Errorf("unexported embedded struct was modified")
	}
}

package balances_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
)

// script builds an event sequence by hand. Every event goes through the
// catalogue's Encode and Decode, so Apply sees exactly what the runner
// will hand it.
type script struct {
	tb  testing.TB
	evs []projections.Event
}

func (s *script) add(e events.Event) {
	s.tb.Helper()
	payload, version, err := events.Encode(e)
	if err != nil {
		s.tb.Fatal(err)
	}
	data, err := events.Decode(e.EventType(), version, payload)
	if err != nil {
		s.tb.Fatal(err)
	}
	n := int64(len(s.evs) + 1)
	s.evs = append(s.evs, projections.Event{Record: events.Record{Position: n, ID: fmt.Sprintf("EV%06d", n),
		Type: e.EventType(), SchemaVersion: version, Payload: payload}, Data: data})
}

// day parses "YYYY-MM-DD" or fails the test.
func day(tb testing.TB, s string) events.Date {
	tb.Helper()
	if s == "" {
		return events.Date{}
	}
	d, err := events.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// flatten adds the leaves of v under prefix to out as "a.b.0.c" → value,
// with every integer as int64 (JSON numbers must be integers).
func flatten(tb testing.TB, prefix string, v any, out map[string]any) {
	tb.Helper()
	join := func(k string) string { return strings.TrimPrefix(prefix+"."+k, ".") }
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			flatten(tb, join(k), e, out)
		}
	case []any:
		for i, e := range x {
			flatten(tb, join(fmt.Sprint(i)), e, out)
		}
	case json.Number:
		n, err := x.Int64()
		if err != nil {
			tb.Fatalf("%s: %v is not an integer", prefix, x)
		}
		out[prefix] = n
	case int:
		out[prefix] = int64(x)
	default:
		out[prefix] = x
	}
}

// leaves flattens v's JSON encoding.
func leaves(tb testing.TB, v any) map[string]any {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var m any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		tb.Fatal(err)
	}
	out := map[string]any{}
	flatten(tb, "", m, out)
	return out
}

// expectLeaves checks that v's JSON leaves equal want's (which may nest
// maps and lists), and that every leaf want does not name is a zero value
// (0, null, false, "" or "0.0"): every figure is hand-computed, including
// the ones that must be zero.
func expectLeaves(tb testing.TB, what string, v any, want map[string]any) {
	tb.Helper()
	got := leaves(tb, v)
	flat := map[string]any{}
	flatten(tb, "", want, flat)
	for k, w := range flat {
		g, ok := got[k]
		if !ok {
			tb.Errorf("%s: no field %s", what, k)
			continue
		}
		if !reflect.DeepEqual(g, w) {
			tb.Errorf("%s: %s = %v, want %v", what, k, g, w)
		}
	}
	var extra []string
	for k, g := range got {
		if _, named := flat[k]; named {
			continue
		}
		switch g {
		case int64(0), nil, false, "", "0.0":
			continue
		}
		extra = append(extra, fmt.Sprintf("%s = %v", k, g))
	}
	sort.Strings(extra)
	for _, e := range extra {
		tb.Errorf("%s: unexpected non-zero %s", what, e)
	}
}

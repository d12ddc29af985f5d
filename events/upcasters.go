package events

import (
	"encoding/json"
	"fmt"
)

// renamedTarget is an upcaster that renames field from to to in a payload's
// "targets" object.
func renamedTarget(from, to string) Upcaster {
	return func(payload json.RawMessage) (json.RawMessage, error) {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(payload, &fields); err != nil || fields == nil {
			return nil, fmt.Errorf("rename %s: the payload is not an object (%v)", from, err)
		}
		var targets map[string]json.RawMessage
		if err := json.Unmarshal(fields["targets"], &targets); err != nil || targets == nil {
			return nil, fmt.Errorf("rename %s: targets is not an object (%v)", from, err)
		}
		if v, ok := targets[from]; ok {
			targets[to] = v
			delete(targets, from)
		}
		b, err := json.Marshal(targets)
		if err != nil {
			return nil, err
		}
		fields["targets"] = b
		return json.Marshal(fields)
	}
}

// withDefault is an upcaster that adds field, with the JSON value value,
// to payloads that lack it: a field added to an event type, whose value
// for events recorded before is known.
func withDefault(field, value string) Upcaster {
	return func(payload json.RawMessage) (json.RawMessage, error) {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(payload, &fields); err != nil {
			return nil, fmt.Errorf("add %s: %w", field, err)
		}
		if fields == nil {
			return nil, fmt.Errorf("add %s: the payload is not an object", field)
		}
		if _, ok := fields[field]; ok {
			return payload, nil
		}
		fields[field] = json.RawMessage(value)
		return json.Marshal(fields)
	}
}

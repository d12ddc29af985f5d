package api_test

import (
	"testing"
)

// Every read of a read model takes min_position (an officer's read-your-
// write); the parameter must reach the route table, not be dropped by the
// framework.
func TestReadModelRoutesTakeMinPosition(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{"/v1/pairings", "/v1/pairings/{id}/balances", "/v1/balances", "/v1/commitments/{id}",
		"/v1/projects/{id}", "/v1/audit"} {
		item := e.api.OpenAPI().Paths[path]
		if item == nil || item.Get == nil {
			t.Errorf("GET %s is not in the route table", path)
			continue
		}
		found := false
		for _, p := range item.Get.Parameters {
			found = found || (p.Name == "min_position" && p.In == "query")
		}
		if !found {
			t.Errorf("GET %s does not take min_position", path)
		}
	}
}

package api_test

// Route-table tests: every write operation the API registers — including
// ones added later — is derived from the OpenAPI document, so authentication
// and authorisation are checked on all of them without a hand-kept list.

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aidledger/aidledger/events"
)

// route is one operation of the route table.
type route struct {
	method, path string
	op           *huma.Operation
}

// writeRoutes lists every operation of the OpenAPI document whose method is
// not GET (or HEAD), sorted by path and method.
func writeRoutes(doc *huma.OpenAPI) []route {
	var out []route
	for path, item := range doc.Paths {
		for method, op := range map[string]*huma.Operation{
			http.MethodPost: item.Post, http.MethodPut: item.Put, http.MethodPatch: item.Patch,
			http.MethodDelete: item.Delete, http.MethodOptions: item.Options, http.MethodTrace: item.Trace,
		} {
			if op != nil {
				out = append(out, route{method, path, op})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].path != out[j].path {
			return out[i].path < out[j].path
		}
		return out[i].method < out[j].method
	})
	return out
}

var pathParamRe = regexp.MustCompile(`\{[^}]+\}`)

// concrete fills every path parameter with a fresh ULID.
func concrete(path string) string {
	return pathParamRe.ReplaceAllStringFunc(path, func(string) string { return events.NewID() })
}

// writePaths are the write endpoints the API is documented to have; the
// route table may grow beyond them but never lose one.
func writePaths() []string {
	paths := []string{
		"/v1/pairings", "/v1/pairings/{id}/targets",
		"/v1/projects", "/v1/projects/{id}/progress",
		"/v1/commitments", "/v1/commitments/{id}/adjustments",
		"/v1/disbursements", "/v1/disbursements/{id}/reversals", "/v1/disbursements/{id}/receipt",
		"/v1/donations", "/v1/purchases", "/v1/sales",
		"/v1/secondments", "/v1/secondments/{id}/end",
		"/v1/visits",
	}
	for _, kind := range []string{"donation", "purchase", "sale", "visit", "secondment"} {
		paths = append(paths, "/v1/"+kind+"s/{id}/reversals")
	}
	return paths
}

func TestEveryWriteRouteRefusesAuditorAndAnonymous(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.fixture()
	routes := writeRoutes(e.api.OpenAPI())
	if len(routes) < len(writePaths()) {
		t.Fatalf("route table has %d write operations, want at least %d", len(routes), len(writePaths()))
	}
	for _, rt := range routes {
		e.subtest(t, rt.method+" "+rt.path, func(t *testing.T) {
			path := concrete(rt.path)
			before := e.head()

			r := e.send("auditor", rt.method, path, []byte(`{}`), nil)
			if r.Status != http.StatusForbidden || r.str("code") != "forbidden" {
				t.Fatalf("auditor: %d %s, want 403 forbidden", r.Status, r.Raw)
			}
			if r.str("message") == "" || r.str("message_zh") == "" {
				t.Fatalf("auditor: rejection without message/message_zh: %s", r.Raw)
			}

			for name, auth := range map[string]string{
				"no token":       "",
				"unknown token":  "Bearer ald_not-a-token",
				"empty bearer":   "Bearer ",
				"basic auth":     "Basic YWRtaW46YWRtaW4=",
				"token, no type": e.tokens["admin"],
			} {
				r := e.send("", rt.method, path, []byte(`{}`), map[string]string{"Authorization": auth})
				if r.Status != http.StatusUnauthorized || r.str("code") != "unauthorized" {
					t.Fatalf("%s: %d %s, want 401 unauthorized", name, r.Status, r.Raw)
				}
				if r.str("message") == "" || r.str("message_zh") == "" {
					t.Fatalf("%s: rejection without message/message_zh: %s", name, r.Raw)
				}
			}

			// a writer with an empty body is refused as bad input, not a crash
			r = e.send("admin", rt.method, path, []byte(`{}`), nil)
			if r.Status < 400 || r.Status > 499 || r.str("code") == "" {
				t.Fatalf("admin with {}: %d %s, want a 4xx with a code", r.Status, r.Raw)
			}
			if after := e.head(); after != before {
				t.Fatalf("refused requests moved the log from %d to %d", before, after)
			}
		})
	}
}

func TestWriteRoutesAreDocumented(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, rt := range writeRoutes(e.api.OpenAPI()) {
		if len(rt.op.Security) == 0 {
			t.Errorf("%s %s declares no security requirement", rt.method, rt.path)
		}
		if rt.op.OperationID == "" || rt.op.Summary == "" {
			t.Errorf("%s %s has no operation id or summary", rt.method, rt.path)
		}
		hasKey := false
		for _, p := range rt.op.Parameters {
			hasKey = hasKey || (p.In == "header" && p.Name == "Idempotency-Key")
		}
		if !hasKey {
			t.Errorf("%s %s does not document the Idempotency-Key header", rt.method, rt.path)
		}
	}
}

func TestOpenAPIServedWithoutToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do("", http.MethodGet, "/v1/openapi.json", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /v1/openapi.json without a token: %d %.300s", r.Status, r.Raw)
	}
	if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "json") {
		t.Fatalf("Content-Type %q", ct)
	}
	served, _ := r.Body["paths"].(map[string]any)
	if len(served) == 0 {
		t.Fatalf("no paths in the served document: %.300s", r.Raw)
	}
	for _, p := range writePaths() {
		item, _ := served[p].(map[string]any)
		if _, ok := item["post"]; !ok {
			t.Errorf("the served OpenAPI document lacks POST %s", p)
		}
	}
	// and it is the route table: every write operation registered is served
	for _, rt := range writeRoutes(e.api.OpenAPI()) {
		item, _ := served[rt.path].(map[string]any)
		if _, ok := item[strings.ToLower(rt.method)]; !ok {
			t.Errorf("%s %s is registered but not in the served document", rt.method, rt.path)
		}
	}
	// reads are listed too
	if _, ok := served["/v1/events"].(map[string]any)["get"]; !ok {
		t.Error("GET /v1/events is not in the served document")
	}
}

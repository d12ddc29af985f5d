// Package layout_test checks that the module's dependencies point one way,
// as docs/architecture.md draws them:
//
//	events      ← projections ← services
//	services/platform: no domain package (events, projections, services
//	                   other than platform)
//	services/ports:    imported by the binary's wiring and test kits only
//	services/testkit, events/eventtest: imported by tests and test kits only
//
// The rules are checked on the transitive imports of every non-test
// package, as `go list -deps` reports them.
package layout_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/aidledger/aidledger/"

// rule forbids packages under From (relative to the module) to depend on
// packages under any of To, unless the importer is under one of Except.
type rule struct {
	Name   string
	From   string
	To     []string
	Except []string
	// AllowTo lists packages under To that From may still depend on.
	AllowTo []string
}

var rules = []rule{
	{Name: "the event contract depends on nothing of the project's", From: "events",
		To: []string{"projections", "services"}},
	{Name: "read models depend on no service", From: "projections", To: []string{"services"}},
	{Name: "platform packages hold no domain", From: "services/platform",
		To: []string{"events", "projections", "services"}, AllowTo: []string{"services/platform"}},
	{Name: "ports are adapters: only the binary's wiring and test kits import them", From: "",
		To: []string{"services/ports"}, Except: []string{"services/aidledger", "services/testkit"}},
	{Name: "test kits are for tests", From: "", To: []string{"services/testkit"},
		Except: []string{"services/testkit"}},
	{Name: "generated event logs are for tests", From: "", To: []string{"events/eventtest"},
		Except: []string{"services/testkit"}},
}

// under reports whether pkg (module-relative) is dir or inside it; "" is
// the whole module.
func under(pkg, dir string) bool {
	return dir == "" || pkg == dir || strings.HasPrefix(pkg, dir+"/")
}

// violations lists every forbidden dependency of graph (package → its
// transitive dependencies, module-relative, other modules left out).
func violations(graph map[string][]string) []string {
	var out []string
	for pkg, deps := range graph {
		for _, r := range rules {
			if !under(pkg, r.From) || slices.ContainsFunc(r.Except, func(e string) bool { return under(pkg, e) }) {
				continue
			}
			for _, d := range deps {
				forbidden := slices.ContainsFunc(r.To, func(t string) bool { return under(d, t) })
				allowed := slices.ContainsFunc(r.AllowTo, func(a string) bool { return under(d, a) })
				// A package's own subtree is never forbidden to it (ports/web
				// may use ports/web/internal).
				if forbidden && !allowed && !under(d, pkg) {
					out = append(out, fmt.Sprintf("%s depends on %s: %s", pkg, d, r.Name))
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// moduleGraph runs `go list -deps` over the module.
func moduleGraph(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Deps", module+"...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	graph := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkg := strings.TrimPrefix(p.ImportPath, module)
		graph[pkg] = []string{}
		for _, d := range p.Deps {
			if rel, ok := strings.CutPrefix(d, module); ok {
				graph[pkg] = append(graph[pkg], rel)
			}
		}
	}
	return graph
}

// TestBoundaries fails on any dependency that points the wrong way.
func TestBoundaries(t *testing.T) {
	t.Parallel()
	graph := moduleGraph(t)
	for _, must := range []string{"events", "events/eventstore", "projections", "services/ledger", "services/ports/api", "services/aidledger"} {
		if _, ok := graph[must]; !ok {
			t.Fatalf("go list did not report %s: the module's layout changed, update the rules", must)
		}
	}
	for _, v := range violations(graph) {
		t.Error(v)
	}
}

// TestRulesCatchForbiddenImports: each rule fires on a graph that breaks
// it, and stays silent on the allowed shape.
func TestRulesCatchForbiddenImports(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		graph map[string][]string
		want  int
	}{
		{"allowed shape", map[string][]string{
			"events/eventstore":           {"events"},
			"projections/yearend":         {"events", "projections"},
			"services/ledger":             {"events", "events/eventstore", "services/auth"},
			"services/ports/web":          {"services/ledger", "services/reporting/report", "services/ports/web/internal"},
			"services/aidledger":          {"services/ports/api", "services/ports/web", "services/platform/pgcluster"},
			"services/platform/pgcluster": {"services/platform/dbmigrate"},
			"services/testkit/demoenv":    {"services/testkit/testenv", "services/ports/api"},
		}, 0},
		{"event store importing a service", map[string][]string{"events/eventstore": {"services/platform/dbmigrate"}}, 1},
		{"read model importing a renderer", map[string][]string{"projections/yearend": {"services/reporting/report"}}, 1},
		{"platform importing the domain", map[string][]string{"services/platform/pgcluster": {"events"}}, 1},
		{"a port importing another port", map[string][]string{"services/ports/web": {"services/ports/api"}}, 1},
		{"a service importing a port", map[string][]string{"services/reporting/summary": {"services/ports/api"}}, 1},
		{"production code importing a test kit", map[string][]string{"services/ledger": {"services/testkit/testenv"}}, 1},
		{"production code importing the event generator", map[string][]string{"projections/balances": {"events/eventtest"}}, 1},
	} {
		if got := violations(tc.graph); len(got) != tc.want {
			t.Errorf("%s: %d violations %v, want %d", tc.name, len(got), got, tc.want)
		}
	}
}

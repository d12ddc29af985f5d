// Package kubernetes_test validates the Kubernetes manifests of this
// directory with kubeconform, strictly (an unknown field is an error),
// against schemas made from the Kubernetes API's own OpenAPI document and
// CloudNativePG's CRD, both taken from their Go modules at pinned versions.
package kubernetes_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yannh/kubeconform/pkg/validator"
	"sigs.k8s.io/yaml"
)

// The schemas' sources: the Kubernetes release the manifests target and
// the CloudNativePG release whose Cluster they use.
const (
	kubernetesModule = "k8s.io/kubernetes@v1.34.2"
	cnpgModule       = "github.com/cloudnative-pg/cloudnative-pg@v1.27.1"
)

// moduleDir downloads a module through the module proxy (as the go
// command does for any dependency) and returns its directory.
func moduleDir(t *testing.T, mod string) string {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", mod).Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v", mod, err)
	}
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
		t.Fatalf("go mod download %s: %s %v", mod, m.Error, err)
	}
	return m.Dir
}

// strict closes every object schema that lists its properties and says
// nothing of others (as kubeconform's strict schemas do), recursively.
func strict(node any) {
	switch n := node.(type) {
	case map[string]any:
		_, props := n["properties"]
		_, extra := n["additionalProperties"]
		_, preserve := n["x-kubernetes-preserve-unknown-fields"]
		if props && !extra && !preserve {
			n["additionalProperties"] = false
		}
		for _, v := range n {
			strict(v)
		}
	case []any:
		for _, v := range n {
			strict(v)
		}
	}
}

// schemaFile is kubeconform's file name for a kind: deployment-apps-v1.json,
// service-v1.json, cluster-postgresql-v1.json.
func schemaFile(kind, apiVersion string) string {
	group, version, found := strings.Cut(apiVersion, "/")
	suffix := "-" + strings.ToLower(strings.Split(group, ".")[0])
	if found {
		suffix += "-" + strings.ToLower(version)
	}
	return strings.ToLower(kind) + suffix + ".json"
}

// writeKubernetesSchemas writes a standalone strict schema for every kind
// of the API's OpenAPI (v2) document: the kind's definition plus every
// definition it refers to, with IntOrString and Quantity taking numbers too.
func writeKubernetesSchemas(t *testing.T, dir string) int {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(moduleDir(t, kubernetesModule), "api", "openapi-spec", "swagger.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	either := map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}}
	doc.Definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = either
	doc.Definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"] = map[string]any{
		"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}}
	for _, d := range doc.Definitions {
		strict(d)
	}
	written := 0
	for name, def := range doc.Definitions {
		gvks, _ := def["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			gvk := g.(map[string]any)
			apiVersion := gvk["version"].(string)
			if group := gvk["group"].(string); group != "" {
				apiVersion = group + "/" + apiVersion
			}
			defs := map[string]any{}
			collect(doc.Definitions, name, defs)
			schema := map[string]any{"$ref": "#/definitions/" + name, "definitions": defs}
			b, err := json.Marshal(schema)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, schemaFile(gvk["kind"].(string), apiVersion)), b, 0o644); err != nil {
				t.Fatal(err)
			}
			written++
		}
	}
	return written
}

// collect adds name and every definition it refers to, transitively.
func collect(all map[string]map[string]any, name string, into map[string]any) {
	if _, done := into[name]; done {
		return
	}
	into[name] = all[name]
	var walk func(any)
	walk = func(node any) {
		switch n := node.(type) {
		case map[string]any:
			if ref, ok := n["$ref"].(string); ok {
				collect(all, strings.TrimPrefix(ref, "#/definitions/"), into)
			}
			for _, v := range n {
				walk(v)
			}
		case []any:
			for _, v := range n {
				walk(v)
			}
		}
	}
	walk(all[name])
}

// writeCRDSchemas writes a strict schema for every version of each
// CustomResourceDefinition in files.
func writeCRDSchemas(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var crd struct {
			Spec struct {
				Group string `json:"group"`
				Names struct {
					Kind string `json:"kind"`
				} `json:"names"`
				Versions []struct {
					Name   string `json:"name"`
					Schema struct {
						OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
					} `json:"schema"`
				} `json:"versions"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(raw, &crd); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, v := range crd.Spec.Versions {
			s := v.Schema.OpenAPIV3Schema
			strict(s)
			// Every object has these; the CRD leaves them to the API server.
			props := s["properties"].(map[string]any)
			props["metadata"] = map[string]any{"type": "object"}
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			name := schemaFile(crd.Spec.Names.Kind, crd.Spec.Group+"/"+v.Name)
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// newValidator is kubeconform, strict, on schemas made into a temporary
// directory; it never reaches out to the network for one.
func newValidator(t *testing.T) validator.Validator {
	t.Helper()
	dir := t.TempDir()
	if n := writeKubernetesSchemas(t, dir); n < 100 {
		t.Fatalf("only %d kinds in the Kubernetes API's OpenAPI document", n)
	}
	writeCRDSchemas(t, dir, filepath.Join(moduleDir(t, cnpgModule), "config", "crd", "bases", "postgresql.cnpg.io_clusters.yaml"))
	v, err := validator.New([]string{filepath.Join(dir, "{{ .ResourceKind }}{{ .KindSuffix }}.json")}, validator.Opts{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// check validates one file's documents and returns a line per problem and
// the kinds that were valid.
func check(v validator.Validator, name string, content []byte) (problems []string, valid []string) {
	for _, r := range v.Validate(name, io.NopCloser(bytes.NewReader(content))) {
		sig, _ := r.Resource.Signature()
		what := name
		if sig != nil {
			what = fmt.Sprintf("%s: %s %s", name, sig.Kind, sig.Name)
		}
		switch r.Status {
		case validator.Valid:
			valid = append(valid, sig.Kind)
		case validator.Empty:
		default: // Invalid, Error, and Skipped (no schema): all fail
			problems = append(problems, fmt.Sprintf("%s: status %d: %v %v", what, r.Status, r.Err, r.ValidationErrors))
		}
	}
	return problems, valid
}

// TestManifestsValidate: every manifest is valid, strictly, and every kind
// the deployment needs is there.
func TestManifestsValidate(t *testing.T) {
	v := newValidator(t)
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	kinds := map[string]int{}
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		problems, valid := check(v, f, content)
		for _, p := range problems {
			t.Error(p)
		}
		for _, k := range valid {
			kinds[k]++
		}
	}
	for _, k := range []string{"Namespace", "Cluster", "ConfigMap", "StatefulSet", "Deployment", "Service", "PodDisruptionBudget", "ServiceAccount"} {
		if kinds[k] == 0 {
			t.Errorf("no valid %s among the manifests", k)
		}
	}
	t.Logf("valid: %v", kinds)
}

// TestValidationRejectsMistakes: the check can fail — a misspelled field,
// a wrong type, a misspelled CRD field.
func TestValidationRejectsMistakes(t *testing.T) {
	v := newValidator(t)
	ledger, err := os.ReadFile("ledger.yaml")
	if err != nil {
		t.Fatal(err)
	}
	postgres, err := os.ReadFile("postgres.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, broken := range map[string][]byte{
		"misspelled field": bytes.Replace(ledger, []byte("  replicas: 2\n"), []byte("  replica: 2\n"), 1),
		"wrong type":       bytes.Replace(ledger, []byte("periodSeconds: 10"), []byte("periodSeconds: ten"), 1),
		"CRD field":        bytes.Replace(postgres, []byte("  instances: 3\n"), []byte("  instance: 3\n"), 1),
	} {
		if bytes.Equal(broken, ledger) || bytes.Equal(broken, postgres) {
			t.Fatalf("%s: the manifest no longer has the text this test changes", name)
		}
		if problems, _ := check(v, name+".yaml", broken); len(problems) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}

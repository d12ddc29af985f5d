package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	legacyrouter "github.com/getkin/kin-openapi/routers/legacy"

	"github.com/aidledger/aidledger/events/transparency"
	"github.com/aidledger/aidledger/projections/audittrail"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ports/api"
	"github.com/aidledger/aidledger/services/testkit/demoenv"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// TestResponsesMatchTheServedSchema: every read route, asked real questions
// of the demo ledger, answers what the OpenAPI document it serves says —
// checked by kin-openapi's validator against the document as served (so a
// date typed as an object, or a content type not declared, fails). The
// list of routes asked is held to the document's: a new read route must be
// added here.
func TestResponsesMatchTheServedSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := demoenv.New(t, balances.New(), audittrail.New(), yearend.New())
	tokens := auth.NewTokens(env.Pool)
	tree := transparency.New(env.Store)
	key, _, err := transparency.GenerateKey(t.TempDir(), "openapi.test")
	if err != nil {
		t.Fatal(err)
	}
	signer, verifier, err := transparency.LoadSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tree.Sign(ctx, signer); err != nil {
		t.Fatal(err)
	}
	a, err := api.New(api.Config{Pool: env.Pool, Store: env.Store, Ledger: testenv.Ledger(t, env.Store), Tokens: tokens,
		NATSURL: env.NATSURL, Tree: tree, LogVerifier: verifier})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	defer srv.Close()
	token, err := tokens.Create(ctx, auth.Principal{Name: "审计员", Role: auth.RoleAuditor})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (*http.Request, *http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return req, res, body
	}

	_, res, spec := get("/v1/openapi-3.0.json")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("openapi: %d", res.StatusCode)
	}
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Servers) == 0 {
		t.Error("the document names no server")
	}
	for name, schema := range doc.Components.Schemas {
		if strings.Contains(strings.ToLower(name), "date") && schema.Value.Type.Is("object") {
			t.Errorf("schema %s is an object; a date is a string", name)
		}
	}
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	router, err := legacyrouter.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}

	id := func(kind string) string {
		var v string
		if err := env.Pool.QueryRow(ctx, `SELECT entity_id FROM entities WHERE kind = $1 ORDER BY position LIMIT 1`, kind).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	pairing, commitment, project := id("pairing"), id("commitment"), id("project")
	asked := map[string][]string{
		"/healthz":                   {"/healthz"},
		"/readyz":                    {"/readyz"},
		"/v1/events":                 {"/v1/events?after=0&limit=40"},
		"/v1/streams/{stream_id}":    {"/v1/streams/commitment-" + commitment},
		"/v1/pairings":               {"/v1/pairings"},
		"/v1/pairings/{id}/balances": {"/v1/pairings/" + pairing + "/balances?year=2025", "/v1/pairings/" + pairing + "/balances?year=2025&at_position=100"},
		"/v1/balances":               {"/v1/balances?donor=" + demoenv.Linan + "&year=2025"},
		"/v1/commitments/{id}":       {"/v1/commitments/" + commitment},
		"/v1/projects/{id}":          {"/v1/projects/" + project},
		"/v1/audit":                  {"/v1/audit?limit=30", "/v1/audit?pairing_id=" + pairing + "&as_of_date=2025-06-30"},
		"/v1/history/{entity_id}":    {"/v1/history/" + commitment},
		"/v1/reports/yearend":        {"/v1/reports/yearend?donor=" + demoenv.Linan + "&year=2025&format=json", "/v1/reports/yearend?donor=" + demoenv.Linan + "&year=2025&format=xlsx", "/v1/reports/yearend?donor=" + demoenv.Linan + "&year=2025"},
		"/v1/evidence":               {"/v1/evidence?donor=" + demoenv.Linan + "&year=2025"},
		"/v1/checkpoint":             {"/v1/checkpoint"},
		"/v1/proofs/inclusion":       {"/v1/proofs/inclusion?position=7&tree_size=100"},
		"/v1/proofs/consistency":     {"/v1/proofs/consistency?from=10&to=99"},
	}
	for path, item := range doc.Paths.Map() {
		if item.Get != nil && !strings.HasPrefix(path, "/v1/openapi") && !strings.HasPrefix(path, "/v1/schemas") {
			if _, ok := asked[path]; !ok {
				t.Errorf("GET %s is served but not asked here: add a real question for it", path)
			}
		}
	}
	for _, route := range slicesSorted(asked) {
		for _, path := range asked[route] {
			req, res, body := get(path)
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %d %s", path, res.StatusCode, body)
				continue
			}
			u, _ := url.Parse(srv.URL + path)
			req.URL = u
			r, pathParams, err := router.FindRoute(req)
			if err != nil {
				t.Errorf("GET %s: no route in the document: %v", path, err)
				continue
			}
			in := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: r,
					Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
				Status: res.StatusCode, Header: res.Header,
				Options: &openapi3filter.Options{IncludeResponseStatus: true},
			}
			in.SetBodyBytes(bytes.Clone(body))
			if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
				t.Errorf("GET %s: the answer does not match the served schema: %v", path, err)
			}
		}
	}
}

func slicesSorted[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

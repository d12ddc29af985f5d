package e2e_test

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/intake/forms"
)

// visibleText is what a reader sees of a page: its text nodes and the
// values of its buttons and placeholders, without scripts and styles.
func visibleText(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || n.Data == "code") {
			return
		}
		for _, a := range n.Attr {
			if a.Key == "lang" && n.Data != "html" {
				return // a passage in another language on purpose (a report's English version)
			}
			if a.Key == "translate" && a.Val == "no" {
				return // data, such as a login: not the page's own words
			}
		}
		if n.Type == html.TextNode {
			if s := strings.TrimSpace(n.Data); s != "" {
				out = append(out, s)
			}
		}
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "placeholder" || a.Key == "title" || a.Key == "aria-label" {
					out = append(out, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// latinWord is a run of Latin letters in Chinese text that is not an
// identifier (ids, codes and numbers hold digits, '_' or '-', and are
// allowed), nor an acronym everyone uses.
var (
	latinWord  = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_\-.@/]*`)
	acronyms   = []string{"API", "XLSX", "CSV", "PDF", "JSON", "ULID", "UTF", "ID", "A4", "English", "GB", "OK"}
	identifier = regexp.MustCompile(`[0-9_\-]|^[A-Z0-9]{20,}$`)
	han        = regexp.MustCompile(`\p{Han}`)
)

// englishIn lists the English words of Chinese texts, each once, with
// where it stands.
func englishIn(texts []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range texts {
		for _, w := range latinWord.FindAllString(s, -1) {
			if !identifier.MatchString(w) && !slices.Contains(acronyms, w) && len(w) > 1 && !seen[w] {
				seen[w] = true
				context := []rune(s)
				if len(context) > 60 {
					context = context[:60]
				}
				out = append(out, w+" (in «"+string(context)+"»)")
			}
		}
	}
	return out
}

// TestNoEnglishInTheChineseUI walks every page of the web interface, with
// the demo data, in Chinese: no English word may show (ids, codes,
// numbers and common acronyms aside) — page texts, enum values, history
// entries, field errors all speak Chinese. The same pages in English may
// show Chinese only in the ledger's data (names, document numbers), never
// in their own texts: their messages, errors and enum values.
func TestNoEnglishInTheChineseUI(t *testing.T) {
	t.Parallel()
	s := newDemoStack(t)
	ctx := context.Background()
	if err := auth.NewUsers(s.pool).Create(ctx, auth.System, auth.User{Login: "admin", Principal: auth.Principal{Name: "管理员", Role: auth.RoleAdmin}},
		"a long enough password"); err != nil {
		t.Fatal(err)
	}
	id := func(kind string) string {
		var v string
		if err := s.pool.QueryRow(ctx, `SELECT entity_id FROM entities WHERE kind = $1 ORDER BY position LIMIT 1`, kind).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	pages := []string{"/dashboard", "/dashboard?donor=330112", "/pairings/" + id("pairing"), "/pairings/" + id("pairing") + "/entries/purchase", "/record", "/audit", "/audit?type=aid.funds_disbursed",
		"/history/" + id("commitment"), "/history/" + id("disbursement"), "/history/" + id("pairing"), "/history/" + id("secondment"),
		"/history/" + id("project"), "/history/" + id("donation"), "/report", "/report?donor=330112&year=2025", "/import", "/verify", "/admin",
		"/nowhere", "/history/01M0000000000000000000NONE"}
	u := signInHTTP(t, s.srv.URL, "admin", "a long enough password")
	for _, f := range forms.All() {
		pages = append(pages, "/record/"+f.Name)
	}
	for _, p := range pages {
		if english := englishIn(visibleText(t, u.get(p))); len(english) > 0 {
			t.Errorf("%s in Chinese shows English: %v", p, english)
		}
	}
	// Every form sent empty: its field errors in Chinese.
	for _, f := range forms.All() {
		page := u.postPage("/record/"+f.Name, url.Values{"csrf": {u.csrf}, "idempotency_key": {"lang-" + f.Name}})
		if english := englishIn(visibleText(t, page)); len(english) > 0 {
			t.Errorf("form %s's errors in Chinese show English: %v", f.Name, english)
		}
	}

	// The same in English: Chinese only in the ledger's own data.
	data := ledgerTexts(t, s)
	u.get("/lang/en?back=/dashboard")
	for _, p := range pages {
		if chinese := chineseIn(visibleText(t, u.get(p)), data); len(chinese) > 0 {
			t.Errorf("%s in English shows Chinese: %v", p, chinese)
		}
	}
	for _, f := range forms.All() {
		page := u.postPage("/record/"+f.Name, url.Values{"csrf": {u.csrf}, "idempotency_key": {"lang-en-" + f.Name}})
		if chinese := chineseIn(visibleText(t, page), data); len(chinese) > 0 {
			t.Errorf("form %s's errors in English show Chinese: %v", f.Name, chinese)
		}
	}
}

// ledgerTexts are the Chinese strings of the ledger's data — names,
// document numbers, notes in the events' payloads, actors — longest first:
// they may show in English pages.
func ledgerTexts(t *testing.T, s *stack) []string {
	t.Helper()
	rows, err := s.pool.Query(context.Background(), `SELECT DISTINCT v FROM events, json_each_text(payload) AS p(k, v)
		UNION SELECT DISTINCT actor FROM events UNION SELECT DISTINCT split_part(actor, ' (', 1) FROM events
		UNION SELECT DISTINCT u->>k FROM events, json_array_elements(CASE WHEN json_typeof(payload->'items') = 'array' THEN payload->'items' ELSE '[]' END) u, json_object_keys(u) k
		UNION SELECT DISTINCT x->>'name' FROM events, LATERAL (SELECT payload->'donor' UNION ALL SELECT payload->'partner') AS d(x) WHERE x IS NOT NULL
		UNION SELECT DISTINCT x->>'short_name' FROM events, LATERAL (SELECT payload->'donor' UNION ALL SELECT payload->'partner') AS d(x) WHERE x IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var v *string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != nil && han.MatchString(*v) {
			out = append(out, *v)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// chineseIn lists the texts of an English page that hold Chinese once the
// ledger's data (data) is taken out of them.
func chineseIn(texts, data []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range texts {
		rest := s
		for _, d := range data {
			rest = strings.ReplaceAll(rest, d, "")
		}
		if han.MatchString(rest) && !seen[rest] {
			seen[rest] = true
			out = append(out, "«"+rest+"»")
		}
	}
	return out
}

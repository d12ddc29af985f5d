package web

import "testing"

// TestSafeNext: a redirect target stays on this site, whatever a browser
// would make of control characters and backslashes in it.
func TestSafeNext(t *testing.T) {
	t.Parallel()
	for next, want := range map[string]string{
		"/pairings/01J?year=2025": "/pairings/01J?year=2025",
		"/audit?type=a%20b":       "/audit?type=a%20b",
		"":                        "/dashboard",
		"dashboard":               "/dashboard",
		"https://evil.example/":   "/dashboard",
		"//evil.example/":         "/dashboard",
		"/\\evil.example/":        "/dashboard",
		"/\t/evil.example/":       "/dashboard", // /%09/evil.example once decoded
		"/\n/evil.example/":       "/dashboard",
		"/\r\n/evil.example/":     "/dashboard",
		"/ /evil.example/":        "/dashboard",
		"/\x00/evil.example/":     "/dashboard",
		"/\u0085/evil.example/":   "/dashboard",
		"/a\\b":                   "/dashboard",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

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

// TestSourceAddress: the connection's address, unless it is a trusted
// proxy's; then the last X-Forwarded-For hop that is not a trusted proxy,
// whatever a client wrote before it.
func TestSourceAddress(t *testing.T) {
	t.Parallel()
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, c := range []struct {
		remote, xff string
		trusted     []netip.Prefix
		want        string
	}{
		{"192.0.2.7:5123", "", trusted, "192.0.2.7"},
		{"192.0.2.7:5123", "203.0.113.9", trusted, "192.0.2.7"}, // not from a proxy: the header is ignored
		{"192.0.2.7:5123", "203.0.113.9", nil, "192.0.2.7"},
		{"10.1.2.3:443", "203.0.113.9", trusted, "203.0.113.9"},
		{"10.1.2.3:443", "198.51.100.1, 203.0.113.9, 10.9.9.9", trusted, "203.0.113.9"}, // a forged first hop is ignored
		{"10.1.2.3:443", "", trusted, "10.1.2.3"},
		{"10.1.2.3:443", "not-an-address", trusted, "10.1.2.3"},
		{"[::1]:443", "2001:db8::5", trusted, "2001:db8::5"},
		{"[::ffff:192.0.2.7]:5123", "", trusted, "192.0.2.7"},
	} {
		r := httptest.NewRequest(http.MethodPost, "/login", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := sourceAddress(r, c.trusted); got != c.want {
			t.Errorf("%s with X-Forwarded-For %q: %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
}

package attack

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// credentialHeaders are never sent where a redirect leads, unless it stays
// on the target's host (or a subdomain of it) and does not go from https
// to plain http: net/http's rule, and the same on both clients.
var credentialHeaders = []string{"Authorization", "Cookie", "Cookie2", "Proxy-Authorization", "Www-Authenticate"} // canonical: http.Header keys

// errRedirectScheme is a redirect to a URL that is not http or https: it
// is not followed, on either client (fasthttp would send HTTP to that
// port, and count it a success).
func errRedirectScheme(u *url.URL) error {
	return fmt.Errorf("redirect to a %s: URL, not followed", u.Scheme)
}

// followable says whether a redirect to u may be followed at all.
func followable(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return errRedirectScheme(u)
	}
	return nil
}

// keepsCredentials says whether a redirect hop from prev to next, from a
// request first sent to origin, may carry the credential headers.
func keepsCredentials(origin, prev, next *url.URL) bool {
	if prev.Scheme == "https" && next.Scheme == "http" {
		return false
	}
	host, want := strings.ToLower(next.Hostname()), strings.ToLower(origin.Hostname())
	return host == want || strings.HasSuffix(host, "."+want)
}

// withoutCredentials is h without the credential headers, h itself when
// it has none.
func withoutCredentials(h http.Header) http.Header {
	var out http.Header
	for _, k := range credentialHeaders {
		if _, ok := h[k]; ok {
			if out == nil {
				out = h.Clone()
			}
			delete(out, k)
		}
	}
	if out == nil {
		return h
	}
	return out
}

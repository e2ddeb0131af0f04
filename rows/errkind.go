package rows

import (
	"regexp"
	"strings"
	"sync"
)

// Error texts written for requests that never got a normal answer. They are
// the error column's values, so they are part of the CSV contract.
const (
	// ErrDropped marks an open-model request that was due while
	// --max-inflight requests were already in flight, so it was not sent.
	ErrDropped = "dropped: max in-flight reached"
	// ErrStopped marks a request cut short when the graceful stop ran out.
	ErrStopped = "stopped: graceful stop ended"
)

// kinds maps a substring of an error text to its kind, first match wins.
var kinds = []struct{ match, kind string }{
	{ErrDropped, "dropped (max in-flight)"},
	{ErrStopped, "stopped (graceful stop ended)"},
	{"stopped after ", "too many redirects"},
	{"URL, not followed", "redirect to another scheme"},
	{"unsupported protocol scheme", "redirect to another scheme"},
	{"Client.Timeout", "timeout"},
	{"deadline exceeded", "timeout"},
	{"i/o timeout", "timeout"},
	{"connection refused", "connection refused"},
	{"connection reset", "connection reset"},
	{"broken pipe", "broken pipe"},
	{"no such host", "DNS lookup failed"},
	{"server misbehaving", "DNS lookup failed"},
	{"malformed HTTP", "malformed response"},
	{"response header too large", "response header too large"},
	{"server response headers exceeded", "response header too large"},
	{"tls:", "TLS error"},
	{"x509:", "TLS certificate error"},
	{"EOF", "connection closed (EOF)"},
	{"network is unreachable", "network unreachable"},
	{"no route to host", "no route to host"},
	{"too many open files", "too many open files"},
	{"cannot assign requested address", "out of local ports"},
	{"context canceled", "stopped (graceful stop ended)"},
}

// ErrorKind groups an error text into one line per failure mode, so a
// summary shows "connection refused: 1204" rather than 1204 lines that
// differ only by port. An unknown error keeps its text, with addresses,
// ports and URLs stripped.
func ErrorKind(err string) string {
	if err == "" {
		return ""
	}
	for _, k := range kinds {
		if strings.Contains(err, k.match) {
			return k.kind
		}
	}
	return StripAddresses(err)
}

// addressPatterns are compiled on first use: most runs never see an error
// of unknown kind, and the patterns cost half a megabyte.
var addressPatterns = sync.OnceValue(func() [3]*regexp.Regexp {
	return [3]*regexp.Regexp{
		regexp.MustCompile(`"?[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"]+"?`),                                                      // URLs
		regexp.MustCompile(`(\[[0-9a-fA-F:.]+\]|\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7})(:\d+)?`), // addresses
		regexp.MustCompile(`:\d{2,5}\b`), // ports
	}
})

// StripAddresses removes URLs, IP addresses and ports from an error text.
func StripAddresses(s string) string {
	p := addressPatterns()
	s = p[0].ReplaceAllString(s, "URL")
	s = p[1].ReplaceAllString(s, "ADDR")
	s = p[2].ReplaceAllString(s, "")
	return strings.Join(strings.Fields(s), " ")
}

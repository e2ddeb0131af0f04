package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lmibench/lmibench/function"
)

// TestPreflightRefusesUnreachableTargets: before any load, each endpoint
// must take a connection (and a TLS handshake for https); no HTTP request
// is sent by the check.
func TestPreflightRefusesUnreachableTargets(t *testing.T) {
	ok, hits := countingServer(t, function.New())
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := closed.Addr().String()
	closed.Close()
	selfSigned := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(selfSigned.Close)
	for _, tt := range []struct {
		target, want string
	}{
		{"down=http://" + refused + "/?token=s3cret", "endpoint down: cannot connect to " + refused + ": connection refused (--no-preflight skips this check)"},
		{"tls=https://" + strings.TrimPrefix(ok.URL, "http://"), "endpoint tls: TLS handshake with"},
		{"self=" + selfSigned.URL, "certificate signed by unknown authority"},
		{"nodns=http://no-such-host.invalid/", "endpoint nodns: cannot connect to no-such-host.invalid:80"},
	} {
		r := runCLI(t, nil, "run", "--scenario", "fast-io", "--target", "up="+ok.URL, "--target", tt.target, "--output-dir", t.TempDir())
		if r.code != exitBadInput || !strings.Contains(r.stderr, tt.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 ||
			strings.Contains(r.stderr, "s3cret") {
			t.Errorf("--target %s: exit %d, %q; want one line with %q", tt.target, r.code, r.stderr, tt.want)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the reachable endpoint got %d HTTP requests from the checks; want none", n)
	}
}

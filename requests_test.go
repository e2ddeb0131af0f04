package main

import (
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// seenRequest is what the server saw of one request.
type seenRequest struct {
	method, path, query, auth, body string
}

// recordingServer keeps what it was sent.
func recordingServer(t *testing.T) (*httptest.Server, func() []seenRequest) {
	var mu sync.Mutex
	var seen []seenRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, seenRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), string(b)})
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv, func() []seenRequest { mu.Lock(); defer mu.Unlock(); return append([]seenRequest(nil), seen...) }
}

// TestPOSTWithHeadersAndBody: the flags' request reaches the server as
// given, with no workload query, and no secret reaches a file.
func TestPOSTWithHeadersAndBody(t *testing.T) {
	srv, seen := recordingServer(t)
	dir := t.TempDir()
	r := runCLI(t, nil, "run", "--scenario", "fast-io", "-s", "0.001:1", "-s", "0.2:1", "--target", "api="+srv.URL+"/orders?token=s3cret",
		"--method", "post", "-H", "Authorization: Bearer hunter2", "--body", `{"qty":2}`, "--output-dir", dir, "-q")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	got := seen()
	if len(got) == 0 {
		t.Fatal("the server saw no request")
	}
	if g := got[0]; g.method != "POST" || g.path != "/orders" || g.query != "token=s3cret" || g.auth != "Bearer hunter2" || g.body != `{"qty":2}` {
		t.Fatalf("the server saw %+v; want the POST as given, without delay_ms and hash_loops", g)
	}
	noSecrets(t, dir, "hunter2", "s3cret")
}

// noSecrets checks every file a run left in dir.
func noSecrets(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, s := range secrets {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds the secret %q", f, s)
			}
		}
	}
}

// TestVegetaTargetsFile: a vegeta targets file works unchanged, each
// target an endpoint named by method and path.
func TestVegetaTargetsFile(t *testing.T) {
	srv, seen := recordingServer(t)
	dir := t.TempDir()
	body := filepath.Join(dir, "..", "body.json")
	os.WriteFile(body, []byte(`{"a":1}`), 0o644)
	file := filepath.Join(t.TempDir(), "targets.txt")
	os.WriteFile(file, []byte("GET "+srv.URL+"/items\n\nPUT "+srv.URL+"/items/7\nAuthorization: Basic c2VjcmV0\n@"+body+"\n"), 0o644)
	r := runCLI(t, nil, "run", "--scenario", "fast-io", "-s", "0.001:1", "-s", "0.2:1", "--targets", file, "--workload-query",
		"--output-dir", dir, "-q")
	if r.code != exitOK || !strings.Contains(r.stderr, "PUT /items/7") || !strings.Contains(r.stderr, "GET /items") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var put *seenRequest
	for _, g := range seen() {
		if g.method == "PUT" {
			put = &g
			break
		}
	}
	if put == nil || put.auth != "Basic c2VjcmV0" || put.body != `{"a":1}` || put.query != "delay_ms=100&hash_loops=0" {
		t.Fatalf("PUT seen as %+v; want its header, body and (asked for) the workload query", put)
	}
	noSecrets(t, dir, "c2VjcmV0")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--targets", filepath.Join(dir, "missing.txt")}, "--targets: open"},
		{[]string{"--header", "NoColon"}, `--header: want "Name: value"`},
		{[]string{"--method", "PUT"}, "--method: only applies with --target or --targets"},
	} {
		if r := runCLI(t, nil, append([]string{"run", "--output-dir", t.TempDir()}, tt.args...)...); r.code != exitBadInput || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d %q; want %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

// TestSelfSignedTLS: a self-signed server is refused before the load,
// and benchmarked with --cacert (its certificate) or --insecure.
func TestSelfSignedTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644)
	run := func(extra ...string) result {
		return runCLI(t, nil, append([]string{"run", "--scenario", "fast-io", "-s", "0.001:1", "-s", "0.2:1", "--target", "x=" + srv.URL,
			"--output-dir", t.TempDir(), "-q"}, extra...)...)
	}
	if r := run(); r.code != exitBadInput || !strings.Contains(r.stderr, "certificate") {
		t.Errorf("no trust: exit %d %q; want the certificate refused before the load", r.code, r.stderr)
	}
	for _, extra := range [][]string{{"--cacert", ca}, {"--insecure"}} {
		if r := run(extra...); r.code != exitOK { // 3 would mean no request succeeded
			t.Errorf("%v: exit %d\n%s", extra, r.code, r.stderr)
		}
	}
	if r := run("--cacert", filepath.Join(t.TempDir(), "none.pem")); r.code != exitBadInput || !strings.Contains(r.stderr, "--cacert") {
		t.Errorf("missing --cacert: exit %d %q", r.code, r.stderr)
	}
}

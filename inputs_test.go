package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInputsRefusedBeforeTheLoad: each input a run cannot use as given is
// refused in one line, exit 2, before a request is sent, and no refusal
// repeats a secret.
func TestInputsRefusedBeforeTheLoad(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	targets := filepath.Join(dir, "targets.txt")
	os.WriteFile(targets, []byte("GET "+srv.URL+"\n"), 0o644)
	out := filepath.Join(dir, "out.csv")
	target := "x=" + srv.URL
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"a line break in a header", []string{"--target", target, "-H", "X: a\r\nInjected: 1"}, "line break or a control byte"},
		{"a Content-Length the body is not", []string{"--target", target, "-H", "Content-Length: 5"}, "the body is 0 bytes"},
		{"a FIFO as the body", []string{"--target", target, "--body", "@" + fifo}, "is not a regular file"},
		{"a device as the body", []string{"--target", target, "--body", "@/dev/zero"}, "is not a regular file"},
		{"a FIFO as the targets", []string{"--targets", fifo}, "is not a regular file"},
		{"a start a year ahead", []string{"--target", target, "--start-at", time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339)}, "within the next 24h0m0s"},
		{"a start in year 1", []string{"--target", target, "--start-at", "0001-01-01T00:00:00Z"}, "within the next"},
		{"a run id that is a path", []string{"--target", target, "--run-id", "../../x"}, "--run-id"},
		{"a run id with a line break", []string{"--target", target, "--run-id", "a\nb"}, "--run-id"},
		{"csv and summary one file", []string{"--target", target, "--csv", out, "--summary", out}, "name the same file"},
		{"csv over the targets", []string{"--targets", targets, "--csv", targets}, "would destroy the input"},
		{"a password in a bare target", []string{"--target", "ftp://bob:PASS@127.0.0.1:1/"}, "not an http(s) URL"},
	} {
		r := runCLI(t, nil, append([]string{"run", "--output-dir", dir, "-q"}, tt.args...)...)
		line := strings.TrimSpace(r.stderr)
		if r.code != exitBadInput || !strings.Contains(line, tt.want) || strings.Contains(line, "\n") || strings.Contains(line, "PASS") {
			t.Errorf("%s: exit %d, %q; want one line, exit 2, with %q", tt.name, r.code, line, tt.want)
		}
	}
	if hits != 0 {
		t.Errorf("%d requests reached the server; want none", hits)
	}
}

// TestAnEmptyShardIsDone: a shard whose share of the profile is no user
// sends nothing and exits 0, saying so, so a job runner does not mark it
// failed.
func TestAnEmptyShardIsDone(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	start := time.Now().Add(200 * time.Millisecond).UTC().Format(time.RFC3339Nano)
	r := runCLI(t, nil, "run", "--target", "x="+srv.URL, "--scenario", "fast-io", "-s", "1ms:1", "-s", "200ms:1",
		"--shard", "1/2", "--start-at", start, "--output-dir", t.TempDir(), "-q")
	if r.code != exitOK || !strings.Contains(r.stderr, "share of the profile is nothing") {
		t.Fatalf("exit %d; want 0 saying the shard had nothing to send\n%s", r.code, r.stderr)
	}
}

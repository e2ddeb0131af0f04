package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestK6AndVegetaHabits: the spellings k6 and vegeta users bring work,
// and a run of their own endpoints is one run, with no Lambda workload.
func TestK6AndVegetaHabits(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	t.Setenv("LMIBENCH_THRESHOLD", "p99<10s,failed<50%") // several in one variable
	for _, tt := range []struct {
		name  string
		args  []string
		stdin string
	}{
		{"one run for a --target", []string{"--target", "x=" + srv.URL, "-s", "200ms:2"}, ""},
		{"k6's constant VUs", []string{"--target", "x=" + srv.URL, "--vus", "3", "--duration", "300ms"}, ""},
		{"vegeta's constant rate", []string{"--target", "x=" + srv.URL, "--rate", "50", "--duration", "300ms"}, ""},
		{"--stage and -s mixed", []string{"--target", "x=" + srv.URL, "--stage", "100ms:2", "-s", "200ms:2"}, ""},
		{"--targets from stdin", []string{"--targets", "-", "-s", "200ms:2"}, "GET " + srv.URL + "/a\n"},
		{"vegeta's JSON targets", []string{"--targets", "-", "--targets-format", "json", "-s", "200ms:2"}, `{"method":"GET","url":"` + srv.URL + `/b"}` + "\n"},
		{"a bare URL", []string{"--target", srv.URL + "/api/hello", "-s", "200ms:2"}, ""},
		{"k6's threshold", []string{"--target", "x=" + srv.URL, "-s", "200ms:2", "--threshold", "p(95)<5000", "--threshold", "http_req_failed<0.5"}, ""},
	} {
		dir := t.TempDir()
		before := hits.Load()
		r := runCLIIn(t, tt.stdin, append([]string{"run", "--output-dir", dir, "-q"}, tt.args...)...)
		csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		if r.code != exitOK || len(csvs) != 1 || hits.Load() == before || strings.Contains(r.stderr, "delay_ms") {
			t.Errorf("%s: exit %d, %d CSVs, %d requests; want one run of the requests as given\n%s", tt.name, r.code, len(csvs), hits.Load()-before, r.stderr)
		}
		// Two thresholds each: k6's on the flags, else the variable's two.
		if strings.Count(r.stderr, "  pass\n") != 2 {
			t.Errorf("%s: want 2 thresholds passed\n%s", tt.name, r.stderr)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--target", "x=" + srv.URL, "--iterations", "10"}, "lmibench runs for a time, not a count"},
		{[]string{"--target", "x=" + srv.URL, "--vus", "2"}, "--vus: give its --duration too"},
		{[]string{"--target", "x=" + srv.URL, "--rate", "2", "--duration", "1s", "--load-model", "vus"}, "--rate is the open model's"},
		{[]string{"--target", "x=" + srv.URL, "--skip-test"}, "lmibench report results/*.csv"},
	} {
		if r := runCLI(t, nil, append([]string{"run", "--output-dir", t.TempDir()}, tt.args...)...); r.code != exitBadInput || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, %q; want %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/summary"
)

func TestCompareCommand(t *testing.T) {
	fast, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	slow, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(30 * time.Millisecond) }))
	runTo := func(url string) string {
		dir := t.TempDir()
		r := runCLI(t, nil, "run", "--scenario", "fast-io", "-s", "0.001:2", "-s", "0.4:2", "--think", "0",
			"--target", "x="+url, "--output-dir", dir, "-q")
		if r.code != exitOK {
			t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
		}
		csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		return csvs[0]
	}
	a, b := runTo(fast.URL), runTo(slow.URL)
	page := filepath.Join(t.TempDir(), "cmp.html")
	// A CSV against a summary file, flags after the files.
	r := runCLI(t, nil, "compare", a, runfiles.Of(b).Summary, "-o", page, "--json", "-")
	if r.code != exitOK || !strings.Contains(r.stderr, "compare fast-io") || !strings.Contains(r.stderr, " *") {
		t.Fatalf("compare: exit %d\n%s", r.code, r.stderr)
	}
	var cs []summary.Comparison
	if err := json.Unmarshal([]byte(r.stdout), &cs); err != nil || len(cs) != 1 || len(cs[0].Rows) == 0 {
		t.Fatalf("--json - = %.300q, %v", r.stdout, err)
	}
	last := cs[0].Rows[len(cs[0].Rows)-1]
	if last.Stage != "run" || !last.Deltas[0].Beyond || *last.Deltas[0].Change < 100 {
		t.Errorf("x over the run = %+v; want p50 far slower and beyond the noise", last.Deltas[0])
	}
	if !fileHas(t, page, "p99 per stage, A and B") {
		t.Errorf("no comparison page at %s", page)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"compare", a}, "name two runs, A and B"},
		{[]string{"compare", a, "notes.txt"}, "notes.txt: want a .csv or a .summary.json"},
		{[]string{"compare", a, filepath.Join(filepath.Dir(a), "missing.summary.json")}, "no such file"},
		{[]string{"compare", a, b, "--bogus"}, "compare: unknown flag --bogus"},
	} {
		if r := runCLI(t, nil, tt.args...); r.code != exitBadInput || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, %q; want %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/internal/runtest"
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
	r := runCLI(t, nil, "compare", a, runfiles.Of(b).Summary, "-o", page, "--json", "-", "--metric", "p50")
	if r.code != exitRegression || !strings.Contains(r.stderr, "compare fast-io") || !strings.Contains(r.stderr, " *") {
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

// TestCompareGates: the verdict a CI job gates on. A 20 ms run against a
// 40 ms one regressed: the table on stdout, the verdict first, exit 4; a
// run against itself is no difference, exit 0; a faster B, exit 0; runs of
// another scenario are refused before any table, exit 2. Judged on p50,
// whose interval on a few hundred requests no scheduler hiccup moves.
func TestCompareGates(t *testing.T) {
	sleepy := func(d time.Duration) string {
		srv, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(d) }))
		return srv.URL
	}
	runTo := func(url, scenario string) string {
		dir := t.TempDir()
		r := runCLI(t, nil, "run", "--scenario", scenario, "-s", "0.001:2", "-s", "0.5:2", "--think", "0",
			"--target", "x="+url, "--output-dir", dir, "-q")
		if r.code != exitOK {
			t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
		}
		csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		return csvs[0]
	}
	a20, b40 := runTo(sleepy(20*time.Millisecond), "fast-io"), runTo(sleepy(40*time.Millisecond), "fast-io")
	for _, tt := range []struct {
		name    string
		a, b    string
		code    int
		verdict string
	}{
		{"20 ms against 40 ms", a20, b40, exitRegression, "fast-io: regressed: x, stage "},
		{"a run against itself", a20, a20, exitOK, "fast-io: no difference"},
		{"B faster", b40, a20, exitOK, "fast-io: "}, // improved, or under a busy machine's noise no difference: never regressed
	} {
		r := runCLI(t, nil, "compare", tt.a, tt.b, "--metric", "p50")
		if r.code != tt.code || !strings.HasPrefix(r.stdout, tt.verdict) || !strings.Contains(r.stdout, "p50 ms") || (tt.code == exitOK && strings.Contains(r.stdout, "regressed")) {
			t.Errorf("%s: exit %d, stdout:\n%s\nwant exit %d, the verdict %q first and the table", tt.name, r.code, r.stdout, tt.code, tt.verdict)
		}
	}
	j := runCLI(t, nil, "compare", a20, b40, "--metric", "p50", "--format", "json")
	var cs []summary.Comparison
	if err := json.Unmarshal([]byte(j.stdout), &cs); err != nil || j.code != exitRegression || !cs[0].Regressed {
		t.Errorf("--format json: exit %d, %v; want the comparison as JSON, regressed", j.code, err)
	}
	other := runTo(sleepy(0), "slow-io")
	r := runCLI(t, nil, "compare", a20, other)
	if r.code != exitBadInput || r.stdout != "" || !strings.Contains(r.stderr, "the scenarios differ") {
		t.Errorf("other scenario: exit %d, stdout %q, stderr %q; want 2 before any table", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, nil, "compare", a20, other, "--force"); r.code == exitBadInput {
		t.Errorf("--force: exit %d; want the comparison made\n%s", r.code, r.stderr)
	}
}

func FuzzDecodeSummaries(f *testing.F) {
	f.Add([]byte(`{"summary_version":2,"scenario":"a","endpoints":[]}`))
	f.Add([]byte(`[{"summary_version":1}]`))
	f.Add([]byte(`[null]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sums, err := decodeSummaries("f.json", b)
		if err != nil {
			return
		}
		for _, s := range sums {
			if s == nil || s.SummaryVersion < 1 || s.SummaryVersion > summary.SummaryVersion {
				t.Fatalf("decodeSummaries accepted %+v", s)
			}
			summary.Compare(s, s, summary.CompareOptions{})
		}
	})
}

// TestHistoryCommand: five runs' summaries in a folder (and another
// scenario's) give a page, a JSON of every metric over time, and with
// --check exit 4 once the newest run is slower beyond the threshold.
func TestHistoryCommand(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	write := func(i int, shift time.Duration, scenario string) {
		s := summary.Of(runtest.Lognormal(uint64(i+1), map[string]time.Duration{"x": shift}, "x"))
		at := day.Add(time.Duration(i) * 24 * time.Hour)
		s.Start, s.RunID, s.Scenario = &at, at.Format("20060102"), scenario
		if err := runfiles.WriteJSON(filepath.Join(dir, fmt.Sprintf("%s-%d.summary.json", scenario, i)), s); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		write(i, 0, "fast-io")
	}
	write(0, 0, "high-cpu")
	r := runCLI(t, nil, "history", dir, "--check", "--json", "-")
	var h summary.History
	if err := json.Unmarshal([]byte(r.stdout), &h); r.code != exitOK || err != nil || len(h.Groups) != 2 || len(h.Groups[0].Runs) != 5 {
		t.Fatalf("history: exit %d, %v, %d groups\n%s", r.code, err, len(h.Groups), r.stderr)
	}
	if !fileHas(t, filepath.Join(dir, "history.html"), "fast-io · x over the runs") || !strings.Contains(r.stderr, "drift over the last 5 runs") {
		t.Errorf("no page, or no drift said\n%s", r.stderr)
	}
	write(5, 60*time.Millisecond, "fast-io") // the newest, slower
	r = runCLI(t, nil, "history", dir, "--check")
	if r.code != exitRegression || !strings.Contains(r.stderr, "the newest run regressed: fast-io: regressed") {
		t.Fatalf("history --check with a slower newest run: exit %d\n%s", r.code, r.stderr)
	}
	if r := runCLI(t, nil, "history", t.TempDir()); r.code != exitBadInput || !strings.Contains(r.stderr, "holds no *.summary.json") {
		t.Errorf("an empty folder: exit %d, %q", r.code, r.stderr)
	}
}

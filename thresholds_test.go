package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/summary"
)

// exitCode runs the real binary and returns its exit code, stdout and
// stderr.
func exitCode(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	}
	t.Fatal(err)
	return 0, "", ""
}

func TestThresholdsThroughTheBinary(t *testing.T) {
	bin := buildBinary(t)
	srv, hits := countingServer(t, function.New())
	run := func(dir string, thresholds ...string) (int, string, string) {
		args := []string{"run", "--scenario", "fast-io", "--io-fast-delay-ms", "1", "-s", "0.001:2", "-s", "0.3:2",
			"--target", "x=" + srv.URL, "--target", "y=" + srv.URL, "--output-dir", dir, "-q"}
		for _, th := range thresholds {
			args = append(args, "--threshold", th)
		}
		return exitCode(t, bin, args...)
	}

	// Malformed, or naming what the run will not have: one line, exit 2,
	// nothing sent.
	for _, tt := range []struct{ th, want string }{
		{"p99 500", "want [ENDPOINT][@STAGE]:METRIC OP VALUE"},
		{"ghost:p99<1s", `no endpoint "ghost" (endpoints: x, y)`},
		{"@2:p99<1s", "there is no stage 2 (stages are 0 to 1)"},
		{"p99<5%", "p99 is a latency"},
	} {
		code, _, stderr := run(t.TempDir(), tt.th)
		if code != exitBadInput || !strings.Contains(stderr, tt.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("--threshold %q: exit %d, %q; want 2 and one line with %q", tt.th, code, stderr, tt.want)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("refused runs sent %d requests", hits.Load())
	}

	// Every form passing: exit 0 and a table of passes.
	dir := t.TempDir()
	code, _, stderr := run(dir, "p99<10s", "x:p50<10s", "x@1:errors<1%", "@1:5xx<1", "rps>1", "y@0:requests>=0")
	if code != exitOK || strings.Count(stderr, " pass") != 9 || strings.Contains(stderr, "FAIL") {
		t.Fatalf("passing thresholds: exit %d\n%s", code, stderr)
	}
	// One failing: the run completes, its files are written, exit 99.
	code, _, stderr = run(t.TempDir(), "p99<10s", "y:p99<0.001ms")
	if code != exitThresholds || !strings.Contains(stderr, "y:p99<0.001ms") || !strings.Contains(stderr, "FAIL") ||
		!strings.Contains(stderr, "1 threshold checks failed") || !strings.Contains(stderr, "report: ") {
		t.Fatalf("failing threshold: exit %d\n%s", code, stderr)
	}

	// report gates on the saved run, and --summary - gives its summary.
	csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	code, stdout, stderr := exitCode(t, bin, "report", csvs[0], "--threshold", "x:p99<0.001ms", "--summary", "-")
	if code != exitThresholds || !strings.Contains(stderr, "FAIL") {
		t.Fatalf("report --threshold: exit %d\n%s", code, stderr)
	}
	var sums []summary.Summary
	if err := json.Unmarshal([]byte(stdout), &sums); err != nil || len(sums) != 1 || sums[0].SummaryVersion != summary.SummaryVersion ||
		len(sums[0].Endpoints) != 2 || sums[0].Endpoints[0].All.Requests == 0 {
		t.Fatalf("report --summary - = %.300q, %v; want one summary with both endpoints", stdout, err)
	}
	if code, _, stderr := exitCode(t, bin, "report", csvs[0], "--threshold", "x:p99<10s"); code != exitOK {
		t.Fatalf("report with a passing threshold: exit %d\n%s", code, stderr)
	}
	if !fileHas(t, strings.TrimSuffix(csvs[0], ".csv")+".summary.json", `"summary_version": 2`) {
		t.Error("no summary beside the CSV")
	}
}

func TestSummaryToStdout(t *testing.T) {
	srv, _ := countingServer(t, function.New())
	r := runCLI(t, nil, "run", "--scenario", "fast-io", "--io-fast-delay-ms", "1", "-s", "0.001:1", "-s", "0.2:1",
		"--target", "x="+srv.URL, "--output-dir", t.TempDir(), "--summary", "-", "-q")
	var sums []summary.Summary
	if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &sums) != nil || len(sums) != 1 || sums[0].Scenario != "fast-io" {
		t.Fatalf("exit %d, stdout %.200q", r.code, r.stdout)
	}
	if r := runCLI(t, nil, "run", "--target", "x="+srv.URL, "--summary", "-", "--csv", "-"); r.code != exitBadInput || !strings.Contains(r.stderr, "only one of them can have stdout") {
		t.Fatalf("--summary - --csv -: exit %d %q", r.code, r.stderr)
	}
}

// TestAbortOnFail: a run of an hour against a failing server ends once a
// threshold is lost, with every row kept and exit 99.
func TestAbortOnFail(t *testing.T) {
	srv, hits := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", 500) }))
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"lost for good at once", []string{"--threshold", "5xx<3", "--threshold", "p99<3600s"}},
		{"may recover: after the delay", []string{"--threshold", "errors<1%", "--abort-delay", "0"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hits.Store(0)
			dir := t.TempDir()
			r := runCLI(t, nil, append([]string{"run", "--scenario", "all", "-s", "0.001:2", "-s", "1h:2", "--target", "x=" + srv.URL,
				"--output-dir", dir, "--abort-on-fail", "-q"}, tt.args...)...)
			if r.code != exitThresholds || !strings.Contains(r.stderr, "stopping the run (--abort-on-fail)") ||
				!strings.Contains(r.stderr, "the run was ended early") {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			oneCSVWithEveryRow(t, dir, hits) // and no second scenario
		})
	}
	if r := runCLI(t, nil, "run", "--target", "x="+srv.URL, "--abort-on-fail"); r.code != exitBadInput || !strings.Contains(r.stderr, "give the thresholds") {
		t.Fatalf("--abort-on-fail alone: exit %d %q", r.code, r.stderr)
	}
}

package main

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/summary"
)

// TestOneDefinitionOfFailure: against a server answering 500 every place
// that speaks of failures says ~100 % failed (the terminal table, the
// summary, the page's card, a threshold); against one answering 200, 0 %.
func TestOneDefinitionOfFailure(t *testing.T) {
	for _, tt := range []struct {
		status      int
		pct         string
		code        int
		wantFailPct float64
	}{{500, "100.00", exitNoSuccess, 100}, {200, "0.00", exitThresholds, 0}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(tt.status) }))
		dir := t.TempDir()
		// failed>=50% fails for the 200 server (a threshold that must see 0 %),
		// and the 500 server exits 3 first: nothing succeeded.
		r := runCLI(t, nil, "run", "--target", "x="+srv.URL, "--scenario", "fast-io", "-s", "1ms:2", "-s", "300ms:2", "--think", "20ms", "--output-dir", dir,
			"--summary", "-", "--threshold", "failed>=50%", "-q")
		srv.Close()
		if r.code != tt.code {
			t.Fatalf("%d server: exit %d; want %d\n%s", tt.status, r.code, tt.code, r.stderr)
		}
		row := regexp.MustCompile(`(?m)^\s*x\s+2 VUs\s+\d+\s+[\d.]+\s+.*\s` + regexp.QuoteMeta(tt.pct) + `\s`)
		if !strings.Contains(r.stderr, "failed %") || !row.MatchString(r.stderr) {
			t.Errorf("%d server: the terminal table does not say %s %% failed:\n%s", tt.status, tt.pct, r.stderr)
		}
		var sums []summary.Summary
		if err := json.Unmarshal([]byte(r.stdout), &sums); err != nil || len(sums) != 1 {
			t.Fatalf("%d server: summary %v", tt.status, err)
		}
		all := sums[0].Endpoints[0].All
		if all.FailedPct != tt.wantFailPct || all.Failed != all.Requests-all.Successes || all.Requests == 0 {
			t.Errorf("%d server: summary failed %d of %d (%v %%); want %v %%", tt.status, all.Failed, all.Requests, all.FailedPct, tt.wantFailPct)
		}
		pages, _ := filepath.Glob(filepath.Join(dir, "*.html"))
		page, _ := os.ReadFile(pages[0])
		wantCard := map[int]string{500: "<dt>failed at peak</dt><dd>100.0 %</dd>", 200: "<dt>failed at peak</dt><dd>0 %</dd>"}[tt.status]
		if !strings.Contains(string(page), wantCard) {
			t.Errorf("%d server: the page's card lacks %q", tt.status, wantCard)
		}
	}
}

// TestHostileFunctionFields: a server claiming a handler time of 1e308 ms
// or -5 requests in flight leaves a summary that encodes, costs that are
// finite, and a report built from every row the run wrote.
func TestHostileFunctionFields(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 0 {
			w.Write([]byte(`{"env_id":"e1","inflight":-5,"handler_ms":3}`))
			return
		}
		w.Write([]byte(`{"env_id":"e1","inflight":1,"handler_ms":1e308}`))
	}))
	defer srv.Close()
	dir := t.TempDir()
	r := runCLI(t, nil, "run", "--target", "x="+srv.URL, "--cost-endpoint", "x=1024", "--scenario", "fast-io", "-s", "1ms:2", "-s", "300ms:2",
		"--think", "20ms", "--output-dir", dir, "--summary", "-", "-q")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var sums []summary.Summary
	if err := json.Unmarshal([]byte(r.stdout), &sums); err != nil || len(sums) != 1 {
		t.Fatalf("summary %v: %.200q", err, r.stdout)
	}
	e := sums[0].Endpoints[0]
	if e.Rejected != e.All.Requests || e.All.Requests == 0 || e.All.Cost == nil || math.IsInf(e.All.Cost.Total, 0) || e.All.BilledMS > float64(e.All.Requests)*1000 {
		t.Errorf("summary: %d of %d answers rejected, cost %+v, billed %v ms; want every answer rejected and a finite bill", e.Rejected, e.All.Requests, e.All.Cost, e.All.BilledMS)
	}
	if !strings.Contains(r.stderr, "answers claimed function fields out of range") {
		t.Errorf("the run does not say answers were rejected:\n%s", r.stderr)
	}
	csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	rr := runCLI(t, nil, "report", csvs[0], "--summary", "-")
	var back []summary.Summary
	if err := json.Unmarshal([]byte(rr.stdout), &back); rr.code != exitOK || err != nil || back[0].Endpoints[0].All.Requests != e.All.Requests {
		t.Fatalf("report: exit %d, %v; want every one of the %d rows\n%s", rr.code, err, e.All.Requests, rr.stderr)
	}
}

// TestNothingSentSaysSo: a profile whose first VU starts at its end sends
// nothing, and the run says that rather than pointing at errors.
func TestNothingSentSaysSo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	r := runCLI(t, nil, "run", "--target", "x="+srv.URL, "--scenario", "fast-io", "-s", "200ms:1", "--output-dir", t.TempDir(), "-q")
	if r.code != exitNoSuccess || !strings.Contains(r.stderr, "no request was sent") {
		t.Fatalf("exit %d; want 3 saying no request was sent\n%s", r.code, r.stderr)
	}
}

// TestReportWithoutASidecarSaysSo: a CSV alone is reported with a warning
// saying what its sidecar would have said, a --cost-at that prices nothing
// says so, and its stages are numbered from 0, as thresholds number them.
func TestReportWithoutASidecarSaysSo(t *testing.T) {
	srv := httptest.NewServer(function.New())
	defer srv.Close()
	dir := t.TempDir()
	if r := runCLI(t, nil, "run", "--target", "x="+srv.URL, "--scenario", "fast-io", "-s", "1ms:1", "-s", "200ms:1", "--output-dir", dir, "-q"); r.code != exitOK {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err := os.Remove(runfiles.Of(csvs[0]).Meta); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "report", csvs[0], "--cost-at", "100/s", "--threshold", "@1:p99<10s", "--summary", "-")
	var sums []summary.Summary
	if err := json.Unmarshal([]byte(r.stdout), &sums); r.code != exitOK || err != nil {
		t.Fatalf("report: exit %d, %v\n%s", r.code, err, r.stderr)
	}
	for _, want := range []string{"has no sidecar", "--cost-at: no endpoint", "@1:p99<10s"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stderr)
		}
	}
	if got := sums[0].Stages[1].Label; got != "1" {
		t.Errorf("stage 1 is labelled %q; want 1, as @1 names it", got)
	}
}

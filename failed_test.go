package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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

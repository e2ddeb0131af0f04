package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/internal/testfile"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

// goodRows are n rows of endpoint "a", as run writes them, after a header.
func goodRows(n int) string {
	var b bytes.Buffer
	w, _ := rows.NewCSVWriter(&b)
	for i := range n {
		w.Write(&rows.Record{Timestamp: time.Unix(1e9, 0).UTC(), Elapsed: time.Duration(i) * time.Millisecond, Scenario: "s",
			Endpoint: "a", Status: 200, Latency: time.Duration(1+i%50) * time.Millisecond})
	}
	w.Flush()
	return b.String()
}

var header = strings.Join(rows.Columns, ",") + "\n"

func row(endpoint, stage, latency string) string {
	return "2001-09-09T01:46:40Z,1.0,s," + endpoint + "," + stage + ",1,200," + latency + ",0,0,,,,,,\n"
}

// TestHostileCSVs: one bad row is skipped, counted and named, and the
// rows after it are used; joined files read as one; what cannot be real
// is refused per row; memory is bounded by the caps.
func TestHostileCSVs(t *testing.T) {
	dir := t.TempDir()
	rows := goodRows(1999)
	lines := strings.SplitAfter(rows, "\n")
	mid := func(bad string) string { return strings.Join(lines[:1000], "") + bad + strings.Join(lines[1000:], "") }
	for _, tt := range []struct {
		name, content string
		want          int64 // rows used
		warn          string
	}{
		{"wrong column count", mid("x,y,z\n"), 1999, "line 1001: 3 fields, the header has 16; 1 bad rows skipped (lines 1001)"},
		{"NaN latency", mid(row("a", "0", "NaN")), 1999, `column latency_ms: "NaN" is not valid`},
		{"Inf latency", mid(row("a", "0", "+Inf")), 1999, "latency_ms"},
		{"negative latency", mid(row("a", "0", "-5")), 1999, `column latency_ms: "-5" is not valid`},
		{"impossible stage", mid(row("a", "2000000000", "1")), 1999, `column stage: "2000000000" is not valid`},
		{"huge name", mid(row(strings.Repeat("n", 10<<20), "0", "1")), 1999, "more than 4096"},
		{"two files joined with cat", rows + rows, 3998, ""},
	} {
		runs, err := stats.ReadRuns(testfile.Write(t, dir, strings.ReplaceAll(tt.name, " ", "-")+".csv", tt.content))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		got := runs[0].Stats.Endpoints()[0].All.Requests
		if got != tt.want || !strings.Contains(runs[0].Warning, tt.warn) || (tt.warn == "") != (runs[0].Warning == "") || len(runs[0].Warning) > 400 {
			t.Errorf("%s: %d rows used, warning %q; want %d and %q", tt.name, got, runs[0].Warning, tt.want, tt.warn)
		}
	}

	// Many endpoint names: the first stats.MaxEndpoints are kept, the rest counted.
	var b strings.Builder
	b.WriteString(header)
	for i := range 20000 {
		b.WriteString(row(fmt.Sprintf("e%d", i), "0", "1"))
	}
	runs, err := stats.ReadRuns(testfile.Write(t, dir, "names.csv", b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(runs[0].Stats.Endpoints()); n != stats.MaxEndpoints || !strings.Contains(runs[0].Warning, fmt.Sprintf("%d bad rows skipped", 20000-stats.MaxEndpoints)) {
		t.Errorf("endpoints = %d, warning %q; want %d and the rest counted", n, runs[0].Warning, stats.MaxEndpoints)
	}
	var page bytes.Buffer
	if err := WritePage(&page, runs[0], "", summary.Of(runs[0])); err != nil || page.Len() > 5<<20 {
		t.Errorf("page of %d bytes, %v; want under 5 MiB", page.Len(), err)
	}

	// Nothing usable: one line naming why.
	if _, err := stats.ReadRuns(testfile.Write(t, dir, "all-bad.csv", header+row("a", "0", "-1"))); err == nil || !strings.Contains(err.Error(), "latency_ms") {
		t.Errorf("a file of bad rows = %v; want it refused, naming why", err)
	}
}

// FuzzReadRuns: any file either is refused with an error or gives runs
// whose summary and page can be made.
func FuzzReadRuns(f *testing.F) {
	f.Add([]byte(goodRows(3)))
	f.Add([]byte(header + row("a", "0", "1") + header + row("b", "1", "2")))
	f.Add([]byte(header + "x,\"unterminated\n" + row("a", "0", "1")))
	f.Fuzz(func(t *testing.T, data []byte) {
		runs, err := stats.ReadRuns(testfile.Write(t, t.TempDir(), "f.csv", string(data)))
		if err != nil {
			if strings.Count(err.Error(), "\n") != 0 {
				t.Fatalf("a multi-line error: %q", err)
			}
			return
		}
		for _, r := range runs {
			if len(r.Stats.Endpoints()) > stats.MaxEndpoints {
				t.Fatalf("%d endpoints", len(r.Stats.Endpoints()))
			}
			// Every chart's options, as the page embeds them (the page's
			// template itself is tested on its own: it is slow to fuzz).
			_, specs := view{r}.page("", summary.Of(r))
			for _, s := range specs {
				if s.Collapsed != "" {
					continue
				}
				s.chart.Validate()
				if _, err := json.Marshal(s.chart.JSON()); err != nil {
					t.Fatalf("chart %q: %v", s.Title, err)
				}
			}
		}
	})
}

package report

import (
	"bytes"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/stages"
	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

const evil = `<script>alert(1)</script>`

// syntheticRun is a seeded run of n requests over 90 s and three stages,
// with one endpoint named to break out of a page and one that fails often.
func syntheticRun(n int, withMeta bool) *stats.Run {
	rng := rand.New(rand.NewPCG(7, 8))
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	ss := []stages.Stage{{Duration: 30 * time.Second, Target: 64}, {Duration: 30 * time.Second, Target: 64}, {Duration: 30 * time.Second, Target: 128}}
	prof, _ := stages.New(ss, true)
	names := []string{"128", "2048", evil}
	r := &stats.Run{Source: "results/high-cpu-20261123T120000Z.csv"}
	if withMeta {
		end := start.Add(prof.Total())
		r.Meta = &runfiles.Meta{Version: "test", CSVVersion: 1, Scenario: "high-cpu", Workload: function.Work{HashLoops: 200000},
			Stages: ss, StageLabels: []string{"0→64 VUs", "64 VUs", "64→128 VUs"}, LoadModel: "vus", Think: "100ms",
			Start: start, End: &end, Requests: int64(n),
			Targets: []platform.Target{{Name: "128", URL: "http://127.0.0.1:1/default/128/hello"}, {Name: "2048", URL: "http://x/" + evil}, {Name: evil, URL: "http://x/"}}}
	}
	for i := range n {
		el := time.Duration(rng.Int64N(int64(prof.Total())))
		name := names[i%3]
		rec := rows.Record{Timestamp: start.Add(el), Elapsed: el, Scenario: "high-cpu", Endpoint: name,
			Stage: prof.Index(el), Target: float64(prof.VUs(el)), Status: 200,
			Latency: time.Duration(math.Exp(rng.NormFloat64()*0.5+math.Log(40)) * float64(time.Millisecond)),
			HasFn:   true, Fn: rows.FnFields{EnvID: "env-" + string(rune('a'+rng.IntN(4))), ColdStart: rng.IntN(100) == 0}}
		switch {
		case name == evil && rng.IntN(10) == 0:
			rec.Status, rec.HasFn, rec.Error = 0, false, `Get "http://10.0.0.1:443/`+evil+`": dial tcp 10.0.0.1:443: connect: connection refused`
		case name == "128" && el > 60*time.Second && rng.IntN(8) == 0:
			rec.Status, rec.HasFn = 503, false
		case name == "2048" && rng.IntN(50) == 0:
			rec.Status, rec.HasFn = 429, false
		}
		r.Add(&rec)
	}
	return r
}

func render(t *testing.T, r *stats.Run) string {
	t.Helper()
	var b bytes.Buffer
	if err := WritePage(&b, r, "index.html", summary.Of(r)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestPageEscapesInput(t *testing.T) {
	html := render(t, syntheticRun(3000, true))
	// The only <script> tags are the page's own: echarts, one data block
	// per chart, the start-up script.
	if got := strings.Count(html, "<script"); got != 2+10 {
		t.Errorf("page has %d <script tags; want 12 (echarts, 10 chart data blocks, start-up)", got)
	}
	if strings.Contains(html, evil) {
		t.Errorf("the endpoint name %q appears unescaped in the page", evil)
	}
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the endpoint name is not shown as text in the tables")
	}
	if !strings.Contains(html, `\u003cscript\u003ealert(1)\u003c/script\u003e`) {
		t.Errorf("the endpoint name is not in the chart data as an escaped JSON string")
	}
	if strings.Contains(html, "10.0.0.1") {
		t.Errorf("an address from an error text reached the page")
	}
}

func TestPageIsSelfContained(t *testing.T) {
	html := render(t, syntheticRun(1000, true))
	for _, re := range []string{`(?i)\ssrc\s*=\s*["']?(https?:)?//`, `(?i)<link[^>]+href\s*=\s*["']?(https?:)?//`, `(?i)@import`} {
		if m := regexp.MustCompile(re).FindString(html); m != "" {
			t.Errorf("page loads something remote: %q", m)
		}
	}
	if !strings.Contains(html, "Apache ECharts") {
		t.Errorf("the echarts library is not inlined")
	}
}

func TestPageStaysSmall(t *testing.T) {
	small := len(render(t, syntheticRun(1000, true)))
	big := len(render(t, syntheticRun(300000, true)))
	if big > 5<<20 {
		t.Errorf("page of 300,000 requests is %d bytes; want under 5 MiB", big)
	}
	// Beyond the sample size, more rows must not grow the page much.
	if big-small > 1<<20 {
		t.Errorf("page grew from %d to %d bytes with 300× the rows; want bounded by sample and buckets", small, big)
	}
}

func TestPageFacts(t *testing.T) {
	html := render(t, syntheticRun(600, true))
	for _, want := range []string{"lmibench · high-cpu", "hash_loops=200000", "0→64 VUs, 64 VUs, 64→128 VUs", "2026-11-23T12:00:00Z",
		"2026-11-23T12:01:30Z", "1m30s", `href="index.html"`, "No response, by kind", "connection refused"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	noMeta := render(t, syntheticRun(600, false))
	// Without a sidecar, stages are numbered from 0, as the CSV's stage
	// column and thresholds (@2:p99<…) number them.
	if !strings.Contains(noMeta, "no sidecar") || !strings.Contains(noMeta, "<td>128</td><td>2</td>") {
		t.Errorf("page without a sidecar does not say so or lacks the observed stages, numbered from 0")
	}
}

func TestIndex(t *testing.T) {
	var b bytes.Buffer
	a, c := syntheticRun(900, true), syntheticRun(300, false)
	if err := WriteIndex(&b, []IndexEntry{{Run: a, Summary: summary.Of(a), Page: "a.html"}, {Run: c, Summary: summary.Of(c), Page: "c.html"}}); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{`href="a.html"`, `href="c.html"`, "p99 per stage · high-cpu", "Scenarios", "Verdicts", summary.Of(a).Verdict[:40]} {
		if !strings.Contains(html, want) {
			t.Errorf("index lacks %q", want)
		}
	}
}

// TestFailureChartsCollapse: a run without a failure shows one line where
// the failure charts would be, and the page's first screen has the verdict
// and a card per endpoint before the folded facts.
func TestFailureChartsCollapse(t *testing.T) {
	r := &stats.Run{}
	for i := range 200 {
		r.Add(&rows.Record{Endpoint: []string{"a", "b"}[i%2], Status: 200, Latency: time.Duration(10+i%7) * time.Millisecond,
			Elapsed: time.Duration(i) * 10 * time.Millisecond})
	}
	html := render(t, r)
	if strings.Count(html, noFailures) != 2 || strings.Count(html, `class="plot"`) != 8 {
		t.Errorf("page has the no-failure line %d times and %d charts; want 2 and 8", strings.Count(html, noFailures), strings.Count(html, `class="plot"`))
	}
	verdict, cards := strings.Index(html, `class="verdict"`), strings.Index(html, `class="card"`)
	if verdict < 0 || cards < verdict || strings.Count(html, `class="card"`) != 2 {
		t.Errorf("verdict at %d, cards at %d: want the verdict, then a card per endpoint", verdict, cards)
	}
	withFacts := render(t, syntheticRun(600, true))
	if facts := strings.Index(withFacts, `<details class="facts"`); facts < strings.Index(withFacts, `class="card"`) {
		t.Errorf("the facts come before the cards")
	}
}

package summary

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/internal/runtest"
)

func TestCompareFlagsAShiftAndNotNoise(t *testing.T) {
	a := Of(runtest.Lognormal(1, nil, "slow", "same", "gone"))
	b := Of(runtest.Lognormal(2, map[string]time.Duration{"slow": 60 * time.Millisecond}, "slow", "same", "new"))
	c := Compare(a, b, CompareOptions{Metrics: []string{"p50", "p90", "p99"}, Min: DefaultMinChange})
	if len(c.Rows) != 6 {
		t.Fatalf("rows = %d; want 2 shared endpoints × (2 stages + run)", len(c.Rows))
	}
	for _, r := range c.Rows {
		for _, d := range r.Deltas[:3] { // p50, p90, p99
			if want := r.Endpoint == "slow"; d.Beyond != want {
				t.Errorf("%s stage %s %s: %s; beyond noise = %v, want %v", r.Endpoint, r.Stage, d.Metric, d, d.Beyond, want)
			}
		}
		if r.Endpoint == "slow" && r.Stage == "run" {
			// p50 of 50 ms + 60 ms: +120 %, within the noise of the draw.
			if ch := *r.Deltas[0].Change; ch < 110 || ch > 130 {
				t.Errorf("slow p50 change = %v%%; want about +120%%", ch)
			}
		}
	}
	un := strings.Join(c.Unmatched, "; ")
	if !strings.Contains(un, "endpoint gone is only in A") || !strings.Contains(un, "endpoint new is only in B") {
		t.Errorf("not compared = %q; want the endpoints only one run has", un)
	}
	var table bytes.Buffer
	if err := c.WriteTable(&table); err != nil || !strings.Contains(table.String(), " *") || !strings.Contains(table.String(), "not compared: endpoint gone") {
		t.Errorf("table = %q, %v", table.String(), err)
	}
}

// TestCompareVerdict: two draws of the same runs are no difference, B 60 ms
// slower regressed (naming the worst cell), B faster improved; a shift
// beyond the noise but under the minimum change is no regression; metrics
// not judged do not count; runs of another scenario are not comparable.
func TestCompareVerdict(t *testing.T) {
	same := Of(runtest.Lognormal(2, nil, "x"))
	base := Of(runtest.Lognormal(1, nil, "x"))
	slow := Of(runtest.Lognormal(2, map[string]time.Duration{"x": 60 * time.Millisecond}, "x"))
	fast := Of(runtest.Lognormal(2, map[string]time.Duration{"x": -20 * time.Millisecond}, "x"))
	for _, tt := range []struct {
		name     string
		a, b     *Summary
		o        CompareOptions
		verdict  string
		regessed bool
	}{
		{"A/A", base, same, CompareOptions{Min: DefaultMinChange}, "no difference", false},
		{"slower", base, slow, CompareOptions{Min: DefaultMinChange}, "regressed: x, stage ", true},
		{"faster", base, fast, CompareOptions{Min: DefaultMinChange}, "improved: x, stage", false},
		{"slower, under a minimum of 500 %", base, slow, CompareOptions{Min: MinChange{LatencyPct: 500}}, "no difference", false},
		{"slower, judged on failed only", base, slow, CompareOptions{Metrics: []string{"failed"}, Min: DefaultMinChange}, "no difference", false},
	} {
		c := Compare(tt.a, tt.b, tt.o)
		if !strings.Contains(c.Verdict, tt.verdict) || c.Regressed != tt.regessed {
			t.Errorf("%s: verdict %q, regressed %v; want %q, %v", tt.name, c.Verdict, c.Regressed, tt.verdict, tt.regessed)
		}
	}
	other := *base
	other.Scenario = "high-cpu"
	if why := Comparable(base, &other); !strings.Contains(why, "the scenarios differ") {
		t.Errorf("Comparable(fast-io, high-cpu) = %q", why)
	}
	if why := Comparable(base, same); why != "" {
		t.Errorf("Comparable(same) = %q; want comparable", why)
	}
}

func TestParseMinChange(t *testing.T) {
	got, err := ParseMinChange("10%, 3ms,failed=0.5,rps=20%,cost=1%", DefaultMinChange)
	if want := (MinChange{LatencyPct: 10, LatencyMS: 3, FailedPP: 0.5, RPSPct: 20, CostPct: 1}); err != nil || got != want {
		t.Errorf("ParseMinChange = %+v, %v; want %+v", got, err, want)
	}
	for _, bad := range []string{"", "5", "-1%", "p99=5%", "failed=5%", "NaN%", "1e999ms"} {
		if _, err := ParseMinChange(bad, DefaultMinChange); err == nil {
			t.Errorf("ParseMinChange(%q) accepted", bad)
		}
	}
}

func FuzzParseMinChange(f *testing.F) {
	for _, s := range []string{"5%", "2ms", "failed=1", "rps=10%,cost=5%", "x=", ",,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMinChange(s, DefaultMinChange)
		if err != nil {
			if m != DefaultMinChange || strings.Contains(err.Error(), "\n") {
				t.Fatalf("ParseMinChange(%q) = %+v, %v: an error must leave the base and be one line", s, m, err)
			}
			return
		}
		for _, v := range []float64{m.LatencyPct, m.LatencyMS, m.FailedPP, m.RPSPct, m.CostPct} {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("ParseMinChange(%q) = %+v", s, m)
			}
		}
	})
}

func FuzzParseMetrics(f *testing.F) {
	for _, s := range []string{"p99", "p99,failed", "errors", "p98", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := ParseMetrics(s)
		if err != nil {
			return
		}
		for _, m := range ms {
			if !slices.Contains(Metrics, m) {
				t.Fatalf("ParseMetrics(%q) = %v", s, ms)
			}
		}
	})
}

package summary

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/internal/runtest"
)

func TestCompareFlagsAShiftAndNotNoise(t *testing.T) {
	a := Of(runtest.Lognormal(1, nil, "slow", "same", "gone"))
	b := Of(runtest.Lognormal(2, map[string]time.Duration{"slow": 60 * time.Millisecond}, "slow", "same", "new"))
	c := Compare(a, b)
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

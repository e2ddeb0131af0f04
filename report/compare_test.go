package report

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/attack"
)

// lognormalRun is 4,000 log-normal latencies (median 50 ms, σ 0.5) per
// endpoint and stage, plus shift for the named endpoints, drawn with seed.
// At that size the p99's 95 % interval is some 20 ms wide, so the shift
// must exceed it for the tail to be flagged.
func lognormalRun(seed uint64, shift map[string]time.Duration, endpoints ...string) *Run {
	rng := rand.New(rand.NewPCG(seed, seed))
	r := &Run{Source: "seed-" + trimFloat(float64(seed)) + ".csv"}
	for stage := range 2 {
		for _, e := range endpoints {
			for range 4000 {
				ms := 50 * math.Exp(0.5*rng.NormFloat64())
				r.Add(&attack.Record{Scenario: "fast-io", Endpoint: e, Stage: stage, Status: 200,
					Latency: time.Duration(ms*float64(time.Millisecond)) + shift[e]})
			}
		}
	}
	return r
}

func TestCompareFlagsAShiftAndNotNoise(t *testing.T) {
	a := lognormalRun(1, nil, "slow", "same", "gone").Summary()
	b := lognormalRun(2, map[string]time.Duration{"slow": 60 * time.Millisecond}, "slow", "same", "new").Summary()
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
	var table, page bytes.Buffer
	if err := c.WriteTable(&table); err != nil || !strings.Contains(table.String(), " *") || !strings.Contains(table.String(), "not compared: endpoint gone") {
		t.Errorf("table = %q, %v", table.String(), err)
	}
	if err := c.WritePage(&page); err != nil || !strings.Contains(page.String(), "p99 per stage, A and B") || !strings.Contains(page.String(), "slow B") {
		t.Errorf("page lacks its charts: %v", err)
	}
}

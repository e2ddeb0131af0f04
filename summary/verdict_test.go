package summary

import (
	"strings"
	"testing"
)

// summaryOf builds a summary of two stages whose peak is the second, one
// endpoint per p99 given (ms, at the peak; 10 ms in the first stage), with
// a tight interval around each.
func summaryOf(p99 map[string]float64, order ...string) *Summary {
	s := &Summary{Scenario: "high-cpu", PeakStage: 1, Stages: []StageSpan{{Label: "0→64 VUs"}, {Label: "64 VUs"}}}
	for _, n := range order {
		v := p99[n]
		light := CellSum{Requests: 100, Successes: 100, Quantiles: Quantiles{P99: 10}, CI: CIs{P99: [2]float64{9, 11}}}
		peak := CellSum{Requests: 1000, Successes: 1000, Quantiles: Quantiles{P99: v}, CI: CIs{P99: [2]float64{v * 0.95, v * 1.05}}}
		if v == 0 {
			peak.Successes = 0
		}
		s.Endpoints = append(s.Endpoints, EndpointSum{Name: n, Stages: []CellSum{light, peak}})
	}
	return s
}

func TestVerdict(t *testing.T) {
	for _, c := range []struct {
		name   string
		s      *Summary
		change func(*Summary)
		want   []string
		not    []string
	}{
		{name: "LMI best", s: summaryOf(map[string]float64{"128": 1400, "2048": 95, "lmi": 20}, "128", "2048", "lmi"),
			want: []string{"high-cpu, peak stage 64 VUs: best p99 lmi 20.0ms, worst 128 1400ms", "128 saturated (peak p99 140× its lightest stage's)"}},
		{name: "LMI worst", s: summaryOf(map[string]float64{"128": 30, "2048": 25, "lmi": 400}, "128", "2048", "lmi"),
			want: []string{"best p99 2048 25.0ms, worst lmi 400.0ms", "lmi saturated (peak p99 40×"}},
		{name: "ties", s: summaryOf(map[string]float64{"2048": 100, "lmi": 102}, "2048", "lmi"),
			want: []string{"p99 alike (2048 100.0ms, lmi 102.0ms; within each other's 95 % intervals)", "saturated"},
			not:  []string{"best p99"}},
		{name: "errors and no success", s: summaryOf(map[string]float64{"128": 0, "lmi": 50}, "128", "lmi"),
			change: func(s *Summary) {
				s.Endpoints[1].Stages[1].Successes = 990
				s.Endpoints[1].All.S429 = 10
				s.Endpoints[0].All.ColdStarts = 7
			},
			want: []string{"p99 lmi 50.0ms; no successful response from 128", "128 100.0 % failed", "lmi 1.0 % failed", "lmi 10 throttled (429)", "128 7 cold starts"}},
		{name: "quiet", s: summaryOf(map[string]float64{"a": 10, "b": 11}, "a", "b"),
			want: []string{"Nothing else notable: no failed requests, throttles or cold starts."}},
		{name: "cost and scale-out", s: summaryOf(map[string]float64{"2048": 95, "lmi": 20}, "2048", "lmi"),
			change: func(s *Summary) {
				at := 42.0
				s.Series = []SeriesSum{{Name: "lmi instances", Endpoint: "lmi", Metric: "instances", First: 3, Max: 6, RiseS: &at}}
				s.Cost = &CostSum{Endpoints: []EndpointCost{{Name: "2048", PeakPerMillion: 2.87}, {Name: "lmi", PeakPerMillion: 0.51}}}
			},
			want: []string{"cost per million requests 2048 $2.87, lmi $0.51", "lmi instances 3→6 (first added at 42s)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.change != nil {
				c.change(c.s)
			}
			v := verdict(c.s)
			for _, w := range c.want {
				if !strings.Contains(v, w) {
					t.Errorf("verdict lacks %q:\n%s", w, v)
				}
			}
			for _, w := range c.not {
				if strings.Contains(v, w) {
					t.Errorf("verdict has %q:\n%s", w, v)
				}
			}
		})
	}
}

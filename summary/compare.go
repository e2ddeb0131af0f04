package summary

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

// Comparison sets two runs of a scenario side by side, endpoint × stage,
// on what they share; what only one of them has is named.
type Comparison struct {
	A        string       `json:"a"` // where each run came from
	B        string       `json:"b"`
	Scenario string       `json:"scenario"`
	Rows     []CompareRow `json:"rows"`
	// Unmatched names the endpoints and stages only one run has.
	Unmatched []string `json:"not_compared,omitempty"`
	// SumA and SumB are the summaries compared.
	SumA, SumB *Summary `json:"-"`
}

// CompareRow is one endpoint in one stage ("run" for the whole run).
type CompareRow struct {
	Endpoint string  `json:"endpoint"`
	Stage    string  `json:"stage"`
	Deltas   []Delta `json:"deltas"`
}

// Delta is one metric of both runs. Change is B against A, in percent for
// latencies and req/s and in percentage points for the failed share.
// Beyond says, for a latency quantile, that the difference is beyond the
// runs' own noise: their 95 % intervals of that quantile do not overlap.
type Delta struct {
	Metric string   `json:"metric"`
	A      *float64 `json:"a"`
	B      *float64 `json:"b"`
	Change *float64 `json:"change"`
	Beyond bool     `json:"beyond_noise"`
}

// Compare compares run b against run a.
func Compare(a, b *Summary) *Comparison {
	c := &Comparison{A: a.CSV, B: b.CSV, Scenario: a.Scenario, SumA: a, SumB: b}
	if a.Scenario != b.Scenario {
		c.Unmatched = append(c.Unmatched, fmt.Sprintf("the scenarios differ: %s against %s", a.Scenario, b.Scenario))
	}
	stages := min(len(a.Stages), len(b.Stages))
	for i := 0; i < stages; i++ {
		if a.Stages[i].Label != b.Stages[i].Label {
			c.Unmatched = append(c.Unmatched, fmt.Sprintf("stage %d is %s in A, %s in B", i, a.Stages[i].Label, b.Stages[i].Label))
		}
	}
	if len(a.Stages) != len(b.Stages) {
		c.Unmatched = append(c.Unmatched, fmt.Sprintf("A has %d stages, B %d: the first %d are compared", len(a.Stages), len(b.Stages), stages))
	}
	byName := map[string]*EndpointSum{}
	for i := range b.Endpoints {
		byName[b.Endpoints[i].Name] = &b.Endpoints[i]
	}
	seen := map[string]bool{}
	for i := range a.Endpoints {
		ea := &a.Endpoints[i]
		eb := byName[ea.Name]
		if eb == nil {
			c.Unmatched = append(c.Unmatched, "endpoint "+ea.Name+" is only in A")
			continue
		}
		seen[ea.Name] = true
		for s := 0; s < stages && s < len(ea.Stages) && s < len(eb.Stages); s++ {
			c.Rows = append(c.Rows, CompareRow{Endpoint: ea.Name, Stage: strconv.Itoa(s), Deltas: deltas(&ea.Stages[s], &eb.Stages[s])})
		}
		c.Rows = append(c.Rows, CompareRow{Endpoint: ea.Name, Stage: "run", Deltas: deltas(&ea.All, &eb.All)})
	}
	for _, e := range b.Endpoints {
		if !seen[e.Name] {
			c.Unmatched = append(c.Unmatched, "endpoint "+e.Name+" is only in B")
		}
	}
	return c
}

func deltas(a, b *CellSum) []Delta {
	num := func(v float64) *float64 { return &v }
	latency := func(name string, va, vb float64, ca, cb [2]float64) Delta {
		d := Delta{Metric: name}
		if a.Successes == 0 || b.Successes == 0 {
			return d
		}
		d.A, d.B = num(va), num(vb)
		if va > 0 {
			d.Change = num(Round3(100 * (vb - va) / va))
		}
		d.Beyond = ca[1] < cb[0] || cb[1] < ca[0]
		return d
	}
	rate := func(c *CellSum) float64 { return 100 * float64(c.Requests-c.Successes) / float64(c.Requests) } // failed, in v1 summaries too
	out := []Delta{
		latency("p50", a.P50, b.P50, a.CI.P50, b.CI.P50),
		latency("p90", a.P90, b.P90, a.CI.P90, b.CI.P90),
		latency("p99", a.P99, b.P99, a.CI.P99, b.CI.P99),
		{Metric: "rps", A: num(a.RPS), B: num(b.RPS)},
		{Metric: "failed %"},
	}
	if a.RPS > 0 {
		out[3].Change = num(Round3(100 * (b.RPS - a.RPS) / a.RPS))
	}
	if a.Requests > 0 && b.Requests > 0 {
		ra, rb := rate(a), rate(b)
		out[4].A, out[4].B, out[4].Change = num(Round3(ra)), num(Round3(rb)), num(Round3(rb-ra))
	}
	return out
}

// WriteTable prints the comparison: per endpoint × stage, each metric as
// A → B and its change, "*" where a latency moved beyond the noise.
func (c *Comparison) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "compare %s: A %s, B %s\n", c.Scenario, c.A, c.B)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  endpoint\tstage\tp50 ms\tp90 ms\tp99 ms\treq/s\tfailed %\t")
	for _, r := range c.Rows {
		fmt.Fprintf(tw, "  %s\t%s\t", r.Endpoint, r.Stage)
		for _, d := range r.Deltas {
			fmt.Fprintf(tw, "%s\t", d.String())
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "  * beyond the runs' noise: the two runs' 95% intervals of that quantile do not overlap")
	for _, u := range c.Unmatched {
		fmt.Fprintf(w, "  not compared: %s\n", u)
	}
	return nil
}

// String is "A → B (+x%)" with a "*" when beyond the noise.
func (d Delta) String() string {
	if d.A == nil || d.B == nil {
		return "-"
	}
	s := TrimFloat(*d.A) + " → " + TrimFloat(*d.B)
	if d.Change != nil {
		unit := "%"
		if d.Metric == "failed %" {
			unit = " pp"
		}
		s += fmt.Sprintf(" (%+g%s)", *d.Change, unit)
	}
	if d.Beyond {
		s += " *"
	}
	return s
}

// Endpoint is the named endpoint's results, or nil.
func (s *Summary) Endpoint(name string) *EndpointSum {
	for i := range s.Endpoints {
		if s.Endpoints[i].Name == name {
			return &s.Endpoints[i]
		}
	}
	return nil
}

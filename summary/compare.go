package summary

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Comparison sets two runs of a scenario side by side, endpoint × stage,
// on what they share, and says in one verdict whether B regressed against
// A; what only one of them has is named.
type Comparison struct {
	A        string       `json:"a"` // where each run came from
	B        string       `json:"b"`
	Scenario string       `json:"scenario"`
	Rows     []CompareRow `json:"rows"`
	// Verdict is the comparison in one line: regressed, improved or no
	// difference, naming the worst cell; Regressed and Improved say it
	// for scripts.
	Verdict   string `json:"verdict"`
	Regressed bool   `json:"regressed"`
	Improved  bool   `json:"improved"`
	// Unmatched names the endpoints and stages only one run has.
	Unmatched []string `json:"not_compared,omitempty"`
	// SumA and SumB are the summaries compared.
	SumA, SumB *Summary `json:"-"`
}

// CompareRow is one endpoint in one stage (labelled as the runs label
// it; "run" for the whole run).
type CompareRow struct {
	Endpoint string  `json:"endpoint"`
	Stage    string  `json:"stage"`
	Deltas   []Delta `json:"deltas"`
}

// Delta is one metric of both runs. Change is B against A, in percent for
// latencies, req/s and cost, and in percentage points for the failed
// share. Beyond says the difference is beyond the runs' own noise: their
// 95 % intervals do not overlap (a latency quantile's from its order
// statistics, the failed share's Wilson interval; req/s and cost have no
// noise measured and are judged on their change alone). Regression and
// Improvement say it is beyond the noise and the minimum change, on a
// metric judged (CompareOptions.Metrics).
type Delta struct {
	Metric      string   `json:"metric"`
	A           *float64 `json:"a"`
	B           *float64 `json:"b"`
	Change      *float64 `json:"change"`
	Beyond      bool     `json:"beyond_noise"`
	Regression  bool     `json:"regression,omitempty"`
	Improvement bool     `json:"improvement,omitempty"`
}

// Metrics a comparison can judge; DefaultMetrics are judged unless told.
var (
	Metrics        = []string{"p50", "p90", "p99", "failed", "rps", "cost"}
	DefaultMetrics = []string{"p99", "failed"}
)

// MinChange is how large a difference must be, besides beyond the noise,
// to be a regression or an improvement: no one calls 102.1 → 101.9 ms a
// regression however many requests make it significant.
type MinChange struct {
	LatencyPct float64 `json:"latency_pct"` // and
	LatencyMS  float64 `json:"latency_ms"`
	FailedPP   float64 `json:"failed_pp"`
	RPSPct     float64 `json:"rps_pct"` // open model only: in the closed model req/s follows latency
	CostPct    float64 `json:"cost_pct"`
}

// DefaultMinChange is 5 % and 1 ms for a latency quantile, 1 percentage
// point for the failed share, 5 % for req/s and cost.
var DefaultMinChange = MinChange{LatencyPct: 5, LatencyMS: 1, FailedPP: 1, RPSPct: 5, CostPct: 5}

// CompareOptions say what a comparison judges.
type CompareOptions struct {
	Metrics []string // nil is DefaultMetrics
	Min     MinChange
}

// Comparable says why two runs' figures cannot be compared (another
// scenario, load model, workload or stage profile), or "".
func Comparable(a, b *Summary) string {
	switch {
	case a.Scenario != b.Scenario:
		return fmt.Sprintf("the scenarios differ: %s in A, %s in B", a.Scenario, b.Scenario)
	case a.LoadModel != b.LoadModel:
		return fmt.Sprintf("the load models differ: %s in A, %s in B", a.LoadModel, b.LoadModel)
	case a.Workload != b.Workload:
		return fmt.Sprintf("the workloads differ: %s in A, %s in B", a.Workload, b.Workload)
	case len(a.Stages) != len(b.Stages):
		return fmt.Sprintf("the stage profiles differ: %d stages in A, %d in B", len(a.Stages), len(b.Stages))
	}
	for i := range a.Stages {
		if a.Stages[i].Label != b.Stages[i].Label {
			return fmt.Sprintf("the stage profiles differ: stage %d is %s in A, %s in B", i, a.Stages[i].Label, b.Stages[i].Label)
		}
	}
	return ""
}

// Compare compares run b against run a and judges it.
func Compare(a, b *Summary, o CompareOptions) *Comparison {
	if o.Metrics == nil {
		o.Metrics = DefaultMetrics
	}
	c := &Comparison{A: a.CSV, B: b.CSV, Scenario: a.Scenario, SumA: a, SumB: b}
	if why := Comparable(a, b); why != "" {
		c.Unmatched = append(c.Unmatched, why)
	}
	stages := min(len(a.Stages), len(b.Stages))
	if len(a.Stages) != len(b.Stages) {
		c.Unmatched = append(c.Unmatched, fmt.Sprintf("A has %d stages, B %d: the first %d are compared", len(a.Stages), len(b.Stages), stages))
	}
	open := a.LoadModel == "rate" && b.LoadModel == "rate"
	seen := map[string]bool{}
	for i := range a.Endpoints {
		ea := &a.Endpoints[i]
		eb := b.Endpoint(ea.Name)
		if eb == nil {
			c.Unmatched = append(c.Unmatched, "endpoint "+ea.Name+" is only in A")
			continue
		}
		seen[ea.Name] = true
		for s := 0; s < stages && s < len(ea.Stages) && s < len(eb.Stages); s++ {
			c.Rows = append(c.Rows, CompareRow{Endpoint: ea.Name, Stage: a.Stages[s].Label, Deltas: deltas(&ea.Stages[s], &eb.Stages[s], open, o)})
		}
		row := CompareRow{Endpoint: ea.Name, Stage: "run", Deltas: deltas(&ea.All, &eb.All, open, o)}
		row.Deltas = append(row.Deltas, costDelta(a.Cost, b.Cost, ea.Name, o))
		c.Rows = append(c.Rows, row)
	}
	for _, e := range b.Endpoints {
		if !seen[e.Name] {
			c.Unmatched = append(c.Unmatched, "endpoint "+e.Name+" is only in B")
		}
	}
	c.judge()
	return c
}

// judge writes the verdict: the worst regression (the largest change
// beyond the noise and the minimum), else the best improvement, else no
// difference.
func (c *Comparison) judge() {
	type cell struct {
		row *CompareRow
		d   *Delta
	}
	var worst, best *cell
	for i := range c.Rows {
		for j := range c.Rows[i].Deltas {
			d := &c.Rows[i].Deltas[j]
			if d.Regression && (worst == nil || math.Abs(*d.Change) > math.Abs(*worst.d.Change)) {
				worst = &cell{&c.Rows[i], d}
			}
			if d.Improvement && (best == nil || math.Abs(*d.Change) > math.Abs(*best.d.Change)) {
				best = &cell{&c.Rows[i], d}
			}
		}
	}
	say := func(x *cell) string {
		return fmt.Sprintf("%s, stage %s, %s %s", x.row.Endpoint, x.row.Stage, x.d.Metric, x.d)
	}
	switch {
	case worst != nil:
		c.Regressed = true
		c.Verdict = "regressed: " + say(worst)
	case best != nil:
		c.Improved = true
		c.Verdict = "improved: " + say(best)
	default:
		c.Verdict = "no difference: nothing moved beyond the runs' noise and the minimum change"
	}
	c.Verdict = c.Scenario + ": " + c.Verdict
}

func num(v float64) *float64 { return &v }

// deltas are a cell's metrics in both runs, judged.
func deltas(a, b *CellSum, open bool, o CompareOptions) []Delta {
	judged := func(m string) bool { return slices.Contains(o.Metrics, m) }
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
		if d.Change != nil && d.Beyond && judged(name) && math.Abs(*d.Change) >= o.Min.LatencyPct && math.Abs(vb-va) >= o.Min.LatencyMS {
			d.Regression, d.Improvement = vb > va, vb < va
		}
		return d
	}
	out := []Delta{
		latency("p50", a.P50, b.P50, a.CI.P50, b.CI.P50),
		latency("p90", a.P90, b.P90, a.CI.P90, b.CI.P90),
		latency("p99", a.P99, b.P99, a.CI.P99, b.CI.P99),
	}
	rps := Delta{Metric: "rps", A: num(a.RPS), B: num(b.RPS)}
	if a.RPS > 0 {
		rps.Change = num(Round3(100 * (b.RPS - a.RPS) / a.RPS))
		if open && judged("rps") && math.Abs(*rps.Change) >= o.Min.RPSPct {
			rps.Beyond = true
			rps.Regression, rps.Improvement = b.RPS < a.RPS, b.RPS > a.RPS
		}
	}
	failed := Delta{Metric: "failed %"}
	if a.Requests > 0 && b.Requests > 0 {
		// From requests and successes: v1 summaries have no failed field.
		fa, fb := a.Requests-a.Successes, b.Requests-b.Successes
		ra, rb := 100*float64(fa)/float64(a.Requests), 100*float64(fb)/float64(b.Requests)
		failed.A, failed.B, failed.Change = num(Round3(ra)), num(Round3(rb)), num(Round3(rb-ra))
		la, ha := wilson(fa, a.Requests)
		lb, hb := wilson(fb, b.Requests)
		failed.Beyond = ha < lb || hb < la
		if failed.Beyond && judged("failed") && math.Abs(rb-ra) >= o.Min.FailedPP {
			failed.Regression, failed.Improvement = rb > ra, rb < ra
		}
	}
	return append(out, rps, failed)
}

// costDelta is an endpoint's cost per million requests over the run in
// both runs; without a price in both, nothing.
func costDelta(a, b *CostSum, name string, o CompareOptions) Delta {
	d := Delta{Metric: "cost/M"}
	ca, cb := a.endpoint(name), b.endpoint(name)
	if ca == nil || cb == nil || ca.PerMillion <= 0 {
		return d
	}
	d.A, d.B = num(ca.PerMillion), num(cb.PerMillion)
	d.Change = num(Round3(100 * (cb.PerMillion - ca.PerMillion) / ca.PerMillion))
	if slices.Contains(o.Metrics, "cost") && math.Abs(*d.Change) >= o.Min.CostPct {
		d.Beyond = true
		d.Regression, d.Improvement = cb.PerMillion > ca.PerMillion, cb.PerMillion < ca.PerMillion
	}
	return d
}

// endpoint is the named endpoint's cost, or nil.
func (c *CostSum) endpoint(name string) *EndpointCost {
	if c == nil {
		return nil
	}
	for i := range c.Endpoints {
		if c.Endpoints[i].Name == name {
			return &c.Endpoints[i]
		}
	}
	return nil
}

// wilson is the 95 % Wilson score interval of k successes in n, in percent.
func wilson(k, n int64) (lo, hi float64) {
	const z = 1.96
	p, nf := float64(k)/float64(n), float64(n)
	centre := (p + z*z/(2*nf)) / (1 + z*z/nf)
	half := z / (1 + z*z/nf) * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	return 100 * (centre - half), 100 * (centre + half)
}

// WriteTable prints the comparison: its verdict first, then per endpoint ×
// stage each metric as A → B and its change, "*" where it moved beyond
// the noise, "!" where that is a regression.
func (c *Comparison) WriteTable(w io.Writer) error {
	fmt.Fprintln(w, c.Verdict)
	fmt.Fprintf(w, "compare %s: A %s, B %s\n", c.Scenario, c.A, c.B)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  endpoint\tstage\tp50 ms\tp90 ms\tp99 ms\treq/s\tfailed %\tcost/M\t")
	for _, r := range c.Rows {
		fmt.Fprintf(tw, "  %s\t%s\t", r.Endpoint, r.Stage)
		for _, d := range r.Deltas {
			fmt.Fprintf(tw, "%s\t", d.String())
		}
		if len(r.Deltas) < 6 {
			fmt.Fprint(tw, "\t")
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "  * beyond the runs' noise (95% intervals apart); ! a regression: beyond the noise and the minimum change, on a metric judged")
	for _, u := range c.Unmatched {
		fmt.Fprintf(w, "  not compared: %s\n", u)
	}
	return nil
}

// String is "A → B (+x%)" with "*" when beyond the noise, "!" when a
// regression.
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
	if d.Regression {
		s += "!"
	}
	return s
}

// ParseMetrics reads a list of metrics to judge: "p99,failed".
func ParseMetrics(s string) ([]string, error) {
	var out []string
	for _, m := range strings.Split(s, ",") {
		m = strings.TrimSpace(m)
		if m == "errors" {
			m = "failed"
		}
		if !slices.Contains(Metrics, m) {
			return nil, fmt.Errorf("%q is not a metric; want some of %s", trimText(m), strings.Join(Metrics, ", "))
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// ParseMinChange reads minimum changes over base: "5%" and "2ms" for
// latencies, "failed=0.5" (percentage points), "rps=10%", "cost=5%",
// several separated by commas.
func ParseMinChange(s string, base MinChange) (MinChange, error) {
	out := base
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		key, val, named := strings.Cut(item, "=")
		if !named {
			key, val = "latency", item
		}
		unit := ""
		for _, u := range []string{"ms", "%", "pp"} {
			if strings.HasSuffix(val, u) {
				unit, val = u, strings.TrimSuffix(val, u)
				break
			}
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return base, fmt.Errorf("%q: want a change such as 5%%, 2ms, failed=1, rps=10%%, cost=5%%", trimText(item))
		}
		switch {
		case key == "latency" && unit == "%":
			out.LatencyPct = v
		case key == "latency" && unit == "ms":
			out.LatencyMS = v
		case key == "failed" && (unit == "" || unit == "pp"):
			out.FailedPP = v
		case key == "rps" && unit == "%":
			out.RPSPct = v
		case key == "cost" && unit == "%":
			out.CostPct = v
		default:
			return base, fmt.Errorf("%q: want a change such as 5%%, 2ms, failed=1, rps=10%%, cost=5%%", trimText(item))
		}
	}
	return out, nil
}

// trimText cuts what a message repeats of the input.
func trimText(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
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

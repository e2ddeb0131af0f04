package summary

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/lmibench/lmibench/setting"
)

// Threshold is a pass/fail condition on a run's summary, k6's idea in a
// form that fits lmibench:
//
//	p99<500ms          every endpoint's p99 over the run
//	lmi:p99<300ms      one endpoint
//	lmi@2:failed<1%    one endpoint in stage 2 (0-based, as the CSV's stage)
//	@1:p95<=250ms      every endpoint in stage 1
//	5xx<0.5%           a rate of requests; 5xx<3 is a count
//	rps>100            requests sent per second
type Threshold struct {
	Text     string
	Endpoint string // "" is every endpoint
	Stage    int    // -1 is the whole run
	Metric   string
	Op       string
	Value    float64 // ms for latencies, % with Percent
	Percent  bool
}

// Threshold metrics: latencies (in ms, or with a unit), outcome counts (a
// count, or % of the requests) and rates.
var (
	latencyMetrics = map[string]func(*CellSum) float64{
		"p50": func(c *CellSum) float64 { return c.P50 }, "p90": func(c *CellSum) float64 { return c.P90 },
		"p95": func(c *CellSum) float64 { return c.P95 }, "p99": func(c *CellSum) float64 { return c.P99 },
		"p99.9": func(c *CellSum) float64 { return c.P999 }, "max": func(c *CellSum) float64 { return c.Max },
	}
	countMetrics = map[string]func(*CellSum) int64{
		"failed":    func(c *CellSum) int64 { return c.Requests - c.Successes },
		"errors":    func(c *CellSum) int64 { return c.Requests - c.Successes }, // failed's older name
		"3xx":       func(c *CellSum) int64 { return c.S3xx },
		"4xx":       func(c *CellSum) int64 { return c.S4xx },
		"429":       func(c *CellSum) int64 { return c.S429 },
		"5xx":       func(c *CellSum) int64 { return c.S5xx },
		"transport": func(c *CellSum) int64 { return c.Transport },
		"dropped":   func(c *CellSum) int64 { return c.Dropped },
		"requests":  func(c *CellSum) int64 { return c.Requests },
		"successes": func(c *CellSum) int64 { return c.Successes },
	}
	latencyUnits = map[string]float64{"": 1, "ms": 1, "s": 1000, "us": 0.001, "µs": 0.001}
	thresholdRE  = regexp.MustCompile(`^(?:([^@:]*)(?:@(\d+))?:)?([a-z0-9.]+)\s*(<=|>=|<|>)\s*([-+0-9.eE]+)\s*(ms|s|us|µs|%)?$`)
)

// maxThresholdText bounds what an error message repeats of the input.
const maxThresholdText = 80

// k6's spellings: p(95) for p95, med for p50, and http_req_failed (or a
// rate) as a fraction of the requests that failed.
var (
	k6Quantile = regexp.MustCompile(`\bp\((\d+(?:\.\d+)?)\)`)
	k6Median   = regexp.MustCompile(`(^|:)med(\s*[<>])`)
	k6Rate     = regexp.MustCompile(`^((?:[^@:]*(?:@\d+)?:)?)(?:http_req_failed|rate)\s*(<=|>=|<|>)\s*([0-9.eE+]+)$`)
)

// fromK6 is a threshold in k6's spelling in this one's: p(95)<500 is
// p95<500 (ms), http_req_failed<0.01 is failed<1%.
func fromK6(s string) string {
	s = k6Median.ReplaceAllString(k6Quantile.ReplaceAllString(s, "p$1"), "${1}p50$2")
	if m := k6Rate.FindStringSubmatch(s); m != nil {
		if v, err := strconv.ParseFloat(m[3], 64); err == nil {
			return m[1] + "failed" + m[2] + strconv.FormatFloat(100*v, 'f', -1, 64) + "%"
		}
	}
	return s
}

// ParseThreshold reads one threshold, in this form or k6's (p(95)<500,
// http_req_failed<0.01).
func ParseThreshold(s string) (Threshold, error) {
	text := strings.TrimSpace(s)
	quoted := text
	if len(quoted) > maxThresholdText {
		quoted = quoted[:maxThresholdText] + "…"
	}
	fail := func(why string) (Threshold, error) {
		return Threshold{}, setting.Errorf("threshold", strconv.Quote(quoted), "%s", why)
	}
	m := thresholdRE.FindStringSubmatch(fromK6(text))
	if m == nil {
		return fail("want [ENDPOINT][@STAGE]:METRIC OP VALUE, e.g. p99<500ms, lmi:p99<300ms, lmi@2:failed<1%, rps>100")
	}
	t := Threshold{Text: text, Endpoint: m[1], Stage: -1, Metric: m[3], Op: m[4]}
	if m[2] != "" {
		n, err := strconv.Atoi(m[2])
		if err != nil {
			return fail("the stage is not a number")
		}
		t.Stage = n
	}
	v, err := strconv.ParseFloat(m[5], 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fail(fmt.Sprintf("%q is not a number", m[5]))
	}
	unit := m[6]
	if v < 0 {
		return fail(fmt.Sprintf("%s cannot be negative", t.Metric))
	}
	_, isLatency := latencyMetrics[t.Metric]
	_, isCount := countMetrics[t.Metric]
	switch {
	case isLatency:
		scale, ok := latencyUnits[unit]
		if !ok {
			return fail(t.Metric + " is a latency: give ms, s or us")
		}
		t.Value = v * scale
	case isCount:
		t.Percent, t.Value = unit == "%", v
		if unit != "" && unit != "%" {
			return fail(t.Metric + " is a count, or a rate with %")
		}
		if t.Percent && v > 100 {
			return fail("a share of the requests is within 0..100%")
		}
	case t.Metric == "rps":
		if unit != "" {
			return fail("rps takes a plain number of requests per second")
		}
		t.Value = v
	default:
		return fail(fmt.Sprintf("unknown metric %q; want p50, p90, p95, p99, p99.9, max, failed (or errors), 3xx, 4xx, 429, 5xx, transport, dropped, requests, successes or rps", t.Metric))
	}
	return t, nil
}

// Lost says that a failure of t can never turn back into a pass as more
// requests come: an upper bound on a count or on the maximum latency.
func (t Threshold) Lost() bool {
	upper := t.Op == "<" || t.Op == "<="
	return upper && ((countMetrics[t.Metric] != nil && !t.Percent && t.Metric != "successes") || t.Metric == "max")
}

// Check refuses a threshold that names an endpoint or stage the run will
// not have, before anything is sent.
func (t Threshold) Check(endpoints []string, stages int) error {
	if t.Stage >= stages {
		return setting.Errorf("threshold", strconv.Quote(t.Text), "there is no stage %d (stages are 0 to %d)", t.Stage, stages-1)
	}
	if t.Endpoint != "" && !slices.Contains(endpoints, t.Endpoint) {
		return setting.Errorf("threshold", strconv.Quote(t.Text), "no endpoint %q (endpoints: %s)", t.Endpoint, strings.Join(endpoints, ", "))
	}
	return nil
}

// Verdict is a threshold's outcome for one endpoint of one scenario.
type Verdict struct {
	Threshold, Scenario, Endpoint, Stage string
	Value                                string
	Pass                                 bool
	// Rule is the threshold judged.
	Rule Threshold
}

// Evaluate checks every threshold against the summary: one verdict per
// endpoint the threshold covers. A latency with no successful request, or
// a rate with no request, fails: there is nothing to pass on.
func Evaluate(ts []Threshold, s *Summary) []Verdict {
	var out []Verdict
	for _, t := range ts {
		matched := false
		for i := range s.Endpoints {
			e := &s.Endpoints[i]
			if t.Endpoint != "" && t.Endpoint != e.Name {
				continue
			}
			matched = true
			v := Verdict{Threshold: t.Text, Scenario: s.Scenario, Endpoint: e.Name, Stage: "run", Rule: t}
			c := &e.All
			if t.Stage >= 0 {
				if t.Stage >= len(e.Stages) {
					v.Value = fmt.Sprintf("no stage %d", t.Stage)
					out = append(out, v)
					continue
				}
				c, v.Stage = &e.Stages[t.Stage], strconv.Itoa(t.Stage)
			}
			v.Value, v.Pass = t.measure(c)
			out = append(out, v)
		}
		if !matched {
			out = append(out, Verdict{Threshold: t.Text, Scenario: s.Scenario, Endpoint: t.Endpoint, Stage: "-", Value: "no such endpoint", Rule: t})
		}
	}
	return out
}

// measure is the threshold's metric in c, as shown, and whether it holds.
func (t Threshold) measure(c *CellSum) (string, bool) {
	var got float64
	var shown string
	switch {
	case latencyMetrics[t.Metric] != nil:
		if c.Successes == 0 {
			return "no successful request", false
		}
		got = latencyMetrics[t.Metric](c)
		shown = strconv.FormatFloat(got, 'f', -1, 64) + "ms"
	case countMetrics[t.Metric] != nil:
		n := countMetrics[t.Metric](c)
		got, shown = float64(n), strconv.FormatInt(n, 10)
		if t.Percent {
			if c.Requests == 0 {
				return "no request", false
			}
			got = 100 * float64(n) / float64(c.Requests)
			shown = strconv.FormatFloat(Round3(got), 'f', -1, 64) + "%"
		}
	default: // rps
		got, shown = c.RPS, strconv.FormatFloat(c.RPS, 'f', -1, 64)
	}
	switch t.Op {
	case "<":
		return shown, got < t.Value
	case "<=":
		return shown, got <= t.Value
	case ">":
		return shown, got > t.Value
	default:
		return shown, got >= t.Value
	}
}

// Failed counts the verdicts that failed.
func Failed(vs []Verdict) int {
	n := 0
	for _, v := range vs {
		if !v.Pass {
			n++
		}
	}
	return n
}

// WriteVerdicts prints the pass/fail table.
func WriteVerdicts(w io.Writer, vs []Verdict) error {
	if len(vs) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  threshold\tscenario\tendpoint\tstage\tvalue\tresult")
	for _, v := range vs {
		result := "pass"
		if !v.Pass {
			result = "FAIL"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", v.Threshold, v.Scenario, v.Endpoint, v.Stage, v.Value, result)
	}
	return tw.Flush()
}

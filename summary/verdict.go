package summary

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/lmibench/lmibench/platform"
)

// saturationFactor is how many times its lightest stage's p99 an
// endpoint's peak p99 must be for the verdict to call it saturated.
const saturationFactor = 3

// verdict says a run in one sentence, from its summary alone: at the peak
// stage, the best and worst p99 (or that they cannot be told apart), each
// priced endpoint's cost per million requests, then what is notable over
// the run: errors, saturation, throttles, cold starts, scale-out.
func verdict(s *Summary) string {
	if len(s.Endpoints) == 0 || s.PeakStage >= len(s.Stages) {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s, peak stage %s: ", s.Scenario, s.Stages[s.PeakStage].Label)
	type p99 struct {
		name   string
		v, ciL float64
		ciH    float64
	}
	var ok []p99
	var none, errs []string
	for _, e := range s.Endpoints {
		if s.PeakStage >= len(e.Stages) {
			continue
		}
		c := e.Stages[s.PeakStage]
		if c.Successes == 0 {
			none = append(none, e.Name)
		} else {
			ok = append(ok, p99{e.Name, c.P99, c.CI.P99[0], c.CI.P99[1]})
		}
		if failed := c.Requests - c.Successes; failed > 0 && c.Requests > 0 { // v1 summaries have no Failed
			errs = append(errs, fmt.Sprintf("%s %s failed", e.Name, Percent(failed, c.Requests)))
		}
	}
	sort.SliceStable(ok, func(i, j int) bool { return ok[i].v < ok[j].v })
	switch {
	case len(ok) == 0:
		b.WriteString("no successful response")
	case len(ok) == 1:
		fmt.Fprintf(&b, "p99 %s %s", ok[0].name, MSText(ok[0].v))
	case ok[len(ok)-1].ciL <= ok[0].ciH:
		// The worst's interval reaches the best's: no order to claim.
		parts := make([]string, len(ok))
		for i, o := range ok {
			parts[i] = o.name + " " + MSText(o.v)
		}
		fmt.Fprintf(&b, "p99 alike (%s; within each other's 95 %% intervals)", strings.Join(parts, ", "))
	default:
		best, worst := ok[0], ok[len(ok)-1]
		fmt.Fprintf(&b, "best p99 %s %s, worst %s %s", best.name, MSText(best.v), worst.name, MSText(worst.v))
	}
	if len(none) > 0 {
		fmt.Fprintf(&b, "; no successful response from %s", strings.Join(none, ", "))
	}
	if c := s.Cost; c != nil {
		var prices []string
		for _, e := range c.Endpoints {
			if e.PeakPerMillion > 0 {
				prices = append(prices, e.Name+" "+USD(e.PeakPerMillion))
			}
		}
		if len(prices) > 0 {
			fmt.Fprintf(&b, "; cost per million requests %s", strings.Join(prices, ", "))
		}
	}
	notable := append(errs, events(s)...)
	if len(notable) == 0 {
		b.WriteString(". Nothing else notable: no failed requests, throttles or cold starts.")
	} else {
		b.WriteString(". Notable: " + strings.Join(notable, "; ") + ".")
	}
	return b.String()
}

// events are what happened to each endpoint over the run: saturation,
// throttles, requests not sent, cold starts, instances added.
func events(s *Summary) []string {
	var out []string
	for _, e := range s.Endpoints {
		if f := saturation(e, s.PeakStage); f >= saturationFactor {
			out = append(out, fmt.Sprintf("%s saturated (peak p99 %.0f× its lightest stage's)", e.Name, f))
		}
		if n := e.All.S429; n > 0 {
			out = append(out, fmt.Sprintf("%s %d throttled (429)", e.Name, n))
		}
		if n := e.All.Dropped; n > 0 {
			out = append(out, fmt.Sprintf("%s %d not sent (max in-flight)", e.Name, n))
		}
		if n := e.All.ColdStarts; n > 0 {
			out = append(out, fmt.Sprintf("%s %d cold start%s", e.Name, n, map[bool]string{true: "s"}[n != 1]))
		}
	}
	for _, x := range s.Series {
		if x.Metric == platform.MetricInstances && x.RiseS != nil {
			out = append(out, fmt.Sprintf("%s instances %g→%g (first added at %s)", x.Endpoint, x.First, x.Max,
				(time.Duration(*x.RiseS*float64(time.Second))).Round(time.Second)))
		}
	}
	return out
}

// saturation is an endpoint's p99 at the peak stage over its lowest p99
// of any stage, or 0 when either is unknown.
func saturation(e EndpointSum, peak int) float64 {
	if peak >= len(e.Stages) || e.Stages[peak].P99 <= 0 {
		return 0
	}
	low := 0.0
	for _, c := range e.Stages {
		if c.P99 > 0 && (low == 0 || c.P99 < low) {
			low = c.P99
		}
	}
	return e.Stages[peak].P99 / low
}

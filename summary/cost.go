package summary

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/lmibench/lmibench/cost"
	"github.com/lmibench/lmibench/stats"
)

// integrate is the area under a sampled series over [a, b] seconds: each
// sample holds until the next, the first from a, the last to b.
func integrate(points [][2]float64, a, b float64) float64 {
	if len(points) == 0 || b <= a {
		return 0
	}
	ps := append([][2]float64(nil), points...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i][0] < ps[j][0] })
	var area float64
	for i, p := range ps {
		from, to := p[0], b
		if i == 0 {
			from = a
		}
		if i+1 < len(ps) {
			to = ps[i+1][0]
		}
		from, to = max(from, a), min(to, b)
		if to > from {
			area += p[1] * (to - from)
		}
	}
	return area
}

// bill prices one endpoint's counts over the window [a, b] seconds; nil
// when the endpoint is not priced or nothing was billed.
func bill(r *stats.Run, name string, c *stats.Counts, a, b float64) (*cost.Bill, float64) {
	f := r.Function(name)
	if !f.Known() || c.Billed == 0 {
		return nil, 0
	}
	u := cost.Usage{Requests: c.Billed, BilledMS: c.BilledMS}
	if f.LMI {
		s := r.Instances(name)
		if s == nil {
			return nil, 0 // no instance time, no honest cost
		}
		u.InstanceSeconds = integrate(s.Points, a, b)
	}
	priced := r.Priced().Prices.Bill(f, u)
	return &priced, u.InstanceSeconds
}

// CostSum is the cost part of a summary: the prices used, and per endpoint
// what the run cost and what a month at a steady rate would.
type CostSum struct {
	Prices cost.Prices `json:"prices"`
	// AtRPS is the rate of the monthly projection (--cost-at); 0 for none.
	AtRPS     float64        `json:"at_rps,omitempty"`
	Endpoints []EndpointCost `json:"endpoints"`
}

// EndpointCost is one priced endpoint's cost.
type EndpointCost struct {
	Name string `json:"name"`
	cost.Function
	// PerMillion is over the whole run; PeakPerMillion over its peak stage.
	PerMillion     float64 `json:"per_million_usd"`
	PeakPerMillion float64 `json:"peak_per_million_usd"`
	// ByLatency says the duration was timed by the client (the endpoint
	// reported no handler time): an overstatement.
	ByLatency bool `json:"billed_by_client_latency,omitempty"`
	// PerInstance is LMI's requests per instance-second at the peak stage.
	PerInstance float64 `json:"requests_per_instance_second,omitempty"`
	// Monthly is the cost of a month at AtRPS.
	Monthly float64 `json:"monthly_usd,omitempty"`
	// BreakEven compares a standard endpoint with the run's LMI endpoint.
	BreakEven *BreakEven `json:"break_even,omitempty"`
}

// BreakEven is the steady rate above which LMI is the cheaper.
type BreakEven struct {
	LMI string `json:"lmi"`
	// RPS is the rate; 0 with Never.
	RPS float64 `json:"rps"`
	// Never says LMI is not cheaper at any rate: a request on the standard
	// function costs less than one on fully used instances.
	Never bool `json:"never,omitempty"`
}

// costSum prices the summary's endpoints; nil when none is priced.
func costSum(r *stats.Run, s *Summary) *CostSum {
	p := r.Priced()
	cs := &CostSum{Prices: p.Prices, AtRPS: p.At}
	var lmi *EndpointCost
	for _, e := range s.Endpoints {
		if e.All.Cost == nil {
			continue
		}
		ec := EndpointCost{Name: e.Name, Function: r.Function(e.Name), PerMillion: e.All.Cost.PerMillion, ByLatency: e.ByLatency}
		if s.PeakStage < len(e.Stages) {
			if pk := e.Stages[s.PeakStage]; pk.Cost != nil {
				ec.PeakPerMillion = pk.Cost.PerMillion
				if pk.InstanceSeconds > 0 {
					ec.PerInstance = float64(pk.BilledRequests) / pk.InstanceSeconds
				}
			}
		}
		if p.At > 0 {
			if ec.LMI {
				ec.Monthly = p.Prices.LMIMonthly(p.At, ec.PerInstance)
			} else {
				ec.Monthly = cost.StandardMonthly(ec.PerMillion, p.At)
			}
		}
		cs.Endpoints = append(cs.Endpoints, ec)
		if ec.LMI && lmi == nil {
			lmi = &cs.Endpoints[len(cs.Endpoints)-1]
		}
	}
	if len(cs.Endpoints) == 0 {
		return nil
	}
	if lmi != nil && lmi.PerInstance > 0 {
		for i := range cs.Endpoints {
			ec := &cs.Endpoints[i]
			if ec.LMI {
				continue
			}
			rate, ok := p.Prices.BreakEven(ec.PerMillion, lmi.PerInstance)
			ec.BreakEven = &BreakEven{LMI: lmi.Name, RPS: rate, Never: !ok}
		}
	}
	return cs
}

// USD prints a price with the precision it needs: $12.30, $0.42, $0.0031.
func USD(v float64) string {
	switch {
	case v == 0:
		return "$0"
	case math.Abs(v) >= 100:
		return fmt.Sprintf("$%.0f", v)
	case math.Abs(v) >= 0.1:
		return fmt.Sprintf("$%.2f", v)
	}
	return "$" + strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2g", v), "0"), ".")
}

// costLines are the cost of each priced endpoint in words, one per line.
func costLines(c *CostSum) []string {
	if c == nil {
		return nil
	}
	capacity := map[string]float64{}
	for _, e := range c.Endpoints {
		capacity[e.Name] = e.PerInstance
	}
	var out []string
	for _, e := range c.Endpoints {
		l := fmt.Sprintf("%s (%s): %s per million requests over the run, %s at the peak stage", e.Name, e.Function, USD(e.PerMillion), USD(e.PeakPerMillion))
		if e.PerInstance > 0 {
			l += fmt.Sprintf(" (%.1f requests per instance-second)", e.PerInstance)
		}
		if e.ByLatency {
			l += "; duration timed by the client, an upper bound"
		}
		if c.AtRPS > 0 {
			l += fmt.Sprintf("; %s a month at %.4g req/s", USD(e.Monthly), c.AtRPS)
		}
		if b := e.BreakEven; b != nil {
			// Both rest on what LMI's instances served at this run's peak.
			if b.Never {
				l += fmt.Sprintf("; cheaper than %s at any rate, at the %.1f requests per instance-second it served", b.LMI, capacity[b.LMI])
			} else {
				l += fmt.Sprintf("; %s is cheaper above %.1f req/s, at the %.1f requests per instance-second it served", b.LMI, b.RPS, capacity[b.LMI])
			}
		}
		out = append(out, l)
	}
	return out
}

// WriteAnswer prints what a person reads first: the cost of each priced
// endpoint and the verdict.
func WriteAnswer(w io.Writer, s *Summary) error {
	var b strings.Builder
	if lines := costLines(s.Cost); len(lines) > 0 {
		b.WriteString("cost (prices: see README):\n")
		for _, l := range lines {
			b.WriteString("  " + l + "\n")
		}
	}
	if lines := omissionLines(s); len(lines) > 0 {
		b.WriteString("latency against coordinated omission:\n")
		for _, l := range lines {
			b.WriteString("  " + l + "\n")
		}
	}
	for _, n := range s.Notes {
		b.WriteString(n + "\n")
	}
	if s.Verdict != "" {
		b.WriteString(s.Verdict + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

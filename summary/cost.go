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

// billed is what AWS bills of counts: the invocations and their billed
// milliseconds. A 500 without the function's answer is API Gateway's own
// in front of the benchmark's functions, not billed; from an endpoint of
// the user's it may be the function's, billed at its latency.
func billed(r *stats.Run, c *stats.Counts) (requests int64, ms float64) {
	if r.OwnFunctions() {
		return c.Billed, c.BilledMS
	}
	return c.Billed + c.Gateway500, c.BilledMS + c.Gateway500MS
}

// Unbilled are the requests AWS does not bill, by why.
type Unbilled struct {
	NoResponse int64 `json:"no_response,omitempty"`
	Throttled  int64 `json:"throttled_429,omitempty"`
	// Gateway500: API Gateway answered 500 for an invoke Lambda throttled
	// or rejected (the benchmark's own functions only).
	Gateway500 int64 `json:"api_gateway_500,omitempty"`
}

// unbilled is counts' unbilled requests; nil when there are none.
func unbilled(r *stats.Run, c *stats.Counts) *Unbilled {
	u := Unbilled{NoResponse: c.NoResponse, Throttled: c.S429}
	if r.OwnFunctions() {
		u.Gateway500 = c.Gateway500
	}
	if u == (Unbilled{}) {
		return nil
	}
	return &u
}

// bill prices one endpoint's counts over the window [a, b] seconds; nil
// when the endpoint is not priced or nothing was billed.
func bill(r *stats.Run, name string, c *stats.Counts, a, b float64) (*cost.Bill, float64) {
	f := r.Function(name)
	requests, ms := billed(r, c)
	if !f.Known() || requests == 0 {
		return nil, 0
	}
	u := cost.Usage{Requests: requests, BilledMS: ms}
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
	// Caveats say, for LMI, why the capacity measured at the peak is not
	// a steady state (scaling out, throttled, instances barely used): its
	// cost per request, monthly figure and every break-even against it
	// rest on that capacity.
	Caveats []string `json:"caveats,omitempty"`
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
					// Capacity is what the instances served: answered
					// requests, not the throttled or failed.
					ec.PerInstance = float64(pk.Successes) / pk.InstanceSeconds
				}
			}
		}
		if ec.LMI && s.PeakStage < len(e.Stages) && s.PeakStage < len(s.Stages) {
			ec.Caveats = lmiCaveats(r, e.Name, e.Stages[s.PeakStage], s.Stages[s.PeakStage])
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

// lmiCaveats are the reasons an LMI endpoint's capacity at the peak stage
// is not a steady state: instances added during the stage (the scaler was
// still catching up), requests throttled (the instances were full, the
// served rate understates demand), or instances barely used (on average
// under one request in flight each: far below what they hold, so a request
// costs more than it would at the load LMI is for).
func lmiCaveats(r *stats.Run, name string, pk CellSum, st StageSpan) []string {
	var out []string
	if s := r.Instances(name); s != nil {
		first, peak, seen := 0.0, 0.0, false
		for _, p := range s.Points {
			switch {
			case p[0] <= st.StartS:
				first = p[1]
			case p[0] < st.EndS:
				peak, seen = max(peak, p[1]), true
			}
		}
		if seen && peak > first {
			out = append(out, fmt.Sprintf("instances went from %g to %g during the peak stage (scaling out)", first, peak))
		}
	}
	throttled := pk.S429
	if u := pk.Unbilled; u != nil {
		throttled += u.Gateway500
	}
	if throttled > 0 && pk.Requests > 0 {
		out = append(out, fmt.Sprintf("%s of its requests at the peak were throttled (429, or API Gateway's 500)", Percent(throttled, pk.Requests)))
	}
	if pk.InstanceSeconds > 0 && pk.BilledMS > 0 {
		if inflight := pk.BilledMS / 1000 / pk.InstanceSeconds; inflight < 1 {
			out = append(out, fmt.Sprintf("its instances averaged %.2f requests in flight each (far below saturation)", inflight))
		}
	}
	return out
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
	lmi := map[string]EndpointCost{}
	for _, e := range c.Endpoints {
		if e.LMI {
			lmi[e.Name] = e
		}
	}
	var out []string
	for _, e := range c.Endpoints {
		l := fmt.Sprintf("%s (%s): %s per million requests over the run, %s at the peak stage", e.Name, e.Function, USD(e.PerMillion), USD(e.PeakPerMillion))
		if e.PerInstance > 0 {
			l += fmt.Sprintf(" (%.1f requests per instance-second)", e.PerInstance)
		}
		if len(e.Caveats) > 0 {
			l += " — not a steady state: " + strings.Join(e.Caveats, "; ")
		}
		if e.ByLatency {
			l += "; duration timed by the client, an upper bound"
		}
		if c.AtRPS > 0 {
			l += fmt.Sprintf("; %s a month at %.4g req/s", USD(e.Monthly), c.AtRPS)
		}
		if b := e.BreakEven; b != nil {
			// Both rest on what LMI's instances served at this run's peak.
			m := lmi[b.LMI]
			given := fmt.Sprintf("given the %.1f requests per instance-second %s served at the peak", m.PerInstance, b.LMI)
			if len(m.Caveats) > 0 {
				given += ", which is not a steady state (see " + b.LMI + "): measure again with the peak held longer"
			}
			if b.Never {
				l += fmt.Sprintf("; %s is cheaper than %s at any rate, %s", e.Name, b.LMI, given)
			} else {
				l += fmt.Sprintf("; %s would be cheaper than %s above %.1f req/s, %s", b.LMI, e.Name, b.RPS, given)
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

// Package bench runs benchmark scenarios end to end: it builds each
// endpoint's URL from the scenario's workload, drives the attack, streams
// every record to CSV, shows live progress, and writes the run's sidecar
// and summary. The CLI only maps flags onto Options.
package bench

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/report"
	"github.com/lmibench/lmibench/stages"
)

// Scenario is a named workload.
type Scenario struct {
	Name string        `json:"name"`
	Work function.Work `json:"workload"`
}

// Workloads sets each scenario's work; the defaults are the original's.
type Workloads struct {
	FastDelayMS, SlowDelayMS    int
	LowHashLoops, HighHashLoops int
}

// DefaultWorkloads are the original benchmark's: 100 ms and 500 ms of I/O
// wait, 50,000 and 200,000 SHA-256 loops.
var DefaultWorkloads = Workloads{FastDelayMS: 100, SlowDelayMS: 500, LowHashLoops: 50000, HighHashLoops: 200000}

// ScenarioAll runs every scenario, one after another.
const ScenarioAll = "all"

// Scenarios lists the four scenarios in the order "all" runs them.
func (w Workloads) Scenarios() []Scenario {
	return []Scenario{
		{"fast-io", function.Work{DelayMS: w.FastDelayMS}},
		{"slow-io", function.Work{DelayMS: w.SlowDelayMS}},
		{"low-cpu", function.Work{HashLoops: w.LowHashLoops}},
		{"high-cpu", function.Work{HashLoops: w.HighHashLoops}},
	}
}

// Validate checks each workload against the function's limits.
func (w Workloads) Validate() error {
	for _, c := range []struct {
		flag     string
		v, limit int
	}{
		{"--io-fast-delay-ms", w.FastDelayMS, function.MaxDelayMS},
		{"--io-slow-delay-ms", w.SlowDelayMS, function.MaxDelayMS},
		{"--cpu-low-hash-loops", w.LowHashLoops, function.MaxHashLoops},
		{"--cpu-high-hash-loops", w.HighHashLoops, function.MaxHashLoops},
	} {
		if c.v < 0 || c.v > c.limit {
			return fmt.Errorf("%s: %d is out of range 0..%d", c.flag, c.v, c.limit)
		}
	}
	return nil
}

// Select returns the scenarios a --scenario value names.
func (w Workloads) Select(name string) ([]Scenario, error) {
	all := w.Scenarios()
	if name == ScenarioAll {
		return all, nil
	}
	names := []string{}
	for _, s := range all {
		if s.Name == name {
			return []Scenario{s}, nil
		}
		names = append(names, s.Name)
	}
	return nil, fmt.Errorf("--scenario: unknown scenario %q; want one of %s or %s", name, strings.Join(names, ", "), ScenarioAll)
}

// Target is a named base URL to benchmark.
type Target = report.Target

// ParseTarget reads a --target value, NAME=URL, with an http(s) URL.
func ParseTarget(s string) (Target, error) {
	name, raw, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return Target{}, fmt.Errorf("--target %q: want NAME=URL", s)
	}
	if strings.ContainsAny(name, ",\"\r\n") {
		return Target{}, fmt.Errorf("--target %q: the name may not hold commas, quotes or line breaks", s)
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Target{}, fmt.Errorf("--target %q: %q is not an http(s) URL", s, raw)
	}
	return Target{Name: name, URL: u.String()}, nil
}

// CheckTargets refuses an empty list and duplicate names.
func CheckTargets(ts []Target) error {
	if len(ts) == 0 {
		return fmt.Errorf("--target: no endpoints to benchmark")
	}
	seen := map[string]bool{}
	for _, t := range ts {
		if seen[t.Name] {
			return fmt.Errorf("--target: the name %q is used twice", t.Name)
		}
		seen[t.Name] = true
	}
	return nil
}

// Endpoints puts a scenario's workload into each target's query string.
func Endpoints(ts []Target, w function.Work) []attack.Endpoint {
	out := make([]attack.Endpoint, len(ts))
	for i, t := range ts {
		u, _ := url.Parse(t.URL) // checked by ParseTarget
		q := u.Query()
		q.Set("delay_ms", strconv.Itoa(w.DelayMS))
		q.Set("hash_loops", strconv.Itoa(w.HashLoops))
		u.RawQuery = q.Encode()
		out[i] = attack.Endpoint{Name: t.Name, URL: u.String()}
	}
	return out
}

// Redact removes what must not be written to disk from a URL: user
// information, and the values of query parameters other than the workload's.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	u.User = nil
	q := u.Query()
	for k := range q {
		if k != "delay_ms" && k != "hash_loops" {
			q.Set(k, "REDACTED")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// StageLabels names each stage for tables and charts: "0→64 VUs", "64 VUs".
func StageLabels(ss []stages.Stage, m attack.Model) []string {
	unit := " VUs"
	if m == attack.Rate {
		unit = " req/s"
	}
	out := make([]string, len(ss))
	from := 0.0
	for i, s := range ss {
		out[i] = stages.Label(from, s.Target) + unit
		from = s.Target
	}
	return out
}

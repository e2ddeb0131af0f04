// Package bench runs benchmark scenarios end to end: the scenario loop
// over a platform.Platform, each scenario's attack with its workload,
// every record streamed to CSV, live progress, the sidecar, the summary
// and the report pages. The CLI only maps flags onto a Config.
package bench

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/setting"
	"github.com/lmibench/lmibench/stages"
)

// Scenario is a named workload.
type Scenario struct {
	Name string        `json:"name"`
	Work function.Work `json:"workload"`
	// AsGiven: the endpoints' own requests, no workload asked of them
	// (a run of the user's endpoints without --scenario).
	AsGiven bool `json:"as_given,omitempty"`
}

// String is the scenario's workload for people.
func (s Scenario) String() string {
	if s.AsGiven {
		return "requests as given"
	}
	return s.Work.String()
}

// AsGivenRun is the one scenario of a run of the user's own endpoints:
// named for its endpoint when there is one ("api-hello"), else "targets".
func AsGivenRun(targets []platform.Target) Scenario {
	name := "targets"
	if len(targets) == 1 {
		name = strings.Trim(strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
				return r
			}
			return '-'
		}, targets[0].Name), "-.")
		if name == "" || len(name) > 64 {
			name = "targets"
		}
	}
	return Scenario{Name: name, AsGiven: true}
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
		{Name: "fast-io", Work: function.Work{DelayMS: w.FastDelayMS}},
		{Name: "slow-io", Work: function.Work{DelayMS: w.SlowDelayMS}},
		{Name: "low-cpu", Work: function.Work{HashLoops: w.LowHashLoops}},
		{Name: "high-cpu", Work: function.Work{HashLoops: w.HighHashLoops}},
	}
}

// Validate checks each workload against the function's limits.
func (w Workloads) Validate() error {
	for _, c := range []struct {
		key      string
		v, limit int
	}{
		{"io-fast-delay-ms", w.FastDelayMS, function.MaxDelayMS},
		{"io-slow-delay-ms", w.SlowDelayMS, function.MaxDelayMS},
		{"cpu-low-hash-loops", w.LowHashLoops, function.MaxHashLoops},
		{"cpu-high-hash-loops", w.HighHashLoops, function.MaxHashLoops},
	} {
		if c.v < 0 || c.v > c.limit {
			return setting.Errorf(c.key, "", "%d is out of range 0..%d", c.v, c.limit)
		}
	}
	return nil
}

// Select returns the scenarios a name names: one, or all.
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
	return nil, setting.Errorf("scenario", "", "unknown scenario %q; want one of %s or %s", name, strings.Join(names, ", "), ScenarioAll)
}

// WithWorkload puts a scenario's workload into the query string of each
// target that takes it (the benchmark's functions, or any with
// --workload-query), so each request asks the function for it.
func WithWorkload(ts []platform.Target, w function.Work) ([]platform.Target, error) {
	out := make([]platform.Target, len(ts))
	for i, t := range ts {
		u, err := platform.CheckURL(t.URL)
		if err != nil {
			return nil, fmt.Errorf("endpoint %s: %w", t.Name, err)
		}
		out[i] = t
		if !t.Workload {
			continue
		}
		q := u.Query()
		q.Set("delay_ms", strconv.Itoa(w.DelayMS))
		q.Set("hash_loops", strconv.Itoa(w.HashLoops))
		u.RawQuery = q.Encode()
		out[i].URL = u.String()
	}
	return out, nil
}

// StageLabels names each stage for tables and charts: "0→64 VUs", "64 VUs".
func StageLabels(ss []stages.Stage, m stages.Model) []string {
	out := make([]string, len(ss))
	from := 0.0
	for i, s := range ss {
		out[i] = stages.Label(from, s.Target) + " " + m.Unit()
		from = s.Target
	}
	return out
}

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

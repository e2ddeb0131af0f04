package summary

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// History is a project's runs over time: their summaries grouped by what
// makes them comparable (scenario, load model, workload, stage profile),
// each group's runs in time order, each judged against a baseline, and
// every metric per endpoint × stage as a series over the runs.
type History struct {
	// Baseline names the run every other is compared to; "" compares each
	// run with the one before it.
	Baseline string `json:"baseline,omitempty"`
	// DriftOver is how many of a group's last runs its drift spans.
	DriftOver int            `json:"drift_over"`
	Groups    []HistoryGroup `json:"groups"`
}

// HistoryGroup is the runs of one comparable configuration, oldest first.
type HistoryGroup struct {
	Scenario  string          `json:"scenario"`
	LoadModel string          `json:"load_model,omitempty"`
	Workload  string          `json:"workload,omitempty"`
	Stages    []string        `json:"stages"`
	Runs      []HistoryRun    `json:"runs"`
	Series    []HistorySeries `json:"series"`
	// Drift is each endpoint's p99 over the whole run, from the first to
	// the last of the last DriftOver runs, in percent.
	Drift []Drift `json:"drift,omitempty"`
	sums  []*Summary
}

// HistoryRun is one run of a group and its verdict against its baseline.
type HistoryRun struct {
	ID        string     `json:"id"` // the run id, else its CSV
	CSV       string     `json:"csv"`
	Start     *time.Time `json:"start,omitempty"`
	Against   string     `json:"against,omitempty"` // the run it was compared to
	Verdict   string     `json:"verdict,omitempty"`
	Regressed bool       `json:"regressed,omitempty"`
	Improved  bool       `json:"improved,omitempty"`
}

// HistorySeries is one endpoint in one stage ("run": the whole run) over
// the group's runs, a point per run (absent when the run lacks it).
type HistorySeries struct {
	Endpoint string          `json:"endpoint"`
	Stage    string          `json:"stage"`
	Points   []*HistoryPoint `json:"points"`
}

// HistoryPoint is a cell's figures in one run.
type HistoryPoint struct {
	P50       float64    `json:"p50_ms"`
	P99       float64    `json:"p99_ms"`
	P99CI     [2]float64 `json:"p99_ci_95_ms"`
	FailedPct float64    `json:"failed_pct"`
	RPS       float64    `json:"rps"`
	// CostPerMillion is over the whole run, when priced.
	CostPerMillion *float64 `json:"cost_per_million_usd,omitempty"`
	// Regressed: this cell regressed against the run's baseline.
	Regressed bool `json:"regressed,omitempty"`
}

// Drift is an endpoint's p99 change over a group's last runs.
type Drift struct {
	Endpoint  string  `json:"endpoint"`
	FromMS    float64 `json:"from_p99_ms"`
	ToMS      float64 `json:"to_p99_ms"`
	ChangePct float64 `json:"change_pct"`
}

// RunID names a summary's run in a history: its run id, else its CSV.
func RunID(s *Summary) string {
	if s.RunID != "" {
		return s.RunID
	}
	return s.CSV
}

// BuildHistory groups the summaries, orders each group by start, judges
// each run against the baseline run (by RunID; "" or a run of another
// group: the run before it) and draws the series.
func BuildHistory(sums []*Summary, baseline string, driftOver int, o CompareOptions) *History {
	h := &History{Baseline: baseline, DriftOver: driftOver}
	byKey := map[string]int{}
	for _, s := range sums {
		key := strings.Join([]string{s.Scenario, s.LoadModel, s.Workload, labels(s)}, "\x00")
		i, ok := byKey[key]
		if !ok {
			i = len(h.Groups)
			byKey[key] = i
			h.Groups = append(h.Groups, HistoryGroup{Scenario: s.Scenario, LoadModel: s.LoadModel, Workload: s.Workload, Stages: strings.Split(labels(s), "\x00")})
		}
		h.Groups[i].sums = append(h.Groups[i].sums, s)
	}
	for i := range h.Groups {
		h.Groups[i].build(baseline, driftOver, o)
	}
	return h
}

func labels(s *Summary) string {
	out := make([]string, len(s.Stages))
	for i, st := range s.Stages {
		out[i] = st.Label
	}
	return strings.Join(out, "\x00")
}

func (g *HistoryGroup) build(baseline string, driftOver int, o CompareOptions) {
	sort.SliceStable(g.sums, func(i, j int) bool {
		a, b := g.sums[i].Start, g.sums[j].Start
		if a == nil || b == nil {
			return a == nil && b != nil
		}
		return a.Before(*b)
	})
	var base *Summary
	for _, s := range g.sums {
		if baseline != "" && RunID(s) == baseline {
			base = s
		}
	}
	cells := map[[2]string]int{} // endpoint, stage → index in g.Series
	series := func(endpoint, stage string) *HistorySeries {
		k := [2]string{endpoint, stage}
		i, ok := cells[k]
		if !ok {
			i = len(g.Series)
			cells[k] = i
			g.Series = append(g.Series, HistorySeries{Endpoint: endpoint, Stage: stage, Points: make([]*HistoryPoint, len(g.sums))})
		}
		return &g.Series[i]
	}
	for i, s := range g.sums {
		run := HistoryRun{ID: RunID(s), CSV: s.CSV, Start: s.Start}
		against := base
		if against == nil || against == s {
			against = nil
			if i > 0 && base == nil {
				against = g.sums[i-1]
			}
		}
		var cmp *Comparison
		if against != nil {
			cmp = Compare(against, s, o)
			run.Against, run.Verdict, run.Regressed, run.Improved = RunID(against), cmp.Verdict, cmp.Regressed, cmp.Improved
		}
		g.Runs = append(g.Runs, run)
		for _, e := range s.Endpoints {
			for j, c := range append(append([]CellSum(nil), e.Stages...), e.All) {
				stage := "run"
				if j < len(e.Stages) {
					stage = s.Stages[min(j, len(s.Stages)-1)].Label
				}
				p := &HistoryPoint{P50: c.P50, P99: c.P99, P99CI: c.CI.P99, RPS: c.RPS}
				if c.Requests > 0 {
					p.FailedPct = Round3(100 * float64(c.Requests-c.Successes) / float64(c.Requests))
				}
				if ec := s.Cost.endpoint(e.Name); ec != nil && stage == "run" {
					p.CostPerMillion = num(ec.PerMillion)
				}
				if cmp != nil {
					for _, r := range cmp.Rows {
						if r.Endpoint == e.Name && r.Stage == stage {
							for _, d := range r.Deltas {
								p.Regressed = p.Regressed || d.Regression
							}
						}
					}
				}
				series(e.Name, stage).Points[i] = p
			}
		}
	}
	g.drift(driftOver)
}

// drift is each endpoint's whole-run p99 from the first to the last of
// the group's last n runs that have it.
func (g *HistoryGroup) drift(n int) {
	from := max(len(g.sums)-n, 0)
	for _, s := range g.Series {
		if s.Stage != "run" {
			continue
		}
		var first, last *HistoryPoint
		for _, p := range s.Points[from:] {
			if p == nil || p.P99 <= 0 {
				continue
			}
			if first == nil {
				first = p
			}
			last = p
		}
		if first != nil && last != first {
			g.Drift = append(g.Drift, Drift{Endpoint: s.Endpoint, FromMS: first.P99, ToMS: last.P99, ChangePct: Round3(100 * (last.P99 - first.P99) / first.P99)})
		}
	}
}

// NewestRegressed names the groups whose newest run regressed against
// its baseline.
func (h *History) NewestRegressed() []string {
	var out []string
	for _, g := range h.Groups {
		if n := len(g.Runs); n > 0 && g.Runs[n-1].Regressed {
			out = append(out, g.Runs[n-1].Verdict)
		}
	}
	return out
}

// WriteText prints each group's runs with their verdicts and its drift.
func (h *History) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, g := range h.Groups {
		fmt.Fprintf(&b, "%s (%s model, %s; stages %s): %d runs\n", g.Scenario, g.LoadModel, g.Workload, strings.Join(g.Stages, ", "), len(g.Runs))
		for _, r := range g.Runs {
			start := "?"
			if r.Start != nil {
				start = r.Start.UTC().Format(time.RFC3339)
			}
			verdict := "the first"
			if r.Verdict != "" {
				verdict = "against " + r.Against + ": " + strings.TrimPrefix(r.Verdict, g.Scenario+": ")
			}
			fmt.Fprintf(&b, "  %s  %s  %s\n", start, r.ID, verdict)
		}
		for _, d := range g.Drift {
			fmt.Fprintf(&b, "  drift over the last %d runs: %s p99 %s → %s (%+g%%)\n", h.DriftOver, d.Endpoint, MSText(d.FromMS), MSText(d.ToMS), d.ChangePct)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

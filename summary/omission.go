package summary

import (
	"fmt"
	"time"

	"github.com/lmibench/lmibench/stages"
	"github.com/lmibench/lmibench/stats"
)

// LagWarnAt is the lateness (p99) past which the summary warns that the
// generator itself could not keep the open model's schedule.
const LagWarnAt = 5 * time.Millisecond

// Quantiles are latency quantiles in milliseconds.
type Quantiles struct {
	P50  float64 `json:"p50_ms"`
	P90  float64 `json:"p90_ms"`
	P95  float64 `json:"p95_ms"`
	P99  float64 `json:"p99_ms"`
	P999 float64 `json:"p99_9_ms"`
	Max  float64 `json:"max_ms"`
}

// quantilesOf are l's quantiles; zero without latencies.
func quantilesOf(l *stats.Latency) Quantiles {
	q := func(p float64) float64 { return MS(l.Quantile(p)) }
	return Quantiles{P50: q(0.5), P90: q(0.9), P95: q(0.95), P99: q(0.99), P999: q(0.999), Max: MS(l.Max())}
}

// quantiles are l's quantiles, or nil without latencies.
func quantiles(l *stats.Latency) *Quantiles {
	if l.Count() == 0 {
		return nil
	}
	q := quantilesOf(l)
	return &q
}

// LagSum is how late the generator sent requests, in milliseconds.
type LagSum struct {
	P50 float64 `json:"p50_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

func lagSum(l *stats.Latency) *LagSum {
	if l.Count() == 0 {
		return nil
	}
	return &LagSum{P50: MS(l.Quantile(0.5)), P99: MS(l.Quantile(0.99)), Max: MS(l.Max())}
}

// correctedInterval is a closed-model user's expected time between sends
// in a cell: its think time plus the cell's median latency.
func correctedInterval(r *stats.Run, c *stats.Cell) time.Duration {
	if r.Meta == nil || r.Meta.LoadModel != stages.VUs {
		return 0
	}
	think, err := time.ParseDuration(r.Meta.Think)
	if err != nil {
		think = 0
	}
	return think + c.Quantile(0.5)
}

// omissionNotes say how far the summary's latencies can be trusted: in
// the open model, whether the generator kept the schedule; in the closed
// model, that its percentiles understate stalls.
func omissionNotes(s *Summary) []string {
	var notes []string
	switch s.LoadModel {
	case string(stages.Rate):
		for _, e := range s.Endpoints {
			if l := e.All.Lag; l != nil && l.P99 > MS(LagWarnAt) {
				notes = append(notes, fmt.Sprintf("warning: the generator ran late on %s (lateness p99 %s, max %s): its latencies from the send time understate what a client on schedule saw; read from_scheduled_ms",
					e.Name, MSText(l.P99), MSText(l.Max)))
			}
		}
	case string(stages.VUs):
		notes = append(notes, "closed model: a user waiting on a slow response sends nothing meanwhile, so these percentiles understate stalls; "+
			"corrected_estimate_ms is HdrHistogram's expected-interval correction (interval: think time + the stage's p50), an estimate")
	}
	return notes
}

// omissionLines are each endpoint's latency beside its coordinated-omission
// view over the run, in words, for the terminal.
func omissionLines(s *Summary) []string {
	var out []string
	for _, e := range s.Endpoints {
		a := e.All
		switch {
		case a.FromScheduled != nil && a.Lag != nil:
			out = append(out, fmt.Sprintf("%s: p99 %s from the scheduled time, %s from the send time; the generator's lateness p50 %s, p99 %s, max %s",
				e.Name, MSText(a.FromScheduled.P99), MSText(a.P99), MSText(a.Lag.P50), MSText(a.Lag.P99), MSText(a.Lag.Max)))
		case a.Corrected != nil:
			out = append(out, fmt.Sprintf("%s: p99 %s measured, %s corrected for coordinated omission (an estimate)", e.Name, MSText(a.P99), MSText(a.Corrected.P99)))
		}
	}
	return out
}

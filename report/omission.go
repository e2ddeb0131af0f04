package report

import (
	"fmt"
	"time"

	"github.com/lmibench/lmibench/attack"
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
func quantilesOf(l *Latency) Quantiles {
	q := func(p float64) float64 { return ms(l.Quantile(p)) }
	return Quantiles{P50: q(0.5), P90: q(0.9), P95: q(0.95), P99: q(0.99), P999: q(0.999), Max: ms(l.Max())}
}

// quantiles are l's quantiles, or nil without latencies.
func quantiles(l *Latency) *Quantiles {
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

func lagSum(l *Latency) *LagSum {
	if l.Count() == 0 {
		return nil
	}
	return &LagSum{P50: ms(l.Quantile(0.5)), P99: ms(l.Quantile(0.99)), Max: ms(l.Max())}
}

// corrected is HdrHistogram's correction for coordinated omission with an
// expected interval: a closed-model user stuck on a response of v sent
// nothing meanwhile, where it would have sent every interval; each such
// latency v also stands for the requests it held back, of v − interval,
// v − 2·interval, … down to interval. It is an estimate: it assumes users
// would have gone on at the interval.
func (l *Latency) corrected(interval time.Duration) *Latency {
	out := &Latency{}
	if l.h == nil || interval <= 0 {
		return out
	}
	step := int64(interval / time.Microsecond)
	h := out.hist()
	for _, b := range l.h.Distribution() {
		if b.Count == 0 {
			continue
		}
		v := b.From
		_ = h.RecordValues(v, b.Count)
		for missing := v - step; missing >= step; missing -= step {
			_ = h.RecordValues(missing, b.Count)
		}
	}
	return out
}

// correctedInterval is a closed-model user's expected time between sends
// in a cell: its think time plus the cell's median latency.
func (r *Run) correctedInterval(c *Cell) time.Duration {
	if r.Meta == nil || r.Meta.LoadModel != attack.VUs {
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
	case string(attack.Rate):
		for _, e := range s.Endpoints {
			if l := e.All.Lag; l != nil && l.P99 > ms(LagWarnAt) {
				notes = append(notes, fmt.Sprintf("warning: the generator ran late on %s (lateness p99 %s, max %s): its latencies from the send time understate what a client on schedule saw; read from_scheduled_ms",
					e.Name, msText(l.P99), msText(l.Max)))
			}
		}
	case string(attack.VUs):
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
				e.Name, msText(a.FromScheduled.P99), msText(a.P99), msText(a.Lag.P50), msText(a.Lag.P99), msText(a.Lag.Max)))
		case a.Corrected != nil:
			out = append(out, fmt.Sprintf("%s: p99 %s measured, %s corrected for coordinated omission (an estimate)", e.Name, msText(a.P99), msText(a.Corrected.P99)))
		}
	}
	return out
}

// omissionTable sets each endpoint × stage's latency beside the latency
// from the schedule (open model) or the corrected estimate (closed).
func omissionTable(s *Summary) (table, bool) {
	t := table{Head: []string{"endpoint", "stage", "p50", "p99", "p99.9"}}
	open := s.LoadModel == string(attack.Rate)
	if open {
		t.Title = "Latency from the schedule (open model)"
		t.Note = "From the send time (as measured) and from each request's scheduled time (what a client on schedule saw): they differ when the generator itself ran late, shown by its lateness."
		t.Head = append(t.Head, "p50 from schedule", "p99 from schedule", "p99.9 from schedule", "lateness p99", "lateness max")
	} else {
		t.Title = "Corrected for coordinated omission (closed model, an estimate)"
		t.Note = "A user waiting on a slow response sends nothing meanwhile, so measured percentiles understate stalls. The estimate adds the requests each stall held back, one per expected interval (think time + the stage's p50), as HdrHistogram's correction does."
		t.Head = append(t.Head, "p50 corrected", "p99 corrected", "p99.9 corrected")
	}
	for _, e := range s.Endpoints {
		for i, c := range e.Stages {
			row := []cell{{Text: e.Name}, {Text: s.Stages[min(i, len(s.Stages)-1)].Label}, {Text: msText(c.P50)}, {Text: msText(c.P99)}, {Text: msText(c.P999)}}
			switch {
			case open && c.FromScheduled != nil && c.Lag != nil:
				row = append(row, cell{Text: msText(c.FromScheduled.P50)}, cell{Text: msText(c.FromScheduled.P99)}, cell{Text: msText(c.FromScheduled.P999)},
					cell{Text: msText(c.Lag.P99)}, cell{Text: msText(c.Lag.Max)})
			case !open && c.Corrected != nil:
				row = append(row, cell{Text: msText(c.Corrected.P50)}, cell{Text: msText(c.Corrected.P99)}, cell{Text: msText(c.Corrected.P999)})
			default:
				continue
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t, len(t.Rows) > 0
}

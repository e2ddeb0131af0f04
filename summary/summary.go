// Package summary is a run's results for scripts, CI and people, and
// every decision made on them: the summary model (per endpoint × stage,
// with confidence intervals and coordinated-omission figures), its cost,
// its verdict, thresholds and the comparison of two runs, and their
// terminal text. It reads the statistics and never the page.
package summary

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/lmibench/lmibench/cost"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/stats"
)

// SummaryVersion versions the fields of the summary JSON (README documents
// each); a change to one is a new version. Version 2 adds failed and
// failed_pct; readers take 1 and 2.
const SummaryVersion = 2

// Summary is a run's results for scripts and CI: per endpoint × stage and
// per endpoint over the run, and the platform's series in brief. It is
// written beside each CSV as <stem>.summary.json and is what thresholds
// and compare read.
type Summary struct {
	SummaryVersion int        `json:"summary_version"`
	Scenario       string     `json:"scenario"`
	CSV            string     `json:"csv"`
	Start          *time.Time `json:"start,omitempty"`
	End            *time.Time `json:"end,omitempty"`
	LoadModel      string     `json:"load_model,omitempty"`
	// Workload is what each request asked the function for (delay_ms,
	// hash_loops): runs of different workloads are not compared.
	Workload string         `json:"workload,omitempty"`
	Unit     string         `json:"unit"`
	Stages   []StageSpan    `json:"stages"`
	Platform *platform.Info `json:"platform,omitempty"`
	// PeakStage is the index in Stages of the stage at the profile's
	// highest target (its hold, if it has one); the verdict and cards
	// speak of it.
	PeakStage int           `json:"peak_stage"`
	Endpoints []EndpointSum `json:"endpoints"`
	Series    []SeriesSum   `json:"platform_series,omitempty"`
	// Cost prices the endpoints whose billing is known; absent when none is.
	Cost *CostSum `json:"cost,omitempty"`
	// RunID and Shards: a run merged from its shards lists each in brief.
	RunID  string     `json:"run_id,omitempty"`
	Shards []ShardSum `json:"shards,omitempty"`
	// Verdict is the run in one sentence: the peak stage's best and worst
	// p99, the cost of each endpoint, and what happened on the way.
	Verdict string `json:"verdict"`
	// Notes say how far the latencies can be trusted (coordinated
	// omission): a generator that ran late, the closed model's bias.
	Notes []string `json:"notes,omitempty"`
}

// StageSpan is a stage's label and window in seconds since the start.
type StageSpan struct {
	Label  string  `json:"label"`
	StartS float64 `json:"start_s"`
	EndS   float64 `json:"end_s"`
}

// EndpointSum is one endpoint's results, stage by stage and over the run.
type EndpointSum struct {
	Name string `json:"name"`
	// ByLatency says some billed durations were timed by the client (the
	// endpoint reported no handler time).
	ByLatency bool `json:"billed_by_client_latency,omitempty"`
	// Rejected answers claimed function fields out of range (a handler
	// time beyond Lambda's 15 minutes, fewer than 0 in flight): kept as
	// responses, their fields not used.
	Rejected   int64             `json:"answers_out_of_range,omitempty"`
	All        CellSum           `json:"all"`
	Stages     []CellSum         `json:"stages"`
	ErrorKinds []stats.KindCount `json:"error_kinds"`
}

// CellSum is the results of one endpoint in one stage, or over the run.
// Latencies are of successful requests (2xx, 3xx), in milliseconds; each
// quantile has a 95 % confidence interval (distribution-free, from the
// order statistics around its rank), which compare uses to tell a change
// from noise.
type CellSum struct {
	Requests  int64 `json:"requests"`
	Successes int64 `json:"successes"`
	// Failed got no response or a status of 400 or more (k6's
	// http_req_failed), FailedPct of Requests; the classes follow.
	Failed       int64   `json:"failed"`
	FailedPct    float64 `json:"failed_pct"`
	RPS          float64 `json:"rps"`
	Quantiles            // p50_ms … p99_9_ms, max_ms
	CI           CIs     `json:"ci_95_ms"`
	S3xx         int64   `json:"status_3xx"`
	S4xx         int64   `json:"status_4xx"`
	S429         int64   `json:"status_429"`
	S5xx         int64   `json:"status_5xx"`
	Transport    int64   `json:"transport_errors"`
	Dropped      int64   `json:"dropped"`
	ColdStarts   int64   `json:"cold_starts"`
	Environments int     `json:"environments"`
	// EnvironmentsEstimated: past stats.MaxExactEnvs distinct env_ids
	// the count is an estimate (within about 3 %).
	EnvironmentsEstimated bool `json:"environments_estimated,omitempty"`
	// BilledRequests and BilledMS are what AWS would bill (cost.Usage);
	// InstanceSeconds the LMI instances' time over the window.
	BilledRequests int64   `json:"billed_requests"`
	BilledMS       float64 `json:"billed_ms"`
	// Unbilled are the requests AWS does not bill, by why; absent when
	// every request was billed.
	Unbilled        *Unbilled  `json:"unbilled,omitempty"`
	InstanceSeconds float64    `json:"instance_seconds,omitempty"`
	Cost            *cost.Bill `json:"cost,omitempty"`
	// Open model: latency from each request's scheduled time, and the
	// generator's lateness. Closed model: the percentiles corrected for
	// coordinated omission, an estimate.
	FromScheduled *Quantiles `json:"from_scheduled_ms,omitempty"`
	Lag           *LagSum    `json:"lag_ms,omitempty"`
	Corrected     *Quantiles `json:"corrected_estimate_ms,omitempty"`
}

// CIs are the confidence intervals of the quantiles, [low, high] in ms.
type CIs struct {
	P50  [2]float64 `json:"p50"`
	P90  [2]float64 `json:"p90"`
	P95  [2]float64 `json:"p95"`
	P99  [2]float64 `json:"p99"`
	P999 [2]float64 `json:"p99_9"`
}

// SeriesSum is a platform series in brief.
type SeriesSum struct {
	Name     string  `json:"name"`
	Unit     string  `json:"unit,omitempty"`
	Endpoint string  `json:"endpoint,omitempty"`
	Metric   string  `json:"metric,omitempty"`
	First    float64 `json:"first"`
	Max      float64 `json:"max"`
	Sum      float64 `json:"sum"`
	// RiseS is when the series first rose above its first value (seconds
	// since the start): for instances, the first scale-out.
	RiseS   *float64 `json:"first_rise_s,omitempty"`
	Partial bool     `json:"partial,omitempty"`
}

// Of computes the run's summary.
func Of(r *stats.Run) *Summary {
	s := &Summary{SummaryVersion: SummaryVersion, Scenario: r.Name(), CSV: r.Source, Unit: "VUs"}
	if m := r.Meta; m != nil {
		start := m.Start
		s.Start, s.End, s.LoadModel, s.Unit, s.Platform = &start, m.End, string(m.LoadModel), m.LoadModel.Unit(), m.Platform
		s.RunID = m.RunID
		if !m.AsGiven {
			s.Workload = m.Workload.String()
		}
	}
	spans := r.Spans()
	var total time.Duration
	var end float64
	for i, sp := range spans {
		s.Stages = append(s.Stages, StageSpan{Label: r.StageLabel(i), StartS: sp.Start.Seconds(), EndS: sp.End.Seconds()})
		total += sp.End - sp.Start
		end = max(end, sp.End.Seconds())
	}
	s.PeakStage = peakStage(r, spans)
	for _, e := range r.Stats.Endpoints() {
		es := EndpointSum{Name: e.Name, All: cellSum(r, e.Name, &e.All, stats.Span{End: total}, 0, end), ErrorKinds: e.ErrorKinds(), ByLatency: e.All.ByLatency > 0, Rejected: e.All.FnRejected}
		for i, c := range e.Stages {
			es.Stages = append(es.Stages, cellSum(r, e.Name, c, spans[i], spans[i].Start.Seconds(), spans[i].End.Seconds()))
		}
		s.Endpoints = append(s.Endpoints, es)
	}
	for _, x := range r.Extra {
		ss := SeriesSum{Name: x.Name, Unit: x.Unit, Endpoint: x.Endpoint, Metric: x.Metric, Sum: x.Sum()}
		for i, p := range x.Points {
			if i == 0 {
				ss.First = p[1]
			}
			if p[1] > ss.First && ss.RiseS == nil {
				at := p[0]
				ss.RiseS = &at
			}
			ss.Max = max(ss.Max, p[1])
			ss.Partial = ss.Partial || (i < len(x.Partial) && x.Partial[i])
		}
		s.Series = append(s.Series, ss)
	}
	s.Cost = costSum(r, s)
	s.Shards = shardSums(r)
	s.Verdict = verdict(s)
	s.Notes = append(append(omissionNotes(s), rejectedNotes(s)...), platformNotes(r, s)...)
	if n := r.Stats.LeftOut; n > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("%d rows fell past the first %d endpoint × stage cells kept: they count in their endpoint's whole-run figures, in no stage's", n, stats.MaxCells))
	}
	return s
}

// peakStage is the stage at the profile's highest target, preferring one
// that holds it over one that ramps to it; without a profile, the stage
// that sent the most requests (its rate would favour a stage of one
// millisecond and one request).
func peakStage(r *stats.Run, spans []stats.Span) int {
	peak, best := 0, math.Inf(-1)
	if r.Profile != nil {
		for i, seg := range r.Profile.Segments() {
			score := seg.To
			if seg.From == seg.To {
				score += 0.5 // a hold at the top beats the ramp to it
			}
			if i < len(spans) && score > best {
				peak, best = i, score
			}
		}
		return peak
	}
	for i := range spans {
		var n int64
		for _, e := range r.Stats.Endpoints() {
			if i < len(e.Stages) {
				n += e.Stages[i].Requests - e.Stages[i].Dropped
			}
		}
		if float64(n) >= best {
			peak, best = i, float64(n)
		}
	}
	return peak
}

// cellSum is one endpoint's cell over span, priced over [a, b] seconds.
func cellSum(r *stats.Run, name string, c *stats.Cell, span stats.Span, a, b float64) CellSum {
	bill, instanceSeconds := bill(r, name, &c.Counts, a, b)
	billedRequests, billedMS := billed(r, &c.Counts)
	ci := func(p float64) [2]float64 { lo, hi := c.QuantileCI(p); return [2]float64{MS(lo), MS(hi)} }
	return CellSum{
		Requests: c.Requests, Successes: c.OK, Failed: c.Failed(), FailedPct: Round3(c.Rate(c.Failed())), RPS: Round3(c.SentPerSecond(span)),
		Quantiles: quantilesOf(&c.Latency),
		CI:        CIs{P50: ci(0.5), P90: ci(0.9), P95: ci(0.95), P99: ci(0.99), P999: ci(0.999)},
		S3xx:      c.S3xx, S4xx: c.S4xx, S429: c.S429, S5xx: c.S5xx, Transport: c.NoResponse - c.Dropped, Dropped: c.Dropped,
		ColdStarts: c.Cold, Environments: c.Envs.Len(), EnvironmentsEstimated: c.Envs.Estimated(),
		BilledRequests: billedRequests, BilledMS: billedMS, Unbilled: unbilled(r, &c.Counts), Cost: bill, InstanceSeconds: instanceSeconds,
		FromScheduled: quantiles(&c.FromScheduled), Lag: lagSum(&c.Lag), Corrected: corrected(r, c),
	}
}

// corrected is the cell's closed-model percentiles corrected for
// coordinated omission; nil in the open model or without latencies.
func corrected(r *stats.Run, c *stats.Cell) *Quantiles {
	interval := correctedInterval(r, c)
	if interval <= 0 || c.Latency.Count() == 0 {
		return nil
	}
	return quantiles(c.Latency.Corrected(interval))
}

// rejectedNotes say which endpoints answered with function fields out of
// range, which were kept out of the statistics.
func rejectedNotes(s *Summary) []string {
	var out []string
	for _, e := range s.Endpoints {
		if e.Rejected > 0 {
			out = append(out, fmt.Sprintf("%s: %d answers claimed function fields out of range (handler_ms beyond 0..%d, inflight below 0 or beyond %d): kept as responses, their fields not used",
				e.Name, e.Rejected, rows.MaxHandlerMS, rows.MaxInflight))
		}
	}
	return out
}

// platformNotes say what the platform hides in the figures: on a deployed
// stack, that throttles arrive as API Gateway's 500, not 429 (and how many,
// when CloudWatch's Throttles were fetched); and when a cost rests on LMI
// capacity that was not a steady state, that it does.
func platformNotes(r *stats.Run, s *Summary) []string {
	var out []string
	if s.Platform != nil && s.Platform.Kind == platform.KindStack {
		n := "on AWS, API Gateway answers 500 when Lambda throttles an invoke, so throttles are among the 5xx here, not the 429, and are not billed"
		if rows := Throttles(r); len(rows) == 0 {
			n += "; CloudWatch's Throttles were not fetched for this run, so the 5xx cannot be told apart"
		} else {
			n += "; CloudWatch's Throttles stand beside the 5xx in the table"
		}
		out = append(out, n)
	}
	if s.Cost != nil {
		for _, e := range s.Cost.Endpoints {
			if len(e.Caveats) > 0 {
				out = append(out, fmt.Sprintf("cost: %s's capacity at the peak stage is not a steady state (%s): its cost per request, its month and every break-even against it rest on that; measure again with the peak held longer",
					e.Name, strings.Join(e.Caveats, "; ")))
			}
		}
	}
	return out
}

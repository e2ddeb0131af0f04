package report

import (
	"math"
	"time"

	"github.com/lmibench/lmibench/platform"
)

// SummaryVersion versions the fields of the summary JSON (README documents
// each); a change to one is a new version.
const SummaryVersion = 1

// Summary is a run's results for scripts and CI: per endpoint × stage and
// per endpoint over the run, and the platform's series in brief. It is
// written beside each CSV as <stem>.summary.json and is what thresholds
// and compare read.
type Summary struct {
	SummaryVersion int            `json:"summary_version"`
	Scenario       string         `json:"scenario"`
	CSV            string         `json:"csv"`
	Start          *time.Time     `json:"start,omitempty"`
	End            *time.Time     `json:"end,omitempty"`
	LoadModel      string         `json:"load_model,omitempty"`
	Unit           string         `json:"unit"`
	Stages         []StageSpan    `json:"stages"`
	Platform       *platform.Info `json:"platform,omitempty"`
	Endpoints      []EndpointSum  `json:"endpoints"`
	Series         []SeriesSum    `json:"platform_series,omitempty"`
}

// StageSpan is a stage's label and window in seconds since the start.
type StageSpan struct {
	Label  string  `json:"label"`
	StartS float64 `json:"start_s"`
	EndS   float64 `json:"end_s"`
}

// EndpointSum is one endpoint's results, stage by stage and over the run.
type EndpointSum struct {
	Name       string      `json:"name"`
	All        CellSum     `json:"all"`
	Stages     []CellSum   `json:"stages"`
	ErrorKinds []KindCount `json:"error_kinds"`
}

// CellSum is the results of one endpoint in one stage, or over the run.
// Latencies are of successful requests (2xx, 3xx), in milliseconds; each
// quantile has a 95 % confidence interval (distribution-free, from the
// order statistics around its rank), which compare uses to tell a change
// from noise.
type CellSum struct {
	Requests     int64   `json:"requests"`
	Successes    int64   `json:"successes"`
	RPS          float64 `json:"rps"`
	P50          float64 `json:"p50_ms"`
	P90          float64 `json:"p90_ms"`
	P95          float64 `json:"p95_ms"`
	P99          float64 `json:"p99_ms"`
	P999         float64 `json:"p99_9_ms"`
	Max          float64 `json:"max_ms"`
	CI           CIs     `json:"ci_95_ms"`
	S3xx         int64   `json:"status_3xx"`
	S4xx         int64   `json:"status_4xx"`
	S429         int64   `json:"status_429"`
	S5xx         int64   `json:"status_5xx"`
	Transport    int64   `json:"transport_errors"`
	Dropped      int64   `json:"dropped"`
	ColdStarts   int64   `json:"cold_starts"`
	Environments int     `json:"environments"`
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
	Max      float64 `json:"max"`
	Sum      float64 `json:"sum"`
	Partial  bool    `json:"partial,omitempty"`
}

// Summary computes the run's summary.
func (r *Run) Summary() *Summary {
	s := &Summary{SummaryVersion: SummaryVersion, Scenario: r.Name(), CSV: r.Source, Unit: "VUs"}
	if m := r.Meta; m != nil {
		start := m.Start
		s.Start, s.End, s.LoadModel, s.Unit, s.Platform = &start, m.End, string(m.LoadModel), m.LoadModel.Unit(), m.Platform
	}
	spans := r.spans()
	var total time.Duration
	for i, sp := range spans {
		s.Stages = append(s.Stages, StageSpan{Label: r.stageLabel(i), StartS: sp.Start.Seconds(), EndS: sp.End.Seconds()})
		total += sp.End - sp.Start
	}
	for _, e := range r.Stats.Endpoints() {
		es := EndpointSum{Name: e.Name, All: cellSum(&e.All, total), ErrorKinds: e.ErrorKinds()}
		for i, c := range e.Stages {
			es.Stages = append(es.Stages, cellSum(c, spans[i].End-spans[i].Start))
		}
		s.Endpoints = append(s.Endpoints, es)
	}
	for _, x := range r.Extra {
		ss := SeriesSum{Name: x.Name, Unit: x.Unit, Endpoint: x.Endpoint, Metric: x.Metric, Sum: x.Sum()}
		for i, p := range x.Points {
			ss.Max = max(ss.Max, p[1])
			ss.Partial = ss.Partial || (i < len(x.Partial) && x.Partial[i])
		}
		s.Series = append(s.Series, ss)
	}
	return s
}

func cellSum(c *Cell, span time.Duration) CellSum {
	q := func(p float64) float64 { return ms(c.Quantile(p)) }
	ci := func(p float64) [2]float64 { lo, hi := c.quantileCI(p); return [2]float64{ms(lo), ms(hi)} }
	return CellSum{
		Requests: c.Requests, Successes: c.OK, RPS: round3(c.sentPerSecond(Span{End: span})),
		P50: q(0.5), P90: q(0.9), P95: q(0.95), P99: q(0.99), P999: q(0.999), Max: ms(c.Max()),
		CI:   CIs{P50: ci(0.5), P90: ci(0.9), P95: ci(0.95), P99: ci(0.99), P999: ci(0.999)},
		S3xx: c.S3xx, S4xx: c.S4xx, S429: c.S429, S5xx: c.S5xx, Transport: c.Errors - c.Dropped, Dropped: c.Dropped,
		ColdStarts: c.Cold, Environments: len(c.Envs),
	}
}

// quantileCI is a 95 % confidence interval for the q-quantile of the
// recorded latencies: with n of them, the number below the true quantile
// is Binomial(n, q), so the order statistics at ranks n·q ∓ 1.96·√(n·q·(1−q))
// bracket it. It needs no assumption on the distribution and is read from
// the histogram (whose own resolution, 3 significant figures, bounds it).
func (l *Latency) quantileCI(q float64) (lo, hi time.Duration) {
	n := float64(l.Count())
	if n == 0 {
		return 0, 0
	}
	half := 1.96 * math.Sqrt(n*q*(1-q))
	rank := func(k float64) time.Duration {
		k = min(max(k, 1), n)
		return l.Quantile(k / n)
	}
	return rank(math.Floor(n*q - half)), rank(math.Ceil(n*q+half) + 1)
}

// Package stats turns a stream of attack.Records (live, or decoded from
// CSV) into the statistics of a run: per endpoint × stage cells, a
// timeline, a sample of requests and the live window. It reads and merges
// runs (and their shards), and knows nothing of summaries or pages.
//
// Statistics follow vegeta's Add-then-Close pattern; memory is bounded by
// the number of endpoints, stages and time buckets, never by the rows.
// Latency quantiles are over successful requests only (a response with a
// 2xx or 3xx status): failures end early or at the timeout, and would
// distort them; they are counted separately.
package stats

import (
	"math"
	"sort"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/lmibench/lmibench/rows"
)

// Latencies are recorded in microseconds from 1µs to one hour; longer ones
// are clamped to an hour.
const (
	minLatencyUS = 1
	maxLatencyUS = int64(time.Hour / time.Microsecond)
)

// Latency is a latency histogram. Its zero value is ready.
type Latency struct {
	h       *hdr.Histogram
	sigfigs int
}

// hist allocates the histogram on first use: 3 significant figures (0.1%)
// unless sigfigs says otherwise.
func (l *Latency) hist() *hdr.Histogram {
	if l.h == nil {
		if l.sigfigs == 0 {
			l.sigfigs = 3
		}
		l.h = hdr.New(minLatencyUS, maxLatencyUS, l.sigfigs)
	}
	return l.h
}

func (l *Latency) add(d time.Duration) {
	us := min(max(int64(d/time.Microsecond), minLatencyUS), maxLatencyUS)
	_ = l.hist().RecordValue(us) // in range by the clamp above
}

// Merge adds o's latencies to l.
func (l *Latency) Merge(o *Latency) {
	if o.h == nil {
		return
	}
	if l.sigfigs == 0 {
		l.sigfigs = o.sigfigs
	}
	l.hist().Merge(o.h)
}

// Count is the number of latencies recorded.
func (l *Latency) Count() int64 {
	if l.h == nil {
		return 0
	}
	return l.h.TotalCount()
}

// Quantile is the latency at q in [0, 1]; 0 when nothing was recorded.
func (l *Latency) Quantile(q float64) time.Duration {
	if l.h == nil || l.h.TotalCount() == 0 {
		return 0
	}
	return time.Duration(l.h.ValueAtQuantile(q*100)) * time.Microsecond
}

// Max is the largest latency recorded.
func (l *Latency) Max() time.Duration {
	if l.h == nil {
		return 0
	}
	return time.Duration(l.h.Max()) * time.Microsecond
}

// Counts are the outcomes of a group of requests.
type Counts struct {
	Requests int64 // every row
	OK       int64 // 2xx and 3xx
	S3xx     int64 // 3xx, counted in OK too
	S4xx     int64 // 4xx, 429 included
	S429     int64
	S5xx     int64
	// NoResponse got no response: transport errors, timeouts, stops, drops.
	NoResponse int64
	Dropped    int64 // open model: not sent, max in-flight reached
	Cold       int64 // function-reported cold starts
	// FnRejected answered with function fields out of range, not used.
	FnRejected int64
	// Billed are the invocations AWS bills: those the function answered
	// (it reported its handler time), and those it ran without answering
	// in its own words — API Gateway's 502 (the function failed) and 504
	// (it timed out), its own 4xx, any answer of an endpoint that reports
	// nothing. ByLatency of them are timed by the client's latency, which
	// overstates the handler's time. Not billed: no response and 429.
	Billed, ByLatency int64
	// BilledMS is their handler times, each rounded up to 1 ms as AWS bills.
	BilledMS float64
	// Gateway500 are 500s without the function's answer: in front of the
	// benchmark's own functions (which never answer 500), API Gateway's
	// answer to an invoke Lambda throttled or rejected, which AWS does not
	// bill; of an endpoint of the user's, maybe the function's own answer.
	// The summary decides, and bills them at Gateway500MS when it must.
	Gateway500   int64
	Gateway500MS float64
}

func (c *Counts) add(r *rows.Record) {
	c.Requests++
	switch {
	case r.Error != "" || r.Status == 0:
		c.NoResponse++
		if r.Error == rows.ErrDropped {
			c.Dropped++
		}
	case r.Status >= 500:
		c.S5xx++
	case r.Status >= 400:
		c.S4xx++
		if r.Status == 429 {
			c.S429++
		}
	default:
		c.OK++
		if r.Status >= 300 {
			c.S3xx++
		}
	}
	if r.HasFn && r.Fn.ColdStart {
		c.Cold++
	}
	if r.FnRejected {
		c.FnRejected++
	}
	byLatency := max(1, math.Ceil(float64(r.Latency)/float64(time.Millisecond)))
	switch {
	case r.HasFn:
		c.Billed++
		c.BilledMS += max(1, math.Ceil(r.Fn.HandlerMS))
	case r.Status == 500:
		c.Gateway500++
		c.Gateway500MS += byLatency
	case r.Status != 0 && r.Status != 429:
		c.Billed++
		c.ByLatency++
		c.BilledMS += byLatency
	}
}

// Failed are the requests that failed, as k6's http_req_failed counts
// them: no response, or a status of 400 or more. Every table, line, card,
// threshold and summary of lmibench uses this one definition, its classes
// (4xx, 429, 5xx, no response) beside it.
func (c Counts) Failed() int64 { return c.Requests - c.OK }

// Rate is n out of all requests, as a percentage.
func (c Counts) Rate(n int64) float64 {
	if c.Requests == 0 {
		return 0
	}
	return 100 * float64(n) / float64(c.Requests)
}

// outcomes is what every group of requests keeps: counts by outcome,
// latency of the successful ones, and the environments that answered.
type outcomes struct {
	Counts
	Latency
	Envs Envs
}

func (o *outcomes) add(r *rows.Record) {
	o.Counts.add(r)
	if r.OK() {
		o.Latency.add(r.Latency)
	}
	if r.HasFn {
		o.Envs.Add(r.Fn.EnvID)
	}
}

// Cell is one endpoint in one stage.
type Cell struct {
	outcomes
	First, Last time.Duration // first and last send time seen
	// Open model only: FromScheduled is the latency of successful requests
	// counted from when each was due, not sent (latency + lateness), and
	// Lag the generator's lateness of every request it sent.
	FromScheduled, Lag Latency
}

// Endpoint holds one endpoint's cells, stage by stage, and its whole run.
type Endpoint struct {
	Name   string
	Stages []*Cell
	All    Cell
	Errors map[string]int64 // by rows.ErrorKind
}

// Stats accumulates records per endpoint × stage. Its zero value works;
// endpoints appear in the order of their first record unless Order is set.
type Stats struct {
	// Order lists endpoint names to show first, in this order.
	Order []string

	// LeftOut counts rows past MaxCells: in their endpoint's whole-run
	// figures, in no stage's.
	LeftOut int64

	byName map[string]*Endpoint
	cur    *Endpoint // the endpoint of the last row: rows of one come in runs
	seen   []string
	last   time.Duration
	cells  int
}

// MaxCells bounds the endpoint × stage cells a run keeps (each holds
// histograms): 64 endpoints × 10,000 stages would not fit in memory, nor
// their table on a page.
const MaxCells = 20000

// Add counts one record.
func (s *Stats) Add(r *rows.Record) {
	if s.byName == nil {
		s.byName = map[string]*Endpoint{}
	}
	e := s.cur
	if e == nil || e.Name != r.Endpoint {
		if e = s.byName[r.Endpoint]; e == nil {
			e = &Endpoint{Name: r.Endpoint, Errors: map[string]int64{}}
			s.byName[r.Endpoint] = e
			s.seen = append(s.seen, r.Endpoint)
		}
		s.cur = e
	}
	if grow := r.Stage + 1 - len(e.Stages); grow > 0 && s.cells+grow > MaxCells {
		s.LeftOut++
	} else {
		for len(e.Stages) <= r.Stage {
			e.Stages = append(e.Stages, &Cell{})
			s.cells++
		}
		e.Stages[r.Stage].add(r)
	}
	e.All.add(r)
	if r.Error != "" {
		e.Errors[rows.ErrorKind(r.Error)]++
	}
	s.last = max(s.last, r.Elapsed)
}

func (c *Cell) add(r *rows.Record) {
	if c.Counts.Requests == 0 || r.Elapsed < c.First {
		c.First = r.Elapsed
	}
	c.Last = max(c.Last, r.Elapsed)
	c.outcomes.add(r)
	if r.HasScheduled && r.Error != rows.ErrDropped {
		lag := max(r.Elapsed-r.Scheduled, 0)
		c.Lag.add(lag)
		if r.OK() {
			c.FromScheduled.add(r.Latency + lag)
		}
	}
}

// Endpoints returns the endpoints, Order first, then as first seen.
func (s *Stats) Endpoints() []*Endpoint {
	var out []*Endpoint
	done := map[string]bool{}
	for _, n := range append(append([]string(nil), s.Order...), s.seen...) {
		if e := s.byName[n]; e != nil && !done[n] {
			out = append(out, e)
			done[n] = true
		}
	}
	return out
}

// Stages is the number of stages seen on any endpoint.
func (s *Stats) Stages() int {
	n := 0
	for _, e := range s.byName {
		n = max(n, len(e.Stages))
	}
	return n
}

// LastSend is the latest send time seen, the run's observed length.
func (s *Stats) LastSend() time.Duration { return s.last }

// ErrorKinds returns an endpoint's error kinds, most frequent first.
func (e *Endpoint) ErrorKinds() []KindCount {
	out := make([]KindCount, 0, len(e.Errors))
	for k, n := range e.Errors {
		out = append(out, KindCount{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Kind < out[j].Kind
	})
	return out
}

// KindCount is an error kind and how often it happened.
type KindCount struct {
	Kind  string `json:"kind"`
	Count int64  `json:"count"`
}

// PerSecond is n over d, 0 for an empty span.
func PerSecond(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// Span is a stage's wall-clock window, used to turn counts into rates.
type Span struct{ Start, End time.Duration }

// SentPerSecond is the cell's requests that were sent (not dropped at the
// open model's cap) over the stage's window.
func (c *Cell) SentPerSecond(sp Span) float64 {
	return PerSecond(c.Requests-c.Dropped, sp.End-sp.Start)
}

// Spans are the stages' windows, over which their requests make a rate
// (k6 and vegeta divide by the test's duration, not up to the last send):
// the profile's, clipped to the run's end when it was cut short (end > 0).
// Without a profile, a stage runs from its first send to the next stage's
// first send, and the last one for one more mean interval past its last
// send: n requests sent every d take n·d, not (n−1)·d.
func (s *Stats) Spans(profileSpans []Span, end time.Duration) []Span {
	n := s.Stages()
	out := make([]Span, n)
	sent := make([]int64, n)
	for i := range out {
		if i < len(profileSpans) {
			sp := profileSpans[i]
			if end > 0 {
				sp.End = min(sp.End, max(end, sp.Start))
			}
			out[i] = sp
			continue
		}
		out[i] = Span{Start: time.Duration(math.MaxInt64)}
		for _, e := range s.byName {
			if i < len(e.Stages) && e.Stages[i].Requests > 0 {
				out[i].Start = min(out[i].Start, e.Stages[i].First)
				out[i].End = max(out[i].End, e.Stages[i].Last)
				sent[i] += e.Stages[i].Requests
			}
		}
		if out[i].End < out[i].Start {
			out[i] = Span{}
		}
	}
	for i := len(profileSpans); i < n; i++ {
		switch next := i + 1; {
		case sent[i] == 0:
		case next < n && sent[next] > 0 && out[next].Start > out[i].Start:
			out[i].End = out[next].Start
		case sent[i] > 1:
			out[i].End += (out[i].End - out[i].Start) / time.Duration(sent[i]-1)
		}
		if end > 0 && out[i].End > end {
			out[i].End = max(end, out[i].Start)
		}
	}
	return out
}

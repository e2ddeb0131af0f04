package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/lmibench/lmibench/rows"
)

// exactQuantile is the nearest-rank quantile of sorted values.
func exactQuantile(sorted []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

func TestQuantilesWithinOnePercent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var s Stats
	var ok []time.Duration
	for i := range 20000 {
		// Log-normal latencies around 50ms with a long tail.
		lat := time.Duration(math.Exp(rng.NormFloat64()*0.8+math.Log(50)) * float64(time.Millisecond))
		r := rows.Record{Endpoint: "lmi", Stage: i % 2, Elapsed: time.Duration(i) * time.Millisecond, Latency: lat, Status: 200}
		if i%50 == 0 {
			r.Status = 503 // failures are not in the latency quantiles
			r.Latency = 10 * time.Second
		} else {
			ok = append(ok, lat)
		}
		s.Add(&r)
	}
	sort.Slice(ok, func(i, j int) bool { return ok[i] < ok[j] })
	all := s.Endpoints()[0].All
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		got, want := all.Quantile(q), exactQuantile(ok, q)
		if rel := math.Abs(float64(got-want)) / float64(want); rel > 0.01 {
			t.Errorf("Quantile(%v) = %v; want %v within 1%% (off by %.3f%%)", q, got, want, rel*100)
		}
	}
	if got, want := all.Max(), ok[len(ok)-1]; math.Abs(float64(got-want))/float64(want) > 0.01 {
		t.Errorf("Max() = %v; want %v", got, want)
	}
	if all.Requests != 20000 || all.S5xx != 400 || all.OK != 19600 || all.Count() != 19600 {
		t.Errorf("counts = %+v, latencies %d; want 20000 requests, 400 5xx, 19600 ok", all.Counts, all.Count())
	}
}

func TestCountsAndEdgeCases(t *testing.T) {
	var s Stats
	s.Order = []string{"128", "2048", "lmi"}
	add := func(r rows.Record) { s.Add(&r) }
	// lmi: only errors; 2048: one row, in stage 2 (stages 0 and 1 empty).
	add(rows.Record{Endpoint: "lmi", Error: `dial tcp 127.0.0.1:1: connect: connection refused`})
	add(rows.Record{Endpoint: "lmi", Error: `dial tcp 127.0.0.1:2: connect: connection refused`})
	add(rows.Record{Endpoint: "lmi", Error: rows.ErrDropped})
	add(rows.Record{Endpoint: "2048", Stage: 2, Status: 200, Latency: 5 * time.Millisecond, Elapsed: 2 * time.Second,
		HasFn: true, Fn: rows.FnFields{EnvID: "a", ColdStart: true}})
	add(rows.Record{Endpoint: "128", Status: 429, Latency: time.Millisecond})
	add(rows.Record{Endpoint: "128", Status: 404, Latency: time.Millisecond})
	add(rows.Record{Endpoint: "128", Status: 302, Latency: time.Millisecond})

	eps := s.Endpoints()
	if len(eps) != 3 || eps[0].Name != "128" || eps[1].Name != "2048" || eps[2].Name != "lmi" {
		t.Fatalf("Endpoints() order = %v; want 128, 2048, lmi", eps)
	}
	if c := eps[0].All.Counts; c.S4xx != 2 || c.S429 != 1 || c.OK != 1 || c.NoResponse != 0 || c.Failed() != 2 {
		t.Errorf("128 counts = %+v; want 2 4xx (one 429), 1 ok, 2 failed", c)
	}
	two := eps[1]
	if len(two.Stages) != 3 || two.Stages[0].Requests != 0 || two.Stages[2].Requests != 1 || two.Stages[0].Quantile(0.99) != 0 {
		t.Errorf("2048 stages = %d, first %d requests, last %d; want 3 stages, two empty", len(two.Stages), two.Stages[0].Requests, two.Stages[2].Requests)
	}
	if c := two.All; c.Cold != 1 || c.Envs.Len() != 1 || c.Quantile(0.5) < 5*time.Millisecond || c.Quantile(0.5) > 5005*time.Microsecond {
		t.Errorf("2048 = cold %d, envs %d, p50 %v; want 1, 1, 5ms", c.Cold, c.Envs.Len(), c.Quantile(0.5))
	}
	lmi := eps[2]
	if c := lmi.All; c.NoResponse != 3 || c.Dropped != 1 || c.Count() != 0 || c.Rate(c.Failed()) != 100 {
		t.Errorf("lmi counts = %+v; want 3 without a response, 1 dropped, no latency, all failed", c.Counts)
	}
	kinds := lmi.ErrorKinds()
	if len(kinds) != 2 || kinds[0] != (KindCount{"connection refused", 2}) {
		t.Errorf("lmi error kinds = %v; want connection refused ×2 first", kinds)
	}
}

func TestSpans(t *testing.T) {
	var s Stats
	for _, r := range []rows.Record{{Endpoint: "a", Stage: 0, Elapsed: time.Second}, {Endpoint: "b", Stage: 0, Elapsed: 3 * time.Second},
		{Endpoint: "a", Stage: 1, Elapsed: 5 * time.Second}} {
		s.Add(&r)
	}
	got := s.Spans(nil, 0)
	if len(got) != 2 || got[0] != (Span{time.Second, 5 * time.Second}) || got[1] != (Span{5 * time.Second, 5 * time.Second}) {
		t.Errorf("Spans(nil) = %v; want stage 0 up to stage 1's first send, stage 1 its one send", got)
	}
	got = s.Spans([]Span{{0, 4 * time.Second}, {4 * time.Second, 10 * time.Second}}, 5*time.Second)
	if got[0] != (Span{0, 4 * time.Second}) || got[1] != (Span{4 * time.Second, 5 * time.Second}) {
		t.Errorf("Spans(profile, cut at 5s) = %v; want the profile's, the last clipped to the run's end", got)
	}
	if got = s.Spans([]Span{{0, 4 * time.Second}, {4 * time.Second, 10 * time.Second}}, 0); got[1] != (Span{4 * time.Second, 10 * time.Second}) {
		t.Errorf("Spans(profile, whole) = %v; want the profile's whole stage, not up to the last send", got)
	}
	// Three sends a second apart in the last stage are three seconds of it.
	var three Stats
	for i := range 3 {
		three.Add(&rows.Record{Endpoint: "a", Elapsed: time.Duration(i) * time.Second})
	}
	if got := three.Spans(nil, 0); got[0] != (Span{0, 3 * time.Second}) {
		t.Errorf("Spans(3 sends 1s apart) = %v; want [0s, 3s]", got)
	}
}

func TestLiveWindow(t *testing.T) {
	var l Live
	// 100 requests a second for 20 seconds, 10ms each; every 10th a 500.
	for sec := range 20 {
		for i := range 100 {
			r := rows.Record{Endpoint: "x", Elapsed: time.Duration(sec)*time.Second + time.Duration(i)*10*time.Millisecond, Latency: 10 * time.Millisecond, Status: 200}
			if sec >= 15 {
				r.Latency = 100 * time.Millisecond
			}
			if i%10 == 0 {
				r.Status = 500
			}
			l.Add(&r)
		}
	}
	lines := l.Lines(20*time.Second, []string{"y"})
	if len(lines) != 2 || lines[0].Endpoint != "y" || lines[1].Endpoint != "x" {
		t.Fatalf("Lines() = %v; want y (wanted, unseen) then x", lines)
	}
	x := lines[1]
	if x.Requests != 2000 || x.S5xx != 200 || math.Abs(x.RPS-100) > 1 {
		t.Errorf("x = %+v; want 2000 requests, 200 5xx, ~100 req/s", x)
	}
	if x.P99 < 99*time.Millisecond || x.P99 > 102*time.Millisecond {
		t.Errorf("x p99 over the last 10s = %v; want ~100ms", x.P99)
	}
	if y := lines[0]; y.Requests != 0 || y.RPS != 0 || y.P99 != 0 {
		t.Errorf("y = %+v; want zeros", y)
	}
}

func TestOneRow(t *testing.T) {
	var s Stats
	s.Add(&rows.Record{Endpoint: "x", Stage: 1, Status: 200, Latency: 42 * time.Millisecond, Elapsed: time.Second})
	c := s.Endpoints()[0].All
	for _, q := range []float64{0, 0.5, 0.99, 1} {
		if got := c.Quantile(q); got < 41958*time.Microsecond || got > 42042*time.Microsecond { // HDR: within 0.1%
			t.Errorf("Quantile(%v) of one 42ms row = %v; want 42ms", q, got)
		}
	}
	if c.Requests != 1 || c.OK != 1 || s.Stages() != 2 || s.Endpoints()[0].Stages[0].Requests != 0 {
		t.Errorf("one row in stage 1: %+v, %d stages; want 1 request, stage 0 empty", c.Counts, s.Stages())
	}
	if sp := s.Spans(nil, 0); sp[0] != (Span{}) || sp[1] != (Span{time.Second, time.Second}) {
		t.Errorf("Spans(nil) = %v; want an empty stage 0 and a zero-length stage 1", sp)
	}
}

// TestCellsAreBounded: rows past MaxCells endpoint × stage cells count in
// their endpoint's totals and are counted as left out.
func TestCellsAreBounded(t *testing.T) {
	var s Stats
	for e := range 3 {
		s.Add(&rows.Record{Endpoint: fmt.Sprint("e", e), Stage: MaxCells/2 - 1, Status: 200})
	}
	if s.cells > MaxCells || s.LeftOut != 1 || s.Endpoints()[2].All.Requests != 1 || len(s.Endpoints()[2].Stages) != 0 {
		t.Errorf("cells %d, left out %d; want at most %d cells and the third endpoint's row left out of them", s.cells, s.LeftOut, MaxCells)
	}
}

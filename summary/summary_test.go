package summary

import (
	"math"
	"testing"
	"time"

	"github.com/lmibench/lmibench/internal/proftest"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/stages"
	"github.com/lmibench/lmibench/stats"
)

// TestSummaryOfASyntheticRun: 1,000 successes of 1..1000 ms in stage 1,
// then one of every other outcome in stage 2, against exact figures.
func TestSummaryOfASyntheticRun(t *testing.T) {
	ss := []stages.Stage{{Duration: 10 * time.Second, Target: 4}, {Duration: 10 * time.Second, Target: 4}}
	prof, err := stages.New(ss, true)
	if err != nil {
		t.Fatal(err)
	}
	r := &stats.Run{Profile: prof, Meta: &runfiles.Meta{LoadModel: stages.VUs, StageLabels: []string{"0→4 VUs", "4 VUs"}}}
	for i := 1; i <= 1000; i++ {
		r.Add(&rows.Record{Endpoint: "a", Stage: 0, Status: 200, Elapsed: time.Duration(i) * 9 * time.Millisecond,
			Latency: time.Duration(i) * time.Millisecond, HasFn: true, Fn: rows.FnFields{EnvID: []string{"e1", "e2"}[i%2], ColdStart: i <= 2}})
	}
	at := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	for _, rec := range []rows.Record{
		{Status: 301, Latency: time.Millisecond}, {Status: 404}, {Status: 429}, {Status: 503},
		{Error: "dial tcp 127.0.0.1:1: connect: connection refused"}, {Error: rows.ErrDropped},
	} {
		rec.Endpoint, rec.Stage, rec.Elapsed = "a", 1, at(19.9)
		r.Add(&rec)
	}
	s := Of(r)
	if s.SummaryVersion != SummaryVersion || s.Unit != "VUs" || len(s.Stages) != 2 || s.Stages[1] != (StageSpan{"4 VUs", 10, 20}) {
		t.Fatalf("summary head = %+v; want version, unit and the stages' whole spans", s)
	}
	a := s.Endpoints[0]
	one := a.Stages[0]
	within := func(got, want float64) bool { return math.Abs(got-want) <= want*0.001+0.001 } // 3 significant figures
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"p50", one.P50, 500}, {"p90", one.P90, 900}, {"p95", one.P95, 950}, {"p99", one.P99, 990}, {"p99.9", one.P999, 999}, {"max", one.Max, 1000}} {
		if !within(c.got, c.want) {
			t.Errorf("stage 1 %s = %v ms; want %v", c.name, c.got, c.want)
		}
	}
	// The p99's interval: ranks 990 ∓ 1.96·√9.9 = 983.8 … 996.2 → 983 and 998.
	if ci := one.CI.P99; !within(ci[0], 983) || !within(ci[1], 998) {
		t.Errorf("p99 CI = %v; want [983, 998] ms", ci)
	}
	if one.Requests != 1000 || one.Successes != 1000 || one.RPS != 100 || one.ColdStarts != 2 || one.Environments != 2 {
		t.Errorf("stage 1 = %+v; want 1000 requests, all successes, 100 req/s, 2 cold starts, 2 environments", one)
	}
	two := a.Stages[1]
	if two.Requests != 6 || two.Successes != 1 || two.S3xx != 1 || two.S4xx != 2 || two.S429 != 1 || two.S5xx != 1 || two.Transport != 1 || two.Dropped != 1 {
		t.Errorf("stage 2 = %+v; want one of each outcome", two)
	}
	if want := 5.0 / 10; math.Abs(two.RPS-want) > 0.001 {
		t.Errorf("stage 2 req/s = %v; want the 5 sent over the stage's 10 s", two.RPS)
	}
	if a.All.Requests != 1006 || a.All.Successes != 1001 || len(a.ErrorKinds) != 2 {
		t.Errorf("over the run = %+v, kinds %v", a.All, a.ErrorKinds)
	}
}

// TestRatesOverTheirWindows: 1 VU with 1 s of think time in a 3 s stage
// sends 3 requests, 1.0 req/s over the stage, whether the stage's window
// comes from the sidecar (the profile and the run's end) or, without one,
// from the sends; an interrupted run's stage ends at the interruption.
func TestRatesOverTheirWindows(t *testing.T) {
	prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 1}, stages.Stage{Duration: 3 * time.Second, Target: 1})
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	run := func(withMeta bool, end time.Duration) *stats.Run {
		r := &stats.Run{}
		if withMeta {
			e := start.Add(end)
			r.Profile, r.Meta = prof, &runfiles.Meta{LoadModel: stages.VUs, Start: start, End: &e}
		}
		for i := range 3 {
			r.Add(&rows.Record{Endpoint: "a", Stage: 1, Status: 200, Elapsed: time.Nanosecond + time.Duration(i)*time.Second, Latency: time.Millisecond})
		}
		return r
	}
	for _, tt := range []struct {
		name string
		r    *stats.Run
		want float64
	}{
		{"sidecar", run(true, 3*time.Second), 1},
		{"no sidecar", run(false, 0), 1},
		{"interrupted at 2.5 s", run(true, 2500*time.Millisecond), 1.2},
	} {
		s := Of(tt.r)
		got := s.Endpoints[0].Stages[1].RPS
		if math.Abs(got-tt.want) > 0.01 {
			t.Errorf("%s: stage req/s = %v; want %v", tt.name, got, tt.want)
		}
		// A threshold on the stage's rate sees the same figure.
		th, _ := ParseThreshold("@1:rps>1.3")
		if v := Evaluate([]Threshold{th}, s); v[0].Pass {
			t.Errorf("%s: @1:rps>1.3 passes at %s req/s", tt.name, v[0].Value)
		}
	}
}

package summary

import (
	"math"
	"testing"
	"time"

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
	if s.SummaryVersion != SummaryVersion || s.Unit != "VUs" || len(s.Stages) != 2 || s.Stages[1] != (StageSpan{"4 VUs", 10, 19.9}) {
		t.Fatalf("summary head = %+v; want version, unit and the stages' spans", s)
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
	if want := 5.0 / 9.9; math.Abs(two.RPS-want) > 0.001 {
		t.Errorf("stage 2 req/s = %v; want the 5 sent over 9.9 s", two.RPS)
	}
	if a.All.Requests != 1006 || a.All.Successes != 1001 || len(a.ErrorKinds) != 2 {
		t.Errorf("over the run = %+v, kinds %v", a.All, a.ErrorKinds)
	}
}

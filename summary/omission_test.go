package summary

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/stages"
	"github.com/lmibench/lmibench/stats"
)

// TestClosedModelCorrection: 99 responses of 10 ms and one of 1,000 ms,
// no think time. The user stuck for a second would have sent every 10 ms
// (think 0 + the p50 of 10 ms), so the correction adds the 99 held-back
// requests of 990, 980, … 10 ms: 199 values, 100 of them 10 ms, then 20 …
// 990 and 1,000. By hand: p50 10 ms; p99 the 197th value, 980 ms; max
// 1,000 ms — where the uncorrected p99 is 10 ms.
func TestClosedModelCorrection(t *testing.T) {
	r := &stats.Run{Meta: &runfiles.Meta{LoadModel: stages.VUs, Think: "0s"}}
	for i := range 100 {
		lat := 10 * time.Millisecond
		if i == 50 {
			lat = time.Second
		}
		r.Add(&rows.Record{Endpoint: "a", Status: 200, Latency: lat, Elapsed: time.Duration(i) * 10 * time.Millisecond})
	}
	s := Of(r)
	all := s.Endpoints[0].All
	c := all.Corrected
	near := func(got, want float64) bool { return math.Abs(got-want) <= want*0.001+0.001 }
	if c == nil || !near(all.P99, 10) || !near(c.P50, 10) || !near(c.P99, 980) || !near(c.Max, 1000) {
		t.Fatalf("p99 %v; corrected %+v; want p50 10, p99 980, max 1000 ms", all.P99, c)
	}
	if all.FromScheduled != nil || all.Lag != nil || len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "understate stalls") {
		t.Errorf("closed model: from scheduled %v, lag %v, notes %q; want none of the open model's and the closed model's note", all.FromScheduled, all.Lag, s.Notes)
	}
}

// TestOpenModelFromScheduled: 100 requests due every 10 ms, each taking
// 5 ms; the generator stalls once for 500 ms, so requests 50..99 go late
// (the first by 500 ms, down to 10 ms for the last of the burst). Latency
// from the send time stays 5 ms; from the scheduled time it shows the
// stall, and the lateness warns.
func TestOpenModelFromScheduled(t *testing.T) {
	r := &stats.Run{Meta: &runfiles.Meta{LoadModel: stages.Rate}}
	for i := range 100 {
		due := time.Duration(i) * 10 * time.Millisecond
		sent := due
		if i >= 50 {
			sent = max(due, 1000*time.Millisecond) // all overdue ones go at 1.0 s
		}
		r.Add(&rows.Record{Endpoint: "a", Status: 200, Latency: 5 * time.Millisecond, Elapsed: sent, Scheduled: due, HasScheduled: true})
	}
	s := Of(r)
	all := s.Endpoints[0].All
	near := func(got, want float64) bool { return math.Abs(got-want) <= want*0.001+0.001 }
	// Lateness: 50 zeros, then 500, 490, … 10 ms. p99 is the 99th value,
	// 490 ms; from the scheduled time the worst is 500 + 5 ms.
	if all.Lag == nil || !near(all.Lag.Max, 500) || !near(all.Lag.P99, 490) || !near(all.P99, 5) || all.FromScheduled == nil || !near(all.FromScheduled.Max, 505) {
		t.Fatalf("lag %+v, p99 from send %v, from scheduled %+v; want lag max 500 p99 490, 5 ms from send, 505 ms max from schedule", all.Lag, all.P99, all.FromScheduled)
	}
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "the generator ran late on a") {
		t.Errorf("notes %q; want the lateness warning", s.Notes)
	}
	if all.Corrected != nil {
		t.Errorf("open model corrected %+v; want none", all.Corrected)
	}
}

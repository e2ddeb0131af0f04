package attack

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/lmibench/lmibench/internal/proftest"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/stages"
)

// drive runs a pacer in the scenario loop with users whose every request
// takes latency. It returns the send times and the in-flight count right
// after each send.
func drive(p pacer, start time.Time, latency time.Duration) (sent []time.Duration, inflight []int) {
	s := &sleeper{start: start, latency: latency}
	loop(p, 1<<20, func() user { return s }, func(*rows.Record) {})
	return s.sent, s.inflight
}

// sleeper is every user of drive: a request is a sleep.
type sleeper struct {
	start   time.Time
	latency time.Duration

	mu       sync.Mutex
	n        int
	sent     []time.Duration
	inflight []int
}

func (s *sleeper) do(r *rows.Record) {
	r.Timestamp = time.Now()
	defer func() { r.Latency = time.Since(r.Timestamp) }()
	s.mu.Lock()
	s.n++
	s.sent = append(s.sent, time.Since(s.start))
	s.inflight = append(s.inflight, s.n)
	s.mu.Unlock()
	time.Sleep(s.latency)
	s.mu.Lock()
	s.n--
	s.mu.Unlock()
}

func (s *sleeper) close() {}

func TestVUPacerFollowsTheRamp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		prof := proftest.New(t, true, stages.Stage{Duration: 4 * time.Second, Target: 8},
			stages.Stage{Duration: 2 * time.Second, Target: 8}, stages.Stage{Duration: 2 * time.Second, Target: 0})
		start := time.Now()
		p := newVUPacer(prof, stages.Shard{}, start, make(chan struct{}), 0)
		sent, inflight := drive(p, start, 100*time.Millisecond)

		peakHold := 0
		for i, at := range sent {
			if at >= prof.Total() {
				t.Fatalf("request %d sent at %v; want before the end %v", i, at, prof.Total())
			}
			// Rising and flat parts: never more in flight than the profile.
			if at < 6*time.Second && inflight[i] > prof.VUs(at) {
				t.Errorf("in flight after send at %v = %d; want <= VUs %d", at, inflight[i], prof.VUs(at))
			}
			// Falling part: a user may finish its request (100ms) but no
			// new one starts above the target.
			if at >= 6*time.Second && inflight[i] > prof.VUs(at-100*time.Millisecond) {
				t.Errorf("in flight after send at %v = %d; want <= %d", at, inflight[i], prof.VUs(at-100*time.Millisecond))
			}
			if at >= 4*time.Second && at < 6*time.Second {
				peakHold = max(peakHold, inflight[i])
			}
		}
		if peakHold != 8 {
			t.Errorf("peak in flight while holding 8 VUs = %d; want 8", peakHold)
		}
		// The first user joins at 0.5s (8 users over 4s), the second at 1s.
		if sent[0] != 500*time.Millisecond {
			t.Errorf("first request at %v; want 500ms", sent[0])
		}
		// 2s at 8 VUs of back-to-back 100ms requests is 160 requests.
		hold := 0
		for _, at := range sent {
			if at >= 4*time.Second && at < 6*time.Second {
				hold++
			}
		}
		if hold != 160 {
			t.Errorf("requests during the 2s hold at 8 VUs × 100ms = %d; want 160", hold)
		}
	})
}

func TestVUPacerThinkTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 1}, stages.Stage{Duration: 10 * time.Second, Target: 1})
		start := time.Now()
		p := newVUPacer(prof, stages.Shard{}, start, make(chan struct{}), 400*time.Millisecond)
		sent, _ := drive(p, start, 100*time.Millisecond)
		// One user, 100ms request + 400ms think: one request every 500ms.
		if len(sent) != 20 {
			t.Fatalf("requests = %d; want 20 (10s / 500ms)", len(sent))
		}
		for i := 1; i < len(sent); i++ {
			if d := sent[i] - sent[i-1]; d != 500*time.Millisecond {
				t.Fatalf("gap before request %d = %v; want 500ms", i, d)
			}
		}
	})
}

func TestVUPacerStopsWhenTold(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 1}, stages.Stage{Duration: time.Hour, Target: 1})
		start := time.Now()
		stop := make(chan struct{})
		p := newVUPacer(prof, stages.Shard{}, start, stop, 0)
		time.AfterFunc(90*time.Second, func() { close(stop) })
		sent, _ := drive(p, start, 10*time.Second)
		if last := time.Since(start); last > 100*time.Second {
			t.Fatalf("pacer returned at %v; want right after the stop at 90s", last)
		}
		if len(sent) == 0 {
			t.Fatalf("no request before the stop; want some")
		}
	})
}

func TestRatePacerSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 0→100 req/s over 2s (100 requests), 100 req/s for 1s (100 more).
		prof := proftest.New(t, false, stages.Stage{Duration: 2 * time.Second, Target: 100}, stages.Stage{Duration: time.Second, Target: 100})
		start := time.Now()
		p := newRatePacer(prof, stages.Shard{}, start, make(chan struct{}), 1000, func(time.Duration) { t.Error("dropped a request; want none") })
		sent, _ := drive(p, start, 5*time.Millisecond)
		if len(sent) != 200 {
			t.Fatalf("requests = %d; want 200", len(sent))
		}
		for i, at := range sent {
			if want := prof.Integral(at); want < float64(i+1)-1e-6 || want > float64(i+1)+1e-6 {
				t.Fatalf("request %d sent at %v where the schedule says %v; want %d", i, at, want, i+1)
			}
		}
	})
}

func TestRatePacerDropsAboveMaxInflight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		prof := proftest.New(t, false, stages.Stage{Duration: time.Nanosecond, Target: 100}, stages.Stage{Duration: 2 * time.Second, Target: 100})
		start := time.Now()
		var drops []time.Duration
		p := newRatePacer(prof, stages.Shard{}, start, make(chan struct{}), 10, func(due time.Duration) { drops = append(drops, due) })
		// Each request takes 1s: 10 go out, then the cap is hit until the
		// first ones come back at 1.01s, and so on.
		sent, inflight := drive(p, start, time.Second)
		for i, n := range inflight {
			if n > 10 {
				t.Fatalf("in flight after send %d = %d; want <= 10", i, n)
			}
		}
		if got := len(sent) + len(drops); got != 200 {
			t.Fatalf("sent %d + dropped %d = %d; want the 200 scheduled", len(sent), len(drops), got)
		}
		if len(sent) != 20 || p.dropped.Load() != 180 {
			t.Fatalf("sent %d, dropped %d; want 20 and 180", len(sent), p.dropped.Load())
		}
	})
}

// TestVUPacerRampsDownAsK6: 0→40 VUs over 4 s, 40 for 1 s, 40→0 over 4 s;
// each iteration a 50 ms request and 100 ms of think time, so the VUs,
// started 100 ms apart, end their iterations at different times. k6's rule,
// built by hand: VU k (1-based) starts when the target reaches k and leaves
// at the first end of its own iteration at which the target is below k.
// The VUs running at every 100 ms (+10 ms, clear of any iteration's end)
// are exactly that schedule's.
func TestVUPacerRampsDownAsK6(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const latency, think = 50 * time.Millisecond, 100 * time.Millisecond
		prof := proftest.New(t, true, stages.Stage{Duration: 4 * time.Second, Target: 40},
			stages.Stage{Duration: time.Second, Target: 40}, stages.Stage{Duration: 4 * time.Second, Target: 0})
		start := time.Now()
		p := newVUPacer(prof, stages.Shard{}, start, make(chan struct{}), think)
		var samples []int
		done := make(chan struct{})
		go func() {
			defer close(done)
			for at := 10 * time.Millisecond; at < prof.Total(); at += 100 * time.Millisecond {
				time.Sleep(at - time.Since(start))
				p.mu.Lock()
				n := 0
				for _, b := range p.busy {
					if b {
						n++
					}
				}
				p.mu.Unlock()
				samples = append(samples, n)
			}
		}()
		drive(p, start, latency)
		<-done

		// The hand-built schedule: VU k's start and end.
		want := func(at time.Duration) int {
			n := 0
			for k := 1; k <= 40; k++ {
				began, _ := prof.NextVUIncrease(0, k-1)
				if at < began {
					continue
				}
				left := prof.Total()
				for end := began + latency + think; end < prof.Total(); end += latency + think {
					if prof.VUs(end) < k {
						left = end
						break
					}
				}
				if at < left {
					n++
				}
			}
			return n
		}
		for i, got := range samples {
			at := 10*time.Millisecond + time.Duration(i)*100*time.Millisecond
			if w := want(at); got != w {
				t.Errorf("VUs at %v = %d; k6's schedule has %d", at, got, w)
			}
		}
		if len(samples) != 90 {
			t.Errorf("%d samples; want 90", len(samples))
		}
	})
}

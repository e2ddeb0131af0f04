package attack

import (
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/lmibench/lmibench/stages"
)

// Model is a load model: how a stage target turns into requests.
type Model string

const (
	// VUs is the closed model (k6 ramping-vus): the target is a number of
	// virtual users, each sending a request, waiting for its response,
	// sleeping the think time and repeating.
	VUs Model = "vus"
	// Rate is the open model (k6 ramping-arrival-rate): the target is
	// requests per second, sent on schedule whether or not earlier ones came
	// back, up to a cap of requests in flight.
	Rate Model = "rate"
)

// Unit is what the model's stage targets count: "VUs" or "req/s".
func (m Model) Unit() string {
	if m == Rate {
		return "req/s"
	}
	return "VUs"
}

// TargetAt is the profile's target at t in the model's unit: whole VUs
// (as k6 steps them) or req/s.
func (m Model) TargetAt(p *stages.Profile, t time.Duration) float64 {
	if m == VUs {
		return float64(p.VUs(t))
	}
	return p.Target(t)
}

// Both pacers are vegeta Pacers driven by the scenario loop (loop):
// every Pace that does not say stop is followed by exactly one hit, and
// nothing checks the duration after Pace returns. So they block inside
// Pace until a hit may go, wake on stop, and say stop themselves at the
// end of the profile.
var (
	_ vegeta.Pacer = (*vuPacer)(nil)
	_ vegeta.Pacer = (*ratePacer)(nil)
)

// gate wakes a blocked Pace when something it waits on changes.
type gate struct {
	start time.Time       // the run's clock, shared by all endpoints
	stop  <-chan struct{} // closed to stop issuing requests
	wake  chan struct{}   // one pending wake-up is enough
	timer *time.Timer
}

func newGate(start time.Time, stop <-chan struct{}) gate {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return gate{start: start, stop: stop, wake: make(chan struct{}, 1), timer: t}
}

func (g *gate) signal() {
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// sleep waits until the run clock reads at (or a wake-up, if wakeable) and
// reports false when the run was stopped meanwhile.
func (g *gate) sleep(at time.Duration, wakeable bool) bool {
	g.timer.Reset(at - time.Since(g.start))
	defer g.timer.Stop()
	wake := g.wake
	if !wakeable {
		wake = nil
	}
	select {
	case <-g.timer.C:
	case <-wake:
	case <-g.stop:
		return false
	}
	return true
}

func (g *gate) stopped() bool {
	select {
	case <-g.stop:
		return true
	default:
		return false
	}
}

// vuPacer lets a hit go whenever fewer virtual users are busy (in flight or
// thinking) than the profile allows now. When the target falls, busy users
// finish their request and think time and are not replaced: none is cut off.
type vuPacer struct {
	gate
	profile *stages.Profile
	shard   stages.Shard
	think   time.Duration

	mu   sync.Mutex
	busy int
}

func newVUPacer(p *stages.Profile, shard stages.Shard, start time.Time, stop <-chan struct{}, think time.Duration) *vuPacer {
	return &vuPacer{gate: newGate(start, stop), profile: p, shard: shard, think: think}
}

// Pace blocks until a user is free and returns zero wait, or says stop.
func (p *vuPacer) Pace(time.Duration, uint64) (time.Duration, bool) {
	total := p.profile.Total()
	for {
		if p.stopped() {
			return 0, true
		}
		t := time.Since(p.start)
		if t >= total {
			return 0, true
		}
		p.mu.Lock()
		busy := p.busy
		if busy < p.shard.VUs(p.profile.VUs(t)) {
			p.busy++
			p.mu.Unlock()
			return 0, false
		}
		p.mu.Unlock()
		next, ok := p.profile.NextVUIncrease(t, p.shard.Below(busy))
		if !ok || next > total {
			next = total
		}
		if !p.sleep(next, true) {
			return 0, true
		}
	}
}

// finished: the user thinks from the response's end, then sends again
// while the profile still has room for it; otherwise it leaves, and Pace
// hears of its place.
func (p *vuPacer) finished(end time.Time, think *time.Timer) bool {
	if p.think > 0 {
		think.Reset(p.think - time.Since(end))
		select {
		case <-think.C:
		case <-p.stop:
			think.Stop()
		}
	}
	p.mu.Lock()
	t := time.Since(p.start)
	if !p.stopped() && t < p.profile.Total() && p.busy <= p.shard.VUs(p.profile.VUs(t)) {
		p.mu.Unlock()
		return true
	}
	p.busy--
	p.mu.Unlock()
	p.signal()
	return false
}

// Rate is not known ahead in a closed model: throughput follows latency.
// vegeta asks only for reporting; 0 says "unknown".
func (p *vuPacer) Rate(time.Duration) float64 { return 0 }

// ratePacer sends request k (0-based) at the time the profile's integral
// reaches k+1, so a run sends floor(integral over the profile) requests. A
// request that falls due while maxInflight are in flight is not sent; it is
// reported to drop and the schedule goes on.
type ratePacer struct {
	gate
	profile     *stages.Profile
	step        uint64 // a shard sends every step-th request
	maxInflight int64
	drop        func(due time.Duration)

	next     uint64 // index of this shard's next scheduled request, sent or dropped
	last     time.Duration
	inflight atomic.Int64
	dropped  atomic.Uint64
}

func newRatePacer(p *stages.Profile, shard stages.Shard, start time.Time, stop <-chan struct{}, maxInflight int, drop func(time.Duration)) *ratePacer {
	return &ratePacer{gate: newGate(start, stop), profile: p, step: shard.Step(), next: shard.FirstRequest(),
		maxInflight: int64(maxInflight), drop: drop}
}

// Pace blocks until the next scheduled request is due and returns zero
// wait, or says stop after the last one.
func (p *ratePacer) Pace(time.Duration, uint64) (time.Duration, bool) {
	total := p.profile.Total()
	for {
		due, ok := p.profile.TimeOfIntegral(float64(p.next + 1))
		if !ok || due > total || p.stopped() {
			return 0, true
		}
		if due > time.Since(p.start) && !p.sleep(due, false) {
			return 0, true
		}
		p.next += p.step
		if p.inflight.Load() >= p.maxInflight {
			p.dropped.Add(1)
			p.drop(due)
			continue
		}
		p.inflight.Add(1)
		p.last = due
		return 0, false
	}
}

func (p *ratePacer) finished(time.Time, *time.Timer) bool {
	p.inflight.Add(-1)
	return false
}

// lastDue is when the hit the last Pace let go was due; it is read by
// the goroutine that calls Pace, before the next call.
func (p *ratePacer) lastDue() time.Duration { return p.last }

// Rate is the profile's scheduled rate at elapsed, in requests per second.
func (p *ratePacer) Rate(elapsed time.Duration) float64 { return p.profile.Target(elapsed) }

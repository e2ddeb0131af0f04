package attack

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/lmibench/lmibench/stages"
)

// pacer lets an endpoint's requests go, in the scenario loop (loop): next
// blocks until the next request may be sent and says when it was due (the
// open model), or reports false once none may go (the profile's end, or a
// stop). Each next that returns true is followed by exactly one request.
// The idea is vegeta's Pacer (a pure schedule of elapsed time), but the
// pacer owns the wait, so a closed-model user can be held until another
// leaves.
type pacer interface {
	next() (hit, bool)
	// finished is called by a user after each request it sent for h,
	// ended at end: true tells it to send the next one itself, now. think
	// is the user's own timer.
	finished(h hit, end time.Time, think *time.Timer) bool
}

// hit is one request the pacer let go: when it was due (open model), or
// which virtual user sends it (closed model: this shard's VU slot, 0-based).
type hit struct {
	due       time.Duration
	scheduled bool
	vu        int
}

var (
	_ pacer = (*vuPacer)(nil)
	_ pacer = (*ratePacer)(nil)
)

// gate wakes a blocked next when something it waits on changes.
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

// vuPacer runs numbered virtual users, as k6's ramping-vus does: VU j
// (this shard's, 0-based) runs while j is below the profile's target, so a
// hit goes when such a VU is idle. When the target falls, the
// highest-numbered VUs leave, each when its own iteration (request and
// think time, k6's gracefulRampDown) ends; none is cut off, and which VU
// leaves does not depend on which finishes first:
//
//	target 3→1 at t: VU 0 ──────────────────────────── stays
//	                 VU 1 ──iteration──┤ leaves at its end
//	                 VU 2 ──────iteration──────┤ leaves at its end
//
// Global VU k (1-based) is shard (k−1) mod N's VU (k−1) div N, so the
// shards' union is the one machine's run.
type vuPacer struct {
	gate
	profile *stages.Profile
	shard   stages.Shard
	think   time.Duration

	mu   sync.Mutex
	busy []bool // by VU: in flight or thinking
}

func newVUPacer(p *stages.Profile, shard stages.Shard, start time.Time, stop <-chan struct{}, think time.Duration) *vuPacer {
	return &vuPacer{gate: newGate(start, stop), profile: p, shard: shard, think: think}
}

// active is how many of this shard's VUs the profile runs at t.
func (p *vuPacer) active(t time.Duration) int { return p.shard.VUs(p.profile.VUs(t)) }

// next blocks until a VU that may run is idle, and gives it the hit, or
// reports false at the profile's end or a stop.
func (p *vuPacer) next() (hit, bool) {
	total := p.profile.Total()
	for {
		if p.stopped() {
			return hit{}, false
		}
		t := time.Since(p.start)
		if t >= total {
			return hit{}, false
		}
		active := p.active(t)
		p.mu.Lock()
		for len(p.busy) < active {
			p.busy = append(p.busy, false)
		}
		for vu := range active {
			if !p.busy[vu] {
				p.busy[vu] = true
				p.mu.Unlock()
				return hit{vu: vu}, true
			}
		}
		p.mu.Unlock()
		next, ok := p.profile.NextVUIncrease(t, p.shard.Below(active))
		if !ok || next > total {
			next = total
		}
		if !p.sleep(next, true) {
			return hit{}, false
		}
	}
}

// finished: the VU thinks from the response's end, then, its iteration
// over, sends again while the profile still runs it; otherwise it leaves,
// and next hears of its place.
func (p *vuPacer) finished(h hit, end time.Time, think *time.Timer) bool {
	if p.think > 0 {
		think.Reset(p.think - time.Since(end))
		select {
		case <-think.C:
		case <-p.stop:
			think.Stop()
		}
	}
	t := time.Since(p.start)
	if !p.stopped() && t < p.profile.Total() && h.vu < p.active(t) {
		return true
	}
	p.mu.Lock()
	p.busy[h.vu] = false
	p.mu.Unlock()
	p.signal()
	return false
}

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

	k        uint64 // index of this shard's next scheduled request, sent or dropped
	inflight atomic.Int64
	dropped  atomic.Uint64
}

func newRatePacer(p *stages.Profile, shard stages.Shard, start time.Time, stop <-chan struct{}, maxInflight int, drop func(time.Duration)) *ratePacer {
	return &ratePacer{gate: newGate(start, stop), profile: p, step: shard.Step(), k: shard.FirstRequest(),
		maxInflight: int64(maxInflight), drop: drop}
}

// next blocks until the next scheduled request is due and returns its due
// time, or reports false after the last one.
func (p *ratePacer) next() (hit, bool) {
	total := p.profile.Total()
	for {
		due, ok := p.profile.TimeOfIntegral(float64(p.k + 1))
		if !ok || due > total || p.stopped() {
			return hit{}, false
		}
		if due > time.Since(p.start) && !p.sleep(due, false) {
			return hit{}, false
		}
		p.k += p.step
		if p.inflight.Load() >= p.maxInflight {
			p.dropped.Add(1)
			p.drop(due)
			continue
		}
		p.inflight.Add(1)
		return hit{due: due, scheduled: true}, true
	}
}

func (p *ratePacer) finished(hit, time.Time, *time.Timer) bool {
	p.inflight.Add(-1)
	return false
}

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
	// finished is called by a user after each request it sent, ended
	// at end: true tells it to send the next one itself, now. think is
	// the user's own timer.
	finished(end time.Time, think *time.Timer) bool
}

// hit is one request the pacer let go: when it was due (open model).
type hit struct {
	due       time.Duration
	scheduled bool
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

// next blocks until a user is free, or reports false at the profile's
// end or a stop.
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
		p.mu.Lock()
		busy := p.busy
		if busy < p.shard.VUs(p.profile.VUs(t)) {
			p.busy++
			p.mu.Unlock()
			return hit{}, true
		}
		p.mu.Unlock()
		next, ok := p.profile.NextVUIncrease(t, p.shard.Below(busy))
		if !ok || next > total {
			next = total
		}
		if !p.sleep(next, true) {
			return hit{}, false
		}
	}
}

// finished: the user thinks from the response's end, then sends again
// while the profile still has room for it; otherwise it leaves, and next
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

func (p *ratePacer) finished(time.Time, *time.Timer) bool {
	p.inflight.Add(-1)
	return false
}

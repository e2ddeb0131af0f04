package emulator

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lmibench/lmibench/function"
)

// lmi models a function on a Lambda Managed Instances capacity provider.
type lmi struct {
	cfg Config
	ids *idSource

	mu        sync.Mutex
	envs      []*lmiEnv // ready
	pending   int       // starting, ready after the scale-out delay
	inflight  int       // requests running on all environments
	peak      int       // most in flight since the last scaling tick
	lowSince  time.Time // demand below capacity since; zero when not
	lastTick  time.Time
	retired   float64 // CPU used by environments since removed
	lastUsed  float64
	throttles atomic.Int64
	throttled int64 // throttles counted at the last tick
	stop      chan struct{}
	timers    []*time.Timer
}

type lmiEnv struct {
	id       string
	cpu      *cpu
	inflight int
	draining bool // scaled in: takes no new request, goes when empty
}

func newLMI(cfg Config, ids *idSource) *lmi {
	l := &lmi{cfg: cfg, ids: ids, stop: make(chan struct{}), lastTick: time.Now()}
	for range cfg.LMIInitialEnvs {
		l.envs = append(l.envs, l.newEnv())
	}
	go l.scaler()
	return l
}

func (l *lmi) newEnv() *lmiEnv {
	// 2 GiB per vCPU: a 2048 MB environment has one vCPU.
	return &lmiEnv{id: l.ids.next(), cpu: newCPU(1)}
}

// route picks the least busy environment with room. A request finding its
// first pick full is retried on another, so only a provider full
// everywhere throttles it.
func (l *lmi) route() (*lmiEnv, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var best *lmiEnv
	for _, e := range l.envs {
		if !e.draining && e.inflight < l.cfg.LMIMaxConcurrency && (best == nil || e.inflight < best.inflight) {
			best = e
		}
	}
	if best == nil {
		return nil, 0
	}
	best.inflight++
	l.inflight++
	l.peak = max(l.peak, l.inflight)
	return best, best.inflight
}

func (l *lmi) leave(e *lmiEnv) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.inflight--
	l.inflight--
	if e.draining && e.inflight == 0 {
		l.remove(e)
	}
}

// remove takes an environment out. Callers hold mu.
func (l *lmi) remove(e *lmiEnv) {
	for i, x := range l.envs {
		if x == e {
			l.envs = append(l.envs[:i], l.envs[i+1:]...)
			l.retired += e.cpu.usage()
			return
		}
	}
}

// invoke runs one request, or throttles it when every environment is full.
func (l *lmi) invoke(ctx context.Context, w function.Work) (function.Response, error) {
	env, n := l.route()
	if env == nil {
		l.throttles.Add(1)
		return function.Response{}, function.ErrThrottled
	}
	defer l.leave(env)
	start := time.Now()
	err := env.cpu.run(ctx, l.cfg.work(w.HashLoops))
	if err == nil {
		err = sleep(ctx, l.cfg.Overhead+time.Duration(w.DelayMS)*time.Millisecond)
	}
	if err != nil {
		return function.Response{}, err
	}
	return response(w, env.id, false, int64(n), time.Since(start)), nil
}

// scaler looks every tick at the CPU used and the peak concurrency and
// keeps Headroom times the demand in environments: scale-out after the
// delay, scale-in one environment per tick once demand has stayed low.
func (l *lmi) scaler() {
	t := time.NewTicker(l.cfg.real(l.cfg.LMIScaleTick))
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.scale(time.Now())
		case <-l.stop:
			return
		}
	}
}

// scale is one scaling decision at now.
func (l *lmi) scale(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	used := l.retired
	ready := 0
	for _, e := range l.envs {
		used += e.cpu.usage()
		if !e.draining {
			ready++
		}
	}
	secs := now.Sub(l.lastTick).Seconds()
	busy := 0.0 // vCPUs busy on average since the last tick
	if secs > 0 {
		busy = (used - l.lastUsed) / secs
	}
	l.lastUsed, l.lastTick = used, now
	demand := math.Max(busy, float64(l.peak)/float64(l.cfg.LMIMaxConcurrency))
	if t := l.throttles.Load(); t > l.throttled {
		// Saturated: requests found every environment full, so the peak
		// understates demand. Grow by the headroom over what there is.
		l.throttled = t
		demand = math.Max(demand, float64(ready+l.pending))
	}
	l.peak = l.inflight
	desired := int(math.Ceil(demand * l.cfg.LMIHeadroom))
	desired = min(max(desired, l.cfg.LMIInitialEnvs), l.cfg.LMIMaxVCPUs)

	switch have := ready + l.pending; {
	case desired > have:
		l.lowSince = time.Time{}
		for range desired - have {
			l.pending++
			l.timers = append(l.timers, time.AfterFunc(l.cfg.real(l.cfg.LMIScaleOutDelay), l.ready))
		}
	case desired < ready:
		if l.lowSince.IsZero() {
			l.lowSince = now
		}
		if now.Sub(l.lowSince) >= l.cfg.real(l.cfg.LMIScaleInAfter) {
			l.drainOne()
		}
	default:
		l.lowSince = time.Time{}
	}
}

// ready adds an environment whose scale-out delay has passed.
func (l *lmi) ready() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending--
	l.envs = append(l.envs, l.newEnv())
}

// drainOne scales in the least busy environment. Callers hold mu.
func (l *lmi) drainOne() {
	var pick *lmiEnv
	for _, e := range l.envs {
		if !e.draining && (pick == nil || e.inflight < pick.inflight) {
			pick = e
		}
	}
	if pick == nil {
		return
	}
	pick.draining = true
	if pick.inflight == 0 {
		l.remove(pick)
	}
}

// counts are the environments serving (not draining) and the instances
// they need: the first environments each on their own instance, then as
// many to an instance as it holds (envsPerInstance).
func (l *lmi) counts() (envs, instances int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.envs {
		if !e.draining {
			envs++
		}
	}
	total := len(l.envs) + l.pending
	instances = max(min(total, l.cfg.LMIInitialEnvs), int(math.Ceil(float64(total)/float64(l.cfg.envsPerInstance()))))
	return envs, instances
}

func (l *lmi) close() {
	close(l.stop)
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, t := range l.timers {
		t.Stop()
	}
}

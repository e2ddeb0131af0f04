package emulator

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lmibench/lmibench/function"
)

// accountLimit counts busy standard environments across functions.
type accountLimit struct {
	max  int64
	busy atomic.Int64
}

func (a *accountLimit) acquire() bool {
	if a.busy.Add(1) > a.max {
		a.busy.Add(-1)
		return false
	}
	return true
}

func (a *accountLimit) release() { a.busy.Add(-1) }

// standard models a function on Lambda's standard execution model: one
// request per execution environment at a time.
type standard struct {
	cfg     Config
	speed   float64 // vCPUs of an environment: memory / 1,769 MB, at most 1 used
	account *accountLimit
	ids     *idSource

	mu        sync.Mutex
	idle      []*stdEnv // most recently used last: reused first, as Lambda does
	envs      int       // alive, busy or idle
	throttles atomic.Int64
	colds     atomic.Int64
}

type stdEnv struct {
	id      string
	cpu     *cpu
	expires *time.Timer // while idle
}

func newStandard(cfg Config, memoryMB int, account *accountLimit, ids *idSource) *standard {
	return &standard{cfg: cfg, speed: float64(memoryMB) / cfg.MBPerVCPU, account: account, ids: ids}
}

// take reuses the warmest idle environment or starts a new one.
func (s *standard) take() (env *stdEnv, cold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.idle); n > 0 {
		env = s.idle[n-1]
		s.idle = s.idle[:n-1]
		env.expires.Stop()
		return env, false
	}
	s.envs++
	return &stdEnv{id: s.ids.next(), cpu: newCPU(math.Min(1, s.speed))}, true
}

// put returns an environment to the idle pool until its warm period ends.
func (s *standard) put(env *stdEnv) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idle = append(s.idle, env)
	env.expires = time.AfterFunc(s.cfg.real(s.cfg.IdleTimeout), func() { s.expire(env) })
}

func (s *standard) expire(env *stdEnv) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range s.idle {
		if e == env {
			s.idle = append(s.idle[:i], s.idle[i+1:]...)
			s.envs--
			return
		}
	}
}

// invoke runs one request, or throttles it above the account limit.
func (s *standard) invoke(ctx context.Context, w function.Work) (function.Response, error) {
	if !s.account.acquire() {
		s.throttles.Add(1)
		return function.Response{}, function.ErrThrottled
	}
	defer s.account.release()
	env, cold := s.take()
	if cold {
		s.colds.Add(1)
		if err := sleep(ctx, s.cfg.ColdStart); err != nil {
			s.drop()
			return function.Response{}, err
		}
	}
	start := time.Now()
	err := env.cpu.run(ctx, s.cfg.work(w.HashLoops))
	if err == nil {
		err = sleep(ctx, s.cfg.Overhead+time.Duration(w.DelayMS)*time.Millisecond)
	}
	if err != nil {
		s.drop() // a request cut short takes its environment down with it
		return function.Response{}, err
	}
	s.put(env)
	return response(w, env.id, cold, 1, time.Since(start)), nil
}

func (s *standard) drop() {
	s.mu.Lock()
	s.envs--
	s.mu.Unlock()
}

// count is the environments alive now.
func (s *standard) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.envs
}

func (s *standard) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.idle {
		e.expires.Stop()
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func response(w function.Work, env string, cold bool, inflight int64, took time.Duration) function.Response {
	return function.Response{Message: "hello", DelayMS: w.DelayMS, HashLoops: w.HashLoops, EnvID: env,
		ColdStart: cold, Inflight: inflight, HandlerMS: math.Round(float64(took.Microseconds())) / 1000}
}

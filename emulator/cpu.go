package emulator

import (
	"context"
	"math"
	"sync"
	"time"
)

// cpu is one execution environment's processor, shared by the requests
// running on it (processor sharing): with k CPU-bound requests on an
// environment of s vCPUs, each progresses at min(1, s/k) of a vCPU, since a
// single-threaded handler cannot use more than one.
//
//	work 90 ms each, s = 1:   1 request → 90 ms;   64 requests → all ≈ 5.8 s
//
// The work is not burned on this machine: the cpu only keeps time, so the
// load generator's own measurements stay clean.
type cpu struct {
	speed float64 // vCPUs of the environment

	mu    sync.Mutex
	jobs  map[*job]struct{}
	last  time.Time
	timer *time.Timer
	used  float64 // vCPU-seconds consumed, for utilisation
}

type job struct {
	remaining float64 // CPU-seconds at one full vCPU
	done      chan struct{}
}

func newCPU(speed float64) *cpu { return &cpu{speed: speed, jobs: map[*job]struct{}{}} }

// rate is each job's share of a vCPU with k jobs running.
func (c *cpu) rate(k int) float64 {
	if k == 0 {
		return 0
	}
	return math.Min(1, c.speed/float64(k))
}

// advance charges the time since last to the running jobs. Callers hold mu.
func (c *cpu) advance(now time.Time) {
	if !c.last.IsZero() && len(c.jobs) > 0 {
		dt := now.Sub(c.last).Seconds()
		r := c.rate(len(c.jobs))
		for j := range c.jobs {
			j.remaining -= dt * r
		}
		c.used += dt * r * float64(len(c.jobs))
	}
	c.last = now
}

// reschedule finishes the jobs that are done and sets the timer for the
// next one to finish. Callers hold mu.
func (c *cpu) reschedule(now time.Time) {
	const eps = 1e-9
	next := math.Inf(1)
	for j := range c.jobs {
		if j.remaining <= eps {
			delete(c.jobs, j)
			close(j.done)
			continue
		}
		next = math.Min(next, j.remaining)
	}
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if len(c.jobs) == 0 {
		return
	}
	wait := time.Duration(math.Ceil(next / c.rate(len(c.jobs)) * float64(time.Second)))
	c.timer = time.AfterFunc(wait, c.tick)
}

func (c *cpu) tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	c.advance(now)
	c.reschedule(now)
}

// run spends work CPU-seconds (at one vCPU) on this cpu, sharing it with
// whatever else runs, and returns when done or when ctx ends.
func (c *cpu) run(ctx context.Context, work float64) error {
	if work <= 0 {
		return nil
	}
	j := &job{remaining: work, done: make(chan struct{})}
	c.mu.Lock()
	now := time.Now()
	c.advance(now)
	c.jobs[j] = struct{}{}
	c.reschedule(now)
	c.mu.Unlock()
	select {
	case <-j.done:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		now := time.Now()
		c.advance(now)
		delete(c.jobs, j)
		c.reschedule(now)
		c.mu.Unlock()
		return ctx.Err()
	}
}

// usage returns the vCPU-seconds used so far.
func (c *cpu) usage() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(time.Now())
	return c.used
}

package bench

import (
	"context"
	"fmt"
	"time"
)

// LateStart is a shard that would start later than its tolerance past the
// shared start (At): its share of the load would come late, so it sends
// nothing.
type LateStart struct {
	At              time.Time
	Late, Tolerance time.Duration
}

func (e *LateStart) Error() string {
	return fmt.Sprintf("late for the start at %s: %s past it, more than the tolerance of %s; this shard sends nothing",
		e.At.UTC().Format(time.RFC3339), e.Late.Round(time.Millisecond), e.Tolerance)
}

// CheckStart refuses a start that is already more than tolerance past at.
func CheckStart(at time.Time, tolerance time.Duration, now time.Time) error {
	if late := now.Sub(at); late > tolerance {
		return &LateStart{At: at, Late: late, Tolerance: tolerance}
	}
	return nil
}

// waitForStart waits until cfg.StartAt, counting down on the log (every
// second on a terminal, every 10 s otherwise), and refuses a start that
// came too late. It returns ctx's error when the user interrupts the wait.
func waitForStart(ctx context.Context, cfg *Config) error {
	if err := CheckStart(cfg.StartAt, cfg.StartTolerance, time.Now()); err != nil {
		return err
	}
	every := 10 * time.Second
	if cfg.Live {
		every = time.Second
	}
	shard := ""
	if !cfg.Shard.Whole() {
		shard = fmt.Sprintf(" (shard %s)", cfg.Shard)
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	start := time.NewTimer(time.Until(cfg.StartAt))
	defer start.Stop()
	for {
		if left := time.Until(cfg.StartAt); left > 0 && !cfg.Quiet {
			fmt.Fprintf(cfg.Log, "lmibench: starting at %s%s, in %s\n", cfg.StartAt.UTC().Format(time.RFC3339Nano), shard, left.Round(time.Second))
		}
		select {
		case <-start.C:
			return nil
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

package platform

import (
	"context"
	"time"
)

// Platform is what the scenarios of a run go against. The scenario loop
// calls Prepare before each scenario, runs the load against Targets while
// Observe watches, and calls Close at the end of the run:
//
//	plain targets:  Prepare does nothing; nothing is observed
//	local target:   Prepare starts a fresh emulator (or function) on
//	                loopback; Observe samples its environments and instances
//	deployed stack: Prepare waits for the capacity provider to scale in
//	                (from the second scenario on); Observe samples its
//	                instances and fetches CloudWatch series
type Platform interface {
	// Describe says in one line what the scenarios run against.
	Describe() string
	// Prepare readies the next scenario. It returns ctx's error when the
	// user interrupts it (a long scale-in wait, say).
	Prepare(ctx context.Context) error
	// Targets are the endpoints of the prepared scenario.
	Targets() []Target
	// Observe starts watching a scenario whose load began at start. The
	// function it returns, called once the load has ended, stops watching
	// and gives the series to save beside the run; nil means none.
	Observe(start time.Time) (stop func(end time.Time) ([]Series, error))
	// Close releases what the platform holds (a local server, say).
	Close() error
}

// Fixed is a platform of endpoints given by the user: nothing to prepare,
// nothing to observe.
type Fixed []Target

var _ Platform = Fixed(nil)

// Describe names the endpoints.
func (f Fixed) Describe() string { return "the endpoints given with --target" }

// Prepare does nothing: the endpoints are already there.
func (Fixed) Prepare(context.Context) error { return nil }

// Targets are the endpoints.
func (f Fixed) Targets() []Target { return f }

// Observe observes nothing.
func (Fixed) Observe(time.Time) func(time.Time) ([]Series, error) {
	return func(time.Time) ([]Series, error) { return nil, nil }
}

// Close does nothing.
func (Fixed) Close() error { return nil }

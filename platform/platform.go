package platform

import (
	"context"
	"encoding/json"
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
	// Info is the same for the run's sidecar.
	Info() Info
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

// Kinds of platform, as Info names them.
const (
	KindTargets  = "targets"  // endpoints given by the user
	KindEmulator = "emulator" // the local Lambda emulator
	KindFunction = "function" // the real handler on loopback
	KindStack    = "stack"    // a deployed stack of infra/template.yaml
)

// Info says what a run went against, for its sidecar: enough to tell an
// emulated run from a deployed one, and to fetch a deployed run's delayed
// series again later.
type Info struct {
	Kind   string `json:"target"`
	Stack  string `json:"stack,omitempty"`
	Region string `json:"region,omitempty"`
	// Observed names what was watched of the platform besides the
	// requests, e.g. "capacity-provider instances", "CloudWatch".
	Observed []string `json:"observed,omitempty"`
	// CloudWatch names the metrics observed of a stack (infra.Metrics).
	CloudWatch json.RawMessage `json:"cloudwatch,omitempty"`
	// Emulator holds every parameter of the emulator's models, defaults
	// included (emulator.Config).
	Emulator json.RawMessage `json:"emulator,omitempty"`
}

// Delayed is a platform some of whose series are complete only a while
// after a scenario has ended: CloudWatch publishes each period minutes
// after it closes.
type Delayed interface {
	// ReadyAt is when the delayed series of a scenario that ended at end
	// are first worth fetching: they may still change after it.
	ReadyAt(end time.Time) time.Time
	// FinalAt is the latest they are waited for: fetched again until two
	// fetches agree, they are taken as they are once FinalAt has passed.
	FinalAt(end time.Time) time.Time
	// Delayed fetches the delayed series of the scenario observed from
	// start to end.
	Delayed(ctx context.Context, start, end time.Time) ([]Series, error)
}

// Fixed is a platform of endpoints given by the user: nothing to prepare,
// nothing to observe.
type Fixed []Target

var _ Platform = Fixed(nil)

// Describe names the endpoints.
func (f Fixed) Describe() string { return "the endpoints given with --target" }

// Info says the endpoints were the user's.
func (Fixed) Info() Info { return Info{Kind: KindTargets} }

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

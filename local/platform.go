package local

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lmibench/lmibench/emulator"
	"github.com/lmibench/lmibench/platform"
)

// Platform is the local target as the scenarios' platform: each scenario
// gets a fresh server on a free loopback port, so it starts from an idle
// platform, as a deployed run does after its scale-in wait.
type Platform struct {
	emulate bool
	cfg     emulator.Config
	srv     *Server
}

var _ platform.Platform = (*Platform)(nil)

// NewPlatform is the emulator with cfg when emulate is set, else the real
// function handler.
func NewPlatform(emulate bool, cfg emulator.Config) *Platform {
	return &Platform{emulate: emulate, cfg: cfg}
}

// Kind says which local target emulate and cfg make.
func Kind(emulate bool, cfg emulator.Config) string {
	if !emulate {
		return "the real function handler (CPU burned on this machine)"
	}
	return fmt.Sprintf("the Lambda emulator (128 MB and 2048 MB standard, 2048 MB LMI; --emu-time-scale %g)", cfg.TimeScale)
}

// Info records which local target this is, and every emulator parameter.
func (p *Platform) Info() platform.Info {
	if !p.emulate {
		return platform.Info{Kind: platform.KindFunction}
	}
	cfg, err := json.Marshal(p.cfg)
	if err != nil {
		panic(err) // numbers and durations always marshal
	}
	return platform.Info{Kind: platform.KindEmulator, Emulator: cfg}
}

// Describe says which local target this is, and where.
func (p *Platform) Describe() string { return Kind(p.emulate, p.cfg) + " on 127.0.0.1" }

// Prepare replaces the previous scenario's server with a fresh one.
func (p *Platform) Prepare(context.Context) error {
	if err := p.Close(); err != nil {
		return err
	}
	srv, err := Start("127.0.0.1:0", p.emulate, p.cfg)
	if err != nil {
		return err
	}
	p.srv = srv
	return nil
}

// Targets are the three functions on the current server.
func (p *Platform) Targets() []platform.Target {
	if p.srv == nil {
		return nil
	}
	return p.srv.Targets()
}

// Observe samples the emulator's environments, instances and throttles;
// the real function reports nothing.
func (p *Platform) Observe(start time.Time) func(time.Time) ([]platform.Series, error) {
	if p.srv == nil || p.srv.emu == nil {
		return func(time.Time) ([]platform.Series, error) { return nil, nil }
	}
	return p.srv.emu.Observe(start)
}

// Close stops the current server.
func (p *Platform) Close() error {
	if p.srv == nil {
		return nil
	}
	err := p.srv.Close()
	p.srv = nil
	return err
}

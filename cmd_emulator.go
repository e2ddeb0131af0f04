package main

import (
	"fmt"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/bench"
	"github.com/lmibench/lmibench/emulator"
	"github.com/lmibench/lmibench/function"
)

// Local targets of `run` and `serve`.
const (
	localEmulator = "emulator" // the Lambda models (default)
	localFunction = "function" // the real handler, CPU burned on this machine
)

// emuFlags set the emulator's models; the defaults and their sources are
// documented in emulator.Config and README.
func emuFlags() []cli.Flag {
	d := emulator.Defaults()
	dur := func(name string, v time.Duration, usage string) cli.Flag {
		return &cli.DurationFlag{Name: name, Value: v, EnvVars: env(name), Usage: usage, Category: "local emulator"}
	}
	num := func(name string, v int, usage string) cli.Flag {
		return &cli.IntFlag{Name: name, Value: v, EnvVars: env(name), Usage: usage, Category: "local emulator"}
	}
	flt := func(name string, v float64, usage string) cli.Flag {
		return &cli.Float64Flag{Name: name, Value: v, EnvVars: env(name), Usage: usage, Category: "local emulator"}
	}
	return []cli.Flag{
		&cli.StringFlag{Name: "local", Value: localEmulator, EnvVars: env("local"), Category: "local emulator",
			Usage: "local target without --target/--stack: emulator (Lambda's standard and LMI models) or function (the real handler, CPU burned here)"},
		flt("emu-time-scale", d.TimeScale, "compress the platform's clock (scale-out, warm periods, scaling ticks): 10 = ten seconds a second"),
		dur("emu-hash-loop-cost", d.HashLoopCost, "CPU time of one hash loop at one vCPU (calibrated on the original's 2048 MB high-cpu p99)"),
		dur("emu-overhead", d.Overhead, "fixed handler time per request"),
		dur("emu-cold-start", d.ColdStart, "standard: init of a new execution environment"),
		dur("emu-idle-timeout", d.IdleTimeout, "standard: how long an idle environment stays warm (platform time)"),
		num("emu-account-concurrency", d.AccountConcurrency, "standard: busy environments across functions before 429"),
		flt("emu-mb-per-vcpu", d.MBPerVCPU, "standard: memory that buys one full vCPU"),
		num("emu-lmi-max-concurrency", d.LMIMaxConcurrency, "LMI: requests per environment at once"),
		num("emu-lmi-initial-envs", d.LMIInitialEnvs, "LMI: environments (and instances) a published version starts with"),
		num("emu-lmi-envs-per-instance", d.LMIEnvsPerInstance, "LMI: 1-vCPU environments per instance (c8g.xlarge: 4)"),
		num("emu-lmi-max-vcpus", d.LMIMaxVCPUs, "LMI: the capacity provider's vCPU cap"),
		flt("emu-lmi-headroom", d.LMIHeadroom, "LMI: capacity kept over demand (2: traffic may double)"),
		dur("emu-lmi-scale-out-delay", d.LMIScaleOutDelay, "LMI: time for a new environment to be ready (platform time)"),
		dur("emu-lmi-scale-tick", d.LMIScaleTick, "LMI: how often the scaler looks (platform time)"),
		dur("emu-lmi-scale-in-after", d.LMIScaleInAfter, "LMI: low demand this long before scale-in, one environment a tick (platform time)"),
	}
}

// emuConfig reads the emulator's flags.
func emuConfig(c *cli.Context) (emulator.Config, error) {
	cfg := emulator.Config{
		TimeScale: c.Float64("emu-time-scale"), HashLoopCost: c.Duration("emu-hash-loop-cost"), Overhead: c.Duration("emu-overhead"),
		ColdStart: c.Duration("emu-cold-start"), IdleTimeout: c.Duration("emu-idle-timeout"),
		AccountConcurrency: c.Int("emu-account-concurrency"), MBPerVCPU: c.Float64("emu-mb-per-vcpu"),
		LMIMaxConcurrency: c.Int("emu-lmi-max-concurrency"), LMIInitialEnvs: c.Int("emu-lmi-initial-envs"),
		LMIEnvsPerInstance: c.Int("emu-lmi-envs-per-instance"), LMIMaxVCPUs: c.Int("emu-lmi-max-vcpus"),
		LMIHeadroom: c.Float64("emu-lmi-headroom"), LMIScaleOutDelay: c.Duration("emu-lmi-scale-out-delay"),
		LMIScaleTick: c.Duration("emu-lmi-scale-tick"), LMIScaleInAfter: c.Duration("emu-lmi-scale-in-after"),
	}
	if err := cfg.Validate(); err != nil {
		return cfg, badInput("%s", oneLine(err))
	}
	return cfg, nil
}

// localTarget is what `run` and `serve` serve on loopback: the emulator
// (a fresh platform for each scenario, as after a scale-in wait) or the
// real function.
type localTarget struct {
	emulate bool
	cfg     emulator.Config
}

// newLocalTarget checks the flags of the local target.
func newLocalTarget(c *cli.Context) (*localTarget, error) {
	switch kind := c.String("local"); kind {
	case localFunction:
		return &localTarget{}, nil
	case localEmulator:
		cfg, err := emuConfig(c)
		if err != nil {
			return nil, err
		}
		return &localTarget{emulate: true, cfg: cfg}, nil
	default:
		return nil, badInput("--local: %q is neither %s nor %s", kind, localEmulator, localFunction)
	}
}

// localServer is a started local target.
type localServer struct {
	*bench.Local
	emu *emulator.Emulator // nil for the real function
}

// start serves a new instance of the target on addr.
func (l *localTarget) start(addr string) (*localServer, error) {
	var h http.Handler = function.NewLocalMux()
	var emu *emulator.Emulator
	if l.emulate {
		var err error
		if emu, err = emulator.New(l.cfg); err != nil {
			return nil, err
		}
		h = emu.Handler()
	}
	srv, err := bench.StartLocal(addr, h)
	if err != nil {
		if emu != nil {
			emu.Close()
		}
		return nil, err
	}
	return &localServer{Local: srv, emu: emu}, nil
}

// Close stops the server and the emulator's platform.
func (s *localServer) Close() error {
	err := s.Local.Close()
	if s.emu != nil {
		s.emu.Close()
	}
	return err
}

func (l *localTarget) describe() string {
	if !l.emulate {
		return "the real function handler (CPU burned on this machine)"
	}
	return fmt.Sprintf("the Lambda emulator (128 MB and 2048 MB standard, 2048 MB LMI; --emu-time-scale %g)", l.cfg.TimeScale)
}

// planLocal builds the local target when the run has no other, and refuses
// emulator flags given with --target or --stack.
func planLocal(c *cli.Context, p *plan) error {
	if p.targets != nil {
		for _, f := range emuFlags() {
			if name := f.Names()[0]; c.IsSet(name) {
				return badInput("--%s: only applies to the local target (no --target, no --stack)", name)
			}
		}
		return nil
	}
	local, err := newLocalTarget(c)
	if err != nil {
		return err
	}
	p.local = local
	return nil
}

package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/bench"
	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/infra"
	"github.com/lmibench/lmibench/stages"
)

// env is the environment variable that also sets a flag: LMIBENCH_<FLAG>.
func env(flag string) []string {
	return []string{"LMIBENCH_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))}
}

func runFlags() []cli.Flag {
	w := bench.DefaultWorkloads
	return []cli.Flag{
		&cli.StringFlag{Name: "scenario", Value: bench.ScenarioAll, EnvVars: env("scenario"),
			Usage: "fast-io, slow-io, low-cpu, high-cpu, or all (one after another, one CSV each)"},
		&cli.IntFlag{Name: "io-fast-delay-ms", Value: w.FastDelayMS, EnvVars: env("io-fast-delay-ms"), Usage: "delay_ms of fast-io (max 15000)"},
		&cli.IntFlag{Name: "io-slow-delay-ms", Value: w.SlowDelayMS, EnvVars: env("io-slow-delay-ms"), Usage: "delay_ms of slow-io (max 15000)"},
		&cli.IntFlag{Name: "cpu-low-hash-loops", Value: w.LowHashLoops, EnvVars: env("cpu-low-hash-loops"), Usage: "hash_loops of low-cpu (max 1000000)"},
		&cli.IntFlag{Name: "cpu-high-hash-loops", Value: w.HighHashLoops, EnvVars: env("cpu-high-hash-loops"), Usage: "hash_loops of high-cpu (max 1000000)"},
		&cli.StringFlag{Name: "stage-targets", EnvVars: env("stage-targets"),
			Usage: "comma-separated targets, one stage each lasting --duration, e.g. 20,20,40 (default: 0→64 over 3m, 64 for 6m, 64→128 over 3m)"},
		&cli.DurationFlag{Name: "duration", Value: 30 * time.Second, EnvVars: env("duration"), Usage: "length of each stage of --stage-targets"},
		&cli.StringFlag{Name: "stages-json", EnvVars: env("stages-json"),
			Usage: `k6 stages, e.g. '[{"duration":"3m","target":64},{"duration":"6m","target":64}]'`},
		&cli.StringFlag{Name: "load-model", Value: string(attack.VUs), EnvVars: env("load-model"),
			Usage: "vus: targets are virtual users (closed model, k6 ramping-vus); rate: targets are req/s (open model, k6 ramping-arrival-rate)"},
		&cli.DurationFlag{Name: "think", Value: attack.DefaultThink, EnvVars: env("think"), Usage: "pause of each VU after each response (vus model)"},
		&cli.IntFlag{Name: "max-inflight", Value: attack.DefaultMaxInflight, EnvVars: env("max-inflight"),
			Usage: "cap of requests in flight per endpoint (rate model); requests over it are recorded as dropped"},
		&cli.DurationFlag{Name: "timeout", Value: attack.DefaultTimeout, EnvVars: env("timeout"), Usage: "per request"},
		&cli.DurationFlag{Name: "graceful-stop", Value: attack.DefaultGracefulStop, EnvVars: env("graceful-stop"),
			Usage: "how long in-flight requests may finish after the last stage or an interrupt"},
		&cli.StringSliceFlag{Name: "target", EnvVars: env("target"),
			Usage: "NAME=URL to benchmark instead of the local target; repeatable"},
		&cli.StringFlag{Name: "output-dir", Value: "results", EnvVars: env("output-dir"), Usage: "where each scenario's CSV and JSON sidecar go"},
		&cli.StringFlag{Name: "csv", EnvVars: env("csv"),
			Usage: "also stream every row as CSV to this file; - is stdout (one header, all scenarios)"},
	}
}

func runCommand(e appEnv) *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "run scenarios of staged load and record every request",
		Description: "Without --target or --stack, benchmarks a local target on 127.0.0.1 (by default the Lambda emulator): " +
			strings.Join(endpointNames(), ", ") + ".",
		OnUsageError: usageError,
		Flags:        append(append(runFlags(), stackFlags()...), emuFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return badInput("run takes no arguments, got %q", c.Args().First())
			}
			plan, err := planRun(c)
			if err != nil {
				return err
			}
			if err := planStack(c, plan, e); err != nil {
				return err
			}
			if err := planLocal(c, plan); err != nil {
				return err
			}
			return execute(plan, e)
		},
	}
}

func endpointNames() []string {
	var out []string
	for _, e := range function.Endpoints {
		out = append(out, e.Name+" ("+e.Path+")")
	}
	return out
}

// plan is a validated run, ready to go.
type plan struct {
	scenarios []bench.Scenario
	targets   []bench.Target // nil: the local target
	base      bench.Options
	csvOut    string
	scaleIn   *infra.ScaleInWait // between scenarios, when --stack asks for it
	local     *localTarget       // when neither --target nor --stack
}

// planRun checks every flag before anything is sent and maps them onto
// bench.Options. Every refusal is one line naming the flag.
func planRun(c *cli.Context) (*plan, error) {
	w := bench.Workloads{
		FastDelayMS: c.Int("io-fast-delay-ms"), SlowDelayMS: c.Int("io-slow-delay-ms"),
		LowHashLoops: c.Int("cpu-low-hash-loops"), HighHashLoops: c.Int("cpu-high-hash-loops"),
	}
	if err := w.Validate(); err != nil {
		return nil, badInput("%v", err)
	}
	scenarios, err := w.Select(c.String("scenario"))
	if err != nil {
		return nil, badInput("%v", err)
	}
	model := attack.Model(c.String("load-model"))
	if model != attack.VUs && model != attack.Rate {
		return nil, badInput("--load-model: %q is neither %s nor %s", model, attack.VUs, attack.Rate)
	}
	ss, err := stagesFromFlags(c)
	if err != nil {
		return nil, err
	}
	if _, err := stages.New(ss, model == attack.VUs); err != nil {
		return nil, badInput("stages: %s", oneLine(err))
	}
	for _, d := range []struct {
		flag string
		min  time.Duration
	}{{"think", 0}, {"timeout", time.Millisecond}, {"graceful-stop", 0}} {
		if v := c.Duration(d.flag); v < d.min {
			return nil, badInput("--%s: %s must be at least %s", d.flag, v, d.min)
		}
	}
	if n := c.Int("max-inflight"); n < 1 {
		return nil, badInput("--max-inflight: %d must be at least 1", n)
	}
	p := &plan{scenarios: scenarios, csvOut: c.String("csv")}
	for _, raw := range c.StringSlice("target") {
		t, err := bench.ParseTarget(raw)
		if err != nil {
			return nil, badInput("%v", err)
		}
		p.targets = append(p.targets, t)
	}
	if p.targets != nil && c.IsSet("stack") {
		return nil, badInput("--target and --stack: give one or the other")
	}
	if p.targets != nil {
		if err := bench.CheckTargets(p.targets); err != nil {
			return nil, badInput("%v", err)
		}
	}
	p.base = bench.Options{
		Stages: ss, Model: model, Think: c.Duration("think"), MaxInflight: c.Int("max-inflight"),
		Timeout: c.Duration("timeout"), GracefulStop: c.Duration("graceful-stop"),
		OutputDir: c.String("output-dir"), LogEvery: 10 * time.Second,
		Version: appVersion(), Flags: setFlags(c, p.targets),
	}
	if err := bench.CheckOutputDir(p.base.OutputDir); err != nil {
		return nil, badInput("%v", err)
	}
	if p.csvOut != "" && p.csvOut != "-" {
		if err := checkWritable(p.csvOut); err != nil {
			return nil, badInput("--csv: %v", err)
		}
	}
	return p, nil
}

func stagesFromFlags(c *cli.Context) ([]stages.Stage, error) {
	targets, js := c.String("stage-targets"), c.String("stages-json")
	switch {
	case c.IsSet("stage-targets") && c.IsSet("stages-json"):
		return nil, badInput("--stage-targets and --stages-json: give one or the other")
	case c.IsSet("duration") && !c.IsSet("stage-targets"):
		return nil, badInput("--duration: only applies with --stage-targets")
	case c.IsSet("stage-targets"):
		ss, err := stages.ParseTargets(targets, c.Duration("duration"))
		if err != nil {
			return nil, badInput("--stage-targets: %s", oneLine(err))
		}
		return ss, nil
	case c.IsSet("stages-json"):
		ss, err := stages.ParseJSON(js)
		if err != nil {
			return nil, badInput("--stages-json: %s", oneLine(err))
		}
		return ss, nil
	}
	return stages.Default(), nil
}

// oneLine joins a multi-error onto one line.
func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// setFlags records the flags the user set, for the sidecar; the targets,
// already parsed, are written with their URLs redacted.
func setFlags(c *cli.Context, targets []bench.Target) map[string]string {
	out := map[string]string{}
	for _, name := range c.FlagNames() {
		if c.IsSet(name) {
			out[name] = fmt.Sprint(c.Value(name))
		}
	}
	if _, ok := out["target"]; ok { // URLs may hold credentials
		var red []string
		for _, tg := range targets {
			red = append(red, tg.Name+"="+bench.Redact(tg.URL))
		}
		out["target"] = strings.Join(red, " ")
	}
	return out
}

func checkWritable(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// isTerminal reports whether w is a terminal, for in-place progress.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

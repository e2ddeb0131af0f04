package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/bench"
	"github.com/lmibench/lmibench/cost"
	"github.com/lmibench/lmibench/infra"
	"github.com/lmibench/lmibench/local"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/s3dir"
	"github.com/lmibench/lmibench/stages"
)

const runExamples = `EXAMPLES:
   # 30 seconds against the local emulator: ramp 0→8 VUs, hold 8, ramp 8→16
   lmibench run --scenario fast-io --stage-targets 8,8,16 --duration 10s

   # the same with k6's stage shorthand
   lmibench run --scenario fast-io -s 10s:8 -s 10s:8 -s 10s:16

   # the functions of lmibench serve, open model at 50→200 req/s
   lmibench run --scenario fast-io --load-model rate --stage-targets 50,200 --duration 30s --workload-query \
     --target a=http://127.0.0.1:8080/default/128/hello --target b=http://127.0.0.1:8080/lmi/2048/hello

   # the deployed stack of infra/template.yaml, every scenario, with CloudWatch series
   lmibench run --stack lmibench --cloudwatch-concurrency

   # an authenticated API: POST with a header and a body, or a vegeta targets file
   lmibench run --scenario fast-io -s 30s:10 --target orders=https://api.example.com/orders \
     --method POST -H "Authorization: Bearer $TOKEN" --body @order.json
   lmibench run --scenario fast-io -s 30s:10 --targets targets.txt

   # stream every row to stdout while the files are written
   lmibench run --scenario high-cpu --stage-targets 8 --duration 10s --csv - -q > rows.csv`

// preflightTimeout bounds the connection check of all endpoints.
const preflightTimeout = 30 * time.Second

// longRun is how long a run may be before it says, ahead, how to shorten it.
const longRun = 10 * time.Minute

func runCommand(e appEnv) *cli.Command {
	return &cli.Command{
		Name:         "run",
		Usage:        "run scenarios of staged load and record every request",
		Description:  "Without --target or --stack, run benchmarks the built-in Lambda emulator on 127.0.0.1: " + functionList() + ".\n\n" + runExamples,
		OnUsageError: usageError,
		Flags:        append(append(append(runFlags(), stackFlags()...), emuFlags()...), costFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return badInput("run takes no arguments, got %q", c.Args().First())
			}
			cfg, err := planRun(c, e)
			if err != nil {
				return err
			}
			ctx, cut, release := interruptContexts(e.interrupts)
			defer release()
			out, err := bench.Run(ctx, cut, cfg)
			var late *bench.LateStart
			switch {
			case errors.As(err, &late):
				return refuse(err)
			case err != nil:
				return &exitError{code: exitFailure, err: err}
			case out.Interrupted:
				return &exitError{code: exitInterrupted, err: fmt.Errorf("interrupted; every row received was written")}
			case out.Aborted != "":
				return &exitError{code: exitThresholds, err: fmt.Errorf("threshold %s failed: the run was ended early (--abort-on-fail); every row received was written", out.Aborted)}
			case out.Failed() > 0:
				return &exitError{code: exitThresholds, err: fmt.Errorf("%d threshold checks failed (see the table above)", out.Failed())}
			case out.Sent == 0 && cfg.Shard.Empty(cfg.Profile, cfg.Model == stages.VUs):
				fmt.Fprintf(e.stderr, "lmibench: shard %s's share of the profile is nothing (%s), so it sent nothing: done\n", cfg.Shard, cfg.Model.Unit())
				return nil
			case out.Sent == 0:
				return &exitError{code: exitNoSuccess, err: fmt.Errorf("no request was sent: the profile gave no virtual user (or request) time to start before its end; lengthen the stages")}
			case out.Succeeded == 0:
				return &exitError{code: exitNoSuccess, err: fmt.Errorf("no request succeeded (see the table above)")}
			}
			return nil
		},
	}
}

// functionList names the local target's functions and their paths.
func functionList() string {
	var out []string
	for _, f := range platform.Functions {
		out = append(out, f.Name+" ("+f.Path+")")
	}
	return strings.Join(out, ", ")
}

// planRun checks every flag before anything is sent and maps them onto a
// bench.Config. Every refusal is one line naming the flag.
func planRun(c *cli.Context, e appEnv) (*bench.Config, error) {
	w := bench.Workloads{
		FastDelayMS: c.Int("io-fast-delay-ms"), SlowDelayMS: c.Int("io-slow-delay-ms"),
		LowHashLoops: c.Int("cpu-low-hash-loops"), HighHashLoops: c.Int("cpu-high-hash-loops"),
	}
	if err := w.Validate(); err != nil {
		return nil, refuse(err)
	}
	scenarios, err := w.Select(c.String("scenario"))
	if err != nil {
		return nil, refuse(err)
	}
	model := stages.Model(c.String("load-model"))
	switch {
	case c.IsSet("rate") && c.IsSet("load-model") && model != stages.Rate:
		return nil, badInput("--rate is the open model's: not with --load-model %s", model)
	case c.IsSet("vus") && c.IsSet("load-model") && model != stages.VUs:
		return nil, badInput("--vus is the closed model's: not with --load-model %s", model)
	case c.IsSet("rate"):
		model = stages.Rate
	}
	if c.Bool("skip-test") {
		return nil, badInput("--skip-test: to rebuild the report of earlier runs without sending load: lmibench report results/*.csv")
	}
	if model != stages.VUs && model != stages.Rate {
		return nil, badInput("--load-model: %q is neither %s nor %s", model, stages.VUs, stages.Rate)
	}
	opts := attack.Options{Model: model, Think: durationOf(c, "think"), MaxInflight: c.Int("max-inflight"),
		Timeout: durationOf(c, "timeout"), GracefulStop: durationOf(c, "graceful-stop"), Redirects: c.Int("redirects"),
		Client: attack.Client(c.String("http-client")), HTTP2: c.Bool("http2"), MaxHeaderBytes: c.Int("max-response-header")}
	if err := opts.Validate(); err != nil {
		return nil, refuse(err)
	}
	ss, err := stagesFromFlags(c)
	if err != nil {
		return nil, err
	}
	prof, err := stages.New(ss, model == stages.VUs)
	if err != nil {
		return nil, badInput("stages: %s", oneLine(err))
	}
	targets, err := userTargets(c, e.stdin)
	if err != nil {
		return nil, err
	}
	if targets != nil && !c.IsSet("scenario") && !c.Bool("workload-query") {
		// The user's own endpoints: one run of their requests, no Lambda
		// workload (--scenario still applies when given).
		scenarios = []bench.Scenario{bench.AsGivenRun(targets)}
	}
	if opts.TLS, err = tlsConfig(c); err != nil {
		return nil, err
	}
	cfg := &bench.Config{
		Scenarios: scenarios, Profile: prof, Stages: ss, StageLabels: bench.StageLabels(ss, model), Options: opts,
		OutputDir: c.String("output-dir"), CSV: c.String("csv"), Summary: c.String("summary"), Stdout: e.stdout, Log: e.stderr,
		Live: isTerminal(e.stderr), Width: terminalWidth(e.stderr), LogEvery: 10 * time.Second, Quiet: c.Bool("quiet"),
		AbortOnFail: c.Bool("abort-on-fail"), AbortDelay: durationOf(c, "abort-delay"),
		Version: appVersion(), Flags: setFlags(c, targets),
	}
	if err := planShard(c, cfg); err != nil {
		return nil, err
	}
	if s3dir.Is(cfg.OutputDir) {
		if err := planUpload(cfg); err != nil {
			return nil, err
		}
	}
	names := platform.Names(targets)
	if targets == nil {
		names = platform.Names(platform.FunctionTargets(""))
	}
	if cfg.Thresholds, err = parseThresholds(c.StringSlice("threshold"), names, prof.Len()); err != nil {
		return nil, err
	}
	if cfg.Pricing, err = pricingFromFlags(c, cost.DefaultPricing(), names); err != nil {
		return nil, err
	}
	for i, t := range targets { // the sidecar records how each is billed
		if f, ok := cfg.Pricing.Functions[t.Name]; ok {
			targets[i].MemoryMB, targets[i].LMI = f.MemoryMB, f.LMI
		}
	}
	if err := checkCollisions(c); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, refuse(err)
	}
	if cfg.Platform, err = choosePlatform(c, e, targets); err != nil {
		return nil, err
	}
	if _, isLocal := cfg.Platform.(*local.Platform); !isLocal && !c.Bool("no-preflight") {
		ctx, cancel := context.WithTimeout(context.Background(), preflightTimeout)
		err := attack.Preflight(ctx, cfg.Platform.Targets(), opts.TLS)
		cancel()
		if err != nil {
			return nil, badInput("%v (--no-preflight skips this check)", err)
		}
	}
	warnIfLong(e.stderr, cfg)
	return cfg, nil
}

// choosePlatform picks what the scenarios run against: the --target
// endpoints, the --stack, or the local target; and refuses the flags of
// the ones not chosen.
func choosePlatform(c *cli.Context, e appEnv, targets []platform.Target) (platform.Platform, error) {
	stack := c.String("stack")
	if targets != nil && stack != "" {
		return nil, badInput("--target and --stack: give one or the other")
	}
	if stack == "" {
		if err := onlyWith(c, "with --stack", flagNames(stackFlags())...); err != nil {
			return nil, err
		}
	}
	if targets != nil || stack != "" {
		if err := onlyWith(c, "to the local target (no --target, no --stack)", append(flagNames(emuFlags()), "local")...); err != nil {
			return nil, err
		}
	}
	switch {
	case targets != nil:
		return platform.Fixed(targets), nil
	case stack != "":
		return openStack(c, e, stack)
	}
	emulate, cfg, err := localTarget(c)
	if err != nil {
		return nil, err
	}
	return local.NewPlatform(emulate, cfg), nil
}

// openStack maps the AWS flags onto infra.StackOptions and reads the
// stack. Every AWS problem is one line before any load is sent.
func openStack(c *cli.Context, e appEnv, name string) (platform.Platform, error) {
	for _, f := range []string{"scale-in-check-seconds", "scale-in-max-minutes", "cloudwatch-period-seconds"} {
		if c.Int(f) < 1 {
			return nil, badInput("--%s: %d must be at least 1", f, c.Int(f))
		}
	}
	if p := c.Int("cloudwatch-period-seconds"); p%60 != 0 {
		return nil, badInput("--cloudwatch-period-seconds: %d must be a multiple of 60", p)
	}
	for _, f := range []string{"wait-for-scale-in", "cloudwatch-concurrency"} {
		if c.IsSet(f) && c.IsSet("no-"+f) {
			return nil, badInput("--%s and --no-%s: give one or the other", f, f)
		}
	}
	o := infra.StackOptions{
		Name: name, CapacityProviderArn: c.String("capacity-provider-arn"), WaitForScaleIn: c.Bool("wait-for-scale-in") && !c.Bool("no-wait-for-scale-in"),
		SampleEvery: time.Duration(c.Int("scale-in-check-seconds")) * time.Second,
		ScaleInMax:  time.Duration(c.Int("scale-in-max-minutes")) * time.Minute, Log: e.stderr,
	}
	if c.Bool("cloudwatch-concurrency") && !c.Bool("no-cloudwatch-concurrency") {
		o.CloudWatch = &infra.MetricsOptions{FunctionName: c.String("cloudwatch-function-name"), Resource: c.String("cloudwatch-resource"),
			CapacityProviderName: c.String("cloudwatch-capacity-provider-name"), Period: time.Duration(c.Int("cloudwatch-period-seconds")) * time.Second}
	} else if err := onlyWith(c, "with --cloudwatch-concurrency",
		"cloudwatch-function-name", "cloudwatch-resource", "cloudwatch-capacity-provider-name", "cloudwatch-period-seconds"); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	clients, err := infra.NewClients(ctx, c.String("region"), e.cloudwatch...)
	if err != nil {
		return nil, badInput("--stack %s: %v", name, err)
	}
	p, err := infra.OpenStack(ctx, clients, o)
	if err != nil {
		return nil, badInput("--stack: %v", err)
	}
	return p, nil
}

// stagesFromFlags reads the one stage form the user gave: --stage,
// --stage-targets with --duration, or --stages-json; else the default.
func stagesFromFlags(c *cli.Context) ([]stages.Stage, error) {
	var given []string
	for _, f := range []string{"stage", "stage-targets", "stages-json", "vus", "rate"} {
		if c.IsSet(f) {
			given = append(given, "--"+f)
		}
	}
	switch {
	case len(given) > 1:
		return nil, badInput("%s: give one or the other", strings.Join(given, " and "))
	case c.IsSet("duration") && !c.IsSet("stage-targets") && !c.IsSet("vus") && !c.IsSet("rate"):
		return nil, badInput("--duration: only applies with --stage-targets, --vus or --rate")
	case c.IsSet("vus") || c.IsSet("rate"):
		// k6's constant-vus, vegeta's constant rate: the target from the
		// start (a nanosecond's ramp) for the duration.
		n := float64(c.Int("vus"))
		if c.IsSet("rate") {
			n = c.Float64("rate")
		}
		if !c.IsSet("duration") {
			return nil, badInput("%s: give its --duration too", given[0])
		}
		return []stages.Stage{{Duration: time.Nanosecond, Target: n}, {Duration: durationOf(c, "duration"), Target: n}}, nil
	case c.IsSet("stage"):
		ss, err := stages.ParseShorthand(c.StringSlice("stage"))
		if err != nil {
			return nil, badInput("--stage: %s", oneLine(err))
		}
		return ss, nil
	case c.IsSet("stage-targets"):
		ss, err := stages.ParseTargets(c.String("stage-targets"), durationOf(c, "duration"))
		if err != nil {
			return nil, badInput("--stage-targets: %s", oneLine(err))
		}
		return ss, nil
	case c.IsSet("stages-json"):
		ss, err := stages.ParseJSON(c.String("stages-json"))
		if err != nil {
			return nil, badInput("--stages-json: %s", oneLine(err))
		}
		return ss, nil
	}
	return stages.Default(), nil
}

// warnIfLong says, before a run longer than longRun starts, how long it
// will take and how to make it shorter.
func warnIfLong(w io.Writer, cfg *bench.Config) {
	per := cfg.Profile.Total()
	n := len(cfg.Scenarios)
	total := per * time.Duration(n)
	if total <= longRun {
		return
	}
	what := fmt.Sprintf("1 scenario of %s", per)
	if n > 1 {
		what = fmt.Sprintf("%d scenarios of %s each", n, per)
		if _, ok := cfg.Platform.(*infra.StackPlatform); ok {
			what += ", and the scale-in waits between them"
		}
	}
	fmt.Fprintf(w, "lmibench: this run takes %s: %s; for a short look, use e.g. --scenario fast-io --stage-targets 8,8,16 --duration 10s\n", total, what)
}

// setFlags records the flags the user set, for the sidecar; the targets,
// already parsed, are written with their URLs redacted.
func setFlags(c *cli.Context, targets []platform.Target) map[string]string {
	out := map[string]string{}
	for _, name := range flagNames(c.Command.Flags) { // by its name, not again by its aliases
		if c.IsSet(name) {
			out[name] = fmt.Sprint(c.Value(name))
		}
	}
	if _, ok := out["target"]; ok { // URLs may hold credentials
		var red []string
		for _, tg := range targets {
			red = append(red, tg.Name+"="+platform.Redact(tg.URL))
		}
		out["target"] = strings.Join(red, " ")
	}
	if _, ok := out["header"]; ok { // values may be credentials: names only
		var names []string
		for _, h := range c.StringSlice("header") {
			name, _, _ := strings.Cut(h, ":")
			names = append(names, strings.TrimSpace(name)+": REDACTED")
		}
		out["header"] = strings.Join(names, ", ")
	}
	if b := c.String("body"); b != "" && !strings.HasPrefix(b, "@") {
		out["body"] = fmt.Sprintf("(%d bytes)", len(b))
	}
	return out
}

// isTerminal reports whether w is a terminal, for in-place progress.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// terminalWidth is w's width in columns when it is a terminal, else 0.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return width
}

// checkCollisions refuses outputs that would overwrite each other or an
// input: --csv and --summary the same file, or either the --targets,
// --body or --cacert file.
func checkCollisions(c *cli.Context) error {
	outputs := []string{"csv", "summary"}
	inputs := map[string]string{"targets": c.String("targets"), "cacert": c.String("cacert")}
	if b := c.String("body"); strings.HasPrefix(b, "@") {
		inputs["body"] = b[1:]
	}
	for i, out := range outputs {
		o := c.String(out)
		if o == "" || o == "-" {
			continue
		}
		for _, other := range outputs[i+1:] {
			if sameFile(o, c.String(other)) {
				return badInput("--%s and --%s name the same file %s: one would overwrite the other", out, other, o)
			}
		}
		for in, path := range inputs {
			if path != "" && sameFile(o, path) {
				return badInput("--%s %s is the --%s file: writing it would destroy the input", out, o, in)
			}
		}
	}
	return nil
}

// sameFile says whether two paths name one file, existing or not.
func sameFile(a, b string) bool {
	if a == "" || b == "" || a == "-" || b == "-" {
		return false
	}
	if sa, err := os.Stat(a); err == nil {
		if sb, err := os.Stat(b); err == nil {
			return os.SameFile(sa, sb)
		}
	}
	pa, errA := filepath.Abs(a)
	pb, errB := filepath.Abs(b)
	return errA == nil && errB == nil && pa == pb
}

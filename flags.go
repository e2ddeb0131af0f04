package main

import (
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/bench"
	"github.com/lmibench/lmibench/emulator"
	"github.com/lmibench/lmibench/stages"
	"github.com/lmibench/lmibench/summary"
)

// Flag categories, in the order help lists them (urfave/cli sorts them by
// name, hence the numbers).
const (
	catLoad      = "1 · Load"
	catTargets   = "2 · Targets"
	catOutput    = "3 · Output"
	catAWS       = "4 · AWS (with --stack)"
	catCW        = "5 · CloudWatch (with --stack)"
	catEmulator  = "6 · Local emulator (without --target or --stack)"
	catWorkloads = "7 · Workloads"
	catResults   = "8 · Results for scripts and CI"
)

// env is the environment variable that also sets a flag: LMIBENCH_<FLAG>.
func env(flag string) []string {
	return []string{"LMIBENCH_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))}
}

// duration is a flag value read as every duration of lmibench is: a Go
// duration or a bare number of seconds (stages.ParseDuration).
type duration time.Duration

func (d *duration) Set(s string) error {
	v, err := stages.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = duration(v)
	return nil
}

func (d *duration) String() string { return time.Duration(*d).String() }

// Get makes it a flag.Getter, which urfave/cli's Context.Value asks for.
func (d *duration) Get() any { return time.Duration(*d) }

// durationFlag is a flag of that kind with its default.
func durationFlag(name, category, usage string, def time.Duration) *cli.GenericFlag {
	v := duration(def)
	return &cli.GenericFlag{Name: name, Category: category, Usage: usage, Value: &v, EnvVars: env(name)}
}

// durationOf reads a duration flag.
func durationOf(c *cli.Context, name string) time.Duration {
	return time.Duration(*c.Generic(name).(*duration))
}

func runFlags() []cli.Flag {
	w := bench.DefaultWorkloads
	return []cli.Flag{
		&cli.StringFlag{Name: "scenario", Value: bench.ScenarioAll, EnvVars: env("scenario"), Category: catLoad,
			Usage: "fast-io, slow-io, low-cpu, high-cpu, or all (one after another, one CSV each)"},
		&cli.StringSliceFlag{Name: "stage", Aliases: []string{"s"}, EnvVars: env("stage"), Category: catLoad,
			Usage: "a stage as DURATION:TARGET, repeatable, as k6's -s: --stage 30s:20 --stage 1m:20 (default: 0→64 over 3m, 64 for 6m, 64→128 over 3m)"},
		&cli.StringFlag{Name: "stage-targets", EnvVars: env("stage-targets"), Category: catLoad,
			Usage: "comma-separated targets, one stage each lasting --duration, e.g. 20,20,40"},
		durationFlag("duration", catLoad, "length of each stage of --stage-targets, or of --vus or --rate (30s, 1m30s, or seconds)", 30*time.Second),
		&cli.IntFlag{Name: "vus", EnvVars: env("vus"), Category: catLoad,
			Usage: "k6's constant VUs: this many virtual users for --duration, from the start (closed model)"},
		&cli.Float64Flag{Name: "rate", EnvVars: env("rate"), Category: catLoad,
			Usage: "vegeta's constant rate: this many requests per second for --duration, from the start (open model)"},
		&cli.StringFlag{Name: "stages-json", EnvVars: env("stages-json"), Category: catLoad,
			Usage: `k6 stages, e.g. '[{"duration":"3m","target":64},{"duration":"6m","target":64}]'`},
		&cli.StringFlag{Name: "load-model", Value: string(stages.VUs), EnvVars: env("load-model"), Category: catLoad,
			Usage: "vus: targets are virtual users (closed model, k6 ramping-vus); rate: targets are req/s (open model, k6 ramping-arrival-rate)"},
		durationFlag("think", catLoad, "pause of each VU after each response (vus model)", attack.DefaultThink),
		&cli.IntFlag{Name: "max-inflight", Value: attack.DefaultMaxInflight, EnvVars: env("max-inflight"), Category: catLoad,
			Usage: "cap of requests in flight per endpoint (rate model); requests over it are recorded as dropped"},
		durationFlag("timeout", catLoad, "per request, reading the whole body included", attack.DefaultTimeout),
		&cli.StringFlag{Name: "shard", EnvVars: env("shard"), Category: catLoad,
			Usage: "I/N: run shard I (0-based) of N, its exact share of the profile; auto/N takes I from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX"},
		&cli.StringFlag{Name: "start-at", EnvVars: env("start-at"), Category: catLoad,
			Usage: "RFC 3339 instant every shard's clock starts at (required with --shard I/N, N > 1); an early start waits for it"},
		durationFlag("start-tolerance", catLoad, "how late past --start-at a shard may start; later, it refuses before sending anything", 2*time.Second),
		&cli.StringFlag{Name: "shard-label", EnvVars: env("shard-label"), Category: catLoad,
			Usage: "a free name for this shard in the sidecar and the merged report, e.g. the region"},
		&cli.StringFlag{Name: "run-id", EnvVars: env("run-id"), Category: catLoad,
			Usage: "what the shards of one run share, for report to merge them (default: --start-at's instant)"},
		&cli.IntFlag{Name: "redirects", Value: attack.DefaultRedirects, EnvVars: env("redirects"), Category: catLoad,
			Usage: "redirects a request follows before it fails; -1 records the 3xx itself"},
		&cli.IntFlag{Name: "max-response-header", Value: attack.DefaultMaxHeaderBytes, EnvVars: env("max-response-header"), Category: catLoad,
			Usage: "bytes a response's header may take (net/http's default, on both clients); past it the request fails as \"response header too large\""},
		durationFlag("graceful-stop", catLoad, "how long in-flight requests may finish after the last stage or an interrupt", attack.DefaultGracefulStop),

		&cli.StringSliceFlag{Name: "target", EnvVars: env("target"), Category: catTargets,
			Usage: "NAME=URL to benchmark instead of the local target; repeatable"},
		&cli.StringFlag{Name: "targets", EnvVars: env("targets"), Category: catTargets,
			Usage: "a file of targets in vegeta's http format (method and URL, header lines, @body file), each named by method and path; - reads stdin"},
		&cli.StringFlag{Name: "targets-format", Value: "http", EnvVars: env("targets-format"), Category: catTargets,
			Usage: "--targets in vegeta's http format, or json (vegeta's JSON targets, one a line)"},
		&cli.StringFlag{Name: "method", Value: "GET", EnvVars: env("method"), Category: catTargets, Usage: "HTTP method of the --target requests"},
		&cli.StringSliceFlag{Name: "header", Aliases: []string{"H"}, EnvVars: env("header"), Category: catTargets,
			Usage: `a header of every --target and --targets request, "Name: value"; repeatable (never written to a file)`},
		&cli.StringFlag{Name: "body", EnvVars: env("body"), Category: catTargets,
			Usage: "body of every --target request (and --targets ones without their own): text, or @FILE"},
		&cli.BoolFlag{Name: "workload-query", EnvVars: env("workload-query"), Category: catTargets,
			Usage: "add the scenario's delay_ms and hash_loops to the query of --target and --targets URLs, as the benchmark's functions read them"},
		&cli.BoolFlag{Name: "insecure", EnvVars: env("insecure"), Category: catTargets, Usage: "do not verify the servers' TLS certificates"},
		&cli.StringFlag{Name: "http-client", Value: string(attack.AutoClient), EnvVars: env("http-client"), Category: catTargets,
			Usage: "auto, fasthttp (HTTP/1.1, one connection per user, the fastest) or net/http (HTTP/2, proxies); auto takes fasthttp unless an endpoint needs net/http"},
		&cli.BoolFlag{Name: "http2", EnvVars: env("http2"), Category: catTargets,
			Usage: "speak HTTP/2 to servers that offer it (through net/http)"},
		&cli.StringFlag{Name: "cacert", EnvVars: env("cacert"), Category: catTargets, Usage: "also trust the CA certificates (PEM) in this file"},
		&cli.StringFlag{Name: "stack", EnvVars: env("stack"), Category: catTargets,
			Usage: "CloudFormation stack deployed from infra/template.yaml: benchmark its three endpoints"},
		&cli.BoolFlag{Name: "no-preflight", EnvVars: env("no-preflight"), Category: catTargets,
			Usage: "skip the check, before the load, that every endpoint accepts a connection (DNS, TCP, TLS; no HTTP request is sent)"},
		&cli.StringFlag{Name: "local", Value: localEmulator, EnvVars: env("local"), Category: catTargets,
			Usage: "local target without --target/--stack: emulator (Lambda's standard and LMI models) or function (the real handler, CPU burned here)"},

		&cli.StringFlag{Name: "output-dir", Value: "results", EnvVars: env("output-dir"), Category: catOutput,
			Usage: "where each scenario's CSV, JSON sidecar and HTML report go"},
		&cli.StringFlag{Name: "csv", EnvVars: env("csv"), Category: catOutput,
			Usage: "also stream every row as CSV to this file; - is stdout (one header, all scenarios)"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, EnvVars: env("quiet"), Category: catOutput,
			Usage: "no progress lines; the summary and warnings still go to stderr"},

		&cli.StringSliceFlag{Name: "threshold", EnvVars: env("threshold"), Category: catResults,
			Usage: "a condition on each scenario's results, repeatable: p99<500ms, lmi:p99<300ms, lmi@2:errors<1%, 5xx<0.5%, rps>100; any failure exits 99"},
		&cli.BoolFlag{Name: "abort-on-fail", EnvVars: env("abort-on-fail"), Category: catResults,
			Usage: "end the run (every row kept, exit 99) once a threshold has failed for good (an upper bound on a count or on max), or has failed at all after --abort-delay"},
		durationFlag("abort-delay", catResults, "how long into a scenario thresholds that may recover (rates, quantiles, rps) are given before --abort-on-fail acts on them", 10*time.Second),
		&cli.StringFlag{Name: "summary", EnvVars: env("summary"), Category: catResults,
			Usage: "also write every scenario's summary as one JSON array to this file; - is stdout (not with --csv -)"},

		&cli.IntFlag{Name: "io-fast-delay-ms", Value: w.FastDelayMS, EnvVars: env("io-fast-delay-ms"), Category: catWorkloads, Usage: "delay_ms of fast-io (max 15000)"},
		&cli.IntFlag{Name: "io-slow-delay-ms", Value: w.SlowDelayMS, EnvVars: env("io-slow-delay-ms"), Category: catWorkloads, Usage: "delay_ms of slow-io (max 15000)"},
		&cli.IntFlag{Name: "cpu-low-hash-loops", Value: w.LowHashLoops, EnvVars: env("cpu-low-hash-loops"), Category: catWorkloads, Usage: "hash_loops of low-cpu (max 1000000)"},
		&cli.IntFlag{Name: "cpu-high-hash-loops", Value: w.HighHashLoops, EnvVars: env("cpu-high-hash-loops"), Category: catWorkloads, Usage: "hash_loops of high-cpu (max 1000000)"},
	}
}

// stackFlags are the deployed side's flags, with the original script's
// names and defaults.
func stackFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "region", EnvVars: env("region"), Category: catAWS, Usage: "AWS region (default: the SDK's chain, AWS_REGION or the profile's)"},
		&cli.StringFlag{Name: "capacity-provider-arn", EnvVars: env("capacity-provider-arn"), Category: catAWS,
			Usage: "LMI capacity provider whose EC2 instances are counted (default: the stack's CapacityProviderArn output)"},
		&cli.BoolFlag{Name: "wait-for-scale-in", Value: true, EnvVars: env("wait-for-scale-in"), Category: catAWS,
			Usage: "before each scenario after the first, wait until the capacity provider is back to its instance count from before the run; --wait-for-scale-in=false to go on at once"},
		&cli.IntFlag{Name: "scale-in-check-seconds", Value: 60, EnvVars: env("scale-in-check-seconds"), Category: catAWS,
			Usage: "how often to count instances while waiting, and while a scenario runs"},
		&cli.IntFlag{Name: "scale-in-max-minutes", Value: 90, EnvVars: env("scale-in-max-minutes"), Category: catAWS, Usage: "longest wait for scale-in between scenarios"},
		&cli.BoolFlag{Name: "no-wait-for-scale-in", Hidden: true, Usage: "--wait-for-scale-in=false, as the benchmark lmibench replaces spelt it"},
		&cli.BoolFlag{Name: "no-cloudwatch-concurrency", Hidden: true, Usage: "--cloudwatch-concurrency=false, as the benchmark lmibench replaces spelt it"},
		&cli.BoolFlag{Name: "skip-test", Hidden: true, Usage: "answered with the command that rebuilds a report without load"},
		&cli.BoolFlag{Name: "cloudwatch-concurrency", EnvVars: env("cloudwatch-concurrency"), Category: catCW,
			Usage: "after each scenario, fetch LMI ExecutionEnvironmentConcurrency and the standard functions' ConcurrentExecutions and Throttles for its window"},
		&cli.IntFlag{Name: "cloudwatch-period-seconds", Value: 300, EnvVars: env("cloudwatch-period-seconds"), Category: catCW, Usage: "period of the CloudWatch statistics (a multiple of 60)"},
		&cli.StringFlag{Name: "cloudwatch-function-name", EnvVars: env("cloudwatch-function-name"), Category: catCW,
			Usage: "FunctionName dimension of the LMI metrics (default: the stack's FunctionLmiName output)"},
		&cli.StringFlag{Name: "cloudwatch-resource", EnvVars: env("cloudwatch-resource"), Category: catCW,
			Usage: "Resource dimension of the LMI metrics (default: <function>:$LATEST.PUBLISHED)"},
		&cli.StringFlag{Name: "cloudwatch-capacity-provider-name", EnvVars: env("cloudwatch-capacity-provider-name"), Category: catCW,
			Usage: "CapacityProviderName dimension (default: the stack's CapacityProviderName output)"},
	}
}

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
		return durationFlag(name, catEmulator, usage, v)
	}
	num := func(name string, v int, usage string) cli.Flag {
		return &cli.IntFlag{Name: name, Value: v, EnvVars: env(name), Usage: usage, Category: catEmulator}
	}
	flt := func(name string, v float64, usage string) cli.Flag {
		return &cli.Float64Flag{Name: name, Value: v, EnvVars: env(name), Usage: usage, Category: catEmulator}
	}
	return []cli.Flag{
		flt("emu-time-scale", d.TimeScale, "compress the platform's clock (scale-out, warm periods, scaling ticks): 10 = ten seconds a second"),
		dur("emu-hash-loop-cost", d.HashLoopCost, "CPU time of one hash loop at one vCPU (calibrated on the original's 2048 MB high-cpu p99)"),
		dur("emu-overhead", d.Overhead, "fixed handler time per request"),
		dur("emu-cold-start", d.ColdStart, "standard: init of a new execution environment"),
		dur("emu-idle-timeout", d.IdleTimeout, "standard: how long an idle environment stays warm (platform time)"),
		num("emu-account-concurrency", d.AccountConcurrency, "standard: busy environments across functions before 429"),
		flt("emu-mb-per-vcpu", d.MBPerVCPU, "standard: memory that buys one full vCPU"),
		num("emu-lmi-max-concurrency", d.LMIMaxConcurrency, "LMI: requests per environment at once"),
		num("emu-lmi-initial-envs", d.LMIInitialEnvs, "LMI: environments (and instances) a published version starts with"),
		flt("emu-lmi-gib-per-vcpu", d.LMIGiBPerVCPU, "LMI: an environment's memory per vCPU, GiB (2..8)"),
		flt("emu-lmi-reserved-vcpus", d.LMIReservedVCPUs, "LMI: vCPUs each instance keeps for its OS"),
		flt("emu-lmi-reserved-gib", d.LMIReservedGiB, "LMI: memory each instance keeps for its OS, GiB"),
		num("emu-lmi-envs-per-instance", d.LMIEnvsPerInstance, "LMI: environments per instance; 0 packs what a c8g.xlarge (4 vCPUs, 8 GiB) holds beside its reserve"),
		num("emu-lmi-max-vcpus", d.LMIMaxVCPUs, "LMI: the capacity provider's vCPU cap"),
		flt("emu-lmi-headroom", d.LMIHeadroom, "LMI: capacity kept over demand (2: traffic may double)"),
		dur("emu-lmi-scale-out-delay", d.LMIScaleOutDelay, "LMI: time for a new environment to be ready (platform time)"),
		dur("emu-lmi-scale-tick", d.LMIScaleTick, "LMI: how often the scaler looks (platform time)"),
		dur("emu-lmi-scale-in-after", d.LMIScaleInAfter, "LMI: low demand this long before scale-in, one environment a tick (platform time)"),
	}
}

// localTarget reads --local and, for the emulator, its flags.
func localTarget(c *cli.Context) (emulate bool, cfg emulator.Config, err error) {
	switch kind := c.String("local"); kind {
	case localFunction:
		return false, cfg, nil
	case localEmulator:
		cfg, err = emuConfig(c)
		return err == nil, cfg, err
	default:
		return false, cfg, badInput("--local: %q is neither %s nor %s", kind, localEmulator, localFunction)
	}
}

// emuConfig reads the emulator's flags.
func emuConfig(c *cli.Context) (emulator.Config, error) {
	cfg := emulator.Config{
		TimeScale: c.Float64("emu-time-scale"), HashLoopCost: durationOf(c, "emu-hash-loop-cost"), Overhead: durationOf(c, "emu-overhead"),
		ColdStart: durationOf(c, "emu-cold-start"), IdleTimeout: durationOf(c, "emu-idle-timeout"),
		AccountConcurrency: c.Int("emu-account-concurrency"), MBPerVCPU: c.Float64("emu-mb-per-vcpu"),
		LMIMaxConcurrency: c.Int("emu-lmi-max-concurrency"), LMIInitialEnvs: c.Int("emu-lmi-initial-envs"),
		LMIEnvsPerInstance: c.Int("emu-lmi-envs-per-instance"), LMIMaxVCPUs: c.Int("emu-lmi-max-vcpus"),
		LMIInstanceVCPUs: emulator.Defaults().LMIInstanceVCPUs, LMIInstanceGiB: emulator.Defaults().LMIInstanceGiB, LMIGiBPerVCPU: c.Float64("emu-lmi-gib-per-vcpu"),
		LMIReservedVCPUs: c.Float64("emu-lmi-reserved-vcpus"), LMIReservedGiB: c.Float64("emu-lmi-reserved-gib"),
		LMIHeadroom: c.Float64("emu-lmi-headroom"), LMIScaleOutDelay: durationOf(c, "emu-lmi-scale-out-delay"),
		LMIScaleTick: durationOf(c, "emu-lmi-scale-tick"), LMIScaleInAfter: durationOf(c, "emu-lmi-scale-in-after"),
	}
	if err := cfg.Validate(); err != nil {
		return cfg, refuse(withKeyPrefix(err, "emu-"))
	}
	return cfg, nil
}

// oneLine joins a multi-error onto one line.
func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// onlyWith refuses the first of the named flags the user set: it only
// applies where says, e.g. "with --stack".
func onlyWith(c *cli.Context, where string, names ...string) error {
	for _, name := range names {
		if c.IsSet(name) {
			return badInput("--%s: only applies %s", name, where)
		}
	}
	return nil
}

// flagNames are the flags' names, without their aliases.
func flagNames(flags []cli.Flag) []string {
	out := make([]string, len(flags))
	for i, f := range flags {
		out[i] = f.Names()[0]
	}
	return out
}

// parseThresholds reads the --threshold flags and checks them against the
// endpoints (unless nil) and the number of stages the run will have.
func parseThresholds(raw []string, endpoints []string, stages int) ([]summary.Threshold, error) {
	var out []summary.Threshold
	var each []string // several in one value: LMIBENCH_THRESHOLD='p99<1s,failed<1%'
	for _, r := range raw {
		each = append(each, strings.Split(r, ",")...)
	}
	for _, s := range each {
		t, err := summary.ParseThreshold(s)
		if err == nil && endpoints != nil {
			err = t.Check(endpoints, stages)
		}
		if err != nil {
			return nil, refuse(err)
		}
		out = append(out, t)
	}
	return out, nil
}

// Command lmibench benchmarks AWS Lambda's standard execution model against
// Lambda Managed Instances: staged load per endpoint on its own engine, one
// CSV row per request, a summary per endpoint × stage. Without AWS it benchmarks a
// built-in local target on loopback.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	// Interrupts stop the load gracefully, a second one at once; SIGHUP (a
	// closed terminal, a dropped ssh session) is one too, not a death that
	// loses the rows. A broken stdout pipe must be an error on write, not a
	// silent death that loses the run's files.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	interrupts := make(chan struct{}, 2)
	go func() {
		for range sigs {
			select {
			case interrupts <- struct{}{}:
			default:
			}
		}
	}()
	os.Exit(run(os.Args, appEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, interrupts: interrupts}))
}

// appEnv is what the program gets from outside: its streams, interrupts
// and how to build AWS clients. Tests drive the whole program in-process
// with their own.
type appEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	interrupts     <-chan struct{}
	// cloudwatch adjusts the CloudWatch client (tests: AWS JSON for moto).
	cloudwatch []func(*cloudwatch.Options)
}

// run is the whole program.
func run(args []string, e appEnv) int {
	err := newApp(e).Run(oneStageForm(args))
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintf(e.stderr, "lmibench: %s\n", flagText(ee.err))
		}
		return ee.code
	}
	// urfave/cli's own errors (a bad value) are bad input.
	fmt.Fprintf(e.stderr, "lmibench: %v\n", err)
	return exitBadInput
}

func newApp(e appEnv) *cli.App {
	app := &cli.App{
		Name:  "lmibench",
		Usage: "benchmark Lambda standard vs Lambda Managed Instances with staged load",
		Description: "Runs k6-style stages of load against each endpoint on its own scenario loop, " +
			"writes one CSV row per request and prints a summary per endpoint and stage. " +
			"Start with: lmibench run --scenario fast-io --stage-targets 8,8,16 --duration 10s",
		Version:                   appVersion(),
		Writer:                    e.stdout,
		ErrWriter:                 e.stderr,
		DisableSliceFlagSeparator: true,
		EnableBashCompletion:      true,
		OnUsageError:              usageError,
		ExitErrHandler:            func(*cli.Context, error) {}, // run() owns exit codes
		Commands: []*cli.Command{
			runCommand(e),
			reportCommand(e.stdout, e.stderr),
			metricsCommand(e),
			compareCommand(e.stdout, e.stderr),
			historyCommand(e.stdout, e.stderr),
			serveCommand(e.stderr, e.interrupts),
			completionCommand(e.stdout),
			{
				Name:  "version",
				Usage: "print the version",
				Action: func(c *cli.Context) error {
					_, err := fmt.Fprintln(e.stdout, "lmibench", appVersion())
					return err
				},
			},
		},
	}
	// A word that is no command: one line, with the nearest command.
	app.Action = func(c *cli.Context) error {
		if c.NArg() == 0 {
			return cli.ShowAppHelp(c)
		}
		var names []string
		for _, cmd := range app.Commands {
			names = append(names, cmd.Names()...)
		}
		got := c.Args().First()
		if near := nearest(got, names); near != "" {
			return badInput("unknown command %q: did you mean %q?", got, near)
		}
		return badInput("unknown command %q: lmibench --help lists the commands", got)
	}
	return app
}

// undefinedFlag finds the flag name in the flag package's error.
var undefinedFlag = regexp.MustCompile(`flag provided but not defined: -+(\S+)`)

// usageError keeps a parse error to one line, with the nearest flag when
// the flag is unknown: no help page after it.
func usageError(c *cli.Context, err error, _ bool) error {
	if m := undefinedFlag.FindStringSubmatch(err.Error()); m != nil && foreignFlags[m[1]] != "" {
		return badInput("%v: %s", err, foreignFlags[m[1]])
	}
	if m := undefinedFlag.FindStringSubmatch(err.Error()); m != nil && c.Command != nil {
		var names []string
		for _, f := range c.Command.Flags {
			names = append(names, f.Names()...)
		}
		if near := nearest(m[1], names); near != "" {
			dashes := "--"
			if len(near) == 1 {
				dashes = "-"
			}
			return badInput("%v: did you mean %s%s?", err, dashes, near)
		}
	}
	return &exitError{code: exitBadInput, err: err}
}

// foreignFlags are k6's and vegeta's words with no flag of that name
// here, and what to use instead.
var foreignFlags = map[string]string{
	"iterations":               "lmibench runs for a time, not a count: --vus N --duration D, or stages (-s 30s:10)",
	"i":                        "lmibench runs for a time, not a count: --vus N --duration D, or stages (-s 30s:10)",
	"u":                        "--vus N",
	"d":                        "--duration D (with --vus, --rate or --stage-targets)",
	"out":                      "--csv FILE (every request) and --summary FILE (the results)",
	"summary-export":           "--summary FILE",
	"output":                   "--csv FILE (every request) and --summary FILE (the results)",
	"insecure-skip-tls-verify": "--insecure",
	"workers":                  "--vus N (closed model), or --max-inflight N with --rate (open model)",
	"max-workers":              "--max-inflight N (open model)",
	"connections":              "each virtual user keeps one connection: --vus N",
	"format":                   "--targets-format http|json",
	"keepalive":                "connections are always kept alive, one per user",
	"no-thresholds":            "leave --threshold out",
	"summary-trend-stats":      "the summary holds p50, p90, p95, p99, p99.9 and max of every endpoint and stage",
}

// nearest is the candidate nearest to got, or "" when none is within a
// third of got's length in edits (at least one).
func nearest(got string, candidates []string) string {
	best, dist := "", len(got)/3+1
	for _, c := range candidates {
		if d := editDistance(got, c); d < dist {
			best, dist = c, d
		}
	}
	return best
}

// editDistance counts the insertions, deletions, substitutions and swaps
// of two neighbours that turn a into b (optimal string alignment), so
// that the typo "rnu" is one edit from "run". urfave/cli's own
// suggestions use Jaro-Winkler, which puts "rnu" far from "run" (0.56).
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	// d[i][j] is the distance between x[:i] and y[:j].
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// interruptContexts turns the interrupts into the two ways a run ends
// early: stop is done at the first (no new requests; those in flight get
// the graceful stop, a scale-in wait ends), cut at the second (requests in
// flight are cut short). release ends the bridge.
func interruptContexts(interrupts <-chan struct{}) (stop, cut context.Context, release func()) {
	stop, stopNow := context.WithCancel(context.Background())
	cut, cutNow := context.WithCancel(context.Background())
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for _, now := range []context.CancelFunc{stopNow, cutNow} {
			select {
			case <-interrupts:
				now()
			case <-done:
				return
			}
		}
	}()
	return stop, cut, func() {
		close(done)
		<-finished
		stopNow()
		cutNow()
	}
}

// appVersion is the -ldflags version, else the module version of a
// `go install`, else "dev"; with the VCS revision the binary was built
// from when the build recorded it.
func appVersion() string {
	v := version
	bi, ok := debug.ReadBuildInfo()
	if v == "" {
		v = "dev"
		if ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	if !ok {
		return v
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return v
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" {
		rev += "-dirty"
	}
	return v + " (" + rev + ")"
}

// oneStageForm spells every --stage as -s: urfave/cli refuses a flag given
// in both forms ("Cannot use two forms of the same flag"), and k6 users
// write --stage where others write -s; their order is the stages'.
func oneStageForm(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		switch {
		case a == "--stage":
			a = "-s"
		case strings.HasPrefix(a, "--stage="):
			a = "-s=" + strings.TrimPrefix(a, "--stage=")
		}
		out[i] = a
	}
	return out
}

// Command lmibench benchmarks AWS Lambda's standard execution model against
// Lambda Managed Instances: staged load per endpoint on vegeta, one CSV row
// per request, a summary per endpoint × stage. Without AWS it benchmarks a
// built-in local target on loopback.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/urfave/cli/v2"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1 // a run could not write its results, or the server failed
	exitBadInput    = 2
	exitNoSuccess   = 3 // the run ended but not one request succeeded
	exitInterrupted = 130
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	// Interrupts stop the load gracefully, a second one at once. A broken
	// stdout pipe must be an error on write, not a silent death that loses
	// the run's files.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
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
	os.Exit(run(os.Args, appEnv{stdout: os.Stdout, stderr: os.Stderr, interrupts: interrupts}))
}

// exitError carries an exit code to main's single exit point.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func badInput(format string, a ...any) error {
	return &exitError{code: exitBadInput, err: fmt.Errorf(format, a...)}
}

// appEnv is what the program gets from outside: its streams, interrupts
// and how to build AWS clients. Tests drive the whole program in-process
// with their own.
type appEnv struct {
	stdout, stderr io.Writer
	interrupts     <-chan struct{}
	// cloudwatch adjusts the CloudWatch client (tests: AWS JSON for moto).
	cloudwatch []func(*cloudwatch.Options)
}

// run is the whole program.
func run(args []string, e appEnv) int {
	stderr := e.stderr
	app := newApp(e)
	err := app.Run(args)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintf(stderr, "lmibench: %v\n", ee.err)
		}
		return ee.code
	}
	// urfave/cli's own parse errors (unknown flag, bad value) are bad input.
	fmt.Fprintf(stderr, "lmibench: %v\n", err)
	return exitBadInput
}

func newApp(e appEnv) *cli.App {
	return &cli.App{
		Name:  "lmibench",
		Usage: "benchmark Lambda standard vs Lambda Managed Instances with staged load",
		Description: "Runs k6-style stages of load against each endpoint on its own vegeta attacker, " +
			"writes one CSV row per request and prints a summary per endpoint and stage.",
		Writer:                    e.stdout,
		ErrWriter:                 e.stderr,
		HideVersion:               true,
		DisableSliceFlagSeparator: true,
		OnUsageError:              usageError,
		ExitErrHandler:            func(*cli.Context, error) {}, // run() owns exit codes
		Commands: []*cli.Command{
			runCommand(e),
			reportCommand(e.stderr),
			serveCommand(e.stderr, e.interrupts),
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
}

// usageError keeps a parse error to one line: no help page after it.
func usageError(_ *cli.Context, err error, _ bool) error {
	return &exitError{code: exitBadInput, err: err}
}

// appVersion is the -ldflags version, else the module version of a
// `go install`, else "dev".
func appVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

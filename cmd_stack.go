package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/bench"
	"github.com/lmibench/lmibench/infra"
)

// stackFlags are the deployed side's flags, with the original script's
// names and defaults.
func stackFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "stack", EnvVars: env("stack"), Usage: "CloudFormation stack deployed from infra/template.yaml: benchmark its three endpoints"},
		&cli.StringFlag{Name: "region", EnvVars: env("region"), Usage: "AWS region (default: the SDK's chain, AWS_REGION or the profile's)"},
		&cli.StringFlag{Name: "capacity-provider-arn", EnvVars: env("capacity-provider-arn"),
			Usage: "LMI capacity provider whose EC2 instances are counted (default: the stack's CapacityProviderArn output)"},
		&cli.BoolFlag{Name: "wait-for-scale-in", EnvVars: env("wait-for-scale-in"),
			Usage: "between scenarios, wait until the capacity provider is back to its instance count from before the run (default: on with --scenario all)"},
		&cli.BoolFlag{Name: "no-wait-for-scale-in", EnvVars: env("no-wait-for-scale-in"), Usage: "do not wait for scale-in between scenarios"},
		&cli.IntFlag{Name: "scale-in-check-seconds", Value: 60, EnvVars: env("scale-in-check-seconds"),
			Usage: "how often to count instances while waiting, and while a scenario runs"},
		&cli.IntFlag{Name: "scale-in-max-minutes", Value: 90, EnvVars: env("scale-in-max-minutes"), Usage: "longest wait for scale-in between scenarios"},
		&cli.BoolFlag{Name: "cloudwatch-concurrency", EnvVars: env("cloudwatch-concurrency"),
			Usage: "after each scenario, fetch LMI ExecutionEnvironmentConcurrency and the standard functions' ConcurrentExecutions and Throttles for its window"},
		&cli.BoolFlag{Name: "no-cloudwatch-concurrency", EnvVars: env("no-cloudwatch-concurrency"), Usage: "do not fetch CloudWatch metrics (the default)"},
		&cli.IntFlag{Name: "cloudwatch-period-seconds", Value: 300, EnvVars: env("cloudwatch-period-seconds"), Usage: "period of the CloudWatch statistics"},
		&cli.StringFlag{Name: "cloudwatch-function-name", EnvVars: env("cloudwatch-function-name"),
			Usage: "FunctionName dimension of the LMI metrics (default: the stack's FunctionLmiName output)"},
		&cli.StringFlag{Name: "cloudwatch-resource", EnvVars: env("cloudwatch-resource"),
			Usage: "Resource dimension of the LMI metrics (default: <function>:$LATEST.PUBLISHED)"},
		&cli.StringFlag{Name: "cloudwatch-capacity-provider-name", EnvVars: env("cloudwatch-capacity-provider-name"),
			Usage: "CapacityProviderName dimension (default: the stack's CapacityProviderName output)"},
	}
}

// awsFlags need --stack: they describe the deployed side.
var awsFlags = []string{"region", "capacity-provider-arn", "wait-for-scale-in", "no-wait-for-scale-in", "scale-in-check-seconds",
	"scale-in-max-minutes", "cloudwatch-concurrency", "no-cloudwatch-concurrency", "cloudwatch-period-seconds",
	"cloudwatch-function-name", "cloudwatch-resource", "cloudwatch-capacity-provider-name"}

// planStack resolves --stack into targets, the platform observer and the
// scale-in wait. Every AWS problem is one line before any load is sent.
func planStack(c *cli.Context, p *plan, e appEnv) error {
	name := c.String("stack")
	if name == "" {
		for _, f := range awsFlags {
			if c.IsSet(f) {
				return badInput("--%s: only applies with --stack", f)
			}
		}
		return nil
	}
	wait := len(p.scenarios) > 1
	switch {
	case c.Bool("wait-for-scale-in") && c.Bool("no-wait-for-scale-in"):
		return badInput("--wait-for-scale-in and --no-wait-for-scale-in: give one or the other")
	case c.Bool("wait-for-scale-in"):
		wait = true
	case c.Bool("no-wait-for-scale-in"):
		wait = false
	}
	if c.Bool("cloudwatch-concurrency") && c.Bool("no-cloudwatch-concurrency") {
		return badInput("--cloudwatch-concurrency and --no-cloudwatch-concurrency: give one or the other")
	}
	for _, f := range []string{"scale-in-check-seconds", "scale-in-max-minutes", "cloudwatch-period-seconds"} {
		if c.Int(f) < 1 {
			return badInput("--%s: %d must be at least 1", f, c.Int(f))
		}
	}
	if c.Int("cloudwatch-period-seconds")%60 != 0 {
		return badInput("--cloudwatch-period-seconds: %d must be a multiple of 60", c.Int("cloudwatch-period-seconds"))
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	clients, err := infra.NewClients(ctx, c.String("region"), e.cloudwatch...)
	if err != nil {
		return badInput("--stack %s: %v", name, err)
	}
	stack, err := infra.ReadStack(ctx, clients.CloudFormation, name)
	if err != nil {
		return badInput("--stack: %v", err)
	}
	if p.targets, err = stack.Targets(); err != nil {
		return badInput("--stack: %v", err)
	}

	obs := &infra.Observer{Clients: clients, SampleEvery: time.Duration(c.Int("scale-in-check-seconds")) * time.Second}
	obs.CapacityProviderArn = c.String("capacity-provider-arn")
	if obs.CapacityProviderArn == "" {
		obs.CapacityProviderArn = stack.Outputs[infra.OutputCapacityProviderArn]
	}
	if obs.CapacityProviderArn == "" && wait {
		return badInput("--wait-for-scale-in: no capacity provider: set --capacity-provider-arn (the stack has no %s output)", infra.OutputCapacityProviderArn)
	}
	if obs.CapacityProviderArn != "" {
		// Count once now: the baseline to wait for, and a check of access.
		baseline, err := obs.Count(ctx)
		if err != nil {
			return badInput("--stack: %v", err)
		}
		fmt.Fprintf(e.stderr, "lmibench: capacity provider has %d instances before the run\n", baseline)
		if wait {
			p.scaleIn = &infra.ScaleInWait{Count: obs.Count, Target: baseline,
				Every: obs.SampleEvery, Max: time.Duration(c.Int("scale-in-max-minutes")) * time.Minute, Log: e.stderr}
		}
	}
	if c.Bool("cloudwatch-concurrency") {
		m, err := metrics(c, stack)
		if err != nil {
			return err
		}
		obs.Metrics = m
	}
	p.base.Platform = obs
	return nil
}

// metrics names the CloudWatch metrics from the flags, else the stack.
func metrics(c *cli.Context, stack *infra.Stack) (*infra.Metrics, error) {
	pick := func(flag, output string) (string, error) {
		if v := c.String(flag); v != "" {
			return v, nil
		}
		v, err := stack.Output(output)
		if err != nil {
			return "", badInput("--%s: %v", flag, err)
		}
		return v, nil
	}
	fn, err := pick("cloudwatch-function-name", infra.OutputFunctionLmiName)
	if err != nil {
		return nil, err
	}
	cp, err := pick("cloudwatch-capacity-provider-name", infra.OutputCapacityProviderName)
	if err != nil {
		return nil, err
	}
	m := &infra.Metrics{LmiFunction: fn, LmiResource: c.String("cloudwatch-resource"), CapacityProvider: cp,
		Standard: map[string]string{}, Period: time.Duration(c.Int("cloudwatch-period-seconds")) * time.Second}
	if m.LmiResource == "" {
		m.LmiResource = infra.DefaultLmiResource(fn)
	}
	for _, ep := range infra.EndpointOutputs {
		if v := stack.Outputs[ep.Function]; v != "" && ep.Name != "lmi" {
			m.Standard[ep.Name] = v
		}
	}
	return m, nil
}

// waitForScaleIn runs the wait between scenarios; an interrupt ends it and
// reports true.
func waitForScaleIn(w *infra.ScaleInWait, e appEnv) (interrupted bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-e.interrupts:
			interrupted = true
			cancel()
		case <-stop:
		}
	}()
	err := w.Wait(ctx)
	close(stop)
	wg.Wait()
	if err != nil && !interrupted {
		fmt.Fprintf(e.stderr, "lmibench: warning: %v; going on\n", err)
	}
	return interrupted
}

var _ bench.Platform = (*infra.Observer)(nil)

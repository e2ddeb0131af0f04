package infra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/setting"
)

// StackOptions say how to benchmark a deployed stack.
type StackOptions struct {
	Name string
	// CapacityProviderArn has its instances counted; empty takes the
	// stack's CapacityProviderArn output.
	CapacityProviderArn string
	// WaitForScaleIn waits, before each scenario after the first, until
	// the provider is back to its instance count from before the run.
	WaitForScaleIn bool
	// SampleEvery is how often instances are counted, during a scenario
	// and during the wait; ScaleInMax bounds the wait.
	SampleEvery, ScaleInMax time.Duration
	// CloudWatch, when set, names the metrics to fetch after each scenario.
	CloudWatch *MetricsOptions
	// Log gets the wait's progress and warnings.
	Log io.Writer
}

// MetricsOptions name the CloudWatch metrics; an empty name takes the
// stack's output.
type MetricsOptions struct {
	FunctionName, Resource, CapacityProviderName string
	Period                                       time.Duration
}

// StackPlatform is a deployed stack as the platform of a run's scenarios.
type StackPlatform struct {
	stack    *Stack
	region   string
	targets  []platform.Target
	observer *Observer
	clients  *Clients
	metrics  *Metrics     // nil: no CloudWatch
	scaleIn  *ScaleInWait // nil: no wait
	log      io.Writer
	prepared int
}

var (
	_ platform.Platform = (*StackPlatform)(nil)
	_ platform.Delayed  = (*StackPlatform)(nil)
)

// OpenStack reads the stack, checks that its endpoints and the capacity
// provider can be read, and counts the provider's instances: the baseline
// the scale-in wait returns to. Every problem is one line before any load.
func OpenStack(ctx context.Context, c *Clients, o StackOptions) (*StackPlatform, error) {
	stack, err := ReadStack(ctx, c.DescribeStacks, o.Name)
	if err != nil {
		return nil, err
	}
	p := &StackPlatform{stack: stack, region: c.Region, clients: c, log: o.Log,
		observer: &Observer{Clients: c, CapacityProviderArn: o.CapacityProviderArn, SampleEvery: o.SampleEvery}}
	if p.targets, err = stack.Targets(); err != nil {
		return nil, err
	}
	if p.observer.CapacityProviderArn == "" {
		p.observer.CapacityProviderArn = stack.Outputs[OutputCapacityProviderArn]
	}
	if p.observer.CapacityProviderArn == "" && o.WaitForScaleIn {
		return nil, setting.Errorf("capacity-provider-arn", "", "no capacity provider to wait for: set it (the stack has no %s output), or do not wait for scale-in", OutputCapacityProviderArn)
	}
	if p.observer.CapacityProviderArn != "" {
		baseline, err := p.observer.Count(ctx)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(o.Log, "lmibench: capacity provider has %d instances before the run\n", baseline)
		if fn := stack.Outputs[lmiFunction().NameOutput]; baseline == 0 && fn != "" {
			fmt.Fprintf(o.Log, "lmibench: warning: the capacity provider shows 0 instances although the LMI function %s exists "+
				"(it keeps at least 3 execution environments): instance counts will read 0. Check that these credentials may call "+
				"ec2:DescribeInstances on AWS-managed instances, and --capacity-provider-arn\n", fn)
		}
		if o.WaitForScaleIn {
			p.scaleIn = &ScaleInWait{Count: p.observer.Count, Target: baseline, Every: o.SampleEvery, Max: o.ScaleInMax, Log: o.Log}
		}
	}
	if o.CloudWatch != nil {
		if p.metrics, err = stack.metrics(*o.CloudWatch); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// lmiFunction is the benchmark's function on Lambda Managed Instances.
func lmiFunction() platform.Function {
	for _, f := range platform.Functions {
		if f.LMI {
			return f
		}
	}
	panic("platform.Functions has no LMI function")
}

// metrics names the CloudWatch metrics from the options, else the stack's
// outputs.
func (s *Stack) metrics(o MetricsOptions) (*Metrics, error) {
	pick := func(v, output string) (string, error) {
		if v != "" {
			return v, nil
		}
		return s.Output(output)
	}
	m := &Metrics{LmiResource: o.Resource, Standard: map[string]string{}, Period: o.Period}
	var err error
	if m.CapacityProvider, err = pick(o.CapacityProviderName, OutputCapacityProviderName); err != nil {
		return nil, err
	}
	for _, f := range platform.Functions {
		switch {
		case f.LMI:
			m.LMIEndpoint = f.Name
			if m.LmiFunction, err = pick(o.FunctionName, f.NameOutput); err != nil {
				return nil, err
			}
		case s.Outputs[f.NameOutput] != "":
			m.Standard[f.Name] = s.Outputs[f.NameOutput]
		}
	}
	if m.LmiResource == "" {
		m.LmiResource = DefaultLmiResource(m.LmiFunction)
	}
	return m, nil
}

// Describe names the stack.
func (p *StackPlatform) Describe() string {
	return fmt.Sprintf("the endpoints of stack %s in %s", p.stack.Name, p.region)
}

// Info records the stack, its region and the CloudWatch metrics observed,
// so that `lmibench metrics` can fetch them again.
func (p *StackPlatform) Info() platform.Info {
	info := platform.Info{Kind: platform.KindStack, Stack: p.stack.Name, Region: p.region}
	if p.observer.CapacityProviderArn != "" {
		info.Observed = append(info.Observed, "capacity-provider instances")
	}
	if p.metrics != nil {
		info.Observed = append(info.Observed, "CloudWatch")
		b, err := json.Marshal(p.metrics)
		if err != nil {
			panic(err) // strings and a duration always marshal
		}
		info.CloudWatch = b
	}
	return info
}

// ReadyAt is when CloudWatch has published the last period of a scenario
// that ended at end; without CloudWatch, at once.
func (p *StackPlatform) ReadyAt(end time.Time) time.Time {
	if p.metrics == nil {
		return end
	}
	return p.metrics.ReadyAt(end)
}

// FinalAt is the latest CloudWatch's series of a scenario that ended at
// end are waited for; without CloudWatch, at once.
func (p *StackPlatform) FinalAt(end time.Time) time.Time {
	if p.metrics == nil {
		return end
	}
	return p.metrics.FinalAt(end)
}

// Delayed fetches the scenario's CloudWatch series, if any.
func (p *StackPlatform) Delayed(ctx context.Context, start, end time.Time) ([]platform.Series, error) {
	if p.metrics == nil {
		return nil, nil
	}
	return FetchMetrics(ctx, p.clients.GetMetricData, *p.metrics, start, end)
}

// Prepare waits, before every scenario but the first, for the capacity
// provider to scale in. A wait that runs out is a warning: the run goes on.
func (p *StackPlatform) Prepare(ctx context.Context) error {
	p.prepared++
	if p.prepared == 1 || p.scaleIn == nil {
		return nil
	}
	err := p.scaleIn.Wait(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		fmt.Fprintf(p.log, "lmibench: warning: %v; going on\n", err)
	}
	return nil
}

// Targets are the stack's three endpoints.
func (p *StackPlatform) Targets() []platform.Target { return p.targets }

// Observe samples the instances and fetches CloudWatch (see Observer).
func (p *StackPlatform) Observe(start time.Time) func(time.Time) ([]platform.Series, error) {
	return p.observer.Observe(start)
}

// Close has nothing to release.
func (p *StackPlatform) Close() error { return nil }

// ErrNoCloudWatch is a saved run that observed no CloudWatch metrics.
var ErrNoCloudWatch = errors.New("not a run of a stack with CloudWatch metrics: no CloudWatch metrics to fetch")

// FetchSaved fetches again the CloudWatch series of a saved run of a
// stack, from its sidecar's Info, for the window [start, end]. ready is
// when CloudWatch has published the whole window: a point of a period not
// yet published by now is marked partial.
func FetchSaved(ctx context.Context, info platform.Info, start, end time.Time, cwOpts ...func(*cloudwatch.Options)) (series []platform.Series, ready time.Time, err error) {
	if info.Kind != platform.KindStack || len(info.CloudWatch) == 0 {
		return nil, time.Time{}, ErrNoCloudWatch
	}
	var m Metrics
	if err := json.Unmarshal(info.CloudWatch, &m); err != nil {
		return nil, time.Time{}, fmt.Errorf("the sidecar's CloudWatch metrics: %w", err)
	}
	c, err := NewClients(ctx, info.Region, cwOpts...)
	if err != nil {
		return nil, time.Time{}, err
	}
	series, err = FetchMetrics(ctx, c.GetMetricData, m, start, end)
	return series, m.ReadyAt(end), err
}

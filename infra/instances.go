package infra

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lmibench/lmibench/platform"
)

// CapacityProviderTag is the tag Lambda puts on a capacity provider's
// managed instances. Its value's format is not documented: it is taken to
// name the provider by ARN or by name, and both are accepted.
const CapacityProviderTag = "aws:lambda:capacity-provider"

// CountInstances counts the capacity provider's pending and running EC2
// instances. They are AWS-managed, which DescribeInstances hides unless
// asked with IncludeManagedResources; the tag is matched by key and its
// value compared here, so an ARN or a name in it both count.
func CountInstances(ctx context.Context, c DescribeInstances, capacityProvider string) (int, error) {
	in := &ec2.DescribeInstancesInput{
		IncludeManagedResources: aws.Bool(true),
		Filters: []types.Filter{
			{Name: aws.String("tag-key"), Values: []string{CapacityProviderTag}},
			{Name: aws.String("instance-state-name"), Values: []string{"pending", "running"}},
		},
	}
	n := 0
	p := ec2.NewDescribeInstancesPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, fmt.Errorf("count capacity-provider instances: %w", Explain(err))
		}
		for _, r := range page.Reservations {
			for _, i := range r.Instances {
				for _, t := range i.Tags {
					if aws.ToString(t.Key) == CapacityProviderTag && sameProvider(aws.ToString(t.Value), capacityProvider) {
						n++
						break
					}
				}
			}
		}
	}
	return n, nil
}

// sameProvider tells whether two references name one capacity provider:
// equal, or one an ARN (…:capacity-provider:NAME) whose name is the other.
func sameProvider(a, b string) bool {
	return a != "" && b != "" && providerName(a) == providerName(b)
}

// providerName is the name in a capacity provider's ARN, or s itself.
func providerName(s string) string {
	const marker = ":capacity-provider:"
	if i := strings.LastIndex(s, marker); i >= 0 {
		return s[i+len(marker):]
	}
	return s
}

// ErrScaleInTimeout is returned when the instances did not scale in within
// the wait's limit.
var ErrScaleInTimeout = errors.New("capacity provider did not scale in within the limit")

// ScaleInWait waits between scenarios until the capacity provider is back
// to its instance count from before the run, so each scenario starts from
// a comparable baseline.
type ScaleInWait struct {
	Count func(context.Context) (int, error)
	// Target is the count to wait for (the count before the run).
	Target int
	// Every is how often to check; Max bounds the whole wait.
	Every, Max time.Duration
	// Log gets one progress line per check.
	Log io.Writer
}

// Wait returns nil once the count is at or below Target, ErrScaleInTimeout
// after Max, or ctx's error when the user interrupts.
func (w *ScaleInWait) Wait(ctx context.Context) error {
	start := time.Now()
	deadline := time.NewTimer(w.Max)
	defer deadline.Stop()
	tick := time.NewTicker(w.Every)
	defer tick.Stop()
	for {
		n, err := w.Count(ctx)
		if err != nil {
			return err
		}
		if n <= w.Target {
			fmt.Fprintf(w.Log, "lmibench: capacity provider back to %d instances after %s\n", n, time.Since(start).Round(time.Second))
			return nil
		}
		fmt.Fprintf(w.Log, "lmibench: waiting for scale-in: %d instances, want %d (%s of at most %s)\n",
			n, w.Target, time.Since(start).Round(time.Second), w.Max)
		select {
		case <-tick.C:
		case <-deadline.C:
			return fmt.Errorf("%w: %d instances after %s, want %d", ErrScaleInTimeout, n, w.Max, w.Target)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// SampleInstances counts the instances every interval until ctx ends and
// returns them as a series on the run's clock (seconds since start). A
// failed count is skipped: it must not end the run.
func SampleInstances(ctx context.Context, count func(context.Context) (int, error), start time.Time, every time.Duration) platform.Series {
	s := platform.Series{Name: "capacity-provider instances", Unit: "instances", Endpoint: lmiFunction().Name, Metric: platform.MetricInstances}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if n, err := count(ctx); err == nil {
			s.Points = append(s.Points, [2]float64{time.Since(start).Seconds(), float64(n)})
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return s
		}
	}
}

package infra

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/lmibench/lmibench/platform"
)

// EC2API is what infra needs of the EC2 client.
type EC2API interface {
	DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
}

// CapacityProviderTag is the tag Lambda puts on a capacity provider's
// managed instances, valued with the provider's ARN.
const CapacityProviderTag = "aws:lambda:capacity-provider"

// CountInstances counts the capacity provider's pending and running EC2
// instances (managed instances included: they carry the same tag).
func CountInstances(ctx context.Context, c EC2API, capacityProviderArn string) (int, error) {
	in := &ec2.DescribeInstancesInput{Filters: []types.Filter{
		{Name: aws.String("tag:" + CapacityProviderTag), Values: []string{capacityProviderArn}},
		{Name: aws.String("instance-state-name"), Values: []string{"pending", "running"}},
	}}
	n := 0
	p := ec2.NewDescribeInstancesPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, fmt.Errorf("count capacity-provider instances: %w", Explain(err))
		}
		for _, r := range page.Reservations {
			n += len(r.Instances)
		}
	}
	return n, nil
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
	s := platform.Series{Name: "capacity-provider instances", Unit: "instances"}
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

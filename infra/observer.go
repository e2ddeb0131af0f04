package infra

import (
	"context"
	"time"

	"github.com/lmibench/lmibench/platform"
)

// Observer watches the deployed side during each scenario: it samples the
// capacity provider's instances while the load runs and, when asked,
// fetches the functions' CloudWatch metrics for the run's window.
type Observer struct {
	Clients *Clients
	// CapacityProviderArn, when set, has its instances sampled every
	// SampleEvery.
	CapacityProviderArn string
	SampleEvery         time.Duration
	// Metrics, when set, are fetched after each scenario.
	Metrics *Metrics
}

// Count counts the capacity provider's instances now.
func (o *Observer) Count(ctx context.Context) (int, error) {
	return CountInstances(ctx, o.Clients.DescribeInstances, o.CapacityProviderArn)
}

// Observe starts watching a scenario that started at start; the returned
// function stops and gives the series to save beside the run.
func (o *Observer) Observe(start time.Time) func(end time.Time) ([]platform.Series, error) {
	ctx, cancel := context.WithCancel(context.Background())
	sampled := make(chan platform.Series, 1)
	if o.CapacityProviderArn != "" {
		go func() { sampled <- SampleInstances(ctx, o.Count, start, o.SampleEvery) }()
	} else {
		close(sampled)
	}
	return func(end time.Time) ([]platform.Series, error) {
		cancel()
		var out []platform.Series
		if s, ok := <-sampled; ok {
			out = append(out, s)
		}
		if o.Metrics == nil {
			return out, nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		m, err := FetchMetrics(ctx, o.Clients.GetMetricData, *o.Metrics, start, end)
		if err != nil {
			return out, err
		}
		return append(out, m...), nil
	}
}

package infra

import (
	"context"
	"time"

	"github.com/lmibench/lmibench/platform"
)

// Observer samples the capacity provider's instances while a scenario's
// load runs.
type Observer struct {
	Clients *Clients
	// CapacityProviderArn, when set, has its instances sampled every
	// SampleEvery.
	CapacityProviderArn string
	SampleEvery         time.Duration
}

// Count counts the capacity provider's instances now.
func (o *Observer) Count(ctx context.Context) (int, error) {
	return CountInstances(ctx, o.Clients.DescribeInstances, o.CapacityProviderArn)
}

// Observe starts sampling a scenario that started at start; the returned
// function stops and gives the series to save beside the run.
func (o *Observer) Observe(start time.Time) func(end time.Time) ([]platform.Series, error) {
	if o.CapacityProviderArn == "" {
		return func(time.Time) ([]platform.Series, error) { return nil, nil }
	}
	ctx, cancel := context.WithCancel(context.Background())
	sampled := make(chan platform.Series, 1)
	go func() { sampled <- SampleInstances(ctx, o.Count, start, o.SampleEvery) }()
	return func(time.Time) ([]platform.Series, error) {
		cancel()
		return []platform.Series{<-sampled}, nil
	}
}

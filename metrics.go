package main

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/bench"
	"github.com/lmibench/lmibench/infra"
	"github.com/lmibench/lmibench/platform"
)

func metricsCommand(e appEnv) *cli.Command {
	return &cli.Command{
		Name:      "metrics",
		Usage:     "fetch or refresh the CloudWatch series of saved runs of a deployed stack",
		ArgsUsage: "FILE.csv [FILE.csv ...]",
		Description: "CloudWatch publishes each period minutes after it closes, and LMI's ExecutionEnvironmentConcurrency " +
			"comes in 5-minute samples: a run fetches a scenario's series once they are complete, and when that wait is " +
			"skipped or cut short, this fetches them later from the run's sidecar (stack, region, metrics and window), " +
			"replaces the CloudWatch series saved beside the CSV and rebuilds its page.\n\n" +
			"EXAMPLE:\n   lmibench metrics results/high-cpu-20261123T135107Z.csv",
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			files := c.Args().Slice()
			if len(files) == 0 {
				return badInput("metrics: name at least one CSV file of a run with --stack and --cloudwatch-concurrency")
			}
			for _, f := range files {
				if !strings.HasSuffix(f, ".csv") {
					return badInput("metrics: %s: not a .csv file", f)
				}
			}
			fetch := func(ctx context.Context, info platform.Info, start, end time.Time) ([]platform.Series, time.Time, error) {
				series, ready, err := infra.FetchSaved(ctx, info, start, end, e.cloudwatch...)
				if errors.Is(err, infra.ErrNoCloudWatch) {
					err = errors.New("not a run of a stack with --cloudwatch-concurrency: no CloudWatch metrics to fetch")
				}
				return series, ready, err
			}
			var errs []error
			for _, f := range files {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				errs = append(errs, bench.RefreshDelayed(ctx, f, fetch, e.stderr))
				cancel()
			}
			if err := errors.Join(errs...); err != nil {
				return &exitError{code: exitFailure, err: err}
			}
			return nil
		},
	}
}

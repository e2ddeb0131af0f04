package infra

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/lmibench/lmibench/platform"
)

// Metrics names what to fetch for a run window.
type Metrics struct {
	// LMI's ExecutionEnvironmentConcurrency is reported per function,
	// published version (Resource) and capacity provider.
	LmiFunction, LmiResource, CapacityProvider string
	// Standard functions by endpoint name: ConcurrentExecutions, Throttles.
	Standard map[string]string
	// Period of the statistics.
	Period time.Duration
}

// DefaultLmiResource is the Resource dimension of an LMI function invoked
// by its unqualified ARN, which runs its $LATEST.PUBLISHED version.
func DefaultLmiResource(function string) string { return function + ":$LATEST.PUBLISHED" }

type query struct {
	series string
	unit   string
	stat   string
	metric types.Metric
}

func dims(kv ...string) []types.Dimension {
	var out []types.Dimension
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, types.Dimension{Name: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func (m Metrics) queries() []query {
	lmi := types.Metric{Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("ExecutionEnvironmentConcurrency"),
		Dimensions: dims("CapacityProviderName", m.CapacityProvider, "FunctionName", m.LmiFunction, "Resource", m.LmiResource)}
	qs := []query{
		{"lmi environment concurrency (average)", "requests", "Average", lmi},
		{"lmi environments reporting (sample count)", "environments", "SampleCount", lmi},
	}
	names := make([]string, 0, len(m.Standard))
	for n := range m.Standard {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fn := dims("FunctionName", m.Standard[n])
		qs = append(qs,
			query{n + " concurrent executions (max)", "executions", "Maximum",
				types.Metric{Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("ConcurrentExecutions"), Dimensions: fn}},
			query{n + " throttles (sum)", "throttles", "Sum",
				types.Metric{Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Throttles"), Dimensions: fn}})
	}
	return qs
}

// FetchMetrics gets the run window's metrics as series on the run's clock
// (seconds since start). The window is widened to whole periods so the
// first and last partial periods are included.
func FetchMetrics(ctx context.Context, cw GetMetricData, m Metrics, start, end time.Time) ([]platform.Series, error) {
	period := max(m.Period, time.Minute)
	qs := m.queries()
	in := &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(start.Truncate(period)),
		EndTime:   aws.Time(end.Truncate(period).Add(period)),
		ScanBy:    types.ScanByTimestampAscending,
	}
	for i, q := range qs {
		in.MetricDataQueries = append(in.MetricDataQueries, types.MetricDataQuery{
			Id:         aws.String(fmt.Sprintf("q%d", i)),
			Label:      aws.String(q.series),
			MetricStat: &types.MetricStat{Metric: &q.metric, Period: aws.Int32(int32(period.Seconds())), Stat: aws.String(q.stat)},
		})
	}
	byID := map[string]*platform.Series{}
	out := make([]platform.Series, len(qs))
	for i, q := range qs {
		out[i] = platform.Series{Name: q.series, Unit: q.unit}
		byID[fmt.Sprintf("q%d", i)] = &out[i]
	}
	p := cloudwatch.NewGetMetricDataPaginator(cw, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("CloudWatch GetMetricData: %w", Explain(err))
		}
		for _, r := range page.MetricDataResults {
			s := byID[aws.ToString(r.Id)]
			if s == nil {
				continue
			}
			for j := range r.Timestamps {
				if j < len(r.Values) {
					s.Points = append(s.Points, [2]float64{r.Timestamps[j].Sub(start).Seconds(), r.Values[j]})
				}
			}
		}
	}
	for i := range out {
		sort.Slice(out[i].Points, func(a, b int) bool { return out[i].Points[a][0] < out[i].Points[b][0] })
	}
	return out, nil
}

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

// Metrics names what to fetch for a run window. It is saved in the run's
// sidecar, so that the series can be fetched again later.
type Metrics struct {
	// LMIEndpoint is the endpoint name of the LMI function, LmiFunction its
	// function name. Its ExecutionEnvironmentConcurrency and throttle
	// reasons are reported per function, published version (Resource) and
	// capacity provider.
	LMIEndpoint      string `json:"lmi_endpoint"`
	LmiFunction      string `json:"lmi_function"`
	LmiResource      string `json:"lmi_resource"`
	CapacityProvider string `json:"capacity_provider"`
	// Standard functions by endpoint name: ConcurrentExecutions, Throttles.
	Standard map[string]string `json:"standard"`
	// Period of the statistics.
	Period time.Duration `json:"period_ns"`
}

// DefaultLmiResource is the Resource dimension of an LMI function invoked
// by its unqualified ARN, which runs its $LATEST.PUBLISHED version.
func DefaultLmiResource(function string) string { return function + ":$LATEST.PUBLISHED" }

// ThrottleReasons are the metrics in which Lambda Managed Instances says
// why it throttled invokes.
var ThrottleReasons = []string{"ConcurrencyThrottles", "CPUThrottles", "MemoryThrottles", "DiskThrottles"}

// PublishDelay is how long after a period's end CloudWatch is first asked
// for it, and MaxPublishDelay the latest it is waited for. AWS publishes
// LMI's metrics at 5-minute intervals and says to "wait at least 5–10
// minutes" before expecting them: the run fetches at 5 minutes, then again
// until two fetches agree (the last period is published), at 10 at most.
const (
	PublishDelay    = 5 * time.Minute
	MaxPublishDelay = 10 * time.Minute
)

// ReadyAt is when the metrics of a window ending at end are first fetched:
// the end of its last period plus PublishDelay.
func (m Metrics) ReadyAt(end time.Time) time.Time {
	p := m.period()
	return end.Truncate(p).Add(p).Add(PublishDelay)
}

// FinalAt is the latest the metrics of a window ending at end are waited
// for: the end of its last period plus MaxPublishDelay.
func (m Metrics) FinalAt(end time.Time) time.Time {
	p := m.period()
	return end.Truncate(p).Add(p).Add(MaxPublishDelay)
}

func (m Metrics) period() time.Duration { return max(m.Period, time.Minute) }

type query struct {
	series platform.Series // its name, unit, endpoint and metric
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

func lambdaMetric(name string, d []types.Dimension) types.Metric {
	return types.Metric{Namespace: aws.String("AWS/Lambda"), MetricName: aws.String(name), Dimensions: d}
}

func (m Metrics) queries() []query {
	ep := m.LMIEndpoint
	env := dims("CapacityProviderName", m.CapacityProvider, "FunctionName", m.LmiFunction, "Resource", m.LmiResource)
	concurrency := lambdaMetric("ExecutionEnvironmentConcurrency", env)
	qs := []query{
		{platform.Series{Name: ep + " environment concurrency (average)", Unit: "requests", Endpoint: ep, Metric: "ExecutionEnvironmentConcurrency"}, "Average", concurrency},
		{platform.Series{Name: ep + " environments reporting (sample count)", Unit: "environments", Endpoint: ep, Metric: "ExecutionEnvironmentConcurrency"}, "SampleCount", concurrency},
		{platform.Series{Name: ep + " throttles (sum)", Unit: "throttles", Endpoint: ep, Metric: "Throttles"}, "Sum",
			lambdaMetric("Throttles", dims("FunctionName", m.LmiFunction))},
	}
	for _, reason := range ThrottleReasons {
		qs = append(qs, query{platform.Series{Name: ep + " " + reason + " (sum)", Unit: "throttles", Endpoint: ep, Metric: reason}, "Sum",
			lambdaMetric(reason, env)})
	}
	names := make([]string, 0, len(m.Standard))
	for n := range m.Standard {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fn := dims("FunctionName", m.Standard[n])
		qs = append(qs,
			query{platform.Series{Name: n + " concurrent executions (max)", Unit: "executions", Endpoint: n, Metric: "ConcurrentExecutions"}, "Maximum",
				lambdaMetric("ConcurrentExecutions", fn)},
			query{platform.Series{Name: n + " throttles (sum)", Unit: "throttles", Endpoint: n, Metric: "Throttles"}, "Sum",
				lambdaMetric("Throttles", fn)})
	}
	return qs
}

// FetchMetrics gets the run window's metrics as series on the run's clock
// (seconds since start). The query covers whole periods from the one
// holding start to the one holding end; a point whose period reaches
// outside [start, end], or is not yet published by now, is marked partial.
func FetchMetrics(ctx context.Context, cw GetMetricData, m Metrics, start, end time.Time) ([]platform.Series, error) {
	period := m.period()
	qs := m.queries()
	in := &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(start.Truncate(period)),
		EndTime:   aws.Time(end.Truncate(period).Add(period)),
		ScanBy:    types.ScanByTimestampAscending,
	}
	for i, q := range qs {
		in.MetricDataQueries = append(in.MetricDataQueries, types.MetricDataQuery{
			Id:         aws.String(fmt.Sprintf("q%d", i)),
			Label:      aws.String(q.series.Name),
			MetricStat: &types.MetricStat{Metric: &q.metric, Period: aws.Int32(int32(period.Seconds())), Stat: aws.String(q.stat)},
		})
	}
	type point struct {
		at    time.Time
		value float64
	}
	got := make([][]point, len(qs))
	byID := map[string]int{}
	for i := range qs {
		byID[fmt.Sprintf("q%d", i)] = i
	}
	p := cloudwatch.NewGetMetricDataPaginator(cw, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("CloudWatch GetMetricData: %w", Explain(err))
		}
		for _, r := range page.MetricDataResults {
			i, ok := byID[aws.ToString(r.Id)]
			if !ok {
				continue
			}
			for j := range r.Timestamps {
				if j < len(r.Values) {
					got[i] = append(got[i], point{r.Timestamps[j], r.Values[j]})
				}
			}
		}
	}
	out := make([]platform.Series, len(qs))
	for i, q := range qs {
		s := q.series
		s.Period = period.Seconds()
		sort.Slice(got[i], func(a, b int) bool { return got[i][a].at.Before(got[i][b].at) })
		for _, pt := range got[i] {
			s.Points = append(s.Points, [2]float64{pt.at.Sub(start).Seconds(), pt.value})
			closes := pt.at.Add(period)
			s.Partial = append(s.Partial, pt.at.Before(start) || closes.After(end) || closes.Add(PublishDelay).After(time.Now()))
		}
		out[i] = s
	}
	return out, nil
}

package infra

import (
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/lmibench/lmibench/internal/mototest"
)

// clients are the operations infra uses, and whole SDK clients to set the
// scene with, all on a fresh moto server.
func clients(t *testing.T) (*Clients, *cloudformation.Client, *ec2.Client, *cloudwatch.Client) {
	t.Helper()
	mototest.Start(t)
	c, err := NewClients(context.Background(), "", mototest.CloudWatchJSON)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c, cloudformation.NewFromConfig(cfg), ec2.NewFromConfig(cfg), cloudwatch.NewFromConfig(cfg, mototest.CloudWatchJSON)
}

func TestReadStack(t *testing.T) {
	c, cf, _, _ := clients(t)
	ctx := context.Background()
	if _, err := cf.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("demo"), TemplateBody: aws.String(mototest.StackTemplate("http://127.0.0.1:9"))}); err != nil {
		t.Fatal(err)
	}
	s, err := ReadStack(ctx, c.DescribeStacks, "demo")
	if err != nil {
		t.Fatal(err)
	}
	ts, err := s.Targets()
	if err != nil || len(ts) != 3 || ts[2].Name != "lmi" || ts[2].URL != "http://127.0.0.1:9/lmi/2048/hello" {
		t.Fatalf("Targets() = %v, %v; want the three endpoints", ts, err)
	}
	if _, err := ReadStack(ctx, c.DescribeStacks, "nope"); err == nil || err.Error() != "stack nope: not found" {
		t.Fatalf("ReadStack(nope) = %v; want one line saying not found", err)
	}
	delete(s.Outputs, "EndpointLmiUrl")
	if _, err := s.Targets(); err == nil || !strings.Contains(err.Error(), "has no output EndpointLmiUrl") {
		t.Fatalf("Targets() without EndpointLmiUrl = %v; want it named", err)
	}
}

func runInstances(t *testing.T, c *ec2.Client, n int32, arn string) []string {
	t.Helper()
	ids, err := mototest.RunInstances(context.Background(), c, n, CapacityProviderTag, arn)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestCountAndScaleInWait(t *testing.T) {
	c, _, e, _ := clients(t)
	ctx := context.Background()
	const arn = "arn:aws:lambda:us-east-1:123456789012:capacity-provider:demo"
	ids := runInstances(t, e, 2, arn)
	ids = append(ids, runInstances(t, e, 1, "demo")...) // the tag's value may be the name
	runInstances(t, e, 2, "arn:aws:lambda:us-east-1:123456789012:capacity-provider:other")
	// moto ignores IncludeManagedResources, so the request itself is checked.
	var sent []*ec2.DescribeInstancesInput
	describe := DescribeInstances(func(ctx context.Context, in *ec2.DescribeInstancesInput, o ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
		sent = append(sent, in)
		return c.DescribeInstances(ctx, in, o...)
	})
	count := func(ctx context.Context) (int, error) { return CountInstances(ctx, describe, arn) }
	if n, err := count(ctx); err != nil || n != 3 {
		t.Fatalf("CountInstances() = %d, %v; want 3", n, err)
	}
	if in := sent[0]; !aws.ToBool(in.IncludeManagedResources) || aws.ToString(in.Filters[0].Name) != "tag-key" || in.Filters[0].Values[0] != CapacityProviderTag {
		t.Fatalf("DescribeInstances request = %+v; want managed resources included and the tag matched by key", in)
	}
	if n, err := CountInstances(ctx, c.DescribeInstances, "demo"); err != nil || n != 3 {
		t.Fatalf("CountInstances(by name) = %d, %v; want 3", n, err)
	}

	// Two instances end right after the wait's first count: the next one
	// sees the scale-in.
	counts := 0
	scaleIn := func(ctx context.Context) (int, error) {
		n, err := count(ctx)
		if counts++; counts == 1 {
			if _, err := e.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids[:2]}); err != nil {
				t.Fatal(err)
			}
		}
		return n, err
	}
	var log bytes.Buffer
	w := &ScaleInWait{Count: scaleIn, Target: 1, Every: 10 * time.Millisecond, Max: time.Hour, Log: &log}
	if err := w.Wait(ctx); err != nil || counts != 2 {
		t.Fatalf("Wait() = %v after %d counts; want nil at the second", err, counts)
	}
	if !strings.Contains(log.String(), "waiting for scale-in: 3 instances, want 1") || !strings.Contains(log.String(), "back to 1 instances") {
		t.Errorf("progress log = %q", log.String())
	}
}

// fixedCount counts n instances, and how often it was asked.
type fixedCount struct {
	n, calls int
}

func (f *fixedCount) count(context.Context) (int, error) { f.calls++; return f.n, nil }

func TestScaleInWaitGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Never scales in: a clean timeout after Max, having checked every Every.
		f := &fixedCount{n: 2}
		w := &ScaleInWait{Count: f.count, Target: 0, Every: time.Minute, Max: 5*time.Minute + time.Second, Log: io.Discard}
		start := time.Now()
		if err := w.Wait(context.Background()); !errors.Is(err, ErrScaleInTimeout) {
			t.Fatalf("Wait() without scale-in = %v; want ErrScaleInTimeout", err)
		}
		if took := time.Since(start); took != 5*time.Minute+time.Second || f.calls != 6 {
			t.Fatalf("Wait() gave up after %v and %d counts; want 5m1s and 6", took, f.calls)
		}
		// Interrupted: the context's error, at once.
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		w.Max = time.Hour
		start = time.Now()
		if err := w.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 90*time.Second {
			t.Fatalf("Wait() interrupted = %v after %v; want the context's error at 1m30s", err, time.Since(start))
		}
	})
}

func TestSampleInstances(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fixedCount{n: 1}
		ctx, cancel := context.WithTimeout(context.Background(), 350*time.Millisecond)
		defer cancel()
		s := SampleInstances(ctx, f.count, time.Now(), 100*time.Millisecond)
		want := [][2]float64{{0, 1}, {0.1, 1}, {0.2, 1}, {0.3, 1}}
		if !reflect.DeepEqual(s.Points, want) {
			t.Fatalf("SampleInstances() = %v; want %v", s.Points, want)
		}
	})
}

func TestFetchMetrics(t *testing.T) {
	c, _, _, cw := clients(t)
	ctx := context.Background()
	start := time.Now().UTC().Add(-10 * time.Minute).Truncate(time.Minute)
	put := func(metric string, value float64, at time.Time, kv ...string) {
		var d []cwtypes.Dimension
		for i := 0; i < len(kv); i += 2 {
			d = append(d, cwtypes.Dimension{Name: aws.String(kv[i]), Value: aws.String(kv[i+1])})
		}
		_, err := cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/Lambda"),
			MetricData: []cwtypes.MetricDatum{{MetricName: aws.String(metric), Value: aws.Float64(value), Timestamp: aws.Time(at), Dimensions: d}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	lmi := []string{"CapacityProviderName", "demo-cp", "FunctionName", "demo-lmi", "Resource", DefaultLmiResource("demo-lmi")}
	put("ExecutionEnvironmentConcurrency", 10, start.Add(30*time.Second), lmi...)
	put("ExecutionEnvironmentConcurrency", 30, start.Add(40*time.Second), lmi...)
	put("ExecutionEnvironmentConcurrency", 50, start.Add(90*time.Second), lmi...)
	put("Throttles", 4, start.Add(30*time.Second), "FunctionName", "demo-128")
	put("Throttles", 1, start.Add(31*time.Second), "FunctionName", "demo-128")
	put("Throttles", 7, start.Add(95*time.Second), "FunctionName", "demo-lmi")
	put("CPUThrottles", 6, start.Add(95*time.Second), lmi...)
	put("ConcurrencyThrottles", 1, start.Add(95*time.Second), lmi...)

	m := Metrics{LMIEndpoint: "lmi", LmiFunction: "demo-lmi", LmiResource: DefaultLmiResource("demo-lmi"),
		CapacityProvider: "demo-cp", Standard: map[string]string{"128": "demo-128"}, Period: time.Minute}
	series, err := FetchMetrics(ctx, c.GetMetricData, m, start, start.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][][2]float64{}
	for _, s := range series {
		got[s.Name] = s.Points
		if s.Period != 60 || len(s.Partial) != len(s.Points) {
			t.Errorf("%s: period %v, partial %v; want 60 s and a mark per point", s.Name, s.Period, s.Partial)
		}
	}
	for name, want := range map[string]float64{"lmi throttles (sum)": 7, "lmi CPUThrottles (sum)": 6, "lmi ConcurrencyThrottles (sum)": 1} {
		if p := got[name]; len(p) != 1 || p[0] != [2]float64{60, want} {
			t.Errorf("%s = %v; want %v in the second minute", name, p, want)
		}
	}
	// A window ending mid-period: that period's point is partial.
	series, err = FetchMetrics(ctx, c.GetMetricData, m, start, start.Add(90*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if s := series[0]; len(s.Partial) != 2 || s.Partial[0] || !s.Partial[1] {
		t.Errorf("%s partial = %v; want the second minute partial", s.Name, s.Partial)
	}
	if ready := m.ReadyAt(start.Add(90 * time.Second)); !ready.Equal(start.Add(2*time.Minute + PublishDelay)) {
		t.Errorf("ReadyAt = %v; want the end of the last period plus the publication delay", ready)
	}
	if p := got["lmi environment concurrency (average)"]; len(p) != 2 || p[0] != [2]float64{0, 20} || p[1] != [2]float64{60, 50} {
		t.Errorf("LMI average = %v; want 20 in the first minute, 50 in the second", p)
	}
	if p := got["lmi environments reporting (sample count)"]; len(p) != 2 || p[0][1] != 2 {
		t.Errorf("LMI sample count = %v; want 2 samples in the first minute", p)
	}
	if p := got["128 throttles (sum)"]; len(p) != 1 || p[0][1] != 5 {
		t.Errorf("128 throttles = %v; want 5", p)
	}
}

func TestSameProvider(t *testing.T) {
	const arn = "arn:aws:lambda:us-east-1:123456789012:capacity-provider:demo-cp"
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{arn, arn, true},
		{arn, "demo-cp", true},
		{"demo-cp", arn, true},
		{arn, "demo", false},
		{arn, "arn:aws:lambda:us-east-1:123456789012:capacity-provider:other", false},
		{"", "", false},
	} {
		if got := sameProvider(tt.a, tt.b); got != tt.want {
			t.Errorf("sameProvider(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestOpenStackWarnsWhenTheProviderShowsNoInstances(t *testing.T) {
	c, cf, _, _ := clients(t)
	ctx := context.Background()
	if _, err := cf.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("demo"), TemplateBody: aws.String(mototest.StackTemplate("http://127.0.0.1:9"))}); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	p, err := OpenStack(ctx, c, StackOptions{Name: "demo", WaitForScaleIn: true, SampleEvery: time.Minute, ScaleInMax: time.Minute, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "warning: the capacity provider shows 0 instances although the LMI function demo-lmi exists") {
		t.Errorf("log = %q; want a warning that the counts will read 0", log.String())
	}
	if got := p.Targets(); len(got) != 3 || !strings.Contains(p.Describe(), "stack demo") {
		t.Errorf("platform targets %v, %q", got, p.Describe())
	}
}

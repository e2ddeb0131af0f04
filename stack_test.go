package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/infra"
	"github.com/lmibench/lmibench/internal/mototest"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/summary"
)

const demoArn = "arn:aws:lambda:us-east-1:123456789012:capacity-provider:demo-cp-2-c8xlarge"

// deployed is a moto account with the demo stack, whose endpoints are a
// loopback server, and its capacity provider's instances.
type deployed struct {
	ec2   *ec2.Client
	cw    *cloudwatch.Client
	paths map[string]*atomic.Int64
	// onRequest, when set, runs inside the first request the server gets,
	// before it answers: the platform reacting to the load, on the load's
	// own clock rather than a timer's.
	onRequest func()
	once      sync.Once
	// answer, when set for a path, answers in the function's stead: API
	// Gateway's own answers.
	answer map[string]http.HandlerFunc
}

func deploy(t *testing.T, instances int32) *deployed {
	t.Helper()
	mototest.Start(t)
	d := &deployed{paths: map[string]*atomic.Int64{}}
	mux := function.NewLocalMux()
	for _, e := range platform.Functions {
		d.paths[e.Path] = &atomic.Int64{}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := d.paths[r.URL.Path]; n != nil {
			n.Add(1)
		}
		if d.onRequest != nil {
			d.once.Do(d.onRequest)
		}
		if a := d.answer[r.URL.Path]; a != nil {
			a(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cf := cloudformation.NewFromConfig(cfg)
	if _, err := cf.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("demo"), TemplateBody: aws.String(mototest.StackTemplate(srv.URL))}); err != nil {
		t.Fatal(err)
	}
	d.ec2 = ec2.NewFromConfig(cfg)
	d.cw = cloudwatch.NewFromConfig(cfg, mototest.CloudWatchJSON)
	if instances > 0 {
		d.run(t, instances)
	}
	return d
}

// run starts n of the capacity provider's instances. It reports a failure
// with Error, as it may run inside a request handler, where Fatal may not.
func (d *deployed) run(t *testing.T, n int32) []string {
	ids, err := mototest.RunInstances(context.Background(), d.ec2, n, infra.CapacityProviderTag, demoArn)
	if err != nil {
		t.Error(err)
	}
	return ids
}

func TestRunAgainstAStack(t *testing.T) {
	d := deploy(t, 2)
	ctx := context.Background()
	// The LMI function reports its concurrency; the 128 MB one throttles.
	now := time.Now().UTC()
	_, err := d.cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/Lambda"), MetricData: []cwtypes.MetricDatum{
		{MetricName: aws.String("ExecutionEnvironmentConcurrency"), Value: aws.Float64(12), Timestamp: aws.Time(now), Dimensions: []cwtypes.Dimension{
			{Name: aws.String("CapacityProviderName"), Value: aws.String("demo-cp-2-c8xlarge")},
			{Name: aws.String("FunctionName"), Value: aws.String("demo-lmi")},
			{Name: aws.String("Resource"), Value: aws.String("demo-lmi:$LATEST.PUBLISHED")}}},
		{MetricName: aws.String("Throttles"), Value: aws.Float64(3), Timestamp: aws.Time(now), Dimensions: []cwtypes.Dimension{
			{Name: aws.String("FunctionName"), Value: aws.String("demo-128")}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	// The first request scales the provider out by one instance before it
	// is answered, so the scenario cannot end before the instance exists.
	// The instance goes away when the wait before the second scenario has
	// counted it: the wait sees 3, then 2.
	var mu sync.Mutex
	var extra []string
	d.onRequest = func() {
		ids := d.run(t, 1)
		mu.Lock()
		extra = ids
		mu.Unlock()
	}
	var terminate sync.Once
	// CloudWatch publishes the last scenario's period minutes after it
	// closes: its countdown is skipped by an interrupt, as Ctrl-C would,
	// and the series are fetched afterwards with lmibench metrics.
	interrupts := make(chan struct{}, 2)
	stderr := &watchedWriter{on: map[string]func(){
		"waiting for scale-in: 3 instances": func() {
			terminate.Do(func() {
				mu.Lock()
				ids := extra
				mu.Unlock()
				if _, err := d.ec2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids}); err != nil {
					t.Error(err)
				}
			})
		},
		"(Ctrl-C skips)": func() { interrupts <- struct{}{} },
	}}
	dir := t.TempDir()
	r := runCLIWith(t, stderr, interrupts, "run", "--stack", "demo", "--scenario", "all", "--stages-json", `[{"duration":"1ms","target":2},{"duration":"400ms","target":2}]`,
		"--io-fast-delay-ms", "1", "--io-slow-delay-ms", "1", "--cpu-low-hash-loops", "1", "--cpu-high-hash-loops", "1",
		"--scale-in-check-seconds", "1", "--scale-in-max-minutes", "10", "--graceful-stop", "10m",
		"--cloudwatch-concurrency", "--cloudwatch-period-seconds", "60", "--output-dir", dir)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for path, n := range d.paths {
		if n.Load() == 0 {
			t.Errorf("no request reached %s", path)
		}
	}
	for _, want := range []string{"capacity provider has 2 instances before the run", "waiting for scale-in: 3 instances, want 2", "back to 2 instances",
		"CloudWatch series not fetched; after ", "lmibench metrics "} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	series, _ := filepath.Glob(filepath.Join(dir, "*.series.json"))
	if len(series) != 4 {
		t.Fatalf("series files = %v; want one per scenario", series)
	}
	if fileHas(t, series[0], "lmi environment concurrency") {
		t.Fatalf("%s holds CloudWatch series before they were complete", series[0])
	}
	csv := strings.TrimSuffix(series[0], ".series.json") + ".csv"
	m := runCLI(t, nil, "metrics", csv)
	if m.code != exitOK || !strings.Contains(m.stderr, "CloudWatch completes this window at") || !strings.Contains(m.stderr, "throttles counted by CloudWatch: 128: 3") {
		t.Fatalf("metrics: exit %d\n%s", m.code, m.stderr)
	}
	b, _ := os.ReadFile(series[0])
	for _, want := range []string{`"capacity-provider instances"`, `"lmi environment concurrency (average)"`, `"128 throttles (sum)"`, `12`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s:\n%s", series[0], want, b)
		}
	}
	page := strings.TrimSuffix(series[0], ".series.json") + ".html"
	if !fileHas(t, page, "The platform") {
		t.Errorf("%s does not chart the platform's series", page)
	}
	if !fileHas(t, page, "stack demo in us-east-1; observed: capacity-provider instances, CloudWatch") || fileHas(t, page, "Emulated run") {
		t.Errorf("%s does not say which stack was measured and what was observed", page)
	}
}

// TestStackThrottlesAreNotBilled: a deployed run whose 2048 endpoint gets
// API Gateway's 500 for every invoke (Lambda throttled or rejected it)
// bills nothing for it and says why; and a run without CloudWatch says
// that throttles arrive as 500, so its 5xx cannot be told apart.
func TestStackThrottlesAreNotBilled(t *testing.T) {
	d := deploy(t, 2)
	d.answer = map[string]http.HandlerFunc{platform.Functions[1].Path: func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"message":"Internal Server Error"}`))
	}}
	r := runCLI(t, nil, "run", "--stack", "demo", "--scenario", "fast-io", "--io-fast-delay-ms", "1",
		"--stages-json", `[{"duration":"1ms","target":2},{"duration":"300ms","target":2}]`, "--think", "20ms",
		"--no-wait-for-scale-in", "--no-cloudwatch-concurrency", "--output-dir", t.TempDir(), "--summary", "-", "-q") // the replaced benchmark's spellings
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var sums []summary.Summary
	if err := json.Unmarshal([]byte(r.stdout), &sums); err != nil || len(sums) != 1 {
		t.Fatalf("summary: %v", err)
	}
	e := sums[0].Endpoint(platform.Functions[1].Name)
	if e == nil || e.All.Requests == 0 || e.All.S5xx != e.All.Requests || e.All.BilledRequests != 0 || e.All.Cost != nil ||
		e.All.Unbilled == nil || e.All.Unbilled.Gateway500 != e.All.Requests {
		t.Fatalf("%s = %+v; want every request a 500, none billed, all counted as API Gateway's", platform.Functions[1].Name, e)
	}
	for _, want := range []string{"API Gateway answers 500 when Lambda throttles an invoke", "CloudWatch's Throttles were not fetched for this run"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestStackErrorsAreOneLineBeforeAnyLoad(t *testing.T) {
	d := deploy(t, 0)
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no such stack", []string{"--stack", "nope"}, nil, "--stack: stack nope: not found"},
		{"stack and target", []string{"--stack", "demo", "--target", "a=http://127.0.0.1:1"}, nil, "--target and --stack"},
		{"aws flag without stack", []string{"--cloudwatch-concurrency"}, nil, "--cloudwatch-concurrency: only applies with --stack"},
		{"both forms of a flag", []string{"--stack", "demo", "--no-wait-for-scale-in", "--wait-for-scale-in"}, nil, "--wait-for-scale-in and --no-wait-for-scale-in: give one or the other"},
		{"cloudwatch flag without cloudwatch", []string{"--stack", "demo", "--cloudwatch-period-seconds", "60"}, nil, "only applies with --cloudwatch-concurrency"},
		{"bad period", []string{"--stack", "demo", "--cloudwatch-period-seconds", "90"}, nil, "multiple of 60"},
		{"no credentials", []string{"--stack", "demo"}, map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, "no AWS credentials found"},
		{"no region", []string{"--stack", "demo"}, map[string]string{"AWS_REGION": "", "AWS_DEFAULT_REGION": ""}, "no AWS region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			r := runCLI(t, nil, append([]string{"run", "--output-dir", t.TempDir()}, tt.args...)...)
			if r.code != exitBadInput || !strings.Contains(r.stderr, tt.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want one line with %q", r.code, r.stderr, tt.want)
			}
		})
	}
	for path, n := range d.paths {
		if n.Load() != 0 {
			t.Errorf("%d requests reached %s; want none", n.Load(), path)
		}
	}
}

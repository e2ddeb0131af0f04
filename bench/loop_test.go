package bench

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/setting"
)

// fakePlatform records how the loop drives it. Prepare fails or blocks
// until ctx ends from the scenario numbered blockAt (1-based) on.
type fakePlatform struct {
	url      string
	blockAt  int
	prepared int
	observed int
	closed   int
}

func (f *fakePlatform) Describe() string { return "a fake platform" }

func (f *fakePlatform) Info() platform.Info { return platform.Info{Kind: "fake"} }

func (f *fakePlatform) Prepare(ctx context.Context) error {
	f.prepared++
	if f.blockAt > 0 && f.prepared >= f.blockAt {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func (f *fakePlatform) Targets() []platform.Target { return []platform.Target{{Name: "x", URL: f.url}} }

func (f *fakePlatform) Observe(time.Time) func(time.Time) ([]platform.Series, error) {
	f.observed++
	return func(time.Time) ([]platform.Series, error) {
		return []platform.Series{{Name: "instances", Points: [][2]float64{{0, float64(f.observed)}}}}, nil
	}
}

func (f *fakePlatform) Close() error { f.closed++; return nil }

func TestLoopPreparesEachScenarioAndWritesAnIndex(t *testing.T) {
	srv := httptest.NewServer(function.New())
	defer srv.Close()
	var log bytes.Buffer
	cfg := config(t, srv.URL, &log)
	fake := &fakePlatform{url: srv.URL}
	cfg.Platform = fake
	cfg.Scenarios = DefaultWorkloads.Scenarios()[:2]
	cfg.Scenarios[0].Work, cfg.Scenarios[1].Work = function.Work{DelayMS: 1}, function.Work{DelayMS: 1}
	out, err := Run(context.Background(), context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if fake.prepared != 2 || fake.observed != 2 || fake.closed != 1 || len(out.Results) != 2 || out.Interrupted || out.Succeeded == 0 {
		t.Fatalf("prepared %d, observed %d, closed %d, outcome %+v; want each scenario prepared and observed, one close", fake.prepared, fake.observed, fake.closed, out)
	}
	for _, r := range out.Results {
		if len(r.Written) != 5 || r.Written[2].Kind != "series" || r.Written[3].Kind != "summary" {
			t.Errorf("%s wrote %v; want csv, sidecar, series, summary and report", r.CSV, r.Written)
		}
	}
	index, _ := filepath.Glob(filepath.Join(cfg.OutputDir, "index-*.html"))
	if len(index) != 1 || !strings.Contains(log.String(), "all scenarios: "+index[0]) {
		t.Fatalf("index pages %v; want one, named on the log", index)
	}
	b, _ := os.ReadFile(index[0])
	if !bytes.Contains(b, []byte(filepath.Base(out.Results[1].Page))) {
		t.Errorf("the index does not link %s", out.Results[1].Page)
	}
	if !strings.Contains(log.String(), "benchmarking a fake platform") {
		t.Errorf("the log does not say what the run is against:\n%s", log.String())
	}
}

func TestLoopStopsWhenInterruptedWhilePreparing(t *testing.T) {
	srv := httptest.NewServer(function.New())
	defer srv.Close()
	cfg := config(t, srv.URL, &bytes.Buffer{})
	// The second scenario's preparation (a scale-in wait, say) never ends
	// by itself: the interrupt ends it, and the run with it.
	fake := &fakePlatform{url: srv.URL, blockAt: 2}
	cfg.Platform = fake
	cfg.Scenarios = DefaultWorkloads.Scenarios()
	for i := range cfg.Scenarios {
		cfg.Scenarios[i].Work = function.Work{DelayMS: 1}
	}
	ctx, interrupt := context.WithCancel(context.Background())
	cfg.Log = &onWrite{match: "  report: ", do: interrupt} // the first scenario's last line
	out, err := Run(ctx, context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Interrupted || len(out.Results) != 1 || fake.prepared != 2 || fake.closed != 1 {
		t.Fatalf("outcome %+v, prepared %d, closed %d; want one scenario, then the interrupted wait, then the end", out, fake.prepared, fake.closed)
	}
}

func TestLoopSaysWhenTheStreamCannotBeWritten(t *testing.T) {
	cfg := config(t, "http://127.0.0.1:1", &bytes.Buffer{})
	cfg.CSV = filepath.Join(t.TempDir(), "missing", "all.csv")
	var se *setting.Error
	if _, err := Run(context.Background(), context.Background(), cfg); !errors.As(err, &se) || se.Key != "csv" {
		t.Fatalf("Run() with an unwritable CSV stream = %v; want an error naming the csv setting", err)
	}
}

// onWrite calls do when a write holds match.
type onWrite struct {
	match string
	do    func()
	buf   bytes.Buffer
}

func (w *onWrite) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(w.match)) {
		w.do()
	}
	return w.buf.Write(p)
}

// delayedPlatform's delayed series are complete delay after a scenario.
type delayedPlatform struct {
	fakePlatform
	delay   time.Duration
	fetched int
}

func (d *delayedPlatform) ReadyAt(end time.Time) time.Time { return end.Add(d.delay) }

func (d *delayedPlatform) Delayed(_ context.Context, start, end time.Time) ([]platform.Series, error) {
	d.fetched++
	return []platform.Series{{Name: "lmi throttles (sum)", Endpoint: "x", Metric: "Throttles", Period: 60,
		Points: [][2]float64{{0, 3}}, Partial: []bool{true}}}, nil
}

func TestLoopFetchesDelayedSeriesWhenComplete(t *testing.T) {
	srv := httptest.NewServer(function.New())
	defer srv.Close()
	var log bytes.Buffer
	cfg := config(t, srv.URL, &log)
	d := &delayedPlatform{fakePlatform: fakePlatform{url: srv.URL}, delay: 200 * time.Millisecond}
	cfg.Platform = d
	cfg.Scenarios = DefaultWorkloads.Scenarios()[:2]
	for i := range cfg.Scenarios {
		cfg.Scenarios[i].Work = function.Work{DelayMS: 1}
	}
	out, err := Run(context.Background(), context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if d.fetched != 2 || !strings.Contains(log.String(), "waiting") || !strings.Contains(log.String(), "throttles counted by CloudWatch: x: 3") {
		t.Fatalf("fetched %d; log:\n%s\nwant both scenarios' series after a countdown, with the throttle line", d.fetched, log.String())
	}
	for _, r := range out.Results {
		side, _ := os.ReadFile(r.Meta)
		series, _ := os.ReadFile(r.Series)
		page, _ := os.ReadFile(r.Page)
		if !bytes.Contains(series, []byte(`"lmi throttles (sum)"`)) || !bytes.Contains(series, []byte(`"instances"`)) ||
			!bytes.Contains(page, []byte("Throttles: CloudWatch beside the run")) || !bytes.Contains(side, []byte(`"target": "fake"`)) {
			t.Errorf("%s: the delayed series are not beside the run, or not on its page, or the sidecar lacks the platform", r.CSV)
		}
	}
	index, _ := filepath.Glob(filepath.Join(cfg.OutputDir, "index-*.html"))
	b, _ := os.ReadFile(index[0])
	// Once in the verdicts, once in the scenarios: a rewritten page keeps its row.
	if n := bytes.Count(b, []byte(filepath.Base(out.Results[0].Page)+`"`)); n != 2 {
		t.Errorf("the index links the rewritten page %d times; want once per table", n)
	}
}

func TestLoopDelayedWaitIsSkippedByAnInterrupt(t *testing.T) {
	srv := httptest.NewServer(function.New())
	defer srv.Close()
	ctx, interrupt := context.WithCancel(context.Background())
	log := &onWrite{match: "(Ctrl-C skips)", do: interrupt}
	cfg := config(t, srv.URL, log)
	d := &delayedPlatform{fakePlatform: fakePlatform{url: srv.URL}, delay: time.Hour}
	cfg.Platform = d
	out, err := Run(ctx, context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if d.fetched != 0 || out.Interrupted || !strings.Contains(log.buf.String(), "CloudWatch series not fetched; after ") ||
		!strings.Contains(log.buf.String(), "lmibench metrics "+out.Results[0].CSV) {
		t.Fatalf("fetched %d, interrupted %v; log:\n%s\nwant the wait skipped and the command to fetch later", d.fetched, out.Interrupted, log.buf.String())
	}
}

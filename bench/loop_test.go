package bench

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/report"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/setting"
	"github.com/lmibench/lmibench/stats"
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

// delayedPlatform's delayed series are ready delay after a scenario and
// final at three times delay; until changes is 0 each fetch gives a new
// count of throttles.
type delayedPlatform struct {
	fakePlatform
	delay   time.Duration
	fetched int
	changes int
}

func (d *delayedPlatform) ReadyAt(end time.Time) time.Time { return end.Add(d.delay) }

func (d *delayedPlatform) FinalAt(end time.Time) time.Time { return end.Add(3 * d.delay) }

func (d *delayedPlatform) Delayed(_ context.Context, start, end time.Time) ([]platform.Series, error) {
	d.fetched++
	n := 3.0
	if d.changes > 0 {
		d.changes--
		n = float64(d.fetched)
	}
	return []platform.Series{{Name: "lmi throttles (sum)", Endpoint: "x", Metric: "Throttles", Period: 60,
		Points: [][2]float64{{0, n}}, Partial: []bool{true}}}, nil
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
	// Each scenario's series fetched twice: when ready, and once more to
	// see they no longer change.
	if d.fetched != 4 || !strings.Contains(log.String(), "waiting") || !strings.Contains(log.String(), "throttles counted by CloudWatch: x: 3") {
		t.Fatalf("fetched %d; log:\n%s\nwant both scenarios' series fetched twice after a countdown, with the throttle line", d.fetched, log.String())
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

// settling is a platform whose series are ready 5 minutes after a
// scenario and final at 10, as CloudWatch's, and change at each of the
// first changes fetches.
type settling struct {
	delayedPlatform
}

func (d *settling) ReadyAt(end time.Time) time.Time { return end.Add(5 * time.Minute) }
func (d *settling) FinalAt(end time.Time) time.Time { return end.Add(10 * time.Minute) }

// TestFetchUntilTheSeriesSettle: series still changing are fetched again,
// every fifth of the time between ready and final, until two fetches
// agree; series that never settle are taken as they are once final. The
// platform's clock is synctest's, so the count is exact.
func TestFetchUntilTheSeriesSettle(t *testing.T) {
	for _, tt := range []struct {
		changes, fetched int
		at               time.Duration // when the last fetch was made
	}{{2, 4, 8 * time.Minute}, {100, refetches + 1, 10 * time.Minute}} {
		synctest.Test(t, func(t *testing.T) {
			var log bytes.Buffer
			cfg := config(t, "http://127.0.0.1:1", &log)
			d := &settling{delayedPlatform{changes: tt.changes}}
			end := time.Now()
			res := &Result{Files: runfiles.Of(filepath.Join(cfg.OutputDir, "fast-io.csv")),
				Run: &stats.Run{Meta: &runfiles.Meta{Scenario: "fast-io", Start: end.Add(-time.Second), End: &end}}}
			still := fetchDelayed(context.Background(), cfg, d, []*Result{res}, &report.Site{}, true)
			if len(still) != 0 || d.fetched != tt.fetched || time.Since(end) != tt.at {
				t.Fatalf("%d changes: fetched %d, the last at %v, %d pending; want %d, at %v\n%s", tt.changes, d.fetched, time.Since(end), len(still), tt.fetched, tt.at, log.String())
			}
			if !strings.Contains(log.String(), "still changing") || !fileHas(res.Series, `"lmi throttles (sum)"`) {
				t.Errorf("%d changes: the wait is not said, or the series not written\n%s", tt.changes, log.String())
			}
		})
	}
}

// fileHas says whether the file at path holds s.
func fileHas(path, s string) bool {
	b, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(b), s)
}

// stalled is a reader of the CSV stream that takes nothing until released.
type stalled struct {
	release chan struct{}
	once    sync.Once
}

func (s *stalled) Write(p []byte) (int, error) {
	<-s.release
	return len(p), nil
}

func (s *stalled) free() { s.once.Do(func() { close(s.release) }) }

// TestAStalledStreamNeverHoldsTheLoad: `--csv - | (sleep 10; cat)`. The
// load goes on to the profile's end with every row in the run's CSV file,
// as many as the server answered; the stream falls behind, says so at
// once, and the run ends saying it is incomplete.
func TestAStalledStreamNeverHoldsTheLoad(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served.Add(1) }))
	defer srv.Close()
	out := &stalled{release: make(chan struct{})}
	defer out.free()
	log := &onWrite{match: "fell behind", do: out.free} // the reader wakes once the stream gave up on it
	cfg := config(t, srv.URL, log)
	cfg.CSV, cfg.Stdout, cfg.StreamBuffer = "-", out, 4096
	cfg.GracefulStop = time.Minute // every request sent is answered: rows and answers match one for one
	res, err := Run(context.Background(), context.Background(), cfg)
	var se *setting.Error
	if !errors.As(err, &se) || se.Key != "csv" || !strings.Contains(err.Error(), "fell behind") {
		t.Fatalf("Run() = %v; want the stream said to have fallen behind", err)
	}
	f, _ := os.Open(res.Results[0].CSV)
	defer f.Close()
	d, _ := rows.NewDecoder(f)
	n := int64(0)
	for {
		var r rows.Record
		if d.Decode(&r) != nil {
			break
		}
		n++
	}
	if n != served.Load() || n < 100 || !strings.Contains(log.buf.String(), "the CSV stream to - fell behind") {
		t.Fatalf("%d rows for %d answers; log:\n%s\nwant every answer a row, and the stream said to fall behind", n, served.Load(), log.buf.String())
	}
}

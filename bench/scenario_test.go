package bench

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/internal/proftest"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/setting"
	"github.com/lmibench/lmibench/stages"
)

// config is a run of fast-io at 2 VUs for 300ms against url.
func config(t *testing.T, url string, log io.Writer) *Config {
	t.Helper()
	ss := []stages.Stage{{Duration: time.Millisecond, Target: 2}, {Duration: 300 * time.Millisecond, Target: 2}}
	return &Config{
		Scenarios:   []Scenario{{Name: "fast-io", Work: function.Work{DelayMS: 1}}},
		Profile:     proftest.New(t, true, ss...),
		Stages:      ss,
		StageLabels: StageLabels(ss, stages.VUs),
		Options:     attack.Options{Model: stages.VUs, MaxInflight: 1, Timeout: time.Second, Redirects: attack.DefaultRedirects, Client: attack.AutoClient, MaxHeaderBytes: attack.DefaultMaxHeaderBytes},
		Platform:    platform.Fixed{{Name: "x", URL: url}},
		OutputDir:   t.TempDir(),
		Log:         log,
		LogEvery:    time.Hour,
		Version:     "test",
	}
}

// runOne runs cfg's one scenario to its end and returns its result.
func runOne(t *testing.T, cfg *Config) *Result {
	t.Helper()
	out, err := Run(context.Background(), context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Results) != 1 {
		t.Fatalf("results = %d; want 1", len(out.Results))
	}
	return out.Results[0]
}

func TestRunWritesCSVSidecarAndSummary(t *testing.T) {
	srv := httptest.NewServer(function.New())
	defer srv.Close()
	var log bytes.Buffer
	cfg := config(t, srv.URL+"/?token=s3cret", &log)
	cfg.GracefulStop = time.Second
	res := runOne(t, cfg)
	f, err := os.Open(res.CSV)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := rows.NewDecoder(f)
	if err != nil {
		t.Fatal(err)
	}
	n := int64(0)
	for {
		var r rows.Record
		if err := d.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if r.Status != 200 || !r.HasFn || r.Scenario != "fast-io" {
			t.Fatalf("row %+v; want a 200 from the function", r)
		}
		n++
	}
	if all := res.Run.Stats.Endpoints()[0].All; n == 0 || all.Requests != n {
		t.Fatalf("CSV rows = %d, stats = %d; want equal and > 0", n, all.Requests)
	}
	side, err := runfiles.ReadMeta(res.Meta)
	if err != nil {
		t.Fatal(err)
	}
	if side.Requests != n || len(res.Written) != 4 || side.End == nil || side.Interrupted || side.CSV != filepath.Base(res.CSV) ||
		side.Stages[1].Duration != 300*time.Millisecond || side.Workload.DelayMS != 1 || side.Version != "test" {
		t.Fatalf("sidecar = %+v; want the run's facts", side)
	}
	if b, _ := os.ReadFile(res.Meta); bytes.Contains(b, []byte("s3cret")) {
		t.Fatalf("sidecar holds the query secret:\n%s", b)
	}
	for _, want := range []string{"fast-io: ", "requests", "0→2 VUs", "csv: " + res.CSV} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}

func TestRunNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var names []string
	for range 3 {
		f, base, err := createOutput(dir, "slow-io", at, nil)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		names = append(names, filepath.Base(base))
	}
	want := []string{"slow-io-20260102T030405Z", "slow-io-20260102T030405Z-2", "slow-io-20260102T030405Z-3"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("names = %v; want %v", names, want)
	}
	// A name taken where the files also go (another run's, on S3) is
	// passed over too.
	taken := func(name string) bool { return name == "fast-io-20260102T030405Z.csv" }
	f, base, err := createOutput(t.TempDir(), "fast-io", at, taken)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := filepath.Base(base); got != "fast-io-20260102T030405Z-2" {
		t.Errorf("with the first name taken: %s; want the next", got)
	}
}

// TestValidate: a run is refused before anything is sent for each of
// its settings that cannot be used, named by its setting key.
func TestValidate(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	for _, tt := range []struct {
		name string
		edit func(*Config)
		want string // "" is valid
	}{
		{"valid", func(*Config) {}, ""},
		{"output dir under a file", func(c *Config) { c.OutputDir = filepath.Join(file, "sub") }, "output-dir: "},
		{"csv under a file", func(c *Config) { c.CSV = filepath.Join(file, "x.csv") }, "csv: "},
		{"stdout twice", func(c *Config) { c.CSV, c.Summary = "-", "-" }, "summary -: the CSV stream has stdout already"},
		{"abort without thresholds", func(c *Config) { c.AbortOnFail = true }, "abort-on-fail: give the thresholds to abort on"},
		{"an option", func(c *Config) { c.Think = -time.Second }, "think: -1s must be at least 0s"},
		{"no profile", func(c *Config) { c.Profile = nil }, "a run needs a profile"},
	} {
		cfg := config(t, "http://127.0.0.1:1", io.Discard)
		tt.edit(cfg)
		err := cfg.Validate()
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: Validate() = %v; want %q", tt.name, err, tt.want)
		}
		var se *setting.Error
		if err != nil && tt.name != "no profile" && !errors.As(err, &se) {
			t.Errorf("%s: %v is not a setting.Error", tt.name, err)
		}
	}
	dir := filepath.Join(t.TempDir(), "new")
	cfg := config(t, "http://127.0.0.1:1", io.Discard)
	cfg.OutputDir = dir
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate(new dir) = %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("Validate left %v behind", entries)
	}
}

func TestProgressLines(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "x", 503) }))
	defer srv.Close()
	var log bytes.Buffer
	cfg := config(t, srv.URL, &log)
	cfg.Live = true
	runOne(t, cfg)
	out := log.String()
	if !strings.Contains(out, "\x1b[2K") {
		t.Errorf("live progress does not clear its lines:\n%q", out)
	}
	if !strings.Contains(out, "stage 2/2 (2 VUs)") || !strings.Contains(out, "5xx ") {
		t.Errorf("progress lacks stage or 5xx:\n%s", out)
	}
}

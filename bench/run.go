package bench

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/report"
	"github.com/lmibench/lmibench/stages"
)

// Options are one scenario's run.
type Options struct {
	Scenario     Scenario
	Targets      []Target
	Stages       []stages.Stage
	Model        attack.Model
	Think        time.Duration
	MaxInflight  int
	Timeout      time.Duration
	GracefulStop time.Duration

	// OutputDir receives <scenario>-<UTC time>.csv and .json.
	OutputDir string
	// Stream, when set, also gets every row (e.g. stdout for --csv -).
	Stream *attack.CSVWriter
	// Log gets human output: progress, summary, warnings.
	Log io.Writer
	// Live redraws the progress lines in place every second (a terminal);
	// otherwise they are printed every LogEvery.
	Live     bool
	LogEvery time.Duration
	// Interrupts: the first stops new requests and gives those in flight
	// the graceful stop, the second cuts them short.
	Interrupts <-chan struct{}

	Version string
	Flags   map[string]string
	// IndexLink, when set, is the page of all scenarios the run's page links back to.
	IndexLink string
	// Platform, when set, watches the deployed side during the scenario.
	Platform Platform
}

// Platform observes the deployed side of a scenario: Observe is called as
// the load starts; the function it returns, once the load has ended, gives
// the series (instances, CloudWatch metrics) saved beside the run.
type Platform interface {
	Observe(start time.Time) func(end time.Time) ([]report.Series, error)
}

// Result is what a finished scenario left behind.
type Result struct {
	CSVPath, SidecarPath, HTMLPath string
	// Run holds the statistics, timeline and sample the report shows.
	Run         *report.Run
	Interrupted bool
}

// Prepare validates the options that can be checked without a network: the
// stages for the load model, the targets and a writable output directory.
func (o *Options) Prepare() (*stages.Profile, error) {
	prof, err := stages.New(o.Stages, o.Model == attack.VUs)
	if err != nil {
		return nil, fmt.Errorf("stages: %w", err)
	}
	if err := CheckTargets(o.Targets); err != nil {
		return nil, err
	}
	if err := CheckOutputDir(o.OutputDir); err != nil {
		return nil, err
	}
	return prof, nil
}

// CheckOutputDir creates dir if needed and proves it writable, so a run is
// refused before its first request rather than losing what it recorded.
func CheckOutputDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--output-dir: %w", err)
	}
	probe, err := os.CreateTemp(dir, ".lmibench-probe-*")
	if err != nil {
		return fmt.Errorf("--output-dir: %s is not writable: %w", dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// Run runs one scenario to its end (or its interruption) and returns the
// paths it wrote and its statistics. A failed request is a row, never an
// error; errors are for what cannot be written.
func Run(o Options) (*Result, error) {
	prof, err := o.Prepare()
	if err != nil {
		return nil, err
	}
	atk, err := attack.New(attack.Config{
		Scenario: o.Scenario.Name, Endpoints: Endpoints(o.Targets, o.Scenario.Work), Profile: prof,
		Model: o.Model, Think: o.Think, MaxInflight: o.MaxInflight, Timeout: o.Timeout, GracefulStop: o.GracefulStop,
	})
	if err != nil {
		return nil, err
	}
	start := time.Now().UTC()
	f, base, err := createOutput(o.OutputDir, o.Scenario.Name, start)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res := &Result{CSVPath: base + ".csv", SidecarPath: base + ".json"}
	labels := StageLabels(o.Stages, o.Model)
	side := o.sidecar(filepath.Base(res.CSVPath), start, labels)
	if err := report.WriteJSON(res.SidecarPath, side); err != nil {
		return nil, err
	}
	csvw, err := attack.NewCSVWriter(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", res.CSVPath, err)
	}

	fmt.Fprintf(o.Log, "lmibench: %s: %s against %d endpoints for %s (%s model), writing %s\n",
		o.Scenario.Name, o.Scenario.Work, len(o.Targets), prof.Total(), o.Model, res.CSVPath)
	res.Run = &report.Run{Meta: side, Source: res.CSVPath}
	res.Run.Stats.Order = targetNames(o.Targets)
	s := &sink{opts: &o, prof: prof, file: csvw, path: res.CSVPath, labels: labels, run: res.Run}
	var finish func(time.Time) ([]report.Series, error)
	if o.Platform != nil {
		finish = o.Platform.Observe(start)
	}
	res.Interrupted = s.consume(atk)
	end := time.Now().UTC()
	if finish != nil {
		res.Run.Extra = o.saveSeries(finish, end, base)
	}

	side.End, side.Interrupted, side.Dropped = &end, res.Interrupted, atk.Dropped()
	side.Requests = s.rows
	werr := errors.Join(s.err, f.Close(), report.WriteJSON(res.SidecarPath, side))

	var spans []report.Span
	for _, seg := range prof.Segments() {
		spans = append(spans, report.Span{Start: seg.Start, End: seg.End()})
	}
	fmt.Fprintf(o.Log, "\n%s: %d requests in %s\n", o.Scenario.Name, s.rows, end.Sub(start).Round(time.Millisecond))
	if err := report.WriteTable(o.Log, &res.Run.Stats, report.TableOptions{Spans: spans, Labels: labels}); err != nil {
		werr = errors.Join(werr, err)
	}
	if d := atk.Dropped(); d > 0 {
		fmt.Fprintf(o.Log, "  %d requests were not sent: --max-inflight %d was reached (rows with error %q)\n", d, o.MaxInflight, attack.ErrDropped)
	}
	res.HTMLPath = base + ".html"
	if err := report.WriteFile(res.HTMLPath, func(w io.Writer) error { return res.Run.WritePage(w, o.IndexLink) }); err != nil {
		werr = errors.Join(werr, err)
	}
	fmt.Fprintf(o.Log, "  csv: %s\n  sidecar: %s\n  report: %s\n", res.CSVPath, res.SidecarPath, res.HTMLPath)
	return res, werr
}

// saveSeries collects the platform's series and writes them beside the
// CSV. A failure is a warning: the requests are recorded all the same.
func (o *Options) saveSeries(finish func(time.Time) ([]report.Series, error), end time.Time, base string) []report.Series {
	series, err := finish(end)
	if err != nil {
		fmt.Fprintf(o.Log, "lmibench: warning: %v\n", err)
	}
	if len(series) == 0 {
		return nil
	}
	_, path := report.Paths(base + ".csv")
	if err := report.WriteJSON(path, &report.SeriesFile{Source: "lmibench run", Series: series}); err != nil {
		fmt.Fprintf(o.Log, "lmibench: warning: %v\n", err)
	}
	return series
}

// createOutput creates <dir>/<scenario>-<time>.csv, never over an older
// file: a second run in the same second gets a numbered name.
func createOutput(dir, scenario string, at time.Time) (*os.File, string, error) {
	stem := filepath.Join(dir, scenario+"-"+at.Format("20060102T150405Z"))
	for i := 1; ; i++ {
		base := stem
		if i > 1 {
			base = fmt.Sprintf("%s-%d", stem, i)
		}
		f, err := os.OpenFile(base+".csv", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			return f, base, nil
		}
		if !errors.Is(err, os.ErrExist) || i > 100 {
			return nil, "", fmt.Errorf("create %s.csv: %w", base, err)
		}
	}
}

func (o *Options) sidecar(csvName string, start time.Time, labels []string) *report.Meta {
	host, _ := os.Hostname()
	targets := make([]Target, len(o.Targets))
	for i, t := range o.Targets {
		targets[i] = Target{Name: t.Name, URL: Redact(t.URL)}
	}
	return &report.Meta{
		Version: o.Version, CSVVersion: attack.CSVVersion, CSV: csvName,
		Scenario: o.Scenario.Name, Workload: o.Scenario.Work, Stages: o.Stages, StageLabels: labels,
		LoadModel: o.Model, Think: o.Think.String(), MaxInflight: o.MaxInflight, Timeout: o.Timeout.String(),
		GracefulStop: o.GracefulStop.String(), Targets: targets, Start: start, Flags: o.Flags,
		GoVersion: runtime.Version(), Host: host,
	}
}

func targetNames(ts []Target) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name
	}
	return out
}

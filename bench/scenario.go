package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/report"
)

// Result is what a finished scenario left behind.
type Result struct {
	CSVPath, SidecarPath, SeriesPath, SummaryPath, HTMLPath string
	// Written lists the files that were written in full.
	Written []File
	// Run holds the statistics, timeline and sample the report shows.
	Run         *report.Run
	Interrupted bool
	// Aborted names the threshold that ended the run (AbortOnFail).
	Aborted string
	// Verdicts are the thresholds' outcomes for this scenario.
	Verdicts []report.Verdict
}

// File is an output file and what it holds: csv, sidecar, series, report.
type File struct{ Kind, Path string }

// runScenario runs scenario i of cfg, sc, against the prepared platform to its end
// (or its interruption), then writes its sidecar, series, summary and page.
// A nil Result means nothing was recorded.
func runScenario(ctx, cut context.Context, cfg *Config, i int, sc Scenario, stream *stream, site *report.Site) (*Result, error) {
	targets := cfg.Platform.Targets()
	endpoints, err := WithWorkload(targets, sc.Work)
	if err != nil {
		return nil, err
	}
	start := time.Now().UTC()
	if i == 0 && !cfg.StartAt.IsZero() { // every shard's clock starts there
		start = cfg.StartAt.UTC()
	}
	atk, err := attack.New(attack.Config{
		Scenario: sc.Name, Endpoints: endpoints, Profile: cfg.Profile, Model: cfg.Model, Think: cfg.Think,
		MaxInflight: cfg.MaxInflight, Timeout: cfg.Timeout, GracefulStop: cfg.GracefulStop, Redirects: cfg.Redirects, TLS: cfg.TLS,
		Shard: cfg.Shard, StartAt: start, Client: cfg.Client, HTTP2: cfg.HTTP2,
	})
	if err != nil {
		return nil, err
	}
	name := sc.Name
	if !cfg.Shard.Whole() { // shards of one run may share a directory or bucket
		name += fmt.Sprintf("-shard%dof%d", cfg.Shard.Index, cfg.Shard.Count)
	}
	f, base, err := createOutput(cfg.OutputDir, name, start)
	if err != nil {
		return nil, err
	}
	res := &Result{CSVPath: base + ".csv", HTMLPath: base + ".html"}
	res.SidecarPath, res.SeriesPath = report.Paths(res.CSVPath)
	res.SummaryPath = report.SummaryPath(res.CSVPath)
	side := cfg.sidecar(sc, targets, filepath.Base(res.CSVPath), start)
	side.HTTPClients = map[string]string{}
	for i, ep := range endpoints {
		c, _ := atk.ClientOf(i)
		side.HTTPClients[ep.Name] = string(c)
	}
	if err := report.WriteJSON(res.SidecarPath, side); err != nil {
		return nil, errors.Join(err, f.Close())
	}
	csvw, err := attack.NewCSVWriter(f)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("%s: %w", res.CSVPath, err), f.Close())
	}

	fmt.Fprintf(cfg.Log, "lmibench: scenario %d/%d, %s: %s against %d endpoints for %s (%s model), writing %s\n",
		i+1, len(cfg.Scenarios), sc.Name, sc.Work, len(targets), cfg.Profile.Total(), cfg.Model, res.CSVPath)
	for i, ep := range endpoints {
		if c, why := atk.ClientOf(i); why != "" {
			fmt.Fprintf(cfg.Log, "  %s goes through %s: %s\n", ep.Name, c, why)
		}
	}
	res.Run = &report.Run{Meta: side, Source: res.CSVPath, Profile: cfg.Profile}
	res.Run.Stats.Order = platform.Names(targets)
	s := &sink{cfg: cfg, file: csvw, stream: stream, path: res.CSVPath, run: res.Run}
	stopObserving := cfg.Platform.Observe(start)
	res.Interrupted = s.consume(ctx, cut, atk)
	res.Aborted = s.aborted
	end := time.Now().UTC()
	var saved bool
	res.Run.Extra, saved = saveSeries(cfg, stopObserving, end, res.SeriesPath)

	side.End, side.Interrupted, side.Dropped = &end, res.Interrupted, atk.Dropped()
	side.Requests = s.rows
	werr := errors.Join(s.err, f.Close())
	if werr == nil {
		res.Written = append(res.Written, File{"csv", res.CSVPath})
	}
	if err := report.WriteJSON(res.SidecarPath, side); err != nil {
		werr = errors.Join(werr, err)
	} else {
		res.Written = append(res.Written, File{"sidecar", res.SidecarPath})
	}
	if saved {
		res.Written = append(res.Written, File{"series", res.SeriesPath})
	}

	fmt.Fprintf(cfg.Log, "\n%s: %d requests in %s\n", sc.Name, s.rows, end.Sub(start).Round(time.Millisecond))
	if err := res.Run.WriteTable(cfg.Log); err != nil {
		werr = errors.Join(werr, err)
	}
	if d := atk.Dropped(); d > 0 {
		fmt.Fprintf(cfg.Log, "  %d requests were not sent: --max-inflight %d was reached (rows with error %q)\n", d, cfg.MaxInflight, attack.ErrDropped)
	}
	sum := res.Run.Summary()
	if err := report.WriteJSON(res.SummaryPath, sum); err != nil {
		werr = errors.Join(werr, err)
	} else {
		res.Written = append(res.Written, File{"summary", res.SummaryPath})
	}
	if err := site.WritePage(res.HTMLPath, res.Run, sum); err != nil {
		werr = errors.Join(werr, err)
	} else {
		res.Written = append(res.Written, File{"report", res.HTMLPath})
	}
	for _, f := range res.Written {
		fmt.Fprintf(cfg.Log, "  %s: %s\n", f.Kind, f.Path)
	}
	if err := cfg.upload(res.Written...); err != nil {
		werr = errors.Join(werr, err)
	}
	res.Verdicts = report.Evaluate(cfg.Thresholds, sum)
	if err := report.WriteVerdicts(cfg.Log, res.Verdicts); err != nil {
		werr = errors.Join(werr, err)
	}
	// The scenario's summary ends with what a person reads first.
	if err := report.WriteAnswer(cfg.Log, sum); err != nil {
		werr = errors.Join(werr, err)
	}
	return res, werr
}

// saveSeries stops observing the platform and writes its series beside the
// CSV, saying whether it did. A failure is a warning: the requests are
// recorded all the same.
func saveSeries(cfg *Config, stop func(time.Time) ([]platform.Series, error), end time.Time, path string) ([]platform.Series, bool) {
	series, err := stop(end)
	if err != nil {
		fmt.Fprintf(cfg.Log, "lmibench: warning: %v\n", err)
	}
	if len(series) == 0 {
		return nil, false
	}
	if err := report.WriteJSON(path, &platform.SeriesFile{Source: "lmibench run", Series: series}); err != nil {
		fmt.Fprintf(cfg.Log, "lmibench: warning: %v\n", err)
		return series, false
	}
	return series, true
}

// createOutput creates <dir>/<scenario>-<time>.csv, never over an older
// file: a second run in the same second gets a numbered name.
func createOutput(dir, scenario string, at time.Time) (*os.File, string, error) {
	stem := filepath.Join(dir, scenario+"-"+at.Format(stamp))
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

// sidecar is the scenario's facts for the JSON file beside its CSV, with
// every URL redacted.
func (cfg *Config) sidecar(sc Scenario, targets []platform.Target, csvName string, start time.Time) *report.Meta {
	host, _ := os.Hostname()
	redacted := make([]platform.Target, len(targets))
	for i, t := range targets {
		redacted[i] = platform.Target{Name: t.Name, URL: platform.Redact(t.URL), MemoryMB: t.MemoryMB, LMI: t.LMI}
	}
	info := cfg.Platform.Info()
	var shard *report.ShardInfo
	if !cfg.Shard.Whole() || cfg.ShardLabel != "" {
		shard = &report.ShardInfo{Index: cfg.Shard.Index, Count: max(cfg.Shard.Count, 1), Label: cfg.ShardLabel}
	}
	return &report.Meta{
		RunID: cfg.RunID, Shard: shard,
		Platform: &info, Pricing: cfg.Pricing,
		Version: cfg.Version, CSVVersion: attack.CSVVersion, CSV: csvName,
		Scenario: sc.Name, Workload: sc.Work, Stages: cfg.Stages, StageLabels: cfg.StageLabels,
		LoadModel: cfg.Model, Think: cfg.Think.String(), MaxInflight: cfg.MaxInflight, Timeout: cfg.Timeout.String(),
		GracefulStop: cfg.GracefulStop.String(), Targets: redacted, Start: start, Flags: cfg.Flags,
		GoVersion: runtime.Version(), Host: host,
	}
}

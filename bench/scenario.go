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
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

// Result is what a finished scenario left behind.
type Result struct {
	runfiles.Files
	// Written lists the files that were written in full.
	Written []runfiles.File
	// Run holds the statistics, timeline and sample the report shows, and
	// Summary its summary as last written.
	Run         *stats.Run
	Summary     *summary.Summary
	Interrupted bool
	// Aborted names the threshold that ended the run (AbortOnFail).
	Aborted string
	// Verdicts are the thresholds' outcomes for this scenario.
	Verdicts []summary.Verdict
	// fetched are its delayed series as last fetched, while they may still
	// change; fetchedAt when.
	fetched   []platform.Series
	fetchedAt time.Time
}

// runScenario runs scenario i of cfg, sc, against the prepared platform to its end
// (or its interruption), then writes its sidecar, series, summary and page.
// A nil Result means nothing was recorded.
func runScenario(ctx, cut context.Context, cfg *Config, i int, sc Scenario, stream *stream, site *report.Site) (*Result, error) {
	targets := cfg.Platform.Targets()
	endpoints, err := WithWorkload(targets, sc.Work)
	if err != nil {
		return nil, err
	}
	// The run's clock is Go's monotonic one: pacing, stages and elapsed_s
	// never jump with the wall clock (NTP, a resumed VM). StartAt, read
	// from the wall clock, gets a monotonic reading of the same instant.
	// The sidecar's start is wall-clock UTC: every shard's the same instant.
	start := time.Now()
	wall := start.UTC()
	if i == 0 && !cfg.StartAt.IsZero() { // every shard's clock starts there
		start, wall = start.Add(time.Until(cfg.StartAt)), cfg.StartAt.UTC()
	}
	atk, err := attack.New(attack.Config{Options: cfg.Options,
		Scenario: sc.Name, Endpoints: endpoints, Profile: cfg.Profile, Shard: cfg.Shard, StartAt: start})
	if err != nil {
		return nil, err
	}
	name := sc.Name
	if !cfg.Shard.Whole() { // shards of one run may share a directory or bucket
		name += fmt.Sprintf("-shard%dof%d", cfg.Shard.Index, cfg.Shard.Count)
	}
	f, base, err := createOutput(cfg.OutputDir, name, start.UTC(), cfg.Taken)
	if err != nil {
		return nil, err
	}
	res := &Result{Files: runfiles.Of(base + ".csv")}
	side := cfg.sidecar(sc, targets, filepath.Base(res.CSV), wall)
	side.HTTPClients = map[string]string{}
	for i, ep := range endpoints {
		c, _ := atk.ClientOf(i)
		side.HTTPClients[ep.Name] = string(c)
	}
	if err := runfiles.WriteJSON(res.Meta, side); err != nil {
		return nil, errors.Join(err, f.Close())
	}
	csvw, err := rows.NewCSVWriter(f)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("%s: %w", res.CSV, err), f.Close())
	}

	fmt.Fprintf(cfg.Log, "lmibench: scenario %d/%d, %s: %s against %d endpoints for %s (%s model), writing %s\n",
		i+1, len(cfg.Scenarios), sc.Name, sc, len(targets), cfg.Profile.Total(), cfg.Model, res.CSV)
	for i, ep := range endpoints {
		if c, why := atk.ClientOf(i); why != "" {
			fmt.Fprintf(cfg.Log, "  %s goes through %s: %s\n", ep.Name, c, why)
		}
	}
	res.Run = &stats.Run{Meta: side, Source: res.CSV, Profile: cfg.Profile}
	res.Run.Stats.Order = platform.Names(targets)
	s := &sink{cfg: cfg, file: csvw, stream: stream, path: res.CSV, run: res.Run}
	stopObserving := cfg.Platform.Observe(start)
	res.Interrupted = s.consume(ctx, cut, atk)
	res.Aborted = s.aborted
	end := time.Now()
	var saved bool
	res.Run.Extra, saved = saveSeries(cfg, stopObserving, end, res.Series)

	endUTC := end.UTC()
	side.End, side.Interrupted, side.Dropped = &endUTC, res.Interrupted, atk.Dropped()
	side.Requests = s.rows
	var kept []runfiles.File
	werr := errors.Join(s.err, f.Close())
	if werr == nil {
		kept = append(kept, runfiles.File{Kind: "csv", Path: res.CSV})
	}
	if err := runfiles.WriteJSON(res.Meta, side); err != nil {
		werr = errors.Join(werr, err)
	} else {
		kept = append(kept, runfiles.File{Kind: "sidecar", Path: res.Meta})
	}
	if saved {
		kept = append(kept, runfiles.File{Kind: "series", Path: res.Series})
	}

	fmt.Fprintf(cfg.Log, "\n%s: %d requests in %s\n", sc.Name, s.rows, end.Sub(start).Round(time.Millisecond))
	if err := summary.WriteTable(cfg.Log, res.Run); err != nil {
		werr = errors.Join(werr, err)
	}
	if d := atk.Dropped(); d > 0 {
		fmt.Fprintf(cfg.Log, "  %d requests were not sent: --max-inflight %d was reached (rows with error %q)\n", d, cfg.MaxInflight, rows.ErrDropped)
	}
	out := &report.Output{Site: site, Thresholds: cfg.Thresholds, Log: cfg.Log, Publish: cfg.upload}
	w, err := out.Write(res.Run, res.Files, kept...)
	res.Summary, res.Verdicts, res.Written = w.Summary, w.Verdicts, w.Files
	return res, errors.Join(werr, err)
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
	if err := runfiles.WriteJSON(path, &platform.SeriesFile{Source: "lmibench run", Series: series}); err != nil {
		fmt.Fprintf(cfg.Log, "lmibench: warning: %v\n", err)
		return series, false
	}
	return series, true
}

// createOutput creates <dir>/<scenario>-<time>.csv, never over an older
// file, here or where taken says (an S3 prefix): a second run in the same
// second gets a numbered name.
func createOutput(dir, scenario string, at time.Time, taken func(string) bool) (*os.File, string, error) {
	stem := filepath.Join(dir, scenario+"-"+at.Format(stamp))
	for i := 1; ; i++ {
		base := stem
		if i > 1 {
			base = fmt.Sprintf("%s-%d", stem, i)
		}
		if taken != nil && taken(filepath.Base(base)+".csv") && i <= 100 {
			continue
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
func (cfg *Config) sidecar(sc Scenario, targets []platform.Target, csvName string, start time.Time) *runfiles.Meta {
	host, _ := os.Hostname()
	redacted := make([]platform.Target, len(targets))
	for i, t := range targets {
		redacted[i] = platform.Target{Name: t.Name, URL: platform.Redact(t.URL), MemoryMB: t.MemoryMB, LMI: t.LMI}
	}
	info := cfg.Platform.Info()
	var shard *runfiles.ShardInfo
	if !cfg.Shard.Whole() || cfg.ShardLabel != "" {
		shard = &runfiles.ShardInfo{Index: cfg.Shard.Index, Count: max(cfg.Shard.Count, 1), Label: cfg.ShardLabel}
	}
	return &runfiles.Meta{
		RunID: cfg.RunID, Shard: shard,
		Platform: &info, Pricing: cfg.Pricing,
		Version: cfg.Version, CSVVersion: rows.CSVVersion, CSV: csvName,
		Scenario: sc.Name, Workload: sc.Work, AsGiven: sc.AsGiven, Stages: cfg.Stages, StageLabels: cfg.StageLabels,
		LoadModel: cfg.Model, Think: cfg.Think.String(), MaxInflight: cfg.MaxInflight, Timeout: cfg.Timeout.String(),
		GracefulStop: cfg.GracefulStop.String(), Targets: redacted, Start: start, Flags: cfg.Flags,
		GoVersion: runtime.Version(), Host: host,
	}
}

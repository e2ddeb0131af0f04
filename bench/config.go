package bench

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/cost"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/setting"
	"github.com/lmibench/lmibench/stages"
	"github.com/lmibench/lmibench/summary"
)

// Config is a run, checked once before anything is sent: the CLI builds
// it from flags, and the loop and each scenario only read it.
type Config struct {
	Scenarios []Scenario
	// Profile is the checked load profile; Stages and StageLabels are its
	// stages as given and named for tables and charts.
	Profile     *stages.Profile
	Stages      []stages.Stage
	StageLabels []string
	// Options are how requests are paced and sent, handed to each
	// scenario's attack as they are.
	attack.Options

	// Platform is what the scenarios run against.
	Platform platform.Platform

	// OutputDir, checked writable, receives <scenario>-<UTC time>.csv, its
	// .json sidecar, .series.json and .html, and for several scenarios an
	// index-<UTC time>.html.
	OutputDir string
	// CSV, when set, also gets every row of every scenario under one
	// header: a file path, or "-" for Stdout.
	CSV    string
	Stdout io.Writer
	// StreamBuffer bounds the bytes of the CSV stream its reader has not
	// taken yet; past it the stream falls behind and stops, and the load
	// never waits on it. 0 is DefaultStreamBuffer.
	StreamBuffer int
	// Log gets human output: progress, summary, warnings.
	Log io.Writer
	// Live redraws the progress lines in place every second (a terminal of
	// Width columns); otherwise they are printed every LogEvery.
	Live     bool
	Width    int
	LogEvery time.Duration
	// Quiet prints no progress lines, only what a run must say.
	Quiet bool
	// Thresholds are checked at the end of each scenario.
	Thresholds []summary.Threshold
	// Pricing prices the requests in the summary and report; nil is
	// cost.DefaultPricing.
	Pricing *cost.Pricing
	// Shard is this machine's share of the profile (--shard); StartAt the
	// instant every shard's clock starts (--start-at), zero for now;
	// StartTolerance how late a shard may start; ShardLabel a free name
	// (a region, say) and RunID what the shards of one run share.
	Shard          stages.Shard
	StartAt        time.Time
	StartTolerance time.Duration
	ShardLabel     string
	RunID          string
	// Upload, when set, copies a written file off the machine (an S3
	// --output-dir); the local file stays.
	Upload func(path string) error
	// UploadTo names where Upload copies to, for the log.
	UploadTo string
	// Taken, when set, says a file name is taken where the run's files go
	// besides the output dir (the S3 prefix): a run picks another.
	Taken func(name string) bool
	// AbortOnFail ends the run, as an interrupt would, once a threshold
	// has failed for good (Threshold.Lost), or has failed at all when the
	// scenario is AbortDelay old (rates and quantiles may recover before).
	AbortOnFail bool
	AbortDelay  time.Duration
	// Summary, when set, also gets every scenario's summary as one JSON
	// array at the end: a file path, or "-" for Stdout.
	Summary string

	// Version and Flags are recorded in each sidecar (Flags redacted).
	Version string
	Flags   map[string]string
}

// Validate checks the run before anything is sent, so a run is refused
// before its first request rather than losing what it recorded: the
// options, the profile and scenarios, that the output directory (created
// if need be) and a CSV file can be written, that stdout carries one
// thing, that aborting has thresholds to abort on. Each problem is a
// *setting.Error, joined.
func (cfg *Config) Validate() error {
	errs := []error{cfg.Options.Validate()}
	if cfg.Profile == nil || len(cfg.Scenarios) == 0 {
		errs = append(errs, errors.New("a run needs a profile and a scenario"))
	}
	if err := checkDir(cfg.OutputDir); err != nil {
		errs = append(errs, &setting.Error{Key: "output-dir", Err: err})
	}
	if cfg.CSV != "" && cfg.CSV != "-" {
		if err := checkWritable(cfg.CSV); err != nil {
			errs = append(errs, &setting.Error{Key: "csv", Err: err})
		}
	}
	if cfg.Summary == "-" && cfg.CSV == "-" {
		errs = append(errs, setting.Errorf("summary", "-", "the CSV stream has stdout already: only one of them can have stdout"))
	}
	if cfg.AbortOnFail && len(cfg.Thresholds) == 0 {
		errs = append(errs, setting.Errorf("abort-on-fail", "", "give the thresholds to abort on"))
	}
	return errors.Join(errs...)
}

// checkDir creates dir if needed and proves it writable.
func checkDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	probe, err := os.CreateTemp(dir, ".lmibench-probe-*")
	if err != nil {
		return fmt.Errorf("%s is not writable: %w", dir, err)
	}
	return os.Remove(probe.Name())
}

// checkWritable proves a file can be written where path says, leaving it
// as it was.
func checkWritable(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

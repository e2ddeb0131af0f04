package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/report"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/setting"
	"github.com/lmibench/lmibench/summary"
)

// Outcome is what a run of scenarios left behind.
type Outcome struct {
	Results []*Result
	// Sent and Succeeded count requests sent (rows) and successful ones
	// over every scenario.
	Sent, Succeeded int64
	// Interrupted is set when the user stopped the run early.
	Interrupted bool
	// Aborted names the threshold that ended the run early (AbortOnFail).
	Aborted string
}

// Run runs cfg's scenarios one after another against cfg.Platform, each
// prepared afresh. ctx ending is the user's interrupt: the scenario under
// way stops sending and gives its requests in flight the graceful stop,
// and no further scenario starts; cut ending cuts those requests short.
// Every row received is written either way. The error is for what could
// not be written; failed requests are rows, never errors.
func Run(ctx, cut context.Context, cfg *Config) (*Outcome, error) {
	fmt.Fprintf(cfg.Log, "lmibench: benchmarking %s\n", cfg.Platform.Describe())
	stream, err := openStream(cfg)
	if err != nil {
		return nil, err
	}
	site := &report.Site{}
	if len(cfg.Scenarios) > 1 {
		site.Index = indexPath(cfg)
	}
	out := &Outcome{}
	var errs []error
	delayed, _ := cfg.Platform.(platform.Delayed)
	var pending []*Result // scenarios whose delayed series are not fetched yet
	for i, sc := range cfg.Scenarios {
		if err := cfg.Platform.Prepare(ctx); err != nil {
			if ctx.Err() != nil {
				out.Interrupted = true
				break
			}
			errs = append(errs, err)
			break
		}
		if delayed != nil { // those complete by now, often after a scale-in wait
			pending = fetchDelayed(ctx, cfg, delayed, pending, site, false)
		}
		if ctx.Err() != nil {
			out.Interrupted = true
			break
		}
		if i == 0 && !cfg.StartAt.IsZero() {
			if err := waitForStart(ctx, cfg); err != nil {
				if ctx.Err() != nil {
					out.Interrupted = true
				} else {
					errs = append(errs, err)
				}
				break
			}
		}
		res, err := runScenario(ctx, cut, cfg, i, sc, stream, site)
		if res != nil {
			out.Results = append(out.Results, res)
		}
		if err != nil { // results that cannot be written: no further load
			errs = append(errs, err)
			break
		}
		pending = append(pending, res)
		for _, e := range res.Run.Stats.Endpoints() {
			out.Succeeded += e.All.OK
			out.Sent += e.All.Requests - e.All.Dropped
		}
		if res.Interrupted {
			out.Interrupted = true
			break
		}
		if res.Aborted != "" {
			out.Aborted = res.Aborted
			break
		}
	}
	if delayed != nil {
		fetchDelayed(ctx, cfg, delayed, pending, site, true)
	}
	if len(out.Results) > 0 {
		if err := site.WriteIndex(); err != nil {
			errs = append(errs, err)
		} else if site.Index != "" {
			fmt.Fprintf(cfg.Log, "lmibench: all scenarios: %s\n", site.Index)
			errs = append(errs, cfg.upload(runfiles.File{Kind: "index", Path: site.Index}))
		}
	}
	errs = append(errs, stream.close(), cfg.Platform.Close(), writeSummaries(cfg, out.Results))
	return out, errors.Join(errs...)
}

// upload copies files off the machine when cfg says where, saying so.
func (cfg *Config) upload(files ...runfiles.File) error {
	if cfg.Upload == nil {
		return nil
	}
	var errs []error
	n := 0
	for _, f := range files {
		if err := cfg.Upload(f.Path); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	if n > 0 {
		fmt.Fprintf(cfg.Log, "  uploaded %d files to %s\n", n, cfg.UploadTo)
	}
	return errors.Join(errs...)
}

// Failed counts the thresholds that failed over every scenario.
func (o *Outcome) Failed() int {
	n := 0
	for _, r := range o.Results {
		n += summary.Failed(r.Verdicts)
	}
	return n
}

// writeSummaries writes every scenario's summary as one JSON array to
// cfg.Summary ("-" is stdout), for scripts.
func writeSummaries(cfg *Config, results []*Result) error {
	if cfg.Summary == "" {
		return nil
	}
	all := make([]*summary.Summary, len(results))
	for i, r := range results {
		all[i] = r.Summary
	}
	if err := runfiles.WriteJSONTo(cfg.Summary, cfg.Stdout, all); err != nil {
		return &setting.Error{Key: "summary", Err: err}
	}
	return nil
}

// indexPath names the page linking a run's scenarios, index-<UTC>.html,
// numbered when a run in the same second took the name (here, or where
// cfg.Taken says); the page is created now, so no other run takes it.
func indexPath(cfg *Config) string {
	stem := filepath.Join(cfg.OutputDir, "index-"+time.Now().UTC().Format(stamp))
	for i := 1; ; i++ {
		p := stem + ".html"
		if i > 1 {
			p = fmt.Sprintf("%s-%d.html", stem, i)
		}
		if cfg.Taken != nil && cfg.Taken(filepath.Base(p)) && i <= 100 {
			continue
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil || i > 100 {
			if f != nil {
				_ = f.Close() // empty: written whole at the end
			}
			return p
		}
	}
}

// stamp names a run's files by its start, in UTC.
const stamp = "20060102T150405Z"

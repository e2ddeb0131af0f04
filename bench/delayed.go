package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/report"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/summary"
)

// delayedFetchTimeout bounds one fetch of a scenario's delayed series.
const delayedFetchTimeout = time.Minute

// countdownEvery is how often the wait for delayed series says how long
// it has left.
const countdownEvery = 30 * time.Second

// fetchDelayed fetches the delayed series (CloudWatch's) of the finished
// scenarios in pending that are complete by now, adds them to their
// series file and page, and returns those still pending. With wait, it
// first waits for the last of them, showing a countdown; ctx ending skips
// the wait, and the user is told how to fetch them later. A failed fetch
// is a warning: the requests are recorded all the same.
func fetchDelayed(ctx context.Context, cfg *Config, d platform.Delayed, pending []*Result, site *report.Site, wait bool) []*Result {
	if len(pending) == 0 {
		return nil
	}
	if wait && ctx.Err() == nil {
		last := d.ReadyAt(*pending[len(pending)-1].Run.Meta.End)
		waitUntil(ctx, cfg, last)
	}
	var still []*Result
	for _, res := range pending {
		m := res.Run.Meta
		if time.Now().Before(d.ReadyAt(*m.End)) {
			still = append(still, res)
			continue
		}
		fctx, cancel := context.WithTimeout(context.Background(), delayedFetchTimeout)
		series, err := d.Delayed(fctx, m.Start, *m.End)
		cancel()
		if err != nil {
			fmt.Fprintf(cfg.Log, "lmibench: warning: %s: %v; `lmibench metrics %s` fetches them later\n", m.Scenario, err, res.CSV)
			continue
		}
		res.Run.Extra = append(res.Run.Extra, series...)
		if err := runfiles.WriteJSON(res.Series, &platform.SeriesFile{Source: "lmibench run", Series: res.Run.Extra}); err != nil {
			fmt.Fprintf(cfg.Log, "lmibench: warning: %v\n", err)
			continue
		}
		out := &report.Output{Site: site, Thresholds: cfg.Thresholds, Publish: cfg.upload}
		w, err := out.Write(res.Run, res.Files, runfiles.File{Kind: "series", Path: res.Series})
		res.Summary = w.Summary
		if err != nil {
			fmt.Fprintf(cfg.Log, "lmibench: warning: %v\n", err)
		}
		fmt.Fprintf(cfg.Log, "lmibench: %s: CloudWatch series added to %s and %s\n%s", m.Scenario, res.Series, res.Page, summary.ThrottleSummary(res.Run))
	}
	if len(still) > 0 && wait {
		var files []string
		for _, res := range still {
			files = append(files, filepath.Clean(res.CSV))
		}
		fmt.Fprintf(cfg.Log, "lmibench: CloudWatch series not fetched; after %s: lmibench metrics %s\n",
			d.ReadyAt(*still[len(still)-1].Run.Meta.End).UTC().Format("15:04:05 UTC"), strings.Join(files, " "))
	}
	return still
}

// waitUntil waits for the delayed series until t, saying every
// countdownEvery how long is left, or until ctx ends.
func waitUntil(ctx context.Context, cfg *Config, t time.Time) {
	for {
		left := time.Until(t)
		if left <= 0 {
			return
		}
		fmt.Fprintf(cfg.Log, "lmibench: CloudWatch publishes the last period at %s: waiting %s (Ctrl-C skips)\n",
			t.UTC().Format("15:04:05 UTC"), left.Round(time.Second))
		timer := time.NewTimer(min(left, countdownEvery))
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return
		}
	}
}

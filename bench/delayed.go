package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
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

// refetches is how many times, at most, delayed series that still change
// are fetched again between ReadyAt and FinalAt.
const refetches = 5

// fetchDelayed fetches the delayed series (CloudWatch's) of the finished
// scenarios in pending that are ready by now, again until two fetches
// agree (the last period is published) or FinalAt has passed, then adds
// them to their series file and page; it returns those still pending.
// With wait, it waits for them all, showing a countdown; ctx ending skips
// the wait, what was fetched is kept, and the user is told how to fetch
// them later. A failed fetch is a warning: the requests are recorded all
// the same.
func fetchDelayed(ctx context.Context, cfg *Config, d platform.Delayed, pending []*Result, site *report.Site, wait bool) []*Result {
	// due is when res is next fetched: when ready, then every share of
	// the time between ready and final.
	due := func(res *Result) time.Time {
		end := *res.Run.Meta.End
		if res.fetched == nil {
			return d.ReadyAt(end)
		}
		return res.fetchedAt.Add(max(d.FinalAt(end).Sub(d.ReadyAt(end))/refetches, time.Millisecond))
	}
	for len(pending) > 0 {
		var still []*Result
		for _, res := range pending {
			if time.Now().Before(due(res)) || !fetchOne(cfg, d, res, site) {
				still = append(still, res)
			}
		}
		pending = still
		if !wait || len(pending) == 0 || ctx.Err() != nil {
			break
		}
		first := pending[0]
		for _, res := range pending {
			if due(res).Before(due(first)) {
				first = res
			}
		}
		waitUntil(ctx, cfg, due(first), first.fetched != nil, d.FinalAt(*pending[len(pending)-1].Run.Meta.End))
		if ctx.Err() != nil {
			break
		}
	}
	if len(pending) > 0 && wait {
		var files []string
		what := "not fetched"
		for _, res := range pending {
			if res.fetched != nil { // what there is, marked partial where it is
				writeDelayed(cfg, res, site, res.fetched)
				what = "not fetched whole (the last periods may still change)"
			}
			files = append(files, filepath.Clean(res.CSV))
		}
		fmt.Fprintf(cfg.Log, "lmibench: CloudWatch series %s; after %s: lmibench metrics %s\n",
			what, d.FinalAt(*pending[len(pending)-1].Run.Meta.End).UTC().Format("15:04:05 UTC"), strings.Join(files, " "))
	}
	return pending
}

// fetchOne fetches res's delayed series and says whether they are final:
// the same as the last fetch, or past FinalAt. Final ones are written.
func fetchOne(cfg *Config, d platform.Delayed, res *Result, site *report.Site) (final bool) {
	m := res.Run.Meta
	fctx, cancel := context.WithTimeout(context.Background(), delayedFetchTimeout)
	series, err := d.Delayed(fctx, m.Start, *m.End)
	cancel()
	if err != nil {
		fmt.Fprintf(cfg.Log, "lmibench: warning: %s: %v; `lmibench metrics %s` fetches them later\n", m.Scenario, err, res.CSV)
		return true
	}
	final = (res.fetched != nil && reflect.DeepEqual(series, res.fetched)) || !time.Now().Before(d.FinalAt(*m.End))
	res.fetched, res.fetchedAt = series, time.Now()
	if final {
		writeDelayed(cfg, res, site, series)
	}
	return final
}

// writeDelayed adds the delayed series to res's series file, summary and
// page, and says so.
func writeDelayed(cfg *Config, res *Result, site *report.Site, series []platform.Series) {
	res.Run.Extra = append(res.Run.Extra, series...)
	if err := runfiles.WriteJSON(res.Series, &platform.SeriesFile{Source: "lmibench run", Series: res.Run.Extra}); err != nil {
		fmt.Fprintf(cfg.Log, "lmibench: warning: %v\n", err)
		return
	}
	out := &report.Output{Site: site, Thresholds: cfg.Thresholds, Publish: cfg.upload}
	w, err := out.Write(res.Run, res.Files, runfiles.File{Kind: "series", Path: res.Series})
	res.Summary = w.Summary
	if err != nil {
		fmt.Fprintf(cfg.Log, "lmibench: warning: %v\n", err)
	}
	fmt.Fprintf(cfg.Log, "lmibench: %s: CloudWatch series added to %s and %s\n%s", res.Run.Meta.Scenario, res.Series, res.Page, summary.ThrottleSummary(res.Run))
}

// waitUntil waits for the delayed series until t, saying every
// countdownEvery how long is left (again: the series were fetched and
// still changed; final: the latest they are waited for), or until ctx
// ends.
func waitUntil(ctx context.Context, cfg *Config, t time.Time, again bool, final time.Time) {
	for {
		left := time.Until(t)
		if left <= 0 {
			return
		}
		if again {
			fmt.Fprintf(cfg.Log, "lmibench: CloudWatch's series are still changing: fetching again in %s, until %s at the latest (Ctrl-C skips)\n",
				left.Round(time.Second), final.UTC().Format("15:04:05 UTC"))
		} else {
			fmt.Fprintf(cfg.Log, "lmibench: CloudWatch publishes the last period at %s: waiting %s (Ctrl-C skips)\n",
				t.UTC().Format("15:04:05 UTC"), left.Round(time.Second))
		}
		timer := time.NewTimer(min(left, countdownEvery))
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return
		}
	}
}

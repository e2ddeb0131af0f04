package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/report"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

// FetchFunc fetches a saved run's delayed series from its sidecar's
// platform Info, for the window [start, end]; ready is when they are
// complete.
type FetchFunc func(ctx context.Context, info platform.Info, start, end time.Time) (series []platform.Series, ready time.Time, err error)

// RefreshDelayed fetches or refreshes the delayed series (CloudWatch's)
// of the run saved as csvPath, replaces the ones saved beside it (the
// sampled series stay) and rebuilds its page.
func RefreshDelayed(ctx context.Context, csvPath string, fetch FetchFunc, log io.Writer) error {
	files := runfiles.Of(csvPath)
	metaPath, seriesPath := files.Meta, files.Series
	meta, err := runfiles.ReadMeta(metaPath)
	if err != nil {
		return fmt.Errorf("%s: the run's sidecar: %w", csvPath, err)
	}
	if meta.Platform == nil || meta.End == nil {
		return fmt.Errorf("%s: the sidecar says neither what the run went against nor when it ended", metaPath)
	}
	series, ready, err := fetch(ctx, *meta.Platform, meta.Start, *meta.End)
	if err != nil {
		return fmt.Errorf("%s: %w", csvPath, err)
	}
	if time.Now().Before(ready) {
		fmt.Fprintf(log, "lmibench: %s: CloudWatch completes this window at %s; until then its last periods are marked partial\n",
			csvPath, ready.UTC().Format("15:04:05 UTC"))
	}
	var sf platform.SeriesFile
	if err := runfiles.ReadJSON(seriesPath, &sf); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	kept := sf.Series[:0]
	for _, s := range sf.Series {
		if s.Period == 0 { // sampled during the run, not fetched
			kept = append(kept, s)
		}
	}
	sf.Source = "lmibench run, delayed series fetched " + time.Now().UTC().Format(time.RFC3339)
	sf.Series = append(kept, series...)
	if err := runfiles.WriteJSON(seriesPath, &sf); err != nil {
		return err
	}
	runs, err := stats.ReadRuns(csvPath)
	if err != nil {
		return err
	}
	if _, err := (&report.Output{}).Write(runs[0], files); err != nil {
		return err
	}
	fmt.Fprintf(log, "lmibench: %s: %d series in %s, page %s\n%s", csvPath, len(series), seriesPath, files.Page, summary.ThrottleSummary(runs[0]))
	return nil
}

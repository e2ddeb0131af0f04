package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/report"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/s3dir"
	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

func reportCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "rebuild HTML reports from the CSVs of earlier runs",
		ArgsUsage: "FILE.csv [FILE.csv ...]",
		Description: "Each CSV gets its page beside it (with its .json sidecar and .series.json when present; " +
			"without them the stages are shown as the rows recorded them); a CSV of several scenarios " +
			"(a --csv - stream) gets a page per scenario. One page: -o names it. " +
			"Several: each page goes beside its CSV and -o names the page that links them all.\n\n" +
			"The CSVs of a run's shards (--shard I/N, one run id) merge into one run and one page, exactly, from their rows, " +
			"with a table per shard; a missing, duplicated or mismatched shard is refused unless --partial.\n\n" +
			"EXAMPLES:\n" +
			"   lmibench report results/high-cpu-20261123T135107Z.csv\n" +
			"   lmibench report results/*.csv -o results/all.html",
		OnUsageError: usageError,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, EnvVars: env("output"),
				Usage: "the page to write (default: beside the CSV, or index.html beside the first one)"},
			&cli.StringSliceFlag{Name: "threshold", EnvVars: env("threshold"),
				Usage: "a condition on each run's results, as run takes it (p99<500ms, lmi@2:errors<1%); any failure exits 99"},
			&cli.StringFlag{Name: "summary", EnvVars: env("summary"),
				Usage: "also write every run's summary as one JSON array to this file; - is stdout"},
			&cli.BoolFlag{Name: "partial", EnvVars: env("partial"),
				Usage: "merge the shards of a run even when some are missing (the page says which)"},
		}, costFlags()...),
		Action: func(c *cli.Context) error {
			var outputs, summaries []string
			thresholds := c.StringSlice("threshold")
			values := map[string]*[]string{"o": &outputs, "output": &outputs, "summary": &summaries, "threshold": &thresholds}
			costValues := map[string]*[]string{}
			for _, n := range flagNames(costFlags()) {
				costValues[n] = new([]string)
				values[n] = costValues[n]
			}
			partial := c.Bool("partial")
			files, err := splitArgs("report", c.Args().Slice(), values, map[string]*bool{"partial": &partial})
			if err != nil {
				return err
			}
			for n, vs := range costValues { // given among the files: as if before them
				for _, v := range *vs {
					if err := c.Set(n, v); err != nil {
						return badInput("report: --%s %q: %v", n, v, err)
					}
				}
			}
			output, summaryTo := last(outputs, c.String("output")), last(summaries, c.String("summary"))
			if len(files) == 0 {
				return badInput("report: name at least one CSV file")
			}
			// The endpoints are known once the files are read: a threshold
			// on one that is not there fails then, as "no such endpoint".
			checks, err := parseThresholds(thresholds, nil, math.MaxInt)
			if err != nil {
				return err
			}
			// Read every file before writing anything: a bad one is refused
			// with its name and line, and nothing is half done.
			var local []string
			for _, f := range files {
				if !s3dir.Is(f) {
					local = append(local, f)
					continue
				}
				fetched, err := fetchS3(f, stderr)
				if err != nil {
					return err
				}
				local = append(local, fetched...)
			}
			var runs []*stats.Run
			for _, f := range local {
				if !strings.HasSuffix(f, ".csv") {
					return badInput("report: %s: not a .csv file", f)
				}
				rs, err := stats.ReadRuns(f)
				if err != nil {
					return badInput("report: %v", err)
				}
				if len(rs) == 1 && rs[0].Meta == nil {
					fmt.Fprintf(stderr, "lmibench: warning: %s has no sidecar (%s): its platform, prices and endpoints' billing, stage labels and endpoint order are as its rows show them; --cost-endpoint says how an endpoint is billed\n",
						f, runfiles.Of(f).Meta)
				}
				for _, r := range rs {
					if r.Warning != "" {
						fmt.Fprintf(stderr, "lmibench: warning: %s\n", r.Warning)
					}
				}
				runs = append(runs, rs...)
			}
			if runs, err = stats.MergeShards(runs, partial); err != nil {
				if errors.Is(err, stats.ErrMissing) {
					return badInput("report: %v (--partial merges those there are)", err)
				}
				return badInput("report: %v", err)
			}
			for _, r := range runs {
				if len(r.Shards) > 0 && r.Warning != "" {
					fmt.Fprintf(stderr, "lmibench: warning: %s\n", r.Warning)
				}
				if r.Pricing, err = pricingFromFlags(c, r.RecordedPricing(), r.EndpointNames()); err != nil {
					return err
				}
				if r.Pricing.At > 0 && !slices.ContainsFunc(r.EndpointNames(), func(n string) bool { return r.Function(n).Known() }) {
					fmt.Fprintf(stderr, "lmibench: warning: --cost-at: no endpoint of %s is priced, so nothing is projected; --cost-endpoint NAME=MB or NAME=lmi says how one is billed\n", r.Source)
				}
			}
			return writeReports(runs, checks, output, summaryTo, stdout, stderr)
		},
	}
}

// writeReports writes each run's summary and page (a CSV of several
// scenarios, a --csv - stream, gives a page each), and for several runs the
// index that links them, as `run` does; then every summary where --summary
// says. Any failed threshold exits 99.
func writeReports(runs []*stats.Run, thresholds []summary.Threshold, output, summaryTo string, stdout, stderr io.Writer) error {
	perFile := map[string]int{}
	for _, r := range runs {
		perFile[r.Source]++
	}
	site := &report.Site{}
	if len(runs) > 1 {
		site.Index = output
		if site.Index == "" {
			site.Index = filepath.Join(filepath.Dir(runs[0].Source), "index.html")
		}
	}
	out := &report.Output{Site: site, Thresholds: thresholds, Log: stderr}
	sums := make([]*summary.Summary, len(runs))
	failed := 0
	for i, r := range runs {
		files := runfiles.Of(r.Source)
		switch {
		case len(runs) == 1 && output != "":
			files = files.PageAt(output)
		case perFile[r.Source] > 1:
			files = files.Scenario(r.Name())
		}
		fmt.Fprintf(stderr, "lmibench: report: %s\n", r.Name())
		w, err := out.Write(r, files)
		if err != nil {
			return &exitError{code: exitFailure, err: err}
		}
		sums[i] = w.Summary
		failed += summary.Failed(w.Verdicts)
	}
	if site.Index != "" {
		if err := site.WriteIndex(); err != nil {
			return &exitError{code: exitFailure, err: err}
		}
		fmt.Fprintf(stderr, "lmibench: report: %s\n", site.Index)
	}
	if summaryTo != "" {
		if err := runfiles.WriteJSONTo(summaryTo, stdout, sums); err != nil {
			return &exitError{code: exitFailure, err: fmt.Errorf("--summary: %w", err)}
		}
	}
	if failed > 0 {
		return &exitError{code: exitThresholds, err: fmt.Errorf("%d threshold checks failed (see the tables above)", failed)}
	}
	return nil
}

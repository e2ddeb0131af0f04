package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/report"
	"github.com/lmibench/lmibench/s3dir"
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
			var runs []*report.Run
			for _, f := range local {
				if !strings.HasSuffix(f, ".csv") {
					return badInput("report: %s: not a .csv file", f)
				}
				rs, err := report.ReadRuns(f)
				if err != nil {
					return badInput("report: %v", err)
				}
				for _, r := range rs {
					if r.Warning != "" {
						fmt.Fprintf(stderr, "lmibench: warning: %s\n", r.Warning)
					}
				}
				runs = append(runs, rs...)
			}
			if runs, err = report.MergeShards(runs, partial); err != nil {
				return badInput("report: %v", err)
			}
			for _, r := range runs {
				if len(r.Shards) > 0 && r.Warning != "" {
					fmt.Fprintf(stderr, "lmibench: warning: %s\n", r.Warning)
				}
			}
			sums := make([]*report.Summary, len(runs))
			for i, r := range runs {
				if r.Pricing, err = pricingFromFlags(c, r.RecordedPricing(), r.EndpointNames()); err != nil {
					return err
				}
				sums[i] = r.Summary()
				if err := report.WriteAnswer(stderr, sums[i]); err != nil {
					return &exitError{code: exitFailure, err: err}
				}
			}
			if err := writeReports(runs, sums, output, stderr); err != nil {
				return err
			}
			return judge(sums, checks, summaryTo, stdout, stderr)
		},
	}
}

// judge writes the runs' summaries where --summary says and evaluates the
// thresholds on each run.
func judge(sums []*report.Summary, thresholds []report.Threshold, summaryTo string, stdout, stderr io.Writer) error {
	var verdicts []report.Verdict
	for _, s := range sums {
		verdicts = append(verdicts, report.Evaluate(thresholds, s)...)
	}
	if summaryTo != "" {
		if err := report.WriteJSONTo(summaryTo, stdout, sums); err != nil {
			return &exitError{code: exitFailure, err: fmt.Errorf("--summary: %w", err)}
		}
	}
	if err := report.WriteVerdicts(stderr, verdicts); err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	if n := report.Failed(verdicts); n > 0 {
		return &exitError{code: report.ExitThresholds, err: fmt.Errorf("%d threshold checks failed (see the table above)", n)}
	}
	return nil
}

// splitArgs takes flags from among the files: urfave/cli v2 stops
// reading flags at the first argument, and `report a.csv b.csv -o x.html`
// is how people write it. Each flag named in values takes a value (as
// -f V or -f=V), appended to its slice; each in switches sets its bool
// (-f, or -f=false); anything else starting with - is refused.
func splitArgs(cmd string, args []string, values map[string]*[]string, switches map[string]*bool) (files []string, err error) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			files = append(files, arg)
			continue
		}
		name, value, inline := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if sw, ok := switches[name]; ok { // a switch: --partial, or --partial=false
			on, err := strconv.ParseBool(value)
			if !inline {
				on, err = true, nil
			}
			if err != nil {
				return nil, badInput("%s: %s: want true or false", cmd, arg)
			}
			*sw = on
			continue
		}
		dst, ok := values[name]
		if !ok {
			return nil, badInput("%s: unknown flag %s", cmd, arg)
		}
		if !inline {
			if i+1 == len(args) {
				what := "a value"
				switch name {
				case "o", "output", "summary":
					what = "a file name"
				case "threshold":
					what = "a condition"
				}
				return nil, badInput("%s: %s needs %s", cmd, arg, what)
			}
			i++
			value = args[i]
		}
		*dst = append(*dst, value)
	}
	return files, nil
}

// last is the last value given, or def.
func last(vs []string, def string) string {
	if len(vs) == 0 {
		return def
	}
	return vs[len(vs)-1]
}

// writeReports writes a page and the summary sums[i] per run, and for
// several runs the index that links them (report.Site, as `run` does).
func writeReports(runs []*report.Run, sums []*report.Summary, output string, stderr io.Writer) error {
	// A CSV of several scenarios (a --csv - stream) gives a page each.
	perFile := map[string]int{}
	for _, r := range runs {
		perFile[r.Source]++
	}
	pageOf := func(r *report.Run) string {
		stem := strings.TrimSuffix(r.Source, ".csv")
		if perFile[r.Source] > 1 {
			stem += "-" + r.Name()
		}
		return stem + ".html"
	}
	site := &report.Site{}
	if len(runs) > 1 {
		site.Index = output
		if site.Index == "" {
			site.Index = filepath.Join(filepath.Dir(runs[0].Source), "index.html")
		}
	}
	for i, r := range runs {
		page := pageOf(r)
		if len(runs) == 1 && output != "" {
			page = output
		}
		summary := strings.TrimSuffix(page, ".html") + ".summary.json"
		if err := errors.Join(site.WritePage(page, r, sums[i]), report.WriteJSON(summary, sums[i])); err != nil {
			return &exitError{code: exitFailure, err: err}
		}
		fmt.Fprintf(stderr, "lmibench: report: %s, summary: %s\n", page, summary)
	}
	if site.Index == "" {
		return nil
	}
	if err := site.WriteIndex(); err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	fmt.Fprintf(stderr, "lmibench: report: %s\n", site.Index)
	return nil
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/report"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

func compareCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "compare two runs, B against A, and say whether B regressed (exit 4) — a verdict a CI job can gate on",
		ArgsUsage: "A B",
		Description: "A and B are CSVs of runs (their sidecars beside them) or summary files (<stem>.summary.json, or what " +
			"--summary wrote). Runs of several scenarios are compared scenario by scenario; runs of another scenario, load " +
			"model, workload or stage profile are refused (exit 2) unless --force.\n\n" +
			"The answer goes to stdout: the verdict first (regressed, improved or no difference, naming the worst cell), then " +
			"per endpoint × stage each metric as A → B. A change is a regression when it is beyond the two runs' own noise " +
			"(their 95% intervals do not overlap: * in the table) and beyond --min-change, on a metric of --metric (! in the " +
			"table). Exit 0: no regression; 4: a regression; 2: bad input.\n\n" +
			"EXAMPLES:\n" +
			"   lmibench compare results/high-cpu-20261123T135107Z.csv results/high-cpu-20261124T091500Z.csv\n" +
			"   lmibench compare baseline.summary.json new.summary.json --metric p99,failed --min-change 10%,2ms\n" +
			"   lmibench compare before.summary.json after.summary.json --format json -o compare.html",
		OnUsageError: usageError,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, EnvVars: env("compare-output"), Usage: "also write the comparison's page here"},
			&cli.StringFlag{Name: "format", Value: "text", EnvVars: env("format"), Usage: "the answer on stdout: text or json"},
			&cli.StringFlag{Name: "json", Usage: "also write the comparison as JSON to this file; - is stdout (the table then goes to stderr)"},
			&cli.BoolFlag{Name: "force", EnvVars: env("force"), Usage: "compare runs of another scenario, load model, workload or stage profile all the same"},
		}, judgeFlags()...), // and --metric, --min-change
		Action: func(c *cli.Context) error {
			var outputs, jsons, formats, metrics, mins []string
			force := c.Bool("force")
			files, err := splitArgs("compare", c.Args().Slice(), map[string]*[]string{"o": &outputs, "output": &outputs, "json": &jsons,
				"format": &formats, "metric": &metrics, "min-change": &mins}, map[string]*bool{"force": &force})
			if err != nil {
				return err
			}
			if len(files) != 2 {
				return badInput("compare: name two runs, A and B (CSV or summary files), got %d", len(files))
			}
			opts, err := judgeOptions("compare", last(metrics, c.String("metric")), last(mins, c.String("min-change")))
			if err != nil {
				return err
			}
			format := last(formats, c.String("format"))
			if format != "text" && format != "json" {
				return badInput("compare: --format %q: want text or json", trim(format))
			}
			a, err := loadSummaries(files[0])
			if err != nil {
				return err
			}
			b, err := loadSummaries(files[1])
			if err != nil {
				return err
			}
			comparisons, unpaired, err := pairUp(a, b, opts, force)
			if err != nil {
				return err
			}
			for _, u := range unpaired {
				fmt.Fprintf(stderr, "lmibench: compare: not compared: %s\n", u)
			}
			if len(comparisons) == 0 {
				return badInput("compare: %s and %s have no scenario in common", files[0], files[1])
			}
			jsonTo := last(jsons, c.String("json"))
			table := stdout
			if format == "json" || jsonTo == "-" {
				table = stderr // stdout carries the JSON
			}
			if format == "json" {
				jsonTo = "-"
			}
			for _, cmp := range comparisons {
				if err := cmp.WriteTable(table); err != nil {
					return &exitError{code: exitFailure, err: err}
				}
			}
			if err := writeComparisons(comparisons, last(outputs, c.String("output")), jsonTo, stdout, stderr); err != nil {
				return err
			}
			for _, cmp := range comparisons {
				if cmp.Regressed {
					return &exitError{code: exitRegression, err: fmt.Errorf("%s", cmp.Verdict)}
				}
			}
			return nil
		},
	}
}

// judgeFlags are --metric and --min-change, as compare and history take
// them.
func judgeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "metric", Value: strings.Join(summary.DefaultMetrics, ","), EnvVars: env("metric"),
			Usage: "the metrics judged: some of " + strings.Join(summary.Metrics, ", ")},
		&cli.StringFlag{Name: "min-change", Value: "5%,1ms,failed=1,rps=10%,cost=5%", EnvVars: env("min-change"),
			Usage: "how large a change must be to count, besides beyond the noise: latency quantiles N% and Nms, failed=N (percentage points), rps=N% (open model), cost=N%"},
	}
}

// judgeOptions reads the values of judgeFlags for cmd.
func judgeOptions(cmd, metric, minChange string) (summary.CompareOptions, error) {
	var o summary.CompareOptions
	var err error
	if o.Metrics, err = summary.ParseMetrics(metric); err != nil {
		return o, badInput("%s: --metric %v", cmd, err)
	}
	if o.Min, err = summary.ParseMinChange(minChange, summary.DefaultMinChange); err != nil {
		return o, badInput("%s: --min-change %v", cmd, err)
	}
	return o, nil
}

// loadSummaries reads a run's summaries: from a CSV (one per scenario in
// it), a summary file, or an array of them.
func loadSummaries(path string) ([]*summary.Summary, error) {
	switch {
	case strings.HasSuffix(path, ".csv"):
		runs, err := stats.ReadRuns(path)
		if err != nil {
			return nil, badInput("compare: %v", err)
		}
		var out []*summary.Summary
		for _, r := range runs {
			out = append(out, summary.Of(r))
		}
		return out, nil
	case strings.HasSuffix(path, ".json"):
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, badInput("compare: %v", err)
		}
		return decodeSummaries(path, b)
	}
	return nil, badInput("compare: %s: want a .csv or a .summary.json", path)
}

// decodeSummaries reads a summary file: one summary or an array of them,
// each of a version this lmibench reads.
func decodeSummaries(path string, b []byte) ([]*summary.Summary, error) {
	var many []*summary.Summary
	if err := json.Unmarshal(b, &many); err != nil {
		var one summary.Summary
		if err := json.Unmarshal(b, &one); err != nil {
			return nil, badInput("compare: %s: neither a summary nor an array of them: %v", path, err)
		}
		many = []*summary.Summary{&one}
	}
	for _, s := range many {
		if s == nil || s.SummaryVersion < 1 || s.SummaryVersion > summary.SummaryVersion {
			return nil, badInput("compare: %s: not an lmibench summary of version 1..%d", path, summary.SummaryVersion)
		}
	}
	return many, nil
}

// pairUp compares the one scenario of each, or else the scenarios of the
// same name; it names the rest. Runs that cannot be compared are refused
// unless force.
func pairUp(a, b []*summary.Summary, o summary.CompareOptions, force bool) (out []*summary.Comparison, unpaired []string, err error) {
	compare := func(x, y *summary.Summary) error {
		if why := summary.Comparable(x, y); why != "" && !force {
			return badInput("compare: not comparable: %s (--force compares them all the same)", why)
		}
		out = append(out, summary.Compare(x, y, o))
		return nil
	}
	if len(a) == 1 && len(b) == 1 {
		return out, nil, compare(a[0], b[0])
	}
	byName := map[string]*summary.Summary{}
	for _, s := range b {
		byName[s.Scenario] = s
	}
	for _, s := range a {
		if o := byName[s.Scenario]; o != nil {
			if err := compare(s, o); err != nil {
				return nil, nil, err
			}
			delete(byName, s.Scenario)
		} else {
			unpaired = append(unpaired, "scenario "+s.Scenario+" is only in A")
		}
	}
	for _, s := range b {
		if byName[s.Scenario] != nil {
			unpaired = append(unpaired, "scenario "+s.Scenario+" is only in B")
		}
	}
	return out, unpaired, nil
}

// writeComparisons writes the pages (one per scenario, named after
// output) and the JSON form.
func writeComparisons(cs []*summary.Comparison, output, jsonTo string, stdout, stderr io.Writer) error {
	var errs []error
	if output != "" {
		for _, c := range cs {
			path := output
			if len(cs) > 1 {
				path = strings.TrimSuffix(output, ".html") + "-" + c.Scenario + ".html"
			}
			if err := runfiles.WriteFile(path, func(w io.Writer) error { return report.WriteComparison(w, c) }); err != nil {
				errs = append(errs, err)
				continue
			}
			fmt.Fprintf(stderr, "lmibench: compare: %s\n", path)
		}
	}
	if jsonTo != "" {
		errs = append(errs, runfiles.WriteJSONTo(jsonTo, stdout, cs))
	}
	if err := errors.Join(errs...); err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	return nil
}

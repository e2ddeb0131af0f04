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
		Usage:     "compare two runs: per endpoint × stage, B against A, with what is beyond the noise",
		ArgsUsage: "A B",
		Description: "A and B are CSVs of runs (their sidecars beside them) or summary files (<stem>.summary.json, or what " +
			"--summary wrote). Runs of several scenarios are compared scenario by scenario. A latency quantile is marked * " +
			"when its change is beyond the two runs' own noise: their 95% intervals of it do not overlap. What only one " +
			"run has (endpoints, stages) is named, not compared.\n\n" +
			"EXAMPLES:\n" +
			"   lmibench compare results/high-cpu-20261123T135107Z.csv results/high-cpu-20261124T091500Z.csv\n" +
			"   lmibench compare before.summary.json after.summary.json -o compare.html --json -",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "also write the comparison's page here"},
			&cli.StringFlag{Name: "json", Usage: "also write the comparison as JSON here; - is stdout"},
		},
		Action: func(c *cli.Context) error {
			var outputs, jsons []string
			files, err := splitArgs("compare", c.Args().Slice(), map[string]*[]string{"o": &outputs, "output": &outputs, "json": &jsons}, nil)
			if err != nil {
				return err
			}
			if len(files) != 2 {
				return badInput("compare: name two runs, A and B (CSV or summary files), got %d", len(files))
			}
			a, err := loadSummaries(files[0])
			if err != nil {
				return err
			}
			b, err := loadSummaries(files[1])
			if err != nil {
				return err
			}
			comparisons, unpaired := pairUp(a, b)
			for _, u := range unpaired {
				fmt.Fprintf(stderr, "lmibench: compare: not compared: %s\n", u)
			}
			if len(comparisons) == 0 {
				return badInput("compare: %s and %s have no scenario in common", files[0], files[1])
			}
			for _, cmp := range comparisons {
				if err := cmp.WriteTable(stderr); err != nil {
					return &exitError{code: exitFailure, err: err}
				}
			}
			return writeComparisons(comparisons, last(outputs, c.String("output")), last(jsons, c.String("json")), stdout, stderr)
		},
	}
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
	return nil, badInput("compare: %s: want a .csv or a .summary.json", path)
}

// pairUp compares the one scenario of each, whatever their names, or
// else the scenarios of the same name; it names the rest.
func pairUp(a, b []*summary.Summary) (out []*summary.Comparison, unpaired []string) {
	if len(a) == 1 && len(b) == 1 {
		return []*summary.Comparison{summary.Compare(a[0], b[0])}, nil
	}
	byName := map[string]*summary.Summary{}
	for _, s := range b {
		byName[s.Scenario] = s
	}
	for _, s := range a {
		if o := byName[s.Scenario]; o != nil {
			out = append(out, summary.Compare(s, o))
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
	return out, unpaired
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

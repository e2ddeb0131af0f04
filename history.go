package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/report"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/s3dir"
	"github.com/lmibench/lmibench/summary"
)

func historyCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "history",
		Usage:     "a project's runs over time: each metric per scenario × endpoint × stage, regressions marked, and a gate for nightly jobs",
		ArgsUsage: "DIR | s3://bucket/prefix",
		Description: "Reads every run's summary (*.summary.json) in DIR or under the S3 prefix, groups the runs whose settings match " +
			"(scenario, load model, workload, stage profile: never one line of different ones), and judges each run against the " +
			"one before it, or against --baseline, as compare does. Writes a self-contained page and a JSON of every metric over " +
			"time, and prints each group's runs and the drift of its last --last runs. --check exits 4 when a group's newest " +
			"run regressed.\n\n" +
			"EXAMPLES:\n" +
			"   lmibench history results\n" +
			"   lmibench history s3://bench/nightly --check --metric p99,failed -o history.html",
		OnUsageError: usageError,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "the page to write (default: history.html in DIR, or here for S3)"},
			&cli.StringFlag{Name: "json", Usage: "the JSON to write; - is stdout (default: history.json beside the page)"},
			&cli.StringFlag{Name: "baseline", EnvVars: env("baseline"), Usage: "the run id (or CSV) every run of its group is judged against (default: the run before)"},
			&cli.IntFlag{Name: "last", Value: 5, EnvVars: env("last"), Usage: "how many of a group's last runs its drift spans"},
			&cli.BoolFlag{Name: "check", EnvVars: env("check"), Usage: "exit 4 when a group's newest run regressed"},
		}, judgeFlags()...), // and --metric, --min-change
		Action: func(c *cli.Context) error {
			var outputs, jsons, baselines, lasts, metrics, mins []string
			check := c.Bool("check")
			args, err := splitArgs("history", c.Args().Slice(), map[string]*[]string{"o": &outputs, "output": &outputs, "json": &jsons,
				"baseline": &baselines, "last": &lasts, "metric": &metrics, "min-change": &mins}, map[string]*bool{"check": &check})
			if err != nil {
				return err
			}
			if len(args) != 1 {
				return badInput("history: name one directory or s3://bucket/prefix, got %d", len(args))
			}
			lastN := c.Int("last")
			if v := last(lasts, ""); v != "" {
				if lastN, err = strconv.Atoi(v); err != nil {
					return badInput("history: --last %q: want a number of runs", trim(v))
				}
			}
			if lastN < 2 {
				return badInput("history: --last %d: want at least 2", lastN)
			}
			opts, err := judgeOptions("history", last(metrics, c.String("metric")), last(mins, c.String("min-change")))
			if err != nil {
				return err
			}
			src := args[0]
			files, pageDir, err := summaryFiles(src, stderr)
			if err != nil {
				return err
			}
			var sums []*summary.Summary
			seen := map[string]bool{}
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					return badInput("history: %v", err)
				}
				ss, err := decodeSummaries(f, b)
				if err != nil {
					return err
				}
				for _, s := range ss { // a run's own file and a --summary array may both hold it
					if key := s.Scenario + "\x00" + summary.RunID(s) + "\x00" + s.CSV; !seen[key] {
						seen[key] = true
						sums = append(sums, s)
					}
				}
			}
			h := summary.BuildHistory(sums, last(baselines, c.String("baseline")), lastN, opts)
			if err := h.WriteText(stderr); err != nil {
				return &exitError{code: exitFailure, err: err}
			}
			page := last(outputs, c.String("output"))
			if page == "" {
				page = filepath.Join(pageDir, "history.html")
			}
			jsonTo := last(jsons, c.String("json"))
			if jsonTo == "" {
				jsonTo = strings.TrimSuffix(page, ".html") + ".json"
			}
			if err := errors.Join(runfiles.WriteFile(page, func(w io.Writer) error { return report.WriteHistory(w, h) }),
				runfiles.WriteJSONTo(jsonTo, stdout, h)); err != nil {
				return &exitError{code: exitFailure, err: err}
			}
			fmt.Fprintf(stderr, "lmibench: history: %s, %s\n", page, jsonTo)
			if regressed := h.NewestRegressed(); check && len(regressed) > 0 {
				return &exitError{code: exitRegression, err: fmt.Errorf("the newest run regressed: %s", strings.Join(regressed, "; "))}
			}
			return nil
		},
	}
}

// summaryFiles are the summary files of a directory or an S3 prefix
// (downloaded to ./s3/<bucket>/<prefix>), and the directory a page goes to
// by default.
func summaryFiles(src string, stderr io.Writer) (files []string, pageDir string, err error) {
	if !s3dir.Is(src) {
		files, _ = filepath.Glob(filepath.Join(src, "*.summary.json"))
		if st, err := os.Stat(src); err != nil || !st.IsDir() {
			return nil, "", badInput("history: %s: not a directory", src)
		}
		if len(files) == 0 {
			return nil, "", badInput("history: %s holds no *.summary.json", src)
		}
		return files, src, nil
	}
	loc, err := s3dir.Parse(strings.TrimSuffix(src, "/")+"/*", true)
	if err != nil {
		return nil, "", badInput("history: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), s3Timeout)
	defer cancel()
	dir, err := s3dir.Open(ctx, loc)
	if err != nil {
		return nil, "", badInput("history: %v", err)
	}
	local := filepath.Join("s3", loc.Bucket, filepath.FromSlash(loc.Prefix))
	if err := os.MkdirAll(local, 0o755); err != nil {
		return nil, "", badInput("history: %v", err)
	}
	if files, err = dir.Fetch(ctx, local, ".summary.json", nil); err != nil {
		return nil, "", badInput("history: %v", err)
	}
	fmt.Fprintf(stderr, "lmibench: history: %d summaries from %s in %s\n", len(files), src, local)
	return files, ".", nil
}

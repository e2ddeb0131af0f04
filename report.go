package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/report"
)

func reportCommand(stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "rebuild HTML reports from the CSVs of earlier runs",
		ArgsUsage: "FILE.csv [FILE.csv ...]",
		Description: "Each CSV gets its page beside it (with its .json sidecar and .series.json when present; " +
			"without them the stages are shown as the rows recorded them); a CSV of several scenarios " +
			"(a --csv - stream) gets a page per scenario. One page: -o names it. " +
			"Several: each page goes beside its CSV and -o names the page that links them all.\n\n" +
			"EXAMPLES:\n" +
			"   lmibench report results/high-cpu-20261123T135107Z.csv\n" +
			"   lmibench report results/*.csv -o results/all.html",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, EnvVars: env("output"),
				Usage: "the page to write (default: beside the CSV, or index.html beside the first one)"},
		},
		Action: func(c *cli.Context) error {
			files, output, err := splitOutput(c.Args().Slice(), c.String("output"))
			if err != nil {
				return err
			}
			if len(files) == 0 {
				return badInput("report: name at least one CSV file")
			}
			// Read every file before writing anything: a bad one is refused
			// with its name and line, and nothing is half done.
			var runs []*report.Run
			for _, f := range files {
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
			return writeReports(runs, output, stderr)
		},
	}
}

// splitOutput takes -o/--output from among the files: urfave/cli v2 stops
// reading flags at the first argument, and `report a.csv b.csv -o x.html`
// is how people write it.
func splitOutput(args []string, output string) (files []string, out string, err error) {
	out = output
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-o" || a == "--output" || a == "-output":
			if i+1 == len(args) {
				return nil, "", badInput("report: %s needs a file name", a)
			}
			out = args[i+1]
			i++
		case strings.HasPrefix(a, "-o=") || strings.HasPrefix(a, "--output="):
			out = a[strings.Index(a, "=")+1:]
		case strings.HasPrefix(a, "-") && a != "-":
			return nil, "", badInput("report: unknown flag %s", a)
		default:
			files = append(files, a)
		}
	}
	return files, out, nil
}

// writeReports writes a page per run, and for several runs the index that
// links them (report.Site, as `run` does).
func writeReports(runs []*report.Run, output string, stderr io.Writer) error {
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
	for _, r := range runs {
		page := pageOf(r)
		if len(runs) == 1 && output != "" {
			page = output
		}
		if err := site.WritePage(page, r); err != nil {
			return &exitError{code: exitFailure, err: err}
		}
		fmt.Fprintf(stderr, "lmibench: report: %s\n", page)
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

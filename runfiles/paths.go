// Package runfiles holds the files of one run and how they are named,
// written and read: the CSV of its requests, the sidecar of its settings
// (Meta), the platform's series, the summary and the page. Every writer
// and reader of a run names its files through Files, so a path has one
// rule.
package runfiles

import "strings"

// Files are the paths of one run's files, all beside its CSV:
//
//	results/high-cpu-20261123T135107Z.csv           the requests
//	results/high-cpu-20261123T135107Z.json          the sidecar (Meta)
//	results/high-cpu-20261123T135107Z.series.json   the platform's series
//	results/high-cpu-20261123T135107Z.summary.json  the summary
//	results/high-cpu-20261123T135107Z.html          the page
type Files struct {
	CSV, Meta, Series, Summary, Page string
}

// Of names the files of the run whose CSV is csvPath.
func Of(csvPath string) Files {
	stem := strings.TrimSuffix(csvPath, ".csv")
	return Files{CSV: csvPath, Meta: stem + ".json", Series: stem + ".series.json",
		Summary: stem + ".summary.json", Page: stem + ".html"}
}

// Scenario is f for one scenario of a CSV that holds several (a --csv -
// stream of several scenarios): its page and summary carry its name.
func (f Files) Scenario(name string) Files {
	return f.PageAt(strings.TrimSuffix(f.Page, ".html") + "-" + name + ".html")
}

// PageAt is f with its page at page and the summary beside it.
func (f Files) PageAt(page string) Files {
	f.Page = page
	f.Summary = strings.TrimSuffix(page, ".html") + ".summary.json"
	return f
}

// File is one file a run wrote and what it holds: csv, sidecar, series,
// summary, report, index.
type File struct{ Kind, Path string }

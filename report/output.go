package report

import (
	"errors"
	"fmt"
	"io"

	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

// Output writes what a finished run leaves beside its CSV and sidecar:
// the summary JSON, the page (with its entry in the site's index) and,
// for a person, the files written, the thresholds' verdicts and the
// answer. The scenario loop, the delayed CloudWatch fetch, `lmibench
// metrics` and `lmibench report` all write a run through it, so a run's
// outputs come out the same whoever writes them.
type Output struct {
	// Site links the page into an index; nil writes the page alone.
	Site *Site
	// Thresholds are judged on the summary.
	Thresholds []summary.Threshold
	// Log gets the files written, the verdicts and the answer; nil says
	// nothing.
	Log io.Writer
	// Publish, when set, gets every file written in full (those the
	// caller wrote, then the summary and page) before the answer is
	// printed: the upload to S3.
	Publish func(files ...runfiles.File) error
}

// Written is what Output.Write left.
type Written struct {
	Summary  *summary.Summary
	Verdicts []summary.Verdict
	// Files are the files written in full: kept, then summary and page.
	Files []runfiles.File
}

// Write computes r's summary and writes it to f.Summary and r's page to
// f.Page, judges the thresholds and tells Log, the answer last. kept are
// files the caller wrote already (CSV, sidecar, series), listed and
// published with the others. A file that fails is named in the error; the
// rest are written all the same.
func (o *Output) Write(r *stats.Run, f runfiles.Files, kept ...runfiles.File) (*Written, error) {
	site := o.Site
	if site == nil {
		site = &Site{}
	}
	w := &Written{Summary: summary.Of(r), Files: kept}
	var errs []error
	if err := runfiles.WriteJSON(f.Summary, w.Summary); err != nil {
		errs = append(errs, err)
	} else {
		w.Files = append(w.Files, runfiles.File{Kind: "summary", Path: f.Summary})
	}
	if err := site.WritePage(f.Page, r, w.Summary); err != nil {
		errs = append(errs, err)
	} else {
		w.Files = append(w.Files, runfiles.File{Kind: "report", Path: f.Page})
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	for _, file := range w.Files {
		fmt.Fprintf(log, "  %s: %s\n", file.Kind, file.Path)
	}
	if o.Publish != nil {
		errs = append(errs, o.Publish(w.Files...))
	}
	w.Verdicts = summary.Evaluate(o.Thresholds, w.Summary)
	errs = append(errs, summary.WriteVerdicts(log, w.Verdicts), summary.WriteAnswer(log, w.Summary))
	return w, errors.Join(errs...)
}

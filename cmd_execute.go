package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/bench"
	"github.com/lmibench/lmibench/report"
)

// execute runs a plan's scenarios one after another. It stops after an
// interrupted scenario; its results are written all the same.
func execute(p *plan, e appEnv) error {
	stdout, stderr, interrupts := e.stdout, e.stderr, e.interrupts
	if p.local != nil {
		fmt.Fprintf(stderr, "lmibench: no --target or --stack: benchmarking %s on 127.0.0.1\n", p.local.describe())
	}

	var stream *attack.CSVWriter
	if p.csvOut != "" {
		out := stdout
		if p.csvOut != "-" {
			f, err := os.Create(p.csvOut)
			if err != nil {
				return badInput("--csv: %v", err)
			}
			defer f.Close()
			out = f
		}
		var err error
		if stream, err = attack.NewCSVWriter(out); err != nil {
			return &exitError{code: exitFailure, err: fmt.Errorf("--csv: %w", err)}
		}
	}

	// Several scenarios get a page that links them, named for the start.
	index := ""
	if len(p.scenarios) > 1 {
		index = "index-" + time.Now().UTC().Format("20060102T150405Z") + ".html"
	}
	var ok int64
	var errs []error
	var entries []report.IndexEntry
	interrupted := false
	for i, sc := range p.scenarios {
		if i > 0 && p.scaleIn != nil && waitForScaleIn(p.scaleIn, e) {
			interrupted = true
			break
		}
		o := p.base
		o.Scenario, o.Targets, o.Stream, o.IndexLink = sc, p.targets, stream, index
		o.Log, o.Live, o.Interrupts = stderr, isTerminal(stderr), interrupts
		res, err := runScenario(p, o)
		if res == nil {
			return &exitError{code: exitFailure, err: err}
		}
		if err != nil {
			errs = append(errs, err)
		}
		for _, e := range res.Run.Stats.Endpoints() {
			ok += e.All.OK
		}
		entries = append(entries, report.IndexEntry{Run: res.Run, Page: filepath.Base(res.HTMLPath)})
		if res.Interrupted {
			interrupted = true
			break
		}
	}
	if index != "" {
		path := filepath.Join(p.base.OutputDir, index)
		if err := report.WriteFile(path, func(w io.Writer) error { return report.WriteIndex(w, entries) }); err != nil {
			errs = append(errs, err)
		} else {
			fmt.Fprintf(stderr, "lmibench: all scenarios: %s\n", path)
		}
	}
	if stream != nil {
		if err := stream.Flush(); err != nil && p.csvOut != "-" {
			errs = append(errs, fmt.Errorf("--csv: %w", err))
		}
	}
	switch {
	case len(errs) > 0:
		return &exitError{code: exitFailure, err: errors.Join(errs...)}
	case interrupted:
		return &exitError{code: exitInterrupted, err: errors.New("interrupted; every row received was written")}
	case ok == 0:
		return &exitError{code: exitNoSuccess, err: errors.New("no request succeeded (see the errors above)")}
	}
	return nil
}

// runScenario runs one scenario, on a fresh local target when the run has
// one: each scenario starts from an idle platform, as a deployed run does
// after its scale-in wait.
func runScenario(p *plan, o bench.Options) (*bench.Result, error) {
	if p.local == nil {
		return bench.Run(o)
	}
	srv, err := p.local.start("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	o.Targets = srv.Targets()
	if srv.emu != nil {
		o.Platform = srv.emu
	}
	return bench.Run(o)
}

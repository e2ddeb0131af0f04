package stats

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/lmibench/lmibench/cost"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/stages"
)

// Run is everything the report shows about one scenario's run, built by
// adding its records one by one: live during `lmibench run`, or decoded
// from its CSV by `lmibench report`. The same code serves both, so a page
// rebuilt from the CSV is the page of the run.
type Run struct {
	// Meta is the run's sidecar; nil when the CSV came alone.
	Meta *runfiles.Meta
	// Source names where the records came from, e.g. the CSV's path.
	Source string
	// Profile is the run's load profile, checked once: by the run itself,
	// or from the sidecar's stages. Nil without a sidecar.
	Profile *stages.Profile
	// Extra are platform series saved beside the run (CloudWatch, the
	// emulator's instances), drawn on the same time axis.
	Extra []platform.Series
	// Pricing prices the requests; nil is the sidecar's, else
	// cost.DefaultPricing.
	Pricing *cost.Pricing
	// Shards are the runs this one merges (MergeShards), by shard index.
	Shards []*Run

	Stats    Stats
	Timeline Timeline
	Sample   Sample
	// Scenario is the scenario of the first record (the sidecar's wins).
	Scenario string
	// Start is the timestamp of the first request, when there is no sidecar.
	Start time.Time
	// Warning notes a problem the page was built despite, e.g. a CSV cut short.
	Warning string
}

// Add counts one record everywhere.
func (r *Run) Add(rec *rows.Record) {
	if r.Scenario == "" {
		r.Scenario = rec.Scenario
	}
	if r.Start.IsZero() || (!rec.Timestamp.IsZero() && rec.Timestamp.Before(r.Start)) {
		r.Start = rec.Timestamp
	}
	r.Stats.Add(rec)
	r.Timeline.Add(rec)
	r.Sample.Add(rec)
}

// Name is the run's scenario, from the sidecar when there is one.
func (r *Run) Name() string {
	if r.Meta != nil && r.Meta.Scenario != "" {
		return r.Meta.Scenario
	}
	if r.Scenario != "" {
		return r.Scenario
	}
	return "run"
}

// Bounds on what one file may hold, so that memory and the page stay
// bounded whatever the file: rows past them are skipped and counted.
const (
	MaxEndpoints = platform.MaxTargets
	MaxScenarios = 64
)

// ReadRuns rebuilds the runs of a CSV written by `lmibench run`: one Run
// per scenario in the file (a `--csv -` stream of `--scenario all` holds
// four), in the order they appear. A file of one scenario also gets its
// sidecar and series files when they are beside it. A file cut short keeps
// the rows before the break and says so in Warning; a missing, empty or
// foreign file is a *FileError.
func ReadRuns(csvPath string) ([]*Run, error) {
	var runs []*Run
	byScenario := map[string]*Run{}
	endpoints := map[string]bool{}
	skip, stopped, err := runfiles.ScanRows(csvPath, func(rec *rows.Record) string {
		if !endpoints[rec.Endpoint] && len(endpoints) == MaxEndpoints {
			return fmt.Sprintf("more than %d endpoints", MaxEndpoints)
		}
		endpoints[rec.Endpoint] = true
		run := byScenario[rec.Scenario]
		if run == nil {
			if len(runs) == MaxScenarios {
				return fmt.Sprintf("more than %d scenarios", MaxScenarios)
			}
			run = &Run{Source: csvPath}
			byScenario[rec.Scenario] = run
			runs = append(runs, run)
		}
		run.Add(rec)
		return ""
	})
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		why := errors.New("no rows after the header")
		switch {
		case stopped != nil:
			why = stopped
		case skip.N > 0:
			why = errors.New(skip.String())
		}
		return nil, &runfiles.FileError{Path: csvPath, Err: why}
	}
	var warnings []string
	if skip.N > 0 {
		warnings = append(warnings, skip.String())
	}
	if stopped != nil {
		warnings = append(warnings, fmt.Sprintf("%v: the file ends there; the rows before it are used", stopped))
	}
	if len(warnings) > 0 {
		for _, r := range runs {
			r.Warning = csvPath + ": " + strings.Join(warnings, "; ")
		}
	}
	if len(runs) == 1 {
		if err := runs[0].readBeside(csvPath); err != nil {
			return nil, err
		}
	}
	return runs, nil
}

// readBeside attaches the sidecar and series files of the run's CSV.
func (r *Run) readBeside(csvPath string) error {
	f := runfiles.Of(csvPath)
	metaPath, seriesPath := f.Meta, f.Series
	if m, err := runfiles.ReadMeta(metaPath); err == nil {
		r.Meta = m
		for _, t := range m.Targets {
			r.Stats.Order = append(r.Stats.Order, t.Name)
		}
		if len(m.Stages) > 0 {
			if r.Profile, err = stages.New(m.Stages, false); err != nil {
				return &runfiles.FileError{Path: metaPath, Err: fmt.Errorf("stages: %w", err)}
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return &runfiles.FileError{Path: metaPath, Err: err}
	}
	var sf platform.SeriesFile
	if err := runfiles.ReadJSON(seriesPath, &sf); err == nil {
		r.Extra = sf.Series
	} else if !errors.Is(err, fs.ErrNotExist) {
		return &runfiles.FileError{Path: seriesPath, Err: errors.Unwrap(err)}
	}
	return nil
}

// EndpointNames are the run's endpoints, in report order.
func (r *Run) EndpointNames() []string {
	var out []string
	for _, e := range r.Stats.Endpoints() {
		out = append(out, e.Name)
	}
	return out
}

// StageLabel names stage i as the run did ("64→128 VUs"), else by its
// 0-based index, as the CSV's stage column and thresholds (@1:p99<…) do.
func (r *Run) StageLabel(i int) string {
	if r.Meta != nil && i < len(r.Meta.StageLabels) {
		return r.Meta.StageLabels[i]
	}
	return strconv.Itoa(i)
}

// Spans are the stages' windows (Stats.Spans): the profile's, clipped to
// the run's end when it was cut short, or without a profile as the rows
// saw them. The terminal table, the summary, thresholds and the page all
// use these.
func (r *Run) Spans() []Span {
	var prof []Span
	if r.Profile != nil {
		for _, seg := range r.Profile.Segments() {
			prof = append(prof, Span{Start: seg.Start, End: seg.End()})
		}
	}
	return r.Stats.Spans(prof, r.End())
}

// End is when the run's load ended, since its start: the sidecar's end,
// else the profile's; 0 when neither is known.
func (r *Run) End() time.Duration {
	switch {
	case r.Meta != nil && r.Meta.End != nil:
		return r.Meta.End.Sub(r.Meta.Start)
	case r.Profile != nil:
		return r.Profile.Total()
	}
	return 0
}

// Priced is the run's Pricing, else the sidecar's, else the defaults.
func (r *Run) Priced() *cost.Pricing {
	if r.Pricing != nil {
		return r.Pricing
	}
	return r.RecordedPricing()
}

// RecordedPricing is what the run was priced at when it ran: the
// sidecar's, else the defaults. Report's cost flags go over it.
func (r *Run) RecordedPricing() *cost.Pricing {
	if r.Meta != nil && r.Meta.Pricing != nil {
		return r.Meta.Pricing
	}
	return cost.DefaultPricing()
}

// Function is how the endpoint is billed: --cost-endpoint, else the
// sidecar's target, else not priced.
func (r *Run) Function(name string) cost.Function {
	if f, ok := r.Priced().Functions[name]; ok {
		return f
	}
	if r.Meta != nil {
		for _, t := range r.Meta.Targets {
			if t.Name == name {
				return cost.Function{MemoryMB: t.MemoryMB, LMI: t.LMI}
			}
		}
	}
	return cost.Function{}
}

// OwnFunctions says the run went against the benchmark's own functions
// (the emulator, the handler, a deployed stack), whose answers lmibench
// knows: they never answer 500 themselves.
func (r *Run) OwnFunctions() bool {
	if r.Meta == nil || r.Meta.Platform == nil {
		return false
	}
	k := r.Meta.Platform.Kind
	return k == platform.KindEmulator || k == platform.KindFunction || k == platform.KindStack
}

// Instances is the series of the instances that ran an LMI endpoint: the
// one naming it, or in a run with one LMI endpoint, an instance series
// naming none (series files written before series named endpoints).
func (r *Run) Instances(name string) *platform.Series {
	lmi := 0
	for _, e := range r.Stats.Endpoints() {
		if r.Function(e.Name).LMI {
			lmi++
		}
	}
	for i := range r.Extra {
		s := &r.Extra[i]
		if s.Unit == "instances" && (s.Endpoint == name || (s.Endpoint == "" && lmi == 1)) {
			return s
		}
	}
	return nil
}

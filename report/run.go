package report

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/stages"
)

// Run is everything the report shows about one scenario's run, built by
// adding its records one by one: live during `lmibench run`, or decoded
// from its CSV by `lmibench report`. The same code serves both, so a page
// rebuilt from the CSV is the page of the run.
type Run struct {
	// Meta is the run's sidecar; nil when the CSV came alone.
	Meta *Meta
	// Source names where the records came from, e.g. the CSV's path.
	Source string
	// Profile is the run's load profile, checked once: by the run itself,
	// or from the sidecar's stages. Nil without a sidecar.
	Profile *stages.Profile
	// Extra are platform series saved beside the run (CloudWatch, the
	// emulator's instances), drawn on the same time axis.
	Extra []platform.Series
	// Pricing prices the requests; nil is DefaultPricing.
	Pricing *Pricing
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
func (r *Run) Add(rec *attack.Record) {
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

// Paths derives a run's sidecar and series file names from its CSV's.
func Paths(csvPath string) (meta, series string) {
	stem := strings.TrimSuffix(csvPath, ".csv")
	return stem + ".json", stem + ".series.json"
}

// SummaryPath is where a run's summary goes beside its CSV.
func SummaryPath(csvPath string) string { return strings.TrimSuffix(csvPath, ".csv") + ".summary.json" }

// Bounds on what one file may hold, so that memory and the page stay
// bounded whatever the file: rows past them are skipped and counted.
const (
	MaxEndpoints = 64
	MaxScenarios = 64
)

// skipped counts the bad rows of a file and keeps the first few.
type skipped struct {
	n     int
	lines []int
	first string
}

func (s *skipped) add(line int, why string) {
	if s.n == 0 {
		s.first = fmt.Sprintf("line %d: %s", line, why)
	}
	s.n++
	if len(s.lines) < 5 {
		s.lines = append(s.lines, line)
	}
}

// String is e.g. "line 7: …; 3 bad rows skipped (lines 7, 9, 12), the
// others are used".
func (s *skipped) String() string {
	lines := make([]string, len(s.lines))
	for i, l := range s.lines {
		lines[i] = strconv.Itoa(l)
	}
	more := ""
	if s.n > len(s.lines) {
		more = ", …"
	}
	return fmt.Sprintf("%s; %d bad rows skipped (lines %s%s), the others are used", s.first, s.n, strings.Join(lines, ", "), more)
}

// FileError is a problem with one input file, naming it.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

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
	skip, stopped, err := scanRows(csvPath, func(rec *attack.Record) string {
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
		case skip.n > 0:
			why = errors.New(skip.String())
		}
		return nil, &FileError{csvPath, why}
	}
	var warnings []string
	if skip.n > 0 {
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

// scanRows decodes every row of csvPath and gives it to add, which says
// why it skips the row, or "". Bad rows are skipped and counted; a row that
// cannot be read at all ends the file (stopped). A missing or foreign file
// is a *FileError.
func scanRows(csvPath string, add func(*attack.Record) string) (skip *skipped, stopped, err error) {
	f, err := os.Open(csvPath)
	if err != nil {
		return nil, nil, &FileError{csvPath, errors.Unwrap(err)}
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	d, err := attack.NewDecoder(f)
	if err != nil {
		return nil, nil, &FileError{csvPath, err}
	}
	skip = &skipped{}
	for {
		var rec attack.Record
		err := d.Decode(&rec)
		if err == io.EOF {
			return skip, nil, nil
		}
		var bad *attack.RowError
		if errors.As(err, &bad) {
			skip.add(bad.Line, bad.Err.Error())
			continue
		}
		if err != nil {
			return skip, err, nil
		}
		if why := add(&rec); why != "" {
			skip.add(d.Line(), why)
		}
	}
}

// readBeside attaches the sidecar and series files of the run's CSV.
func (r *Run) readBeside(csvPath string) error {
	metaPath, seriesPath := Paths(csvPath)
	if m, err := ReadMeta(metaPath); err == nil {
		r.Meta = m
		for _, t := range m.Targets {
			r.Stats.Order = append(r.Stats.Order, t.Name)
		}
		if len(m.Stages) > 0 {
			if r.Profile, err = stages.New(m.Stages, false); err != nil {
				return &FileError{metaPath, fmt.Errorf("stages: %w", err)}
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return &FileError{metaPath, err}
	}
	var sf platform.SeriesFile
	if err := ReadJSON(seriesPath, &sf); err == nil {
		r.Extra = sf.Series
	} else if !errors.Is(err, fs.ErrNotExist) {
		return &FileError{seriesPath, errors.Unwrap(err)}
	}
	return nil
}

package report

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
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
	f, err := os.Open(csvPath)
	if err != nil {
		return nil, &FileError{csvPath, errors.Unwrap(err)}
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	d, err := attack.NewDecoder(f)
	if err != nil {
		return nil, &FileError{csvPath, err}
	}
	var runs []*Run
	byScenario := map[string]*Run{}
	var last *Run
	for {
		var rec attack.Record
		err := d.Decode(&rec)
		if err == io.EOF {
			break
		}
		if err != nil {
			if last == nil {
				return nil, &FileError{csvPath, err}
			}
			last.Warning = fmt.Sprintf("%s: %v: the file ends there; the rows before it are used", csvPath, err)
			break
		}
		last = byScenario[rec.Scenario]
		if last == nil {
			last = &Run{Source: csvPath}
			byScenario[rec.Scenario] = last
			runs = append(runs, last)
		}
		last.Add(&rec)
	}
	if len(runs) == 0 {
		return nil, &FileError{csvPath, errors.New("no rows after the header")}
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

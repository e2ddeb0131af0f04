package bench

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/setting"
)

// stream is the --csv stream, one header for every scenario. Once a write
// fails (stdout closed by `| head`, a full disk) it is written no more:
// the run goes on, its own CSV files complete, and ends saying again that
// the stream broke, with a non-zero exit. A nil stream writes nothing.
type stream struct {
	name      string // the --csv value
	w         *rows.CSVWriter
	closeFile func() error
	err       error // the first failed write
}

// openStream opens the --csv stream, or returns nil without one.
func openStream(cfg *Config) (*stream, error) {
	if cfg.CSV == "" {
		return nil, nil
	}
	s := &stream{name: cfg.CSV, closeFile: func() error { return nil }}
	var w io.Writer = cfg.Stdout
	if cfg.CSV != "-" {
		f, err := os.Create(cfg.CSV)
		if err != nil {
			return nil, &setting.Error{Key: "csv", Err: err}
		}
		w, s.closeFile = f, f.Close
	}
	var err error
	if s.w, err = rows.NewCSVWriter(w); err != nil {
		return nil, errors.Join(&setting.Error{Key: "csv", Value: cfg.CSV, Err: err}, s.closeFile())
	}
	return s, nil
}

// write writes a formatted row and reports whether it said, on log, that
// the stream broke.
func (s *stream) write(row []byte, log io.Writer) bool {
	if s == nil || s.err != nil {
		return false
	}
	return s.broke(s.w.WriteRow(row), log)
}

// flush flushes and reports whether it said that the stream broke.
func (s *stream) flush(log io.Writer) bool {
	if s == nil || s.err != nil {
		return false
	}
	return s.broke(s.w.Flush(), log)
}

func (s *stream) broke(err error, log io.Writer) bool {
	if err == nil {
		return false
	}
	s.err = err
	fmt.Fprintf(log, "lmibench: no longer streaming CSV to %s: %v (the run goes on; its CSV files are complete)\n", s.name, err)
	return true
}

// close flushes and closes the stream, and says whether all of it was
// written.
func (s *stream) close() error {
	if s == nil {
		return nil
	}
	if s.err == nil {
		s.err = s.w.Flush()
	}
	err := errors.Join(s.err, s.closeFile())
	if err != nil {
		return setting.Errorf("csv", s.name, "the stream broke: %w; every row is in the run's CSV files", err)
	}
	return nil
}

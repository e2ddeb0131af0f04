package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/setting"
)

// DefaultStreamBuffer bounds the bytes of the --csv stream that its reader
// has not taken yet (Config.StreamBuffer).
const DefaultStreamBuffer = 8 << 20

// streamDrain is how long the end of a run waits for the stream's reader
// to take what is still buffered.
const streamDrain = 2 * time.Second

// errBehind is a stream whose reader did not keep up.
var errBehind = errors.New("its reader did not keep up, and the buffer of rows not yet read filled")

// stream is the --csv stream, one header for every scenario. The load
// never waits on it: rows are handed to a writer goroutine through a
// bounded budget of bytes. When the reader stalls and the budget fills, or
// a write fails (stdout closed by `| head`, a full disk), the stream takes
// no more rows: the run goes on, its own CSV files complete, and ends
// saying again that the stream is incomplete, with a non-zero exit. A nil
// stream writes nothing.
type stream struct {
	name      string // the --csv value
	w         *rows.CSVWriter
	buf       bytes.Buffer // what w wrote, not yet handed over
	chunk     int          // hand over once buf holds this much
	limit     int64        // bytes handed over and not yet written
	closeFile func() error
	err       error // why the stream takes no more rows

	chunks  chan []byte
	done    chan struct{}
	mu      sync.Mutex
	pending int64 // bytes handed over, not yet written
	werr    error // the writer's first failure
}

// openStream opens the --csv stream, or returns nil without one.
func openStream(cfg *Config) (*stream, error) {
	if cfg.CSV == "" {
		return nil, nil
	}
	limit := cfg.StreamBuffer
	if limit <= 0 {
		limit = DefaultStreamBuffer
	}
	s := &stream{name: cfg.CSV, closeFile: func() error { return nil }, limit: int64(limit), chunk: max(limit/16, 1),
		chunks: make(chan []byte, 1024), done: make(chan struct{})}
	var w io.Writer = cfg.Stdout
	if cfg.CSV != "-" {
		f, err := os.Create(cfg.CSV)
		if err != nil {
			return nil, &setting.Error{Key: "csv", Err: err}
		}
		w, s.closeFile = f, f.Close
	}
	var err error
	if s.w, err = rows.NewCSVWriter(&s.buf); err != nil {
		return nil, errors.Join(&setting.Error{Key: "csv", Value: cfg.CSV, Err: err}, s.closeFile())
	}
	go s.writeOut(w)
	return s, nil
}

// writeOut writes the chunks handed over until they end; after a failure
// it only counts them off.
func (s *stream) writeOut(w io.Writer) {
	defer close(s.done)
	for b := range s.chunks {
		s.mu.Lock()
		failed := s.werr != nil
		s.mu.Unlock()
		var err error
		if !failed {
			_, err = w.Write(b)
		}
		s.mu.Lock()
		s.pending -= int64(len(b))
		if err != nil && s.werr == nil {
			s.werr = err
		}
		s.mu.Unlock()
	}
}

// write adds a formatted row and reports whether it said, on log, that
// the stream stopped.
func (s *stream) write(row []byte, log io.Writer) bool {
	if s == nil || s.err != nil {
		return false
	}
	if err := s.w.WriteRow(row); err != nil {
		return s.stop(err, log)
	}
	if s.buf.Len() < s.chunk {
		return false
	}
	return s.handOver(log)
}

// flush hands over what is buffered and reports whether it said that the
// stream stopped.
func (s *stream) flush(log io.Writer) bool {
	if s == nil || s.err != nil {
		return false
	}
	if err := s.w.Flush(); err != nil {
		return s.stop(err, log)
	}
	return s.handOver(log)
}

// handOver gives the buffered bytes to the writer, unless that would pass
// the budget: then the stream has fallen behind.
func (s *stream) handOver(log io.Writer) bool {
	if s.buf.Len() == 0 {
		return false
	}
	s.mu.Lock()
	werr, full := s.werr, s.pending+int64(s.buf.Len()) > s.limit
	if werr == nil && !full {
		s.pending += int64(s.buf.Len())
	}
	s.mu.Unlock()
	switch {
	case werr != nil:
		return s.stop(werr, log)
	case full:
		return s.stop(errBehind, log)
	}
	select {
	case s.chunks <- bytes.Clone(s.buf.Bytes()):
	default: // as many chunks queued as the channel holds: as full
		s.mu.Lock()
		s.pending -= int64(s.buf.Len())
		s.mu.Unlock()
		return s.stop(errBehind, log)
	}
	s.buf.Reset()
	return false
}

func (s *stream) stop(err error, log io.Writer) bool {
	s.err = err
	what := "no longer streaming CSV to " + s.name
	if errors.Is(err, errBehind) {
		what = "the CSV stream to " + s.name + " fell behind"
	}
	fmt.Fprintf(log, "lmibench: %s: %v (the run goes on; its CSV files are complete)\n", what, err)
	return true
}

// close hands over the rest, waits a little for the reader to take it,
// and says whether all of it was written.
func (s *stream) close() error {
	if s == nil {
		return nil
	}
	if s.err == nil {
		if err := s.w.Flush(); err != nil {
			s.err = err
		} else {
			s.handOver(io.Discard)
		}
	}
	close(s.chunks)
	timer := time.NewTimer(streamDrain)
	defer timer.Stop()
	select {
	case <-s.done:
	case <-timer.C:
		if s.err == nil {
			s.err = errBehind
		}
	}
	s.mu.Lock()
	if s.err == nil {
		s.err = s.werr
	}
	s.mu.Unlock()
	if err := errors.Join(s.err, s.closeFile()); err != nil {
		if errors.Is(err, errBehind) {
			return setting.Errorf("csv", s.name, "the stream fell behind: %w; it is incomplete, and every row is in the run's CSV files", err)
		}
		return setting.Errorf("csv", s.name, "the stream broke: %w; every row is in the run's CSV files", err)
	}
	return nil
}

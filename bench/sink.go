package bench

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

// flushEvery bounds how stale the CSV on disk may be, so tail -f works.
const flushEvery = time.Second

// sink is the one goroutine that reads the attack's records. It does only
// cheap work per record (one buffered CSV write, counters, histograms) so
// that it never makes vegeta's workers wait.
type sink struct {
	cfg    *Config
	atk    *attack.Attack
	file   *rows.CSVWriter
	stream *stream // --csv, shared by every scenario; may be nil
	path   string
	run    *stats.Run
	live   stats.Live
	rows   int64
	format rows.RowFormat
	row    []byte // the record being written, formatted once for every sink
	err    error  // first error writing the CSV file

	aborted     string // the threshold that stopped the run, if one did
	interrupted bool   // by the user

	drawn   int // progress lines on screen to redraw over
	lastLog time.Time
}

// consume reads records until the attack ends and reports whether the
// user interrupted it: ctx ending stops new requests and gives those in
// flight the graceful stop; cut ending cuts them short.
func (s *sink) consume(ctx, cut context.Context, atk *attack.Attack) (interrupted bool) {
	s.atk = atk
	recs := atk.Start()
	done := make(chan struct{})
	defer close(done)
	events := events(ctx, cut, done)
	s.lastLog = time.Now()
	for {
		select {
		case r, ok := <-recs:
			if !ok {
				s.flush()
				s.progress(atk, true)
				return s.interrupted
			}
			s.add(&r)
			// Take some more of what is waiting without a full select for
			// each (at a hundred thousand rows a second it is a cost), but
			// not so many that an interrupt or a tick waits.
			for more, n := true, 0; more && n < 256; n++ {
				select {
				case r, ok = <-recs:
					if more = ok; ok {
						s.add(&r)
					}
				default:
					more = false
				}
			}
		case e := <-events:
			s.handle(e)
		}
	}
}

// event is what the consume loop waits for besides rows.
type event int

const (
	evTick event = iota // flush, draw progress, check thresholds
	evStop              // an interrupt: stop gracefully
	evKill              // a second one: stop now
)

// events turns the ticker and the two interrupts into one channel until
// done: the consume loop then waits on two channels between rows instead
// of four, which at a hundred thousand rows a second is a cost.
func events(ctx, cut context.Context, done <-chan struct{}) <-chan event {
	out := make(chan event, 3)
	go func() {
		t := time.NewTicker(flushEvery)
		defer t.Stop()
		stop, kill := ctx.Done(), cut.Done()
		for {
			select {
			case <-t.C:
				select {
				case out <- evTick:
				default: // one is still waiting
				}
			case <-stop:
				stop = nil
				out <- evStop // room for it: each is sent once, a tick at most
			case <-kill:
				kill = nil
				out <- evKill
			case <-done:
				return
			}
		}
	}()
	return out
}

func (s *sink) handle(e event) {
	atk := s.atk
	switch e {
	case evTick:
		s.flush()
		s.progress(atk, false)
		if s.aborted == "" && s.cfg.AbortOnFail {
			if s.aborted = s.lostThreshold(time.Since(atk.StartTime())); s.aborted != "" {
				atk.Stop()
				fmt.Fprintf(s.cfg.Log, "\nlmibench: threshold %s failed: stopping the run (--abort-on-fail); in-flight requests get up to %s\n",
					s.aborted, s.cfg.GracefulStop)
				s.drawn = 0
			}
		}
	case evStop:
		s.interrupted = true
		atk.Stop()
		fmt.Fprintf(s.cfg.Log, "\nlmibench: stopping: in-flight requests get up to %s (interrupt again to stop now)\n", s.cfg.GracefulStop)
		s.drawn = 0
	case evKill:
		s.interrupted = true
		atk.Kill()
		fmt.Fprintf(s.cfg.Log, "\nlmibench: stopping now\n")
		s.drawn = 0
	}
}

// lostThreshold is the first threshold the run so far has failed for good
// (or at all, once the scenario is AbortDelay old), as "text (value)".
func (s *sink) lostThreshold(elapsed time.Duration) string {
	stage := s.cfg.Profile.Index(min(elapsed, s.cfg.Profile.Total()))
	for _, v := range summary.Evaluate(s.cfg.Thresholds, summary.Of(s.run)) {
		if v.Pass || v.Rule.Stage > stage { // a stage not begun: nothing to judge yet
			continue
		}
		if v.Rule.Lost() || elapsed >= s.cfg.AbortDelay {
			return fmt.Sprintf("%s (%s: %s)", v.Threshold, v.Endpoint, v.Value)
		}
	}
	return ""
}

// failed stops the run at once when the CSV file could not be written (a
// full disk, say): every further request would be lost, and the servers
// loaded for nothing. The rows written before stay valid.
func (s *sink) failed(err error) {
	if err == nil {
		return
	}
	s.err = err
	if pe := (*fs.PathError)(nil); !errors.As(err, &pe) { // a PathError names the file already
		s.err = fmt.Errorf("write %s: %w", s.path, err)
	}
	s.atk.Kill()
	fmt.Fprintf(s.cfg.Log, "\nlmibench: %v: stopping the run now\n", s.err)
	s.drawn = 0
}

func (s *sink) add(r *rows.Record) {
	s.rows++
	s.row = s.format.Append(s.row[:0], r)
	if s.err == nil {
		s.failed(s.file.WriteRow(s.row))
	}
	if s.stream.write(s.row, s.cfg.Log) {
		s.drawn = 0
	}
	s.run.Add(r)
	s.live.Add(r)
}

func (s *sink) flush() {
	if s.err == nil {
		s.failed(s.file.Flush())
	}
	if s.stream.flush(s.cfg.Log) {
		s.drawn = 0
	}
}

// progress draws the progress block: in place every second on a
// terminal, otherwise every LogEvery (and once at the end).
func (s *sink) progress(atk *attack.Attack, final bool) {
	if s.cfg.Quiet || (!s.cfg.Live && !final && time.Since(s.lastLog) < s.cfg.LogEvery) {
		return
	}
	s.lastLog = time.Now()
	now := time.Since(atk.StartTime())
	prof := s.cfg.Profile
	at := min(now, prof.Total())
	i := prof.Index(at)
	p := progress{
		Now: now, Total: prof.Total(), Stage: i, Stages: prof.Len(), Label: s.cfg.StageLabels[i],
		Target: s.cfg.Model.TargetAt(prof, at), Lines: s.live.Lines(now, s.run.Stats.Order),
	}
	redraw := 0
	if s.cfg.Live {
		redraw = s.drawn
	}
	block, n := p.render(redraw, s.cfg.Live, s.cfg.Width)
	fmt.Fprint(s.cfg.Log, block)
	s.drawn = n
}

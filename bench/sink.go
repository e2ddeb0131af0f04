package bench

import (
	"fmt"
	"strings"
	"time"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/report"
	"github.com/lmibench/lmibench/stages"
)

// flushEvery bounds how stale the CSV on disk may be, so tail -f works.
const flushEvery = time.Second

// sink is the one goroutine that reads the attack's records. It does only
// cheap work per record (one buffered CSV write, counters, histograms) so
// that it never makes vegeta's workers wait.
type sink struct {
	opts   *Options
	prof   *stages.Profile
	file   *attack.CSVWriter
	path   string
	labels []string
	run    *report.Run
	live   report.Live
	rows   int64
	err    error // first error writing the CSV file

	streamDead bool
	drawn      int // progress lines on screen to redraw over
	lastLog    time.Time
}

// consume reads records until the attack ends and reports whether it was
// interrupted.
func (s *sink) consume(atk *attack.Attack) (interrupted bool) {
	recs := atk.Start()
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	interrupts := s.opts.Interrupts
	s.lastLog = time.Now()
	for {
		select {
		case r, ok := <-recs:
			if !ok {
				s.flush()
				s.progress(atk, true)
				return interrupted
			}
			s.add(&r)
		case <-tick.C:
			s.flush()
			s.progress(atk, false)
		case <-interrupts:
			if !interrupted {
				interrupted = true
				atk.Stop()
				fmt.Fprintf(s.opts.Log, "\nlmibench: stopping: in-flight requests get up to %s (interrupt again to stop now)\n", s.opts.GracefulStop)
				s.drawn = 0
				continue
			}
			atk.Kill()
			interrupts = nil
			fmt.Fprintf(s.opts.Log, "\nlmibench: stopping now\n")
			s.drawn = 0
		}
	}
}

func (s *sink) add(r *attack.Record) {
	s.rows++
	if s.err == nil {
		if err := s.file.Write(r); err != nil {
			s.err = fmt.Errorf("write %s: %w", s.path, err)
		}
	}
	if st := s.opts.Stream; st != nil && !s.streamDead {
		if err := st.Write(r); err != nil {
			s.streamGone(err)
		}
	}
	s.run.Add(r)
	s.live.Add(r)
}

func (s *sink) flush() {
	if s.err == nil {
		if err := s.file.Flush(); err != nil {
			s.err = fmt.Errorf("write %s: %w", s.path, err)
		}
	}
	if st := s.opts.Stream; st != nil && !s.streamDead {
		if err := st.Flush(); err != nil {
			s.streamGone(err)
		}
	}
}

// streamGone stops writing to the stream (stdout closed by `| head`, say);
// the run and its files go on.
func (s *sink) streamGone(err error) {
	s.streamDead = true
	fmt.Fprintf(s.opts.Log, "lmibench: no longer streaming CSV to stdout: %v (the CSV file is complete)\n", err)
	s.drawn = 0
}

// progress draws one line per endpoint: in place every second on a
// terminal, otherwise every LogEvery (and once at the end).
func (s *sink) progress(atk *attack.Attack, final bool) {
	if !s.opts.Live && !final && time.Since(s.lastLog) < s.opts.LogEvery {
		return
	}
	s.lastLog = time.Now()
	now := time.Since(atk.StartTime())
	total := s.prof.Total()
	at := min(now, total)
	i := s.prof.Index(at)
	target := s.opts.Model.TargetAt(s.prof, at)
	var b strings.Builder
	if s.opts.Live && s.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", s.drawn) // back to the first line drawn
	}
	lines := s.live.Lines(now, s.run.Stats.Order)
	for _, l := range lines {
		if s.opts.Live {
			b.WriteString("\x1b[2K")
		}
		fmt.Fprintf(&b, "%s/%s stage %d/%d %-12s target %-6g %s\n",
			clock(now), clock(total), i+1, s.prof.Len(), "("+s.labels[i]+")", target, l)
	}
	fmt.Fprint(s.opts.Log, b.String())
	s.drawn = len(lines)
}

// clock formats a duration as [h:]mm:ss.
func clock(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, sec := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%02d:%02d", m, sec)
}

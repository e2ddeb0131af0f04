package attack

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/lmibench/lmibench/internal/proftest"
	"github.com/lmibench/lmibench/stages"
)

// TestScheduledTimesAreTheSchedule: each hit the open model lets go
// carries the instant it was due, exactly the schedule's; when the
// generator is held up (here 2 s after request 50, as a GC pause or a
// stopped process would), the overdue requests go late in a burst and
// their lateness is the stall, not hidden.
func TestScheduledTimesAreTheSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		prof := proftest.New(t, false, stages.Stage{Duration: time.Second, Target: 100}, stages.Stage{Duration: 3 * time.Second, Target: 100})
		start := time.Now()
		p := newRatePacer(prof, stages.Shard{}, start, make(chan struct{}), 1<<20, func(time.Duration) { t.Error("dropped") })
		var lags []time.Duration
		for seq := uint64(0); ; seq++ {
			h, ok := p.next()
			if !ok {
				break
			}
			sent := time.Since(start)
			due := h.due
			want, _ := prof.TimeOfIntegral(float64(seq + 1))
			if due != want {
				t.Fatalf("hit %d: scheduled %v; want the schedule's %v", seq, due, want)
			}
			lags = append(lags, sent-due)
			p.finished(h, time.Now(), nil)
			if seq == 50 {
				time.Sleep(2 * time.Second) // the generator is held up
			}
		}
		if len(lags) != 350 {
			t.Fatalf("%d hits; want the schedule's 350", len(lags))
		}
		late, worst := 0, time.Duration(0)
		for _, l := range lags {
			if l > 0 {
				late++
			}
			worst = max(worst, l)
		}
		// Requests 51.. were due during the 2 s stall: every one of them
		// went late, the first by almost the whole stall.
		if worst < 1900*time.Millisecond || late < 190 || lags[10] != 0 {
			t.Fatalf("lateness: worst %v, %d late, hit 10 %v; want the stall to show, and none before it", worst, late, lags[10])
		}
	})
}

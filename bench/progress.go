package bench

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

// progress is the live state of a scenario: where the profile is and
// what each endpoint did over the last seconds.
type progress struct {
	Now, Total    time.Duration
	Stage, Stages int // Stage is 0-based
	Label         string
	Target        float64
	Lines         []stats.LiveLine
}

// render draws the block: a line for the clock and stage, then one per
// endpoint, e.g.
//
//	00:42/12:00  stage 1/3 (0→64 VUs)  target 14
//	  128         13.9 req/s  p99 102.3ms  requests 412  failed 0 (4xx 0, 5xx 0, no response 0)
//
// redraw moves the cursor up over that many lines first, and inPlace
// clears each line before drawing it (a terminal). A width above zero cuts
// every line to fewer columns, so a terminal never wraps one and the
// redraw stays in place. It returns the block and its number of lines.
func (p progress) render(redraw int, inPlace bool, width int) (string, int) {
	var b strings.Builder
	if redraw > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", redraw)
	}
	line := func(s string) {
		if inPlace {
			b.WriteString("\x1b[2K")
		}
		b.WriteString(fit(s, width))
		b.WriteByte('\n')
	}
	head := fmt.Sprintf("%s/%s  stage %d/%d (%s)  target %g", clock(min(p.Now, p.Total)), clock(p.Total), p.Stage+1, p.Stages, p.Label, p.Target)
	if over := p.Now - p.Total; over >= time.Second { // the profile is over: in-flight requests finish
		head += fmt.Sprintf("  graceful stop +%s", clock(over))
	}
	line(head)
	for _, l := range p.Lines {
		line(fmt.Sprintf("  %-8s %8.1f req/s  p99 %8s  requests %d  failed %d (4xx %d, 5xx %d, no response %d)",
			l.Endpoint, l.RPS, summary.FormatMS(l.P99), l.Requests, l.Failed, l.S4xx, l.S5xx, l.NoResponse))
	}
	return b.String(), 1 + len(p.Lines)
}

// fit cuts s to fewer than width columns (one column per rune: the lines
// hold names, digits and arrows), ending a cut line with "…".
func fit(s string, width int) string {
	if width <= 0 || utf8.RuneCountInString(s) < width {
		return s
	}
	r := []rune(s)
	return string(r[:max(width-2, 0)]) + "…"
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

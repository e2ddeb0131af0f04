package stats

import (
	"slices"
	"time"

	"github.com/lmibench/lmibench/rows"
)

// Window is how far back the live req/s and p99 look.
const Window = 10 * time.Second

// Live keeps what the progress line of each endpoint shows: totals, and
// req/s and p99 over the last Window, bucketed by completion second. Add
// and Lines must be called from one goroutine.
type Live struct {
	byName map[string]*liveEndpoint
	last   *liveEndpoint // the last row's: rows of one endpoint come in runs
	order  []string
}

type liveEndpoint struct {
	name string
	Counts
	slots [int(Window/time.Second) + 1]liveSlot // the window and the current second
}

// liveSlot is one second of completions.
type liveSlot struct {
	sec int64
	n   int64
	lat Latency
}

// Add counts one record, in the second it completed.
func (l *Live) Add(r *rows.Record) {
	if l.byName == nil {
		l.byName = map[string]*liveEndpoint{}
	}
	e := l.last
	if e == nil || e.name != r.Endpoint {
		if e = l.byName[r.Endpoint]; e == nil {
			e = &liveEndpoint{name: r.Endpoint}
			l.byName[r.Endpoint] = e
			l.order = append(l.order, r.Endpoint)
		}
		l.last = e
	}
	e.Counts.add(r)
	sec := int64((r.Elapsed + r.Latency) / time.Second)
	s := &e.slots[sec%int64(len(e.slots))]
	if s.sec != sec {
		*s = liveSlot{sec: sec, lat: Latency{sigfigs: 2}}
	}
	s.n++
	if r.OK() {
		s.lat.add(r.Latency)
	}
}

// LiveLine is one endpoint's state at a moment.
type LiveLine struct {
	Endpoint string
	// Requests and their outcomes so far; Failed as stats.Counts says it,
	// its classes beside.
	Requests, Failed, S4xx, S5xx, NoResponse int64
	RPS                                      float64
	P99                                      time.Duration
}

// Lines reports every endpoint, in order of appearance plus any names in
// want not seen yet, as of elapsed now. The window covers the last
// complete seconds, so a half-filled current second does not halve req/s.
func (l *Live) Lines(now time.Duration, want []string) []LiveLine {
	names := append([]string(nil), want...)
	for _, n := range l.order {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	cur := int64(now / time.Second)
	out := make([]LiveLine, 0, len(names))
	for _, n := range names {
		line := LiveLine{Endpoint: n}
		if e := l.byName[n]; e != nil {
			line.Requests, line.Failed, line.S4xx, line.S5xx, line.NoResponse = e.Requests, e.Failed(), e.S4xx, e.S5xx, e.NoResponse
			var lat Latency
			var count int64
			from := max(cur-int64(Window/time.Second), 0)
			for i := range e.slots {
				s := &e.slots[i]
				if s.sec >= from && s.sec < cur {
					count += s.n
					lat.Merge(&s.lat)
				}
			}
			if span := cur - from; span > 0 {
				line.RPS = float64(count) / float64(span)
			}
			line.P99 = lat.Quantile(0.99)
		}
		out = append(out, line)
	}
	return out
}

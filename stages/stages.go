// Package stages holds the load profile of a run: k6-style stages, each a
// duration and the target (virtual users or requests per second) reached at
// its end, ramped linearly from the previous stage's target. The first stage
// starts from zero.
//
//	target
//	 128 |                         /
//	  64 |      ______________/
//	     |     /
//	   0 |____/_______________________ t
//	     0    3m              9m    12m
//	         {3m,64}  {6m,64}  {3m,128}
//
// The package is pure: no clock, no I/O. A Profile is compiled once into
// plain segments and then only queried.
package stages

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"
)

// Stage is one k6 stage: ramp linearly to Target over Duration.
type Stage struct {
	Duration time.Duration `json:"-"`
	Target   float64       `json:"target"`
}

// stageJSON is the k6 wire form, with the duration as a Go duration string.
type stageJSON struct {
	Duration string  `json:"duration"`
	Target   float64 `json:"target"`
}

// MarshalJSON writes the stage in k6's format: {"duration":"3m0s","target":64}.
func (s Stage) MarshalJSON() ([]byte, error) {
	return json.Marshal(stageJSON{Duration: s.Duration.String(), Target: s.Target})
}

// Segment is one compiled stage: the target moves linearly from From to To
// between Start and Start+Duration.
type Segment struct {
	Start    time.Duration
	Duration time.Duration
	From, To float64
}

// End is when the segment finishes.
func (s Segment) End() time.Duration { return s.Start + s.Duration }

// at is the segment's target at t, with t inside [Start, End].
func (s Segment) at(t time.Duration) float64 {
	if s.Duration <= 0 {
		return s.To
	}
	f := float64(t-s.Start) / float64(s.Duration)
	return s.From + (s.To-s.From)*f
}

// Profile is a compiled, validated list of stages.
type Profile struct {
	stages   []Stage
	segments []Segment
	total    time.Duration
}

// MaxTarget bounds any stage target, far beyond what one machine can drive,
// so that arithmetic on targets can never overflow.
const MaxTarget = 1e7

// MaxTotal bounds a profile's length (one week), so a typo such as "3000h"
// is refused rather than silently scheduled.
const MaxTotal = 7 * 24 * time.Hour

// MaxStages bounds a profile's stages, as a run's statistics and CSV
// reader do (a stage index is at most 10,000).
const MaxStages = 10000

// New validates stages and compiles them into a Profile. integer requires
// whole-number targets (virtual users). Every problem is reported at once,
// with 1-based stage numbers.
func New(ss []Stage, integer bool) (*Profile, error) {
	if err := Validate(ss, integer); err != nil {
		return nil, err
	}
	p := &Profile{stages: append([]Stage(nil), ss...)}
	from := 0.0
	for _, s := range ss {
		p.segments = append(p.segments, Segment{Start: p.total, Duration: s.Duration, From: from, To: s.Target})
		p.total += s.Duration
		from = s.Target
	}
	return p, nil
}

// Validate reports every problem of ss, joined, or nil.
func Validate(ss []Stage, integer bool) error {
	if len(ss) == 0 {
		return errors.New("no stages")
	}
	if len(ss) > MaxStages {
		return fmt.Errorf("%d stages: at most %d", len(ss), MaxStages)
	}
	var errs []error
	var total time.Duration // of the valid durations, stopping past the limit
	for i, s := range ss {
		n := i + 1
		if s.Duration <= 0 {
			errs = append(errs, fmt.Errorf("stage %d: duration %s must be > 0", n, s.Duration))
		} else if total <= MaxTotal {
			total += min(s.Duration, MaxTotal+1)
		}
		switch {
		case math.IsNaN(s.Target) || s.Target < 0:
			errs = append(errs, fmt.Errorf("stage %d: target %v must be >= 0", n, s.Target))
		case s.Target > MaxTarget:
			errs = append(errs, fmt.Errorf("stage %d: target %v must be <= %g", n, s.Target, float64(MaxTarget)))
		case integer && s.Target != math.Trunc(s.Target):
			errs = append(errs, fmt.Errorf("stage %d: target %v must be a whole number of VUs", n, s.Target))
		}
	}
	if total > MaxTotal {
		errs = append(errs, fmt.Errorf("stages last more than the %s allowed in all", MaxTotal))
	}
	return errors.Join(errs...)
}

// Stages returns a copy of the stages the profile was built from.
func (p *Profile) Stages() []Stage { return append([]Stage(nil), p.stages...) }

// Segments returns the compiled plan.
func (p *Profile) Segments() []Segment { return append([]Segment(nil), p.segments...) }

// Total is the length of the whole profile.
func (p *Profile) Total() time.Duration { return p.total }

// Len is the number of stages.
func (p *Profile) Len() int { return len(p.segments) }

// Index is the stage running at t: stage i covers [start, end). Times before
// zero map to stage 0, times at or after the end to the last stage.
func (p *Profile) Index(t time.Duration) int {
	for i, s := range p.segments {
		if t < s.End() {
			return i
		}
	}
	return len(p.segments) - 1
}

// Target is the profile's target at t, linear inside each stage as in k6.
// It is 0 before the start and the last target after the end.
func (p *Profile) Target(t time.Duration) float64 {
	if t <= 0 {
		return 0
	}
	if t >= p.total {
		return p.segments[len(p.segments)-1].To
	}
	return p.segments[p.Index(t)].at(t)
}

// VUs is the whole number of virtual users active at t. A rising ramp has
// added a user once the line reaches it (floor); a falling ramp removes one
// once the line passes below it (ceil), as k6's ramping-vus steps do.
func (p *Profile) VUs(t time.Duration) int {
	if t <= 0 {
		return 0
	}
	if t >= p.total {
		return int(p.segments[len(p.segments)-1].To)
	}
	s := p.segments[p.Index(t)]
	v := s.at(t)
	// Guard the rounding against float error at exact step times; one
	// nanosecond of a ramp moves the line by far more than this.
	eps := 1e-13 * max(1, math.Abs(v))
	if s.To < s.From {
		return int(math.Ceil(v - eps))
	}
	return int(math.Floor(v + eps))
}

// NextVUIncrease is the first time after t at which VUs(t') exceeds n, or
// false when it never does again. The closed-model pacer sleeps until then.
func (p *Profile) NextVUIncrease(t time.Duration, n int) (time.Duration, bool) {
	want := float64(n + 1)
	for _, s := range p.segments {
		if s.End() <= t {
			continue
		}
		lo, hi := s.From, s.To
		if hi < want && lo < want {
			continue
		}
		var at time.Duration
		switch {
		case lo >= want:
			// Only a falling or flat segment that starts at or above want:
			// it is satisfied from its start.
			at = s.Start
		default: // rising through want
			f := (want - lo) / (hi - lo)
			at = s.Start + time.Duration(math.Ceil(f*float64(s.Duration)))
		}
		if at <= t {
			at = t + 1
			if p.VUs(at) <= n {
				continue
			}
		}
		if p.VUs(at) <= n { // rounding left it one nanosecond short
			at++
		}
		return at, true
	}
	return 0, false
}

// MaxTarget is the largest target of the profile.
func (p *Profile) MaxTarget() float64 {
	m := 0.0
	for _, s := range p.segments {
		m = max(m, s.To)
	}
	return m
}

// Integral is the area under the target curve from 0 to t: the number of
// requests an open-model run at this profile has scheduled by t.
func (p *Profile) Integral(t time.Duration) float64 {
	sum := 0.0
	for _, s := range p.segments {
		if t <= s.Start {
			break
		}
		end := min(t, s.End())
		d := (end - s.Start).Seconds()
		sum += (s.From + s.at(end)) / 2 * d
	}
	return sum
}

// TimeOfIntegral is the earliest t at which Integral(t) reaches n, or false
// when the profile never schedules that many requests. Inside a segment the
// area is quadratic in t and is solved in closed form.
func (p *Profile) TimeOfIntegral(n float64) (time.Duration, bool) {
	if n <= 0 {
		return 0, true
	}
	sum := 0.0
	for _, s := range p.segments {
		d := s.Duration.Seconds()
		area := (s.From + s.To) / 2 * d
		if sum+area < n {
			sum += area
			continue
		}
		need := n - sum
		// area(x) = From*x + slope*x²/2 for x seconds into the segment.
		slope := (s.To - s.From) / d
		var x float64
		if math.Abs(slope) < 1e-12 {
			x = need / s.From
		} else {
			disc := s.From*s.From + 2*slope*need
			x = (-s.From + math.Sqrt(max(disc, 0))) / slope
		}
		x = min(max(x, 0), d)
		return s.Start + time.Duration(x*float64(time.Second)), true
	}
	return 0, false
}

// UnmarshalJSON reads the k6 form written by MarshalJSON; the duration may
// also be a number of seconds.
func (s *Stage) UnmarshalJSON(b []byte) error {
	var raw struct {
		Duration json.RawMessage `json:"duration"`
		Target   float64         `json:"target"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d, err := parseJSONDuration(raw.Duration)
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*s = Stage{Duration: d, Target: raw.Target}
	return nil
}

package summary

import (
	"fmt"
	"strings"

	"github.com/lmibench/lmibench/stats"
)

// ThrottleNote says why the platform's throttles stand beside the 5xx.
const ThrottleNote = "On AWS, API Gateway answers 500 when Lambda throttles an invoke, so throttles are counted " +
	"among the 5xx here, not as 429: CloudWatch's Throttles tell them apart from failures."

// Throttle is one endpoint's throttles as the platform counted them,
// beside the 5xx and 429 the run measured.
type Throttle struct {
	Endpoint   string
	S5xx, S429 int64
	Throttles  float64
	Reasons    []string // e.g. "CPUThrottles 6"
	Partial    bool     // a period reached outside the run
}

// Throttles are the endpoints for which the run's series hold a
// Throttles metric (CloudWatch's), in the run's endpoint order.
func Throttles(r *stats.Run) []Throttle {
	var out []Throttle
	for _, e := range r.Stats.Endpoints() {
		row := Throttle{Endpoint: e.Name, S5xx: e.All.S5xx, S429: e.All.S429}
		found := false
		for i := range r.Extra {
			s := &r.Extra[i]
			if s.Endpoint != e.Name || !strings.HasSuffix(s.Metric, "Throttles") {
				continue
			}
			for _, p := range s.Partial {
				row.Partial = row.Partial || p
			}
			if s.Metric == "Throttles" {
				row.Throttles, found = s.Sum(), true
			} else if sum := s.Sum(); sum > 0 {
				row.Reasons = append(row.Reasons, fmt.Sprintf("%s %g", s.Metric, sum))
			}
		}
		if found {
			out = append(out, row)
		}
	}
	return out
}

// ThrottleSummary is the summary's lines on the platform's throttles
// beside the measured 5xx, or "" when the run has no such series.
func ThrottleSummary(r *stats.Run) string { return throttleLine(Throttles(r)) }

// throttleLine is the summary's line for the rows, or "".
func throttleLine(rows []Throttle) string {
	if len(rows) == 0 {
		return ""
	}
	var parts []string
	for _, t := range rows {
		s := fmt.Sprintf("%s: %g", t.Endpoint, t.Throttles)
		if len(t.Reasons) > 0 {
			s += " (" + strings.Join(t.Reasons, ", ") + ")"
		}
		parts = append(parts, fmt.Sprintf("%s beside %d 5xx", s, t.S5xx))
	}
	return "  throttles counted by CloudWatch: " + strings.Join(parts, "; ") +
		"\n  (API Gateway answers 500 when Lambda throttles an invoke: these are among the 5xx, not the 429)\n"
}

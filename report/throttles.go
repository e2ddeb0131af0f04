package report

import (
	"fmt"
	"strings"
)

// throttleNote says why the platform's throttles stand beside the 5xx.
const throttleNote = "On AWS, API Gateway answers 500 when Lambda throttles an invoke, so throttles are counted " +
	"among the 5xx here, not as 429: CloudWatch's Throttles tell them apart from failures."

// throttleRow is one endpoint's throttles as the platform counted them,
// beside the 5xx and 429 the run measured.
type throttleRow struct {
	endpoint   string
	s5xx, s429 int64
	throttles  float64
	reasons    []string // e.g. "CPUThrottles 6"
	partial    bool     // a period reached outside the run
}

// throttleRows are the endpoints for which the run's series hold a
// Throttles metric (CloudWatch's), in the run's endpoint order.
func (r *Run) throttleRows() []throttleRow {
	var out []throttleRow
	for _, e := range r.Stats.Endpoints() {
		row := throttleRow{endpoint: e.Name, s5xx: e.All.S5xx, s429: e.All.S429}
		found := false
		for i := range r.Extra {
			s := &r.Extra[i]
			if s.Endpoint != e.Name || !strings.HasSuffix(s.Metric, "Throttles") {
				continue
			}
			for _, p := range s.Partial {
				row.partial = row.partial || p
			}
			if s.Metric == "Throttles" {
				row.throttles, found = s.Sum(), true
			} else if sum := s.Sum(); sum > 0 {
				row.reasons = append(row.reasons, fmt.Sprintf("%s %g", s.Metric, sum))
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
func (r *Run) ThrottleSummary() string { return throttleLine(r.throttleRows()) }

// throttleLine is the summary's line for the rows, or "".
func throttleLine(rows []throttleRow) string {
	if len(rows) == 0 {
		return ""
	}
	var parts []string
	for _, t := range rows {
		s := fmt.Sprintf("%s: %g", t.endpoint, t.throttles)
		if len(t.reasons) > 0 {
			s += " (" + strings.Join(t.reasons, ", ") + ")"
		}
		parts = append(parts, fmt.Sprintf("%s beside %d 5xx", s, t.s5xx))
	}
	return "  throttles counted by CloudWatch: " + strings.Join(parts, "; ") +
		"\n  (API Gateway answers 500 when Lambda throttles an invoke: these are among the 5xx, not the 429)\n"
}

// throttleTable is the page's table for the rows.
func throttleTable(rows []throttleRow) table {
	t := table{Title: "Throttles: CloudWatch beside the run", Note: throttleNote,
		Head: []string{"endpoint", "5xx measured", "429 measured", "CloudWatch Throttles", "reasons", "periods"}}
	for _, row := range rows {
		periods := "within the run"
		if row.partial {
			periods = "some reach outside the run"
		}
		t.Rows = append(t.Rows, []cell{{Text: row.endpoint}, {Text: fmt.Sprint(row.s5xx)}, {Text: fmt.Sprint(row.s429)},
			{Text: fmt.Sprintf("%g", row.throttles)}, {Text: strings.Join(row.reasons, ", ")}, {Text: periods}})
	}
	return t
}

package summary

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/lmibench/lmibench/stats"
)

// WriteTable prints one row per endpoint × stage: requests, achieved req/s
// (requests sent over the stage's window), latency quantiles of successful
// requests, the failed share (no response or status >= 400) and its
// classes, then each endpoint's requests without a response grouped by
// kind.
func WriteTable(w io.Writer, r *stats.Run) error {
	s := &r.Stats
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "endpoint\tstage\trequests\treq/s\tp50\tp90\tp99\tmax\tfailed %\t4xx\t429\t5xx\tno response\t")
	spans := r.Spans()
	for _, e := range s.Endpoints() {
		for i, c := range e.Stages {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%.2f\t%d\t%d\t%d\t%d\t\n",
				e.Name, r.StageLabel(i), c.Requests, c.SentPerSecond(spans[i]),
				FormatMS(c.Quantile(0.5)), FormatMS(c.Quantile(0.9)), FormatMS(c.Quantile(0.99)), FormatMS(c.Max()),
				c.Rate(c.Failed()), c.S4xx, c.S429, c.S5xx, c.NoResponse)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, e := range s.Endpoints() {
		for _, k := range e.ErrorKinds() {
			if _, err := fmt.Fprintf(w, "  %s: %s: %d\n", e.Name, k.Kind, k.Count); err != nil {
				return err
			}
		}
		if n := e.All.S3xx; n > 0 {
			if _, err := fmt.Fprintf(w, "  %s: %d responses were redirects (3xx), recorded as they came: what they point to was not measured\n", e.Name, n); err != nil {
				return err
			}
		}
	}
	_, err := io.WriteString(w, ThrottleSummary(r))
	return err
}

// FormatMS prints a latency in milliseconds with a precision that suits it;
// "-" when there is none.
func FormatMS(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 10:
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	case ms < 1000:
		return strconv.FormatFloat(ms, 'f', 1, 64) + "ms"
	default:
		return strconv.FormatFloat(ms, 'f', 0, 64) + "ms"
	}
}

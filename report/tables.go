package report

import (
	"fmt"
	"strings"

	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/stages"
	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

// tables are the run's tables: per endpoint and stage, per shard, errors
// by kind, and the platform's throttles.
func (r view) tables(s *summary.Summary) []table {
	spans := r.Spans()
	t := table{Title: "Per endpoint and stage",
		Note: "Latency quantiles over successful (2xx/3xx) requests; req/s over the stage's length. Failed: no response, or a status of 400 or more (k6's http_req_failed), its classes beside.",
		Head: []string{"endpoint", "stage", "requests", "req/s", "p50", "p90", "p99", "p99.9", "max", "failed %", "4xx", "429", "5xx", "no response", "cold starts", "environments"}}
	errs := table{Title: "No response, by kind", Note: "Requests with no response, grouped by kind, addresses and ports removed.",
		Head: []string{"endpoint", "kind", "requests"}}
	for _, e := range r.Stats.Endpoints() {
		for i, c := range e.Stages {
			t.Rows = append(t.Rows, []cell{{Text: e.Name}, {Text: r.StageLabel(i)}, {Text: fmt.Sprint(c.Requests)},
				{Text: fmt.Sprintf("%.1f", c.SentPerSecond(spans[i]))},
				{Text: summary.FormatMS(c.Quantile(0.5))}, {Text: summary.FormatMS(c.Quantile(0.9))}, {Text: summary.FormatMS(c.Quantile(0.99))},
				{Text: summary.FormatMS(c.Quantile(0.999))}, {Text: summary.FormatMS(c.Max())},
				{Text: fmt.Sprintf("%.2f", c.Rate(c.Failed()))}, {Text: fmt.Sprint(c.S4xx)}, {Text: fmt.Sprint(c.S429)}, {Text: fmt.Sprint(c.S5xx)},
				{Text: fmt.Sprint(c.NoResponse)}, {Text: fmt.Sprint(c.Cold)}, {Text: envText(&c.Envs)}})
		}
		for _, k := range e.ErrorKinds() {
			errs.Rows = append(errs.Rows, []cell{{Text: e.Name}, {Text: k.Kind}, {Text: fmt.Sprint(k.Count)}})
		}
	}
	out := []table{t}
	if st, ok := shardTable(s.Shards); ok {
		out = append(out, st)
	}
	if len(errs.Rows) > 0 {
		out = append(out, errs)
	}
	if rows := summary.Throttles(r.Run); len(rows) > 0 {
		out = append(out, throttleTable(rows))
	}
	return out
}

// omissionTable sets each endpoint × stage's latency beside the latency
// from the schedule (open model) or the corrected estimate (closed).
func omissionTable(s *summary.Summary) (table, bool) {
	t := table{Head: []string{"endpoint", "stage", "p50", "p99", "p99.9"}}
	open := s.LoadModel == string(stages.Rate)
	if open {
		t.Title = "Latency from the schedule (open model)"
		t.Note = "From the send time (as measured) and from each request's scheduled time (what a client on schedule saw): they differ when the generator itself ran late, shown by its lateness."
		t.Head = append(t.Head, "p50 from schedule", "p99 from schedule", "p99.9 from schedule", "lateness p99", "lateness max")
	} else {
		t.Title = "Corrected for coordinated omission (closed model, an estimate)"
		t.Note = "A user waiting on a slow response sends nothing meanwhile, so measured percentiles understate stalls. The estimate adds the requests each stall held back, one per expected interval (think time + the stage's p50), as HdrHistogram's correction does."
		t.Head = append(t.Head, "p50 corrected", "p99 corrected", "p99.9 corrected")
	}
	for _, e := range s.Endpoints {
		for i, c := range e.Stages {
			row := []cell{{Text: e.Name}, {Text: s.Stages[min(i, len(s.Stages)-1)].Label}, {Text: summary.MSText(c.P50)}, {Text: summary.MSText(c.P99)}, {Text: summary.MSText(c.P999)}}
			switch {
			case open && c.FromScheduled != nil && c.Lag != nil:
				row = append(row, cell{Text: summary.MSText(c.FromScheduled.P50)}, cell{Text: summary.MSText(c.FromScheduled.P99)}, cell{Text: summary.MSText(c.FromScheduled.P999)},
					cell{Text: summary.MSText(c.Lag.P99)}, cell{Text: summary.MSText(c.Lag.Max)})
			case !open && c.Corrected != nil:
				row = append(row, cell{Text: summary.MSText(c.Corrected.P50)}, cell{Text: summary.MSText(c.Corrected.P99)}, cell{Text: summary.MSText(c.Corrected.P999)})
			default:
				continue
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t, len(t.Rows) > 0
}

// shardTable is the per-shard table of a merged run's page.
func shardTable(sums []summary.ShardSum) (table, bool) {
	if len(sums) == 0 {
		return table{}, false
	}
	t := table{Title: "Per shard", Note: "Each shard's own requests over the run; the tables above merge them exactly, from every row. A shard that started late or ran slow shows here.",
		Head: []string{"shard", "host", "first request", "endpoint", "requests", "req/s", "p50", "p99", "failed %"}}
	for _, s := range sums {
		for _, e := range s.Endpoints {
			errs := 0.0
			if e.Requests > 0 {
				errs = 100 * float64(e.Requests-e.Successes) / float64(e.Requests)
			}
			t.Rows = append(t.Rows, []cell{{Text: stats.ShardName(&runfiles.ShardInfo{Index: s.Index, Count: s.Count, Label: s.Label})}, {Text: s.Host},
				{Text: fmt.Sprintf("%.3f s", s.FirstSendS)}, {Text: e.Name}, {Text: fmt.Sprint(e.Requests)}, {Text: fmt.Sprintf("%.1f", e.RPS)},
				{Text: summary.MSText(e.P50)}, {Text: summary.MSText(e.P99)}, {Text: fmt.Sprintf("%.2f", errs)}})
		}
	}
	return t, true
}

// throttleTable is the page's table for the rows.
func throttleTable(rows []summary.Throttle) table {
	t := table{Title: "Throttles: CloudWatch beside the run", Note: summary.ThrottleNote,
		Head: []string{"endpoint", "5xx measured", "429 measured", "CloudWatch Throttles", "reasons", "periods"}}
	for _, row := range rows {
		periods := "within the run"
		if row.Partial {
			periods = "some reach outside the run"
		}
		t.Rows = append(t.Rows, []cell{{Text: row.Endpoint}, {Text: fmt.Sprint(row.S5xx)}, {Text: fmt.Sprint(row.S429)},
			{Text: fmt.Sprintf("%g", row.Throttles)}, {Text: strings.Join(row.Reasons, ", ")}, {Text: periods}})
	}
	return t
}

// envText is a count of environments, "≈" before an estimate.
func envText(e *stats.Envs) string {
	if e.Estimated() {
		return fmt.Sprintf("≈%d", e.Len())
	}
	return fmt.Sprint(e.Len())
}

package report

import (
	"io"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/lmibench/lmibench/summary"
)

// WriteComparison writes the comparison's page: the table, the p99 per stage
// of both runs side by side, and each endpoint's percentiles overlaid.
func WriteComparison(w io.Writer, c *summary.Comparison) error {
	p := &page{Title: "lmibench · compare " + c.Scenario, Verdict: c.Verdict, Facts: []fact{{"A", c.A}, {"B", c.B}}}
	t := table{Title: "B against A", Note: "Latencies of successful requests. * beyond the runs' noise: their 95% intervals of the quantile do not overlap.",
		Head: []string{"endpoint", "stage", "p50 ms", "p90 ms", "p99 ms", "req/s", "failed %", "cost/M"}}
	for _, r := range c.Rows {
		row := []cell{{Text: r.Endpoint}, {Text: r.Stage}}
		for _, d := range r.Deltas {
			row = append(row, cell{Text: d.String()})
		}
		for len(row) < len(t.Head) {
			row = append(row, cell{Text: "-"})
		}
		t.Rows = append(t.Rows, row)
	}
	p.Tables = []table{t}
	for _, u := range c.Unmatched {
		p.Warnings = append(p.Warnings, "not compared: "+u)
	}
	return p.render(w, []chartSpec{p99Bars(c), percentiles(c)})
}

// p99Bars is the p99 per stage of both runs, A solid and B lighter.
func p99Bars(c *summary.Comparison) chartSpec {
	b := charts.NewBar()
	b.SetGlobalOptions(common("p99 ms", true)...)
	stages := min(len(c.SumA.Stages), len(c.SumB.Stages))
	labels := make([]string, stages)
	for i := range labels {
		labels[i] = c.SumA.Stages[i].Label
	}
	b.SetXAxis(labels)
	for i, ea := range c.SumA.Endpoints {
		for _, run := range []struct {
			name string
			s    *summary.Summary
		}{{"A", c.SumA}, {"B", c.SumB}} {
			e := run.s.Endpoint(ea.Name)
			if e == nil {
				continue
			}
			data := make([]opts.BarData, stages)
			for s := range data {
				data[s] = opts.BarData{Value: "-"}
				if s < len(e.Stages) && e.Stages[s].Successes > 0 {
					data[s] = opts.BarData{Value: e.Stages[s].P99}
				}
			}
			color := palette[i%len(palette)]
			if run.name == "B" {
				color += "99" // the same hue, lighter
			}
			b.AddSeries(ea.Name+" "+run.name, data, itemColor(color))
		}
	}
	return chartSpec{Title: "p99 per stage, A and B", chart: b, Note: "Each endpoint's p99 in A, then in B (lighter)."}
}

// percentiles overlays each endpoint's percentiles over the run: A solid,
// B dashed.
func percentiles(c *summary.Comparison) chartSpec {
	labels := []string{"p50", "p90", "p95", "p99", "p99.9", "max"}
	l := charts.NewLine()
	l.SetGlobalOptions(common("latency ms", true)...)
	l.SetXAxis(labels)
	for i, ea := range c.SumA.Endpoints {
		for _, run := range []struct {
			name, style string
			s           *summary.Summary
		}{{"A", "solid", c.SumA}, {"B", "dashed", c.SumB}} {
			e := run.s.Endpoint(ea.Name)
			if e == nil || e.All.Successes == 0 {
				continue
			}
			a := e.All
			var data []opts.LineData
			for _, v := range []float64{a.P50, a.P90, a.P95, a.P99, a.P999, a.Max} {
				data = append(data, opts.LineData{Value: v})
			}
			color := palette[i%len(palette)]
			l.AddSeries(ea.Name+" "+run.name, data, lineStyle(color, run.style), itemColor(color))
		}
	}
	return chartSpec{Title: "Latency percentiles, A and B", LogToggle: true, chart: l,
		Note: "Each endpoint's percentiles over the whole run: A solid, B dashed."}
}

package report

import (
	"fmt"
	"io"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/lmibench/lmibench/summary"
)

// WriteHistory writes the page of a project's runs over time: per group of
// comparable runs a table of its runs with their verdicts and drift, and
// per endpoint its p50, p99 (with its 95 % interval) and failed share over
// the runs, regressed runs marked.
func WriteHistory(w io.Writer, h *summary.History) error {
	p := &page{Title: "lmibench · history", Grid: true}
	var specs []chartSpec
	for _, g := range h.Groups {
		runs := table{Title: fmt.Sprintf("%s · %s model · %s", g.Scenario, g.LoadModel, g.Workload),
			Note: "Stages: " + fmt.Sprint(g.Stages) + ". Each run against " + map[bool]string{true: "the baseline " + h.Baseline, false: "the one before it"}[h.Baseline != ""] + ".",
			Head: []string{"start", "run", "against", "verdict"}}
		labels := make([]string, len(g.Runs))
		for i, r := range g.Runs {
			start := "-"
			if r.Start != nil {
				start = r.Start.UTC().Format(time.RFC3339)
				labels[i] = r.Start.UTC().Format("01-02 15:04")
			} else {
				labels[i] = r.ID
			}
			verdict := r.Verdict
			if verdict == "" {
				verdict = "-"
			}
			runs.Rows = append(runs.Rows, []cell{{Text: start}, {Text: r.ID}, {Text: r.Against}, {Text: verdict, Wrap: true}})
		}
		for _, d := range g.Drift {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s, %s: p99 over the last %d runs %s → %s (%+g %%)", g.Scenario, d.Endpoint, h.DriftOver,
				summary.MSText(d.FromMS), summary.MSText(d.ToMS), d.ChangePct))
		}
		p.Tables = append(p.Tables, runs)
		for i, s := range g.Series {
			if s.Stage == "run" {
				specs = append(specs, historyChart(g.Scenario, s, labels, i))
			}
		}
	}
	if len(h.NewestRegressed()) > 0 {
		p.Verdict = "The newest run regressed: " + fmt.Sprint(h.NewestRegressed())
	} else {
		p.Verdict = "No group's newest run regressed."
	}
	return p.render(w, specs)
}

// historyChart is one endpoint's whole-run figures over the runs.
func historyChart(scenario string, s summary.HistorySeries, labels []string, i int) chartSpec {
	l := charts.NewLine()
	l.SetGlobalOptions(common("latency ms", true)...)
	l.ExtendYAxis(opts.YAxis{Name: "failed %", Type: "value", Position: "right", AxisLabel: &opts.AxisLabel{}})
	l.SetXAxis(labels)
	var p50, p99, lo, hi, failed []opts.LineData
	for _, pt := range s.Points {
		if pt == nil {
			for _, d := range []*[]opts.LineData{&p50, &p99, &lo, &hi, &failed} {
				*d = append(*d, opts.LineData{Value: "-"})
			}
			continue
		}
		d := opts.LineData{Value: pt.P99}
		if pt.Regressed {
			d.Name, d.Symbol, d.SymbolSize = "regressed", "triangle", 12
		}
		p99 = append(p99, d)
		p50 = append(p50, opts.LineData{Value: pt.P50})
		lo = append(lo, opts.LineData{Value: pt.P99CI[0]})
		hi = append(hi, opts.LineData{Value: pt.P99CI[1]})
		failed = append(failed, opts.LineData{Value: pt.FailedPct})
	}
	color := palette[i%len(palette)]
	l.AddSeries("p99", p99, lineStyle(color, "solid"), itemColor(color))
	l.AddSeries("p99 95% low", lo, lineStyle(color, "dotted"), itemColor(color), noSymbols())
	l.AddSeries("p99 95% high", hi, lineStyle(color, "dotted"), itemColor(color), noSymbols())
	l.AddSeries("p50", p50, lineStyle(color, "dashed"), itemColor(color))
	l.AddSeries("failed %", failed, lineStyle("#ee6666", "solid"), itemColor("#ee6666"),
		charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1}))
	return chartSpec{Title: scenario + " · " + s.Endpoint + " over the runs", LogToggle: true, chart: l,
		Note: "Whole-run p99 with its 95 % interval (dotted), p50 (dashed) and the failed share (right axis) of each run; a triangle marks a run that regressed against its baseline."}
}

package report

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

// palette gives each endpoint one colour on every chart.
var palette = []string{"#5470c6", "#ee6666", "#3ba272", "#fac858", "#73c0de", "#9a60b4", "#fc8452", "#91cc75"}

// echart is what the page needs of a go-echarts chart: its final options.
type echart interface {
	Validate()
	JSON() map[string]interface{}
}

// chartSpec is one chart of the page with its heading.
type chartSpec struct {
	ID        string
	Title     string
	Note      string
	Time      bool // on the shared elapsed-time axis, zoomed together
	LogToggle bool // offers a log-scale y axis
	// Collapsed, when set, stands in for a chart with nothing to show
	// ("no 5xx, no 429, no transport errors").
	Collapsed string
	chart     echart
}

// axes holds what every time chart of a run shares.
type axes struct {
	end    float64   // seconds, the axis' max
	starts []float64 // stage starts, seconds
	labels []string  // stage labels
	width  float64   // bucket width, seconds
	names  []string  // endpoints in order
	unit   string    // "VUs" or "req/s"
}

func (a *axes) color(i int) string { return palette[i%len(palette)] }

func (a *axes) timeX() opts.XAxis {
	return opts.XAxis{Type: "value", Name: "elapsed s", Min: 0, Max: math.Ceil(a.end), NameLocation: "middle", NameGap: 28}
}

// stageBands shades every other stage and names each at the top of its
// band ("64→128 VUs"), clear of the axes, where labels on boundary lines
// sat on the y axis and on each other.
func (a *axes) stageBands() []charts.SeriesOpts {
	bands := make([][]opts.MarkAreaData, len(a.starts))
	for i, s := range a.starts {
		end := a.end
		if i+1 < len(a.starts) {
			end = a.starts[i+1]
		}
		shade := "rgba(84, 112, 198, 0.06)"
		if i%2 == 1 {
			shade = "rgba(0, 0, 0, 0)"
		}
		bands[i] = []opts.MarkAreaData{
			{Name: a.labels[i], XAxis: s, MarkAreaStyle: opts.MarkAreaStyle{ItemStyle: &opts.ItemStyle{Color: shade}}},
			{XAxis: end},
		}
	}
	return []charts.SeriesOpts{
		charts.WithMarkAreaData(bands...),
		charts.WithMarkAreaStyleOpts(opts.MarkAreaStyle{
			Label: &opts.Label{Show: opts.Bool(true), Position: "insideTop", Color: "#555", FontSize: 11},
		}),
	}
}

// seriesOpts adds the stage lines to the first series of a time chart.
func (a *axes) seriesOpts(first bool, o ...charts.SeriesOpts) []charts.SeriesOpts {
	if first {
		o = append(o, a.stageBands()...)
	}
	return o
}

func common(yName string, legend bool, extra ...charts.GlobalOpts) []charts.GlobalOpts {
	o := []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{Width: "100%", Height: "360px"}),
		charts.WithYAxisOpts(opts.YAxis{Name: yName, Type: "value", AxisLabel: &opts.AxisLabel{}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(legendOpts(legend, nil)),
		charts.WithGridOpts(opts.Grid{Left: "64", Right: "64", Top: "48", Bottom: "64"}),
	}
	return append(o, extra...)
}

// legendOpts is every chart's legend: one scrolling line at the top.
func legendOpts(show bool, selected map[string]bool) opts.Legend {
	return opts.Legend{Show: opts.Bool(show), Top: "0", Left: "8", Right: "8", Type: "scroll", Selected: selected}
}

func (a *axes) timeChart(yName string, extra ...charts.GlobalOpts) *charts.Line {
	l := charts.NewLine()
	g := append(common(yName, true, charts.WithXAxisOpts(a.timeX()),
		charts.WithDataZoomOpts(opts.DataZoom{Type: "inside", XAxisIndex: 0})), extra...)
	l.SetGlobalOptions(g...)
	return l
}

// bucketTime is the middle of bucket i, in seconds.
func (a *axes) bucketTime(i int) float64 { return (float64(i) + 0.5) * a.width }

func lineStyle(color, kind string) charts.SeriesOpts {
	return charts.WithLineStyleOpts(opts.LineStyle{Color: color, Type: kind, Width: 1.5})
}

func itemColor(color string) charts.SeriesOpts {
	return charts.WithItemStyleOpts(opts.ItemStyle{Color: color})
}

func noSymbols() charts.SeriesOpts {
	return charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)})
}

// latencyScatter is chart 1: sampled requests per endpoint.
func (r view) latencyScatter(a *axes) chartSpec {
	s := charts.NewScatter()
	s.SetGlobalOptions(common("latency ms", true,
		charts.WithXAxisOpts(a.timeX()),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithDataZoomOpts(opts.DataZoom{Type: "inside", XAxisIndex: 0}))...)
	note := ""
	for i, name := range a.names {
		pts, of := r.Sample.Points(name)
		var ok, failed []opts.ScatterData
		for _, p := range pts {
			d := opts.ScatterData{Value: []interface{}{summary.Round3(p.Elapsed), summary.Round3(max(p.LatencyMS, 0.001))}}
			if p.OK {
				ok = append(ok, d)
			} else {
				failed = append(failed, d)
			}
		}
		s.AddSeries(name, ok, a.seriesOpts(i == 0, itemColor(a.color(i)),
			charts.WithScatterChartOpts(opts.ScatterChart{SymbolSize: 3}))...)
		if len(failed) > 0 {
			s.AddSeries(name+" failed", failed, itemColor(a.color(i)),
				charts.WithScatterChartOpts(opts.ScatterChart{SymbolSize: 5, Symbol: "triangle"}))
		}
		note += fmt.Sprintf(" %s: %d of %d requests.", name, len(pts), of)
	}
	return chartSpec{Title: "Latency of every request (sampled)", Time: true, LogToggle: true, chart: s,
		Note: "A uniform random sample per endpoint, shuffled so no part of the run hides another; the CSV holds every request." + note}
}

// percentilesOverTime is chart 2.
func (r view) percentilesOverTime(a *axes) chartSpec {
	l := a.timeChart("latency ms")
	hidden := map[string]bool{}
	first := true
	for i, name := range a.names {
		for _, q := range []struct {
			label string
			q     float64
			style string
		}{{"p99", 0.99, "solid"}, {"p90", 0.90, "dashed"}, {"p50", 0.50, "dotted"}} {
			var data []opts.LineData
			for j, b := range r.Timeline.Buckets(name) {
				if b.Latency.Count() > 0 {
					data = append(data, opts.LineData{Value: []interface{}{summary.Round3(a.bucketTime(j)), summary.MS(b.Quantile(q.q))}})
				}
			}
			series := name + " " + q.label
			if q.label != "p99" {
				hidden[series] = false
			}
			l.AddSeries(series, data, a.seriesOpts(first, lineStyle(a.color(i), q.style), itemColor(a.color(i)), noSymbols())...)
			first = false
		}
	}
	l.SetGlobalOptions(charts.WithLegendOpts(legendOpts(true, hidden)))
	return chartSpec{Title: "p50, p90, p99 over time", Time: true, LogToggle: true, chart: l,
		Note: fmt.Sprintf("Per %s bucket, successful requests only (failures have their own charts). p50 and p90 are off until picked in the legend.", secs(a.width))}
}

// stageBars is a quantile per stage per endpoint: p99, and p90 and p50
// in the legend unless onlyP99 (the index's small charts).
func (r view) stageBars(a *axes, onlyP99 bool) chartSpec {
	b := charts.NewBar()
	b.SetGlobalOptions(common("latency ms", true)...)
	b.SetXAxis(a.labels)
	hidden := map[string]bool{}
	qs := []struct {
		label string
		q     float64
	}{{"p99", 0.99}, {"p90", 0.9}, {"p50", 0.5}}
	if onlyP99 {
		qs = qs[:1]
	}
	for i, e := range r.Stats.Endpoints() {
		for _, q := range qs {
			data := make([]opts.BarData, len(a.labels))
			for s := range a.labels {
				if s < len(e.Stages) && e.Stages[s].Latency.Count() > 0 {
					data[s] = opts.BarData{Value: summary.MS(e.Stages[s].Quantile(q.q))}
				} else {
					data[s] = opts.BarData{Value: "-"}
				}
			}
			name := e.Name + " " + q.label
			if q.label != "p99" {
				hidden[name] = false
			}
			b.AddSeries(name, data, itemColor(a.color(i)))
		}
	}
	b.SetGlobalOptions(charts.WithLegendOpts(legendOpts(true, hidden)))
	note := "Successful requests only; p50 and p90 are in the legend."
	if onlyP99 {
		note = "Successful requests only."
	}
	return chartSpec{Title: "p99 per stage", chart: b, Note: note}
}

// noFailures stands in for the failure charts of a run without any.
const noFailures = "No request failed: every one was answered with a 2xx or 3xx."

// failed says whether any request of the run failed (no response, or a
// status of 400 or more).
func (r view) failed() bool {
	for _, e := range r.Stats.Endpoints() {
		if e.All.Failed() > 0 {
			return true
		}
	}
	return false
}

// failureRates is chart 4a: the failed share per stage and its classes.
func (r view) failureRates(a *axes) chartSpec {
	const title = "Failed requests per stage, and their classes"
	if !r.failed() {
		return chartSpec{Title: title, Collapsed: noFailures}
	}
	b := charts.NewBar()
	b.SetGlobalOptions(common("% of requests", true)...)
	b.SetXAxis(a.labels)
	for i, e := range r.Stats.Endpoints() {
		for _, k := range []string{"failed", "5xx", "429", "no response"} {
			data := make([]opts.BarData, len(a.labels))
			for s := range a.labels {
				v := 0.0
				if s < len(e.Stages) {
					c := e.Stages[s].Counts
					v = map[string]float64{"failed": c.Rate(c.Failed()), "5xx": c.Rate(c.S5xx), "429": c.Rate(c.S429), "no response": c.Rate(c.NoResponse)}[k]
				}
				data[s] = opts.BarData{Value: summary.Round3(v)}
			}
			b.AddSeries(e.Name+" "+k, data, itemColor(a.color(i)))
		}
	}
	return chartSpec{Title: title, chart: b,
		Note: "Percent of each stage's requests that failed (no response, or a status of 400 or more), and of its classes: 5xx responses, 429 throttles, and requests with no response (timeouts, refused, reset, dropped, stopped)."}
}

// failuresOverTime is chart 4b: failed requests and 5xx per second.
func (r view) failuresOverTime(a *axes) chartSpec {
	const title = "Failed requests over time"
	if !r.failed() && len(summary.Throttles(r.Run)) == 0 {
		return chartSpec{Title: title, Collapsed: noFailures}
	}
	l := a.timeChart("per second")
	first := true
	for i, name := range a.names {
		var failed, s5 []opts.LineData
		for j, b := range r.Timeline.Buckets(name) {
			t := summary.Round3(a.bucketTime(j))
			failed = append(failed, opts.LineData{Value: []interface{}{t, summary.Round3(float64(b.Failed()) / a.width)}})
			s5 = append(s5, opts.LineData{Value: []interface{}{t, summary.Round3(float64(b.S5xx) / a.width)}})
		}
		l.AddSeries(name+" failed", failed, a.seriesOpts(first, lineStyle(a.color(i), "solid"), itemColor(a.color(i)), noSymbols())...)
		l.AddSeries(name+" 5xx", s5, lineStyle(a.color(i), "dashed"), itemColor(a.color(i)), noSymbols())
		first = false
		// The platform's throttles of this endpoint (CloudWatch's sums per
		// period), per second at the middle of each period.
		for _, s := range r.Extra {
			if s.Endpoint != name || s.Metric != "Throttles" || s.Period <= 0 {
				continue
			}
			var data []opts.LineData
			for _, p := range s.Points {
				data = append(data, opts.LineData{Value: []interface{}{summary.Round3(p[0] + s.Period/2), summary.Round3(p[1] / s.Period)}})
			}
			l.AddSeries(name+" throttles (CloudWatch)", data, lineStyle(a.color(i), "dotted"), itemColor(a.color(i)))
		}
	}
	note := "Per second, averaged over " + secs(a.width) + " buckets: failed requests (no response, or a status of 400 or more) solid, 5xx dashed."
	if len(summary.Throttles(r.Run)) > 0 {
		note += " Dotted: CloudWatch's Throttles per second, averaged over each period. " + summary.ThrottleNote
	}
	return chartSpec{Title: title, Time: true, chart: l, Note: note}
}

// throughput is chart 5: achieved req/s with the profile's target.
func (r view) throughput(a *axes) chartSpec {
	targetAxis := 0
	if a.unit != "req/s" {
		targetAxis = 1
	}
	l := a.timeChart("req/s")
	if targetAxis == 1 {
		l.ExtendYAxis(opts.YAxis{Name: a.unit, Type: "value", Position: "right", AxisLabel: &opts.AxisLabel{}})
	}
	first := true
	for i, name := range a.names {
		var got, want []opts.LineData
		for j, b := range r.Timeline.Buckets(name) {
			t := summary.Round3(a.bucketTime(j))
			got = append(got, opts.LineData{Value: []interface{}{t, summary.Round3(float64(b.Requests-b.Dropped) / a.width)}})
			want = append(want, opts.LineData{Value: []interface{}{t, summary.Round3(b.Target())}})
		}
		l.AddSeries(name, got, a.seriesOpts(first, lineStyle(a.color(i), "solid"), itemColor(a.color(i)), noSymbols())...)
		l.AddSeries(name+" target "+a.unit, want, lineStyle(a.color(i), "dotted"), itemColor(a.color(i)), noSymbols(),
			charts.WithLineChartOpts(opts.LineChart{YAxisIndex: targetAxis, ShowSymbol: opts.Bool(false)}))
		first = false
	}
	note := "Requests sent per second (dropped ones excluded) and, dotted, the profile's target"
	if targetAxis == 1 {
		note += " in VUs on the right axis: in the closed model throughput follows latency."
	} else {
		note += " in req/s."
	}
	return chartSpec{Title: "Throughput against the target", Time: true, chart: l, Note: note}
}

// distribution is chart 6: the latency percentile curve per endpoint.
func (r view) distribution(a *axes) chartSpec {
	qs := []float64{0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9999, 1}
	labels := make([]string, len(qs))
	for i, q := range qs {
		labels[i] = map[float64]string{0: "min", 1: "max"}[q]
		if labels[i] == "" {
			labels[i] = "p" + summary.TrimFloat(q*100)
		}
	}
	l := charts.NewLine()
	l.SetGlobalOptions(common("latency ms", true)...)
	l.SetXAxis(labels)
	for i, e := range r.Stats.Endpoints() {
		data := make([]opts.LineData, len(qs))
		for j, q := range qs {
			data[j] = opts.LineData{Value: summary.MS(e.All.Quantile(q))}
			if q == 0 {
				data[j] = opts.LineData{Value: summary.MS(e.All.Quantile(1e-9))}
			}
		}
		l.AddSeries(e.Name, data, lineStyle(a.color(i), "solid"), itemColor(a.color(i)))
	}
	return chartSpec{Title: "Latency distribution", LogToggle: true, chart: l,
		Note: "Percentiles of each endpoint's successful requests over the whole run."}
}

// environments is chart 7: distinct execution environments and cold starts.
func (r view) environments(a *axes) chartSpec {
	l := a.timeChart("environments")
	l.ExtendYAxis(opts.YAxis{Name: "cold starts", Type: "value", Position: "right", AxisLabel: &opts.AxisLabel{}})
	first := true
	for i, name := range a.names {
		var envs, cold []opts.LineData
		for j, b := range r.Timeline.Buckets(name) {
			t := summary.Round3(a.bucketTime(j))
			envs = append(envs, opts.LineData{Value: []interface{}{t, b.Envs.Len()}})
			cold = append(cold, opts.LineData{Value: []interface{}{t, b.Cold}})
		}
		l.AddSeries(name, envs, a.seriesOpts(first, lineStyle(a.color(i), "solid"), itemColor(a.color(i)), noSymbols(),
			charts.WithLineChartOpts(opts.LineChart{Step: "middle", ShowSymbol: opts.Bool(false)}))...)
		l.AddSeries(name+" cold starts", cold, lineStyle(a.color(i), "dotted"), itemColor(a.color(i)),
			charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1, ShowSymbol: opts.Bool(false)}))
		first = false
	}
	return chartSpec{Title: "Execution environments seen", Time: true, chart: l,
		Note: "Distinct env_id values that answered in each " + secs(a.width) + " bucket, and cold starts (right axis), as the function reports them."}
}

// latencyVsLoad is p99 against the load: per endpoint, the buckets at
// each target merged into one point, joined in order of load so the knee
// shows.
func (r view) latencyVsLoad(a *axes) chartSpec {
	l := charts.NewLine()
	l.SetGlobalOptions(common("p99 ms", true,
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: a.unit, NameLocation: "middle", NameGap: 28}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}))...)
	for i, name := range a.names {
		byLoad := map[float64]*stats.Latency{}
		for _, b := range r.Timeline.Buckets(name) {
			if b.Latency.Count() == 0 {
				continue
			}
			t := summary.Round3(b.Target())
			if byLoad[t] == nil {
				byLoad[t] = &stats.Latency{}
			}
			byLoad[t].Merge(&b.Latency)
		}
		loads := make([]float64, 0, len(byLoad))
		for t := range byLoad {
			loads = append(loads, t)
		}
		sort.Float64s(loads)
		data := make([]opts.LineData, len(loads))
		for j, t := range loads {
			data[j] = opts.LineData{Value: []interface{}{t, summary.MS(byLoad[t].Quantile(0.99))}}
		}
		l.AddSeries(name, data, lineStyle(a.color(i), "solid"), itemColor(a.color(i)),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), SymbolSize: 5}))
	}
	return chartSpec{Title: "Latency against load", LogToggle: true, chart: l,
		Note: "p99 of each endpoint at each load (" + a.unit + "), from every " + secs(a.width) + " bucket at that load, joined in order of load: where a line bends up, that function starts to break."}
}

// statusCodes is chart 9: outcomes per second over all endpoints.
func (r view) statusCodes(a *axes) chartSpec {
	l := a.timeChart("per second")
	classes := []struct {
		name, color string
		of          func(c *stats.Counts) int64
	}{
		{"2xx/3xx", "#3ba272", func(c *stats.Counts) int64 { return c.OK }},
		{"429", "#fac858", func(c *stats.Counts) int64 { return c.S429 }},
		{"other 4xx", "#fc8452", func(c *stats.Counts) int64 { return c.S4xx - c.S429 }},
		{"5xx", "#ee6666", func(c *stats.Counts) int64 { return c.S5xx }},
		{"no response", "#9a60b4", func(c *stats.Counts) int64 { return c.NoResponse }},
	}
	n := r.Timeline.Len()
	for k, cl := range classes {
		data := make([]opts.LineData, n)
		for j := range n {
			var sum int64
			for _, name := range a.names {
				if bs := r.Timeline.Buckets(name); j < len(bs) {
					sum += cl.of(&bs[j].Counts)
				}
			}
			data[j] = opts.LineData{Value: []interface{}{summary.Round3(a.bucketTime(j)), summary.Round3(float64(sum) / a.width)}}
		}
		l.AddSeries(cl.name, data, a.seriesOpts(k == 0, itemColor(cl.color), noSymbols(),
			charts.WithLineChartOpts(opts.LineChart{Stack: "all", ShowSymbol: opts.Bool(false)}),
			charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.5)}))...)
	}
	return chartSpec{Title: "Status codes per second", Time: true, chart: l,
		Note: "All endpoints together, stacked."}
}

// extraSeries is chart 10: platform series saved beside the run.
func (r view) extraSeries(a *axes) chartSpec {
	l := a.timeChart("")
	partial := false
	axisOf := map[string]int{} // unit → y axis; a third unit shares the right axis
	for i, s := range r.Extra {
		axis, ok := axisOf[s.Unit]
		if !ok {
			axis = min(len(axisOf), 1)
			y := opts.YAxis{Name: s.Unit, Type: "value", AxisLabel: &opts.AxisLabel{}}
			switch len(axisOf) {
			case 0:
				l.SetGlobalOptions(charts.WithYAxisOpts(y))
			case 1:
				y.Position = "right"
				l.ExtendYAxis(y)
			}
			axisOf[s.Unit] = axis
		}
		data := make([]opts.LineData, len(s.Points))
		for j, p := range s.Points {
			data[j] = opts.LineData{Value: []interface{}{summary.Round3(p[0]), summary.Round3(p[1])}}
			if j < len(s.Partial) && s.Partial[j] {
				// A period reaching outside the run, or not yet published.
				data[j].Name, data[j].Symbol, data[j].SymbolSize = "partial period", "triangle", 10
				partial = true
			}
		}
		color, style := a.seriesLook(s)
		l.AddSeries(s.Name, data, a.seriesOpts(i == 0, itemColor(color), lineStyle(color, style),
			charts.WithLineChartOpts(opts.LineChart{YAxisIndex: axis, Step: "end"}))...)
	}
	note := "Series saved with the run: execution environments, concurrency and instances as the platform reported them."
	if partial {
		note += " Triangles mark partial periods: they reach outside the scenario or were not yet published when fetched, so they count only part of what they would."
	}
	return chartSpec{Title: "The platform's side", Time: true, chart: l, Note: note}
}

// seriesLook is a platform series' colour and line: its endpoint's colour
// (as on every other chart), a line style per unit; a series of no
// endpoint is grey.
func (a *axes) seriesLook(s platform.Series) (color, style string) {
	styles := map[string]string{"instances": "dashed", "throttles": "dotted"}
	style = styles[s.Unit]
	if style == "" {
		style = "solid"
	}
	endpoint := s.Endpoint
	if endpoint == "" { // series files from before series named their endpoint
		for _, n := range a.names {
			if strings.HasPrefix(s.Name, n+" ") {
				endpoint = n
			}
		}
	}
	if j := slices.Index(a.names, endpoint); j >= 0 {
		return a.color(j), style
	}
	return "#777", style
}

func secs(w float64) string { return summary.TrimFloat(w) + " s" }

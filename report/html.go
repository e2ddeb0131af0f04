// Package report renders a run's statistics and summary as one
// self-contained HTML page (go-echarts for the charts, html/template for
// the rest), the index that links several runs, the page of a comparison,
// and writes a finished run's outputs (Output). Nothing below it imports
// it.
package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/stages"
	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

// echartsJS is Apache ECharts 6.1.0's dist/echarts.min.js from the npm
// package, with its LICENSE and NOTICE beside it in assets/. It is inlined
// so the page works from file:// with no network.
//
//go:embed assets/echarts.min.js
var echartsJS string

//go:embed assets/page.css
var pageCSS string

//go:embed assets/page.js
var pageJS string

// Why not go-echarts' own page renderer: it writes each chart's options
// into a <script> with HTML escaping off, so an endpoint named
// "</script><script>…" would run. Here the charts are still built with
// go-echarts, but their options travel as escaped JSON data blocks that a
// small script hands to echarts, and every text from input goes through
// html/template.
var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
<script>{{.ECharts}}</script>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
{{if .Index}}<p class="nav"><a href="{{.Index}}">← all scenarios</a></p>{{end}}
{{if .Banner}}<p class="banner">{{.Banner}}</p>{{end}}
{{range .Warnings}}<p class="warning">{{.}}</p>{{end}}
{{if .Verdict}}<p class="verdict">{{.Verdict}}</p>{{end}}
{{range .Notes}}<p class="note">{{.}}</p>{{end}}
{{if .Cards}}<div class="cards">{{range .Cards}}<div class="card" style="border-top-color: {{.Color}}">
<h3>{{.Title}}</h3><p class="kind">{{.Kind}}</p>
<dl>{{range .Items}}<dt>{{.Name}}</dt><dd>{{.Value}}</dd>{{end}}</dl></div>{{end}}</div>{{end}}
{{if .Measured}}<p class="measured">Measured on {{.Measured}}.</p>{{end}}
{{if .Facts}}<details class="facts"><summary>Run details: workload, stages, load model, endpoints, versions</summary>
<dl class="facts">{{range .Facts}}<dt>{{.Name}}</dt><dd>{{.Value}}</dd>{{end}}</dl></details>{{end}}
</header>
{{range .Tables}}<section class="table">
<h2>{{.Title}}</h2>
{{if .Note}}<p class="note">{{.Note}}</p>{{end}}
<table><thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td{{if .Wrap}} class="wrap"{{end}}>{{if .Link}}<a href="{{.Link}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}</td>{{end}}</tr>{{end}}</tbody></table>
</section>
{{end}}
{{if .Grid}}<div class="grid">{{end}}
{{range .Charts}}{{if .Collapsed}}<section class="chart collapsed"><h2>{{.Title}}</h2><p class="note">{{.Collapsed}}</p></section>
{{else}}<section class="chart">
<h2>{{.Title}}{{if .LogToggle}} <button type="button" class="log" data-chart="{{.ID}}">log scale</button>{{end}}</h2>
{{if .Note}}<p class="note">{{.Note}}</p>{{end}}
<div class="plot" id="{{.ID}}" data-time="{{.Time}}"></div>
<script type="application/json" id="{{.ID}}-options">{{.Options}}</script>
</section>
{{end}}{{end}}
{{if .Grid}}</div>{{end}}
<footer>lmibench {{.Version}} · charts by Apache ECharts (Apache-2.0)</footer>
<script>{{.JS}}</script>
</body>
</html>
`))

type fact struct{ Name, Value string }

type cell struct {
	Text, Link string
	Wrap       bool // a sentence, not a figure
}

type table struct {
	Title, Note string
	Head        []string
	Rows        [][]cell
}

type renderedChart struct {
	chartSpec
	Options template.JS
}

// card is one endpoint's headline figures.
type card struct {
	Title, Kind, Color string
	Items              []fact
}

type page struct {
	Title, Index, Version string
	Banner                string   // what the numbers are not, first of all
	Verdict               string   // the run in one sentence
	Notes                 []string // what the figures rest on
	Cards                 []card
	Measured              string // what the run went against
	Grid                  bool   // charts side by side
	Warnings              []string
	Facts                 []fact
	Tables                []table
	Charts                []renderedChart
	CSS                   template.CSS
	ECharts, JS           template.JS
}

// render builds every chart's options and writes the page.
func (p *page) render(w io.Writer, specs []chartSpec) error {
	p.CSS, p.ECharts, p.JS = template.CSS(pageCSS), template.JS(echartsJS), template.JS(pageJS)
	for i, s := range specs {
		s.ID = fmt.Sprintf("chart%d", i+1)
		if s.Collapsed != "" {
			p.Charts = append(p.Charts, renderedChart{chartSpec: s})
			continue
		}
		s.chart.Validate()
		o := s.chart.JSON()
		// Every chart saves itself as a PNG, for write-ups.
		o["toolbox"] = opts.Toolbox{Show: opts.Bool(true), Right: "4", Bottom: "4", Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Type: "png", Name: pngName(p.Title, s.Title), Title: "save as PNG"}}}
		// json.Marshal escapes <, > and &, so no text can end the block.
		b, err := json.Marshal(o)
		if err != nil {
			return fmt.Errorf("chart %q: %w", s.Title, err)
		}
		p.Charts = append(p.Charts, renderedChart{chartSpec: s, Options: template.JS(b)})
	}
	if err := pageTmpl.Execute(w, p); err != nil {
		return fmt.Errorf("render page: %w", err)
	}
	return nil
}

// view is a run as its page draws it.
type view struct{ *stats.Run }

// WritePage writes the self-contained HTML page of run r, whose summary
// is s (computed once, for the files and the page alike). index, when
// set, is the link back to the page of all scenarios.
func WritePage(w io.Writer, r *stats.Run, index string, s *summary.Summary) error {
	p, specs := view{r}.page(index, s)
	return p.render(w, specs)
}

// page is the run's page and its charts, before rendering: the verdict
// and a card per endpoint first, then the facts folded, the tables, and
// the charts, the one that compares the endpoints per stage first.
func (r view) page(index string, s *summary.Summary) (*page, []chartSpec) {
	a := r.axes()
	p := &page{Title: "lmibench · " + r.Name(), Index: index, Version: r.version(), Facts: r.facts(a), Banner: r.banner(),
		Verdict: s.Verdict, Notes: s.Notes, Cards: r.cards(a, s), Measured: r.measured()}
	if r.Warning != "" {
		p.Warnings = append(p.Warnings, r.Warning)
	}
	if t, ok := costTable(s.Cost); ok {
		p.Tables = append(p.Tables, t)
	}
	p.Tables = append(p.Tables, r.tables(s)...)
	if t, ok := omissionTable(s); ok {
		p.Tables = append(p.Tables, t)
	}
	specs := []chartSpec{
		r.stageBars(a, false), r.latencyVsLoad(a), r.latencyScatter(a), r.percentilesOverTime(a), r.failureRates(a), r.failuresOverTime(a),
		r.throughput(a), r.distribution(a), r.environments(a), r.statusCodes(a),
	}
	if len(r.Extra) > 0 {
		specs = append(specs, r.extraSeries(a))
	}
	if c, ok := costChart(a, s.Cost); ok {
		specs = append(specs, c)
	}
	return p, specs
}

// pngName names a chart's PNG after the page and the chart.
func pngName(page, chart string) string {
	f := func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}
	return strings.Trim(strings.Map(f, strings.TrimPrefix(page, "lmibench · ")+"-"+chart), "-")
}

func (r view) version() string {
	if r.Meta != nil && r.Meta.Version != "" {
		return r.Meta.Version
	}
	return ""
}

// axes gathers what the charts share: the time axis, stages, endpoints.
func (r view) axes() *axes {
	a := &axes{width: r.Timeline.Width().Seconds(), unit: "VUs"}
	a.names = r.EndpointNames()
	a.end = r.Stats.LastSend().Seconds()
	if r.Meta != nil {
		a.unit = r.Meta.LoadModel.Unit()
	}
	if r.Profile != nil {
		a.end = max(a.end, r.Profile.Total().Seconds())
	}
	for i, sp := range r.Spans() {
		a.starts = append(a.starts, sp.Start.Seconds())
		a.labels = append(a.labels, r.StageLabel(i))
	}
	a.end = max(a.end, a.width)
	return a
}

func (r view) facts(a *axes) []fact {
	f := []fact{{"scenario", r.Name()}}
	m := r.Meta
	if m == nil {
		f = append(f, fact{"source", r.Source + " (no sidecar: stages are shown as the rows recorded them)"})
		if !r.Start.IsZero() {
			f = append(f, fact{"start", r.Start.UTC().Format(time.RFC3339)})
		}
		return f
	}
	workload := m.Workload.String()
	if m.AsGiven {
		workload = "none: the endpoints' requests as given"
	}
	f = append(f, fact{"workload", workload}, fact{"stages", strings.Join(a.labels, ", ")})
	model := "vus (closed: each VU waits for its response, then thinks " + m.Think + ")"
	if m.LoadModel == stages.Rate {
		model = fmt.Sprintf("rate (open: requests on schedule, at most %d in flight per endpoint)", m.MaxInflight)
	}
	f = append(f, fact{"load model", model})
	f = append(f, fact{"start", m.Start.UTC().Format(time.RFC3339)})
	if m.End != nil {
		f = append(f, fact{"end", m.End.UTC().Format(time.RFC3339)}, fact{"duration", m.End.Sub(m.Start).Round(time.Second).String()})
	}
	if m.Interrupted {
		f = append(f, fact{"interrupted", "yes: the run was stopped early"})
	}
	f = append(f, fact{"requests", fmt.Sprint(m.Requests)})
	if m.Dropped > 0 {
		f = append(f, fact{"dropped", fmt.Sprintf("%d (max in-flight reached)", m.Dropped)})
	}
	for _, t := range m.Targets {
		f = append(f, fact{"endpoint " + t.Name, t.URL})
	}
	f = append(f, fact{"lmibench", m.Version + " · " + m.GoVersion + " · " + m.Host}, fact{"data", r.Source})
	return f
}

// emulatedBanner heads the page of an emulated run, so that a shared page
// cannot pass for a result from AWS.
const emulatedBanner = "Emulated run: these numbers come from lmibench's local model of Lambda (standard and LMI), " +
	"not from AWS. The model's parameters are in the run's sidecar."

// banner is what the run's numbers are not, when that is the first thing
// to know.
func (r view) banner() string {
	if r.Meta != nil && r.Meta.Platform != nil && r.Meta.Platform.Kind == platform.KindEmulator {
		return emulatedBanner
	}
	return ""
}

// measured says what the run went against, or nothing without a sidecar.
func (r view) measured() string {
	if r.Meta == nil || r.Meta.Platform == nil {
		return ""
	}
	return measuredOn(r.Meta.Platform)
}

// measuredOn says what the run went against.
func measuredOn(p *platform.Info) string {
	switch p.Kind {
	case platform.KindEmulator:
		return "the local Lambda emulator (a model, not AWS)"
	case platform.KindFunction:
		return "the real function handler on this machine (not AWS)"
	case platform.KindStack:
		s := "stack " + p.Stack + " in " + p.Region
		if len(p.Observed) > 0 {
			s += "; observed: " + strings.Join(p.Observed, ", ")
		}
		return s
	}
	return "the endpoints given with --target or --targets"
}

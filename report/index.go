package report

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

// IndexEntry is one scenario's run and the page that shows it.
type IndexEntry struct {
	Run     *stats.Run
	Summary *summary.Summary // the run's
	Page    string           // link to the run's page, relative to the index
}

// WriteIndex writes the page that links several runs (the scenarios of
// `run --scenario all`, or CSVs given to `lmibench report`) and shows their
// p99 per stage side by side.
func WriteIndex(w io.Writer, entries []IndexEntry) error {
	p := &page{Title: "lmibench · all scenarios", Grid: true}
	verdicts := table{Title: "Verdicts", Note: "Each scenario at its peak stage; its page has the cards, the cost and the charts.", Head: []string{"scenario", "verdict"}}
	t := table{Title: "Scenarios", Head: []string{"scenario", "data", "start", "requests", "failed %", "4xx", "429", "5xx", "no response"}}
	var specs []chartSpec
	for _, e := range entries {
		r := e.Run
		verdicts.Rows = append(verdicts.Rows, []cell{{Text: r.Name(), Link: e.Page}, {Text: e.Summary.Verdict, Wrap: true}})
		var all stats.Counts
		for _, ep := range r.Stats.Endpoints() {
			all.Merge(&ep.All.Counts)
		}
		start := r.Start
		if r.Meta != nil {
			start = r.Meta.Start
			if p.Version == "" {
				p.Version = r.Meta.Version
			}
		}
		t.Rows = append(t.Rows, []cell{{Text: r.Name(), Link: e.Page}, {Text: filepath.Base(r.Source)},
			{Text: start.UTC().Format(time.RFC3339)}, {Text: fmt.Sprint(all.Requests)},
			{Text: fmt.Sprintf("%.2f", all.Rate(all.Failed()))}, {Text: fmt.Sprint(all.S4xx)}, {Text: fmt.Sprint(all.S429)}, {Text: fmt.Sprint(all.S5xx)},
			{Text: fmt.Sprint(all.NoResponse)}})
		if r.Warning != "" {
			p.Warnings = append(p.Warnings, r.Warning)
		}
		if b := (view{r}).banner(); b != "" {
			p.Banner = b
		}
		v := view{r}
		spec := v.stageBars(v.axes(), true)
		spec.Title = "p99 per stage · " + r.Name()
		specs = append(specs, spec)
	}
	p.Tables = []table{verdicts, t}
	return p.render(w, specs)
}

package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/lmibench/lmibench/cost"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/summary"
)

// cards are each endpoint's headline figures at the peak stage: p99,
// errors, cold starts, environments (or instances), cost.
func (r view) cards(a *axes, s *summary.Summary) []card {
	if s.PeakStage >= len(s.Stages) {
		return nil
	}
	perMillion := map[string]float64{}
	if s.Cost != nil {
		for _, e := range s.Cost.Endpoints {
			perMillion[e.Name] = e.PeakPerMillion
		}
	}
	var out []card
	for i, e := range s.Endpoints {
		f := r.Function(e.Name)
		c := card{Title: e.Name, Color: a.color(i)}
		if f.Known() {
			c.Kind = f.String()
		}
		var pk summary.CellSum
		if s.PeakStage < len(e.Stages) {
			pk = e.Stages[s.PeakStage]
		}
		p99 := "no success"
		if pk.Successes > 0 {
			p99 = summary.MSText(pk.P99)
		}
		failed := "-"
		if pk.Requests > 0 {
			failed = summary.Percent(pk.Requests-pk.Successes, pk.Requests)
			if pk.Requests == pk.Successes {
				failed = "0 %"
			}
		}
		c.Items = []fact{{"p99 at peak", p99}, {"failed at peak", failed}, {"cold starts", fmt.Sprint(e.All.ColdStarts)},
			{"environments at peak", fmt.Sprint(pk.Environments)}}
		for _, x := range s.Series {
			if x.Endpoint == e.Name && x.Metric == platform.MetricInstances {
				c.Items = append(c.Items, fact{"instances", fmt.Sprintf("%g → %g", x.First, x.Max)})
			}
		}
		if v, ok := perMillion[e.Name]; ok {
			c.Items = append(c.Items, fact{"cost per million at peak", summary.USD(v)})
		} else {
			c.Items = append(c.Items, fact{"cost", "not priced"})
		}
		out = append(out, c)
	}
	return out
}

// costTable is the cost of each priced endpoint; false when none is.
func costTable(c *summary.CostSum) (table, bool) {
	if c == nil {
		return table{}, false
	}
	p := c.Prices
	t := table{Title: "Cost",
		Note: fmt.Sprintf("Priced from this run's own rows and instance series at $%g per million requests, %s duration at $%s per GB-second%s, "+
			"%s instances at $%g an hour plus a %g %% management fee%s. A standard function is billed its handler time rounded up to 1 ms; "+
			"LMI its instances' time, busy or not. The month is 730 h at a steady rate; see README for the model and its limits.",
			p.RequestsPerMillion, p.Architecture, strconv.FormatFloat(p.GBSecond, 'f', -1, 64), discount(p.LambdaDiscount), p.InstanceType, p.InstanceHourly, p.ManagementFee*100, discount(p.EC2Discount)),
		Head: []string{"endpoint", "billed as", "per million requests", "at the peak stage", "requests per instance-second (peak)", "a month at the rate", "LMI is cheaper above"}}
	for _, e := range c.Endpoints {
		row := []cell{{Text: e.Name}, {Text: e.Function.String()}, {Text: summary.USD(e.PerMillion)}, {Text: summary.USD(e.PeakPerMillion)}, {Text: "-"}, {Text: "-"}, {Text: "-"}}
		if e.ByLatency {
			row[2].Text += " (client-timed, an upper bound)"
		}
		if e.PerInstance > 0 {
			row[4].Text = fmt.Sprintf("%.1f", e.PerInstance)
		}
		if c.AtRPS > 0 {
			row[5].Text = fmt.Sprintf("%s at %.4g req/s", summary.USD(e.Monthly), c.AtRPS)
		}
		if b := e.BreakEven; b != nil {
			row[6].Text = fmt.Sprintf("%.1f req/s (%s)", b.RPS, b.LMI)
			if b.Never {
				row[6].Text = "never (" + b.LMI + ")"
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, true
}

func discount(f float64) string {
	if f == 0 {
		return ""
	}
	return fmt.Sprintf(" less %g %%", f*100)
}

// costChart draws each priced endpoint's cost per million requests
// against a steady request rate: flat for a standard function (its
// measured price), falling for LMI as its fixed minimum of instances is
// shared by more requests, down to the cost of full instances. False
// without an LMI endpoint whose capacity was measured.
func costChart(a *axes, c *summary.CostSum) (chartSpec, bool) {
	if c == nil {
		return chartSpec{}, false
	}
	hi := 1000.0
	measured := false
	for _, e := range c.Endpoints {
		if e.LMI && e.PerInstance > 0 {
			measured = true
			hi = max(hi, 10*e.PerInstance*max(c.Prices.MinInstances, 1))
		}
		if b := e.BreakEven; b != nil && !b.Never {
			hi = max(hi, 10*b.RPS)
		}
	}
	if !measured {
		return chartSpec{}, false
	}
	hi = max(hi, 10*c.AtRPS)
	const points = 80
	l := charts.NewLine()
	l.SetGlobalOptions(common("USD per million requests", true,
		charts.WithXAxisOpts(opts.XAxis{Type: "log", Name: "requests per second, steady", NameLocation: "middle", NameGap: 28, Min: 1, Max: hi}),
		charts.WithYAxisOpts(opts.YAxis{Name: "USD per million requests", Type: "log", AxisLabel: &opts.AxisLabel{}}))...)
	for _, e := range c.Endpoints {
		if e.LMI && e.PerInstance <= 0 {
			continue // its capacity was not measured
		}
		i := slices.Index(a.names, e.Name) // a priced endpoint is one of the run's
		data := make([]opts.LineData, points+1)
		for j := range data {
			rate := math.Pow(hi, float64(j)/points) // 1 … hi, evenly on the log axis
			v := e.PerMillion
			if e.LMI {
				v = c.Prices.LMIMonthly(rate, e.PerInstance) / (rate * cost.SecondsPerMonth) * 1e6
			}
			data[j] = opts.LineData{Value: []interface{}{summary.Round3(rate), math.Round(v*1e4) / 1e4}}
		}
		l.AddSeries(e.Name, data, lineStyle(a.color(i), "solid"), itemColor(a.color(i)), noSymbols())
	}
	return chartSpec{Title: "Cost per million requests against the request rate", chart: l,
		Note: fmt.Sprintf("From this run's measured prices: a standard function's cost per request does not depend on the rate; LMI pays for at least %g instances, "+
			"each serving the requests per second it served at this run's peak stage. Where LMI's line crosses another, it becomes the cheaper.", c.Prices.MinInstances)}, true
}

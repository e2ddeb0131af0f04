package summary

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/cost"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/stages"
	"github.com/lmibench/lmibench/stats"
)

// costRun is two 10 s stages (0→10 VUs, then 10) against a 2048 MB
// standard function and an LMI one: 100 requests each in stage 1 and
// 1,000 in stage 2, every handler 99.2 ms (billed 100 ms); the standard
// one also gets 5 throttles and a transport error, which are not billed.
// The LMI function runs on 3 instances for the first 10 s, then 4.
func costRun(t *testing.T) *stats.Run {
	t.Helper()
	prof, err := stages.New([]stages.Stage{{Duration: 10 * time.Second, Target: 10}, {Duration: 10 * time.Second, Target: 10}}, true)
	if err != nil {
		t.Fatal(err)
	}
	r := &stats.Run{Profile: prof, Meta: &runfiles.Meta{LoadModel: stages.VUs, Scenario: "low-cpu", StageLabels: []string{"0→10 VUs", "10 VUs"},
		Targets: []platform.Target{{Name: "std", MemoryMB: 2048}, {Name: "lmi", LMI: true}}}}
	r.Extra = []platform.Series{{Name: "lmi instances", Unit: "instances", Endpoint: "lmi", Metric: platform.MetricInstances,
		Points: [][2]float64{{0, 3}, {5, 3}, {10, 4}, {15, 4}}}}
	for _, ep := range []string{"std", "lmi"} {
		for stage, n := range []int{100, 1000} {
			for i := range n {
				at := time.Duration(stage)*10*time.Second + time.Duration(i+1)*10*time.Second/time.Duration(n)
				r.Add(&rows.Record{Endpoint: ep, Stage: stage, Status: 200, Elapsed: at, Latency: 100 * time.Millisecond,
					HasFn: true, Fn: rows.FnFields{EnvID: "e", HandlerMS: 99.2}})
			}
		}
	}
	for range 5 {
		r.Add(&rows.Record{Endpoint: "std", Stage: 1, Status: 429, Elapsed: 15 * time.Second})
	}
	r.Add(&rows.Record{Endpoint: "std", Stage: 1, Error: "connection refused", Elapsed: 15 * time.Second})
	return r
}

// TestCostOfASyntheticRun checks the summary's cost against figures
// worked by hand from the default prices.
func TestCostOfASyntheticRun(t *testing.T) {
	instanceSecond := 0.15952 / 3600 * 1.15
	for _, c := range []struct {
		name    string
		pricing *cost.Pricing
		// per million requests: standard over the run, at the peak; LMI
		// over the run, at the peak
		want [4]float64
	}{
		{"on demand", nil, [4]float64{
			// 1,100 billed × $0.2e-6 + 110 s × 2 GB × $0.0000133334, per request
			(1100*0.2e-6 + 110*2*0.0000133334) / 1100 * 1e6,
			(1000*0.2e-6 + 100*2*0.0000133334) / 1000 * 1e6,
			// 70 instance-seconds (3 × 10 s + 4 × 10 s) over 1,100 requests
			(1100*0.2e-6 + 70*instanceSecond) / 1100 * 1e6,
			(1000*0.2e-6 + 40*instanceSecond) / 1000 * 1e6,
		}},
		{"with savings plans", &cost.Pricing{Prices: func() cost.Prices {
			p := cost.Defaults()
			p.LambdaDiscount, p.EC2Discount = 0.17, 0.5
			return p
		}()}, [4]float64{
			(1100*0.2e-6 + 110*2*0.0000133334*0.83) / 1100 * 1e6,
			(1000*0.2e-6 + 100*2*0.0000133334*0.83) / 1000 * 1e6,
			// half off the instance, the fee still 15 % of on demand
			(1100*0.2e-6 + 70*0.15952/3600*0.65) / 1100 * 1e6,
			(1000*0.2e-6 + 40*0.15952/3600*0.65) / 1000 * 1e6,
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := costRun(t)
			r.Pricing = c.pricing
			s := Of(r)
			if s.PeakStage != 1 {
				t.Fatalf("peak stage = %d; want the hold at 10 VUs", s.PeakStage)
			}
			std, lmi := s.Endpoints[0], s.Endpoints[1]
			if std.All.BilledRequests != 1100 || std.All.BilledMS != 110_000 || lmi.Stages[1].InstanceSeconds != 40 || lmi.All.InstanceSeconds != 70 {
				t.Fatalf("usage: std %d requests %v ms; lmi %v instance-s at peak, %v over the run",
					std.All.BilledRequests, std.All.BilledMS, lmi.Stages[1].InstanceSeconds, lmi.All.InstanceSeconds)
			}
			got := [4]float64{std.All.Cost.PerMillion, std.Stages[1].Cost.PerMillion, lmi.All.Cost.PerMillion, lmi.Stages[1].Cost.PerMillion}
			for i := range got {
				if math.Abs(got[i]-c.want[i]) > 1e-9 {
					t.Errorf("per million [%d] = %.9f; want %.9f", i, got[i], c.want[i])
				}
			}
			if s.Cost == nil || len(s.Cost.Endpoints) != 2 || s.Cost.Endpoints[1].PerInstance != 25 {
				t.Fatalf("cost = %+v; want both endpoints, LMI at 1,000 requests / 40 instance-s", s.Cost)
			}
		})
	}
}

func TestProjectionAndBreakEven(t *testing.T) {
	r := costRun(t)
	r.Pricing = &cost.Pricing{Prices: cost.Defaults(), At: 100}
	s := Of(r)
	std, lmi := s.Cost.Endpoints[0], s.Cost.Endpoints[1]
	instanceSecond := 0.15952 / 3600 * 1.15
	stdPerRequest := 0.2e-6 + 0.1*2*0.0000133334
	// 100 req/s for 730 h: the standard one at its measured price; LMI
	// needs 100/25 = 4 instances (over the minimum 3).
	if want := stdPerRequest * 100 * 730 * 3600; math.Abs(std.Monthly-want) > 1e-6 {
		t.Errorf("standard monthly = %v; want %v", std.Monthly, want)
	}
	if want := (100*0.2e-6 + 4*instanceSecond) * 730 * 3600; math.Abs(lmi.Monthly-want) > 1e-6 {
		t.Errorf("LMI monthly = %v; want %v", lmi.Monthly, want)
	}
	// 3 instances' cost per second over what a standard request costs
	// beyond the request price.
	b := std.BreakEven
	if want := 3 * instanceSecond / (stdPerRequest - 0.2e-6); b == nil || b.Never || b.LMI != "lmi" || math.Abs(b.RPS-want) > 1e-6 {
		t.Errorf("break-even = %+v; want lmi above %v req/s", b, want)
	}
	var out strings.Builder
	if err := WriteAnswer(&out, s); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"std (standard 2048 MB): $2.87 per million", "lmi would be cheaper than std above 57.3 req/s, given the 25.0 requests per instance-second lmi served at the peak", "a month at 100 req/s", s.Verdict} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("answer lacks %q:\n%s", want, out.String())
		}
	}
}

// TestCostNeedsWhatItIsFrom: an endpoint whose billing is unknown, or an
// LMI endpoint without instance series, has no cost rather than a wrong one.
func TestCostNeedsWhatItIsFrom(t *testing.T) {
	r := costRun(t)
	r.Extra = nil
	r.Meta.Targets[0].MemoryMB = 0
	if s := Of(r); s.Cost != nil || s.Endpoints[0].All.Cost != nil || s.Endpoints[1].All.Cost != nil {
		t.Errorf("cost = %+v; want none", s.Cost)
	}
	r.Pricing = &cost.Pricing{Prices: cost.Defaults(), Functions: map[string]cost.Function{"std": {MemoryMB: 1024}}}
	if s := Of(r); s.Cost == nil || len(s.Cost.Endpoints) != 1 || s.Cost.Endpoints[0].MemoryMB != 1024 {
		t.Errorf("with --cost-endpoint std=1024: cost = %+v", s.Cost)
	}
}

func TestIntegrate(t *testing.T) {
	pts := [][2]float64{{2, 1}, {4, 3}, {6, 0}}
	for _, c := range []struct{ a, b, want float64 }{
		{0, 10, 2*1 + 2*1 + 2*3}, // the first value from a
		{3, 5, 1 + 3},
		{6, 10, 0},
		{5, 5, 0},
	} {
		if got := integrate(pts, c.a, c.b); got != c.want {
			t.Errorf("integrate(%v, %v) = %v; want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestUSD(t *testing.T) {
	for v, want := range map[float64]string{0: "$0", 2.866: "$2.87", 1197.4: "$1197", 0.0031: "$0.0031", 0.05: "$0.05"} {
		if got := USD(v); got != want {
			t.Errorf("USD(%v) = %q; want %q", v, got, want)
		}
	}
}

// TestCostCaveats: a cost that rests on LMI capacity measured while
// instances were still being added, while requests were throttled, or on
// instances barely used says so, in the summary, the answer and the
// break-even, and a steady one says nothing.
func TestCostCaveats(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(r *stats.Run)
		want string // "" is none
	}{
		{"steady", func(*stats.Run) {}, ""},
		{"scaling out", func(r *stats.Run) {
			r.Extra[0].Points = append(r.Extra[0].Points, [2]float64{16, 6})
		}, "instances went from 4 to 6 during the peak stage (scaling out)"},
		{"throttled", func(r *stats.Run) {
			for range 50 {
				r.Add(&rows.Record{Endpoint: "lmi", Stage: 1, Status: 429, Elapsed: 15 * time.Second})
			}
		}, "4.8 % of its requests at the peak were throttled"},
		{"barely used", func(r *stats.Run) {
			r.Extra[0].Points = [][2]float64{{0, 30}}
		}, "its instances averaged 0.33 requests in flight each (far below saturation)"},
	} {
		r := costRun(t)
		tt.edit(r)
		s := Of(r)
		lmi := s.Cost.Endpoints[1]
		var out strings.Builder
		if err := WriteAnswer(&out, s); err != nil {
			t.Fatal(err)
		}
		if tt.want == "" {
			if len(lmi.Caveats) > 0 || strings.Contains(out.String(), "not a steady state") {
				t.Errorf("%s: caveats %v; want none\n%s", tt.name, lmi.Caveats, out.String())
			}
			continue
		}
		if !strings.Contains(strings.Join(lmi.Caveats, "; "), tt.want) {
			t.Errorf("%s: caveats %v; want %q", tt.name, lmi.Caveats, tt.want)
		}
		for _, want := range []string{"not a steady state: " + tt.want, "which is not a steady state (see lmi)", "cost: lmi's capacity at the peak stage is not a steady state"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: answer lacks %q:\n%s", tt.name, want, out.String())
			}
		}
	}
}

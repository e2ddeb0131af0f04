package cost

import (
	"math"
	"strings"
	"testing"
)

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*max(1, math.Abs(want)) {
		t.Errorf("%s = %.10g, want %.10g", what, got, want)
	}
}

// The figures below are worked by hand from the default prices.
func TestBill(t *testing.T) {
	p := Defaults()
	discounted := p
	discounted.LambdaDiscount, discounted.EC2Discount = 0.20, 0.50
	std := Function{MemoryMB: 2048}
	lmi := Function{LMI: true}
	// 1M requests of 100 ms billed at 2 GB: 100,000 s × 2 GB = 200,000
	// GB-s × $0.0000133334 = $2.66668, plus $0.20 of requests.
	stdUse := Usage{Requests: 1_000_000, BilledMS: 100 * 1_000_000}
	// One instance-hour: $0.15952, fee 15 % of it = $0.023928.
	lmiUse := Usage{Requests: 1_000_000, InstanceSeconds: 3600}
	for _, c := range []struct {
		name  string
		p     Prices
		f     Function
		u     Usage
		total float64
		parts [4]float64 // requests, duration, instances, fee
	}{
		{"standard", p, std, stdUse, 2.86668, [4]float64{0.2, 2.66668, 0, 0}},
		{"standard, 20 % off duration", discounted, std, stdUse, 0.2 + 2.66668*0.8, [4]float64{0.2, 2.133344, 0, 0}},
		{"standard 128 MB", p, Function{MemoryMB: 128}, stdUse, 0.2 + 2.66668/16, [4]float64{0.2, 0.1666675, 0, 0}},
		{"lmi", p, lmi, lmiUse, 0.383448, [4]float64{0.2, 0, 0.15952, 0.023928}},
		{"lmi, 50 % off the instance, not the fee", discounted, lmi, lmiUse, 0.303688, [4]float64{0.2, 0, 0.07976, 0.023928}},
		{"nothing", p, lmi, Usage{}, 0, [4]float64{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := c.p.Bill(c.f, c.u)
			near(t, "total", b.Total, c.total)
			near(t, "requests", b.Requests, c.parts[0])
			near(t, "duration", b.Duration, c.parts[1])
			near(t, "instances", b.Instances, c.parts[2])
			near(t, "fee", b.ManagementFee, c.parts[3])
			if c.u.Requests > 0 {
				near(t, "per million", b.PerMillion, c.total) // a million requests
			}
		})
	}
}

func TestProjection(t *testing.T) {
	p := Defaults()
	perSecond := 0.15952 / 3600 * 1.15 // an instance with its fee
	near(t, "instance-second", p.InstanceSecond(), perSecond)
	// $2.86668 per million at 100 req/s for 2,628,000 s.
	near(t, "standard month", StandardMonthly(2.86668, 100), 2.86668e-6*100*2_628_000)
	// 100 req/s at 100 per instance: the minimum of 3 instances.
	near(t, "lmi month, minimum", p.LMIMonthly(100, 100), (100*0.2e-6+3*perSecond)*2_628_000)
	// 1,000 req/s at 100 per instance: 10 instances.
	near(t, "lmi month, scaled", p.LMIMonthly(1000, 100), (1000*0.2e-6+10*perSecond)*2_628_000)

	rate, ok := p.BreakEven(2.86668, 100)
	if !ok {
		t.Fatal("no break-even where LMI's marginal request is cheaper")
	}
	// 3 × $5.0958e-5 per second / ($2.86668e-6 − $0.2e-6) per request.
	near(t, "break-even", rate, 3*perSecond/2.66668e-6)
	near(t, "costs equal there", StandardMonthly(2.86668, rate), p.LMIMonthly(rate, 100))

	// A standard request cheaper than LMI's marginal one: never.
	if _, ok := p.BreakEven(0.25, 100); ok {
		t.Error("break-even found where a standard request is cheaper than LMI's at any rate")
	}
	if _, ok := p.BreakEven(2.86668, 0); ok {
		t.Error("break-even found without a measured capacity per instance")
	}
}

func TestValidate(t *testing.T) {
	if err := Defaults().Validate(); err != nil {
		t.Fatal(err)
	}
	p := Defaults()
	p.GBSecond, p.EC2Discount, p.RequestsPerMillion = -1, 1, math.NaN()
	err := p.Validate()
	for _, want := range []string{"price-gb-second -1:", "discount-ec2 100:", "price-requests NaN:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to name %s", err, want)
		}
	}
	if _, err := GBSecondOf("sparc"); err == nil {
		t.Error("GBSecondOf(sparc) has a price")
	}
	if g, _ := GBSecondOf(X8664); g != 0.0000166667 {
		t.Errorf("x86_64 GB-second = %g", g)
	}
}

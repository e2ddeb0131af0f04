package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/cost"
)

const catCost = "9 · Cost (us-east-1 on-demand defaults; README gives each price's source)"

// costFlags price the requests, for run and report alike.
func costFlags() []cli.Flag {
	d := cost.Defaults()
	f64 := func(name string, v float64, usage string) cli.Flag {
		return &cli.Float64Flag{Name: name, Value: v, EnvVars: env(name), Category: catCost, Usage: usage}
	}
	return []cli.Flag{
		f64("price-requests", d.RequestsPerMillion, "USD per million requests, standard and LMI alike"),
		&cli.StringFlag{Name: "architecture", Value: d.Architecture, EnvVars: env("architecture"), Category: catCost,
			Usage: "arm64 or x86_64: the standard functions' GB-second price (the template's functions are arm64)"},
		&cli.Float64Flag{Name: "price-gb-second", EnvVars: env("price-gb-second"), Category: catCost, DefaultText: "by --architecture: arm64 0.0000133334, x86_64 0.0000166667",
			Usage: "USD per GB-second of standard duration"},
		&cli.StringFlag{Name: "instance-type", Value: d.InstanceType, EnvVars: env("instance-type"), Category: catCost,
			Usage: "the capacity provider's instance type, as the report names it (its price is --price-instance-hour)"},
		f64("price-instance-hour", d.InstanceHourly, "USD per hour of one instance, on demand"),
		f64("lmi-management-fee", d.ManagementFee*100, "LMI's compute management fee, % of the on-demand instance price"),
		f64("discount-lambda", 0, "% off standard duration (a Compute Savings Plan); requests are not discounted"),
		f64("discount-ec2", 0, "% off the instance price (a Savings Plan, Reserved Instances); the management fee is not discounted"),
		f64("lmi-min-instances", d.MinInstances, "instances a capacity provider keeps at any load, for the monthly projection and break-even"),
		&cli.StringFlag{Name: "cost-at", EnvVars: env("cost-at"), Category: catCost,
			Usage: "project a month at this steady rate: 200/s, 30000/min, 1e6/h, 5e8/month (730 h)"},
		&cli.StringSliceFlag{Name: "cost-endpoint", EnvVars: env("cost-endpoint"), Category: catCost,
			Usage: "how an endpoint of --target is billed: NAME=MB (a standard function of MB) or NAME=lmi, repeatable"},
	}
}

// pricingFromFlags is base with the cost flags that were given over it
// (run's base is the defaults; report's, what each run recorded);
// endpoints, unless nil, are the names --cost-endpoint may give.
func pricingFromFlags(c *cli.Context, base *cost.Pricing, endpoints []string) (*cost.Pricing, error) {
	out := &cost.Pricing{Prices: base.Prices, At: base.At, Functions: map[string]cost.Function{}}
	for k, v := range base.Functions {
		out.Functions[k] = v
	}
	p := &out.Prices
	setF := func(dst *float64, flag string, scale float64) {
		if c.IsSet(flag) {
			*dst = c.Float64(flag) * scale
		}
	}
	if c.IsSet("architecture") {
		p.Architecture = c.String("architecture")
		gb, err := cost.GBSecondOf(p.Architecture)
		if err != nil {
			return nil, refuse(err)
		}
		p.GBSecond = gb
	}
	if c.IsSet("instance-type") {
		p.InstanceType = c.String("instance-type")
	}
	setF(&p.RequestsPerMillion, "price-requests", 1)
	setF(&p.GBSecond, "price-gb-second", 1)
	setF(&p.InstanceHourly, "price-instance-hour", 1)
	setF(&p.ManagementFee, "lmi-management-fee", 0.01)
	setF(&p.LambdaDiscount, "discount-lambda", 0.01)
	setF(&p.EC2Discount, "discount-ec2", 0.01)
	setF(&p.MinInstances, "lmi-min-instances", 1)
	if err := p.Validate(); err != nil {
		return nil, refuse(err)
	}
	var err error
	if s := c.String("cost-at"); s != "" {
		if out.At, err = parseRate(s); err != nil {
			return nil, badInput("--cost-at %q: %v", s, err)
		}
	}
	known := map[string]bool{}
	for _, n := range endpoints {
		known[n] = true
	}
	for _, s := range c.StringSlice("cost-endpoint") {
		name, f, err := parseCostEndpoint(s)
		if err == nil && endpoints != nil && !known[name] {
			err = fmt.Errorf("no endpoint is named %q (endpoints: %s)", name, strings.Join(endpoints, ", "))
		}
		if err != nil {
			return nil, badInput("--cost-endpoint %q: %v", s, err)
		}
		out.Functions[name] = f
	}
	return out, nil
}

// parseCostEndpoint reads NAME=MB or NAME=lmi.
func parseCostEndpoint(s string) (string, cost.Function, error) {
	name, v, ok := strings.Cut(s, "=")
	name, v = strings.TrimSpace(name), strings.TrimSpace(v)
	if !ok || name == "" {
		return "", cost.Function{}, fmt.Errorf("want NAME=MB or NAME=lmi")
	}
	if strings.EqualFold(v, "lmi") {
		return name, cost.Function{LMI: true}, nil
	}
	mb, err := strconv.Atoi(strings.TrimSuffix(strings.ToUpper(v), "MB"))
	if err != nil || mb < 128 || mb > 10240 {
		return "", cost.Function{}, fmt.Errorf("memory %q: want a whole number of MB within 128..10240 (Lambda's range), or lmi", v)
	}
	return name, cost.Function{MemoryMB: mb}, nil
}

// parseRate reads a steady rate as N/s, N/min, N/h, N/d or N/month (730
// hours); a bare number is per second.
func parseRate(s string) (float64, error) {
	num, per, _ := strings.Cut(strings.TrimSpace(s), "/")
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) {
		return 0, fmt.Errorf("want a positive rate such as 200/s")
	}
	unit := map[string]time.Duration{"": time.Second, "s": time.Second, "min": time.Minute,
		"h": time.Hour, "d": 24 * time.Hour, "month": cost.SecondsPerMonth * time.Second}
	d, ok := unit[strings.TrimSpace(per)]
	if !ok {
		return 0, fmt.Errorf("unit %q: want s, min, h, d or month", per)
	}
	return v / d.Seconds(), nil
}

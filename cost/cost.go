// Package cost prices a run's requests as AWS bills them: a standard
// function by its requests and billed duration × memory, a function on
// Lambda Managed Instances by its requests and the time of the instances
// that ran it, plus the management fee. From the measured cost of a run it
// projects a month at a steady rate and the rate where LMI and a standard
// function cost the same.
package cost

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/lmibench/lmibench/setting"
)

// Architectures and their GB-second prices (us-east-1, on demand).
const (
	ARM64 = "arm64"
	X8664 = "x86_64"
)

// gbSecond is the standard duration price per GB-second of each
// architecture (first pricing tier).
var gbSecond = map[string]float64{ARM64: 0.0000133334, X8664: 0.0000166667}

// SecondsPerMonth is AWS's month of 730 hours, as its calculator uses.
const SecondsPerMonth = 730 * 3600

// Prices are what AWS charges, in USD. Defaults gives us-east-1 on-demand
// prices; README states each one's source and date.
type Prices struct {
	// RequestsPerMillion is the price of a million requests, the same on
	// standard Lambda and LMI.
	RequestsPerMillion float64 `json:"requests_per_million_usd"`
	// Architecture chooses GBSecond's default.
	Architecture string `json:"architecture"`
	// GBSecond is the standard duration price per GB-second.
	GBSecond float64 `json:"gb_second_usd"`
	// InstanceType and InstanceHourly are the capacity provider's instance
	// and its on-demand price per hour.
	InstanceType   string  `json:"instance_type"`
	InstanceHourly float64 `json:"instance_hourly_usd"`
	// ManagementFee is LMI's compute management fee, a fraction of the
	// instance's on-demand price (0.15).
	ManagementFee float64 `json:"management_fee"`
	// LambdaDiscount and EC2Discount are fractions off the standard
	// duration price and off the instance price (a Compute Savings Plan,
	// say). The management fee stays a fraction of the on-demand price.
	LambdaDiscount float64 `json:"lambda_discount"`
	EC2Discount    float64 `json:"ec2_discount"`
	// MinInstances is how few instances a capacity provider keeps however
	// low the load (3, one per Availability Zone), for projections.
	MinInstances float64 `json:"lmi_min_instances"`
}

// Defaults are us-east-1 on-demand prices for the template's functions
// (arm64; c8g.xlarge instances).
func Defaults() Prices {
	return Prices{
		RequestsPerMillion: 0.20, Architecture: ARM64, GBSecond: gbSecond[ARM64],
		InstanceType: "c8g.xlarge", InstanceHourly: 0.15952, ManagementFee: 0.15, MinInstances: 3,
	}
}

// GBSecondOf is the default GB-second price of an architecture.
func GBSecondOf(arch string) (float64, error) {
	p, ok := gbSecond[arch]
	if !ok {
		return 0, setting.Errorf("architecture", strconv.Quote(arch), "want %s or %s", ARM64, X8664)
	}
	return p, nil
}

// Validate reports every price that cannot be, naming its flag.
func (p Prices) Validate() error {
	var errs []error
	check := func(ok bool, key string, v float64, want string) {
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			errs = append(errs, setting.Errorf(key, fmt.Sprintf("%g", v), "%s", want))
		}
	}
	check(p.RequestsPerMillion >= 0, "price-requests", p.RequestsPerMillion, "must be >= 0")
	check(p.GBSecond >= 0, "price-gb-second", p.GBSecond, "must be >= 0")
	check(p.InstanceHourly >= 0, "price-instance-hour", p.InstanceHourly, "must be >= 0")
	check(p.ManagementFee >= 0 && p.ManagementFee <= 10, "lmi-management-fee", p.ManagementFee*100, "must be a percentage within 0..1000")
	check(p.LambdaDiscount >= 0 && p.LambdaDiscount < 1, "discount-lambda", p.LambdaDiscount*100, "must be a percentage within 0..99")
	check(p.EC2Discount >= 0 && p.EC2Discount < 1, "discount-ec2", p.EC2Discount*100, "must be a percentage within 0..99")
	check(p.MinInstances >= 0, "lmi-min-instances", p.MinInstances, "must be >= 0")
	return errors.Join(errs...)
}

// Function is how an endpoint is billed: a standard function of
// MemoryMB, or a function on Lambda Managed Instances.
type Function struct {
	MemoryMB int  `json:"memory_mb,omitempty"`
	LMI      bool `json:"lmi,omitempty"`
}

// Known says whether the function is priced at all.
func (f Function) Known() bool { return f.LMI || f.MemoryMB > 0 }

func (f Function) String() string {
	switch {
	case f.LMI:
		return "LMI"
	case f.MemoryMB > 0:
		return fmt.Sprintf("standard %d MB", f.MemoryMB)
	}
	return "not priced"
}

// Usage is what a function used over a window.
type Usage struct {
	// Requests are the billed invocations (throttled and unanswered
	// requests are not billed).
	Requests int64
	// BilledMS is the invocations' billed duration in ms, each rounded up
	// to 1 ms (standard only).
	BilledMS float64
	// InstanceSeconds is the capacity provider's instances × seconds over
	// the window (LMI only).
	InstanceSeconds float64
}

// Bill is what a Usage costs, in USD, and per million of its requests.
type Bill struct {
	Requests      float64 `json:"requests_usd"`
	Duration      float64 `json:"duration_usd"`
	Instances     float64 `json:"instances_usd"`
	ManagementFee float64 `json:"management_fee_usd"`
	Total         float64 `json:"total_usd"`
	// PerMillion is Total per million requests; 0 without requests.
	PerMillion float64 `json:"per_million_usd"`
}

// Bill prices u as f is billed.
func (p Prices) Bill(f Function, u Usage) Bill {
	b := Bill{Requests: float64(u.Requests) * p.RequestsPerMillion / 1e6}
	if f.LMI {
		od := u.InstanceSeconds * p.InstanceHourly / 3600
		b.Instances, b.ManagementFee = od*(1-p.EC2Discount), od*p.ManagementFee
	} else {
		b.Duration = u.BilledMS / 1000 * float64(f.MemoryMB) / 1024 * p.GBSecond * (1 - p.LambdaDiscount)
	}
	b.Total = b.Requests + b.Duration + b.Instances + b.ManagementFee
	if u.Requests > 0 {
		b.PerMillion = b.Total / float64(u.Requests) * 1e6
	}
	return b
}

// InstanceSecond is what one second of one instance costs, fee included.
func (p Prices) InstanceSecond() float64 {
	return p.InstanceHourly / 3600 * (1 - p.EC2Discount + p.ManagementFee)
}

// StandardMonthly is a month of a standard function at rate requests per
// second, at the measured cost per million requests.
func StandardMonthly(perMillion, rate float64) float64 {
	return perMillion / 1e6 * rate * SecondsPerMonth
}

// LMIMonthly is a month of an LMI function at rate requests per second,
// when each instance serves perInstance requests per second: the instances
// the rate needs (at least MinInstances; fractional, where real capacity
// comes in whole instances) and the requests.
func (p Prices) LMIMonthly(rate, perInstance float64) float64 {
	instances := p.MinInstances
	if perInstance > 0 {
		instances = max(instances, rate/perInstance)
	}
	return (rate*p.RequestsPerMillion/1e6 + instances*p.InstanceSecond()) * SecondsPerMonth
}

// BreakEven is the request rate at which LMI, serving perInstance requests
// per second on each instance, costs what a standard function costs at
// perMillion: below it the standard function is cheaper. ok is false when
// LMI is never cheaper: when a request on LMI at full instances costs as
// much as one on the standard function, or more.
//
// Below MinInstances × perInstance, LMI costs its minimum instances plus
// the requests; the standard function costs the rate × its price. They
// meet where rate × (standard − request price) = the minimum's cost per
// second, which is always below that knee when LMI's marginal request is
// the cheaper.
func (p Prices) BreakEven(perMillion, perInstance float64) (rate float64, ok bool) {
	if perInstance <= 0 {
		return 0, false
	}
	standard, request := perMillion/1e6, p.RequestsPerMillion/1e6
	if standard <= request+p.InstanceSecond()/perInstance {
		return 0, false
	}
	return p.MinInstances * p.InstanceSecond() / (standard - request), true
}

// Package emulator is the local stand-in for AWS Lambda: the benchmark's
// three endpoints on loopback, each behind a model of how Lambda runs it,
// so a run without an AWS account shows what the tool exists to show.
//
//   - standard (128 MB, 2048 MB): one request per execution environment at
//     a time; a request that finds no idle environment starts one (a cold
//     start); idle environments stay warm for a while; CPU in proportion to
//     memory (1,769 MB = 1 vCPU); an account concurrency limit gives 429.
//   - LMI (2048 MB): environments of 1 vCPU (2 GiB per vCPU) take up to 64
//     requests at once and share their vCPU; no cold starts on the request
//     path; 3 environments on 3 instances to begin with; asynchronous
//     scaling on CPU utilisation and concurrency with headroom for traffic
//     to double; a request finding every environment full gets 429; gradual
//     scale-in; a maximum vCPU count.
//
// CPU work is modelled as time (a calibrated cost per hash loop), not
// burned; the I/O delay is a real sleep. Platform processes (scale-out,
// warm periods, scaling ticks) run on a clock compressed by TimeScale, so a
// short local run shows minutes of platform behaviour.
package emulator

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/lmibench/lmibench/setting"
)

// Config holds every parameter of the models. The defaults and where they
// come from:
type Config struct {
	// HashLoopCost is the CPU time of one SHA-256 loop at one full vCPU:
	// 450 ns, calibrated on the original benchmark's published 2048 MB
	// high-cpu p99 (~94 ms for 200,000 loops; 2048 MB is over one vCPU and
	// the handler is single-threaded).
	HashLoopCost time.Duration `json:"hash_loop_cost_ns"`
	// Overhead is the handler's fixed time per request besides its work
	// (1 ms).
	Overhead time.Duration `json:"overhead_ns"`
	// TimeScale compresses the platform's clock: 10 means one real second
	// is ten seconds of scale-out delays, warm periods and scaling ticks
	// (1 = real time).
	TimeScale float64 `json:"time_scale"`

	// ColdStart is a standard environment's init before its first request:
	// 150 ms, typical of a Go function on provided.al2023.
	ColdStart time.Duration `json:"cold_start_ns"`
	// IdleTimeout is how long an idle standard environment stays warm
	// (platform time): 10 minutes, within the 5–15 minutes seen in practice.
	IdleTimeout time.Duration `json:"idle_timeout_ns"`
	// AccountConcurrency caps busy standard environments across functions:
	// 1,000, the default account limit. Above it, 429.
	AccountConcurrency int `json:"account_concurrency"`
	// MBPerVCPU is the memory that buys one full vCPU on standard Lambda:
	// 1,769 MB (AWS documentation).
	MBPerVCPU float64 `json:"mb_per_vcpu"`

	// LMIMaxConcurrency is requests per LMI environment at once: 64, the
	// template's PerExecutionEnvironmentMaxConcurrency.
	LMIMaxConcurrency int `json:"lmi_max_concurrency"`
	// LMIInitialEnvs is the environments a published version starts with:
	// 3, on 3 instances (AWS documentation).
	LMIInitialEnvs int `json:"lmi_initial_envs"`
	// LMIInstanceVCPUs and LMIInstanceGiB are the capacity provider's
	// instance: a c8g.xlarge, 4 vCPUs and 8 GiB.
	LMIInstanceVCPUs int     `json:"lmi_instance_vcpus"`
	LMIInstanceGiB   float64 `json:"lmi_instance_gib"`
	// LMIGiBPerVCPU is an environment's memory per vCPU
	// (ExecutionEnvironmentMemoryGiBPerVCpu): 2, the template's; an
	// environment has 1 vCPU.
	LMIGiBPerVCPU float64 `json:"lmi_gib_per_vcpu"`
	// LMIReservedVCPUs and LMIReservedGiB are what each instance keeps for
	// its operating system: 1 vCPU and 1 GiB, as AWS's LMI pricing
	// calculator reserves. A c8g.xlarge then holds 3 environments.
	LMIReservedVCPUs float64 `json:"lmi_reserved_vcpus"`
	LMIReservedGiB   float64 `json:"lmi_reserved_gib"`
	// LMIEnvsPerInstance, when above 0, packs that many environments on an
	// instance instead of what its vCPUs and memory hold.
	LMIEnvsPerInstance int `json:"lmi_envs_per_instance,omitempty"`
	// LMIMaxVCPUs caps the capacity provider: 64, the template's
	// MaxVCpuCount default.
	LMIMaxVCPUs int `json:"lmi_max_vcpus"`
	// LMIHeadroom is capacity over demand the scaler keeps: 2, so traffic
	// can double before new environments are needed (AWS documentation:
	// headroom for traffic to double within 5 minutes).
	LMIHeadroom float64 `json:"lmi_headroom"`
	// LMIScaleOutDelay is how long a new environment takes to be ready
	// (platform time): 2 minutes for an instance launch and init, inside the
	// 5 minutes the headroom covers.
	LMIScaleOutDelay time.Duration `json:"lmi_scale_out_delay_ns"`
	// LMIScaleTick is how often the scaler looks (platform time): 30 s.
	LMIScaleTick time.Duration `json:"lmi_scale_tick_ns"`
	// LMIScaleInAfter is how long demand must stay low before scale-in
	// starts, one environment per tick (platform time): 5 minutes.
	LMIScaleInAfter time.Duration `json:"lmi_scale_in_after_ns"`
}

// Defaults are the models' parameters as documented on Config.
func Defaults() Config {
	return Config{
		HashLoopCost: 450 * time.Nanosecond, Overhead: time.Millisecond, TimeScale: 1,
		ColdStart: 150 * time.Millisecond, IdleTimeout: 10 * time.Minute, AccountConcurrency: 1000, MBPerVCPU: 1769,
		LMIMaxConcurrency: 64, LMIInitialEnvs: 3, LMIMaxVCPUs: 64, LMIHeadroom: 2,
		LMIInstanceVCPUs: 4, LMIInstanceGiB: 8, LMIGiBPerVCPU: 2, LMIReservedVCPUs: 1, LMIReservedGiB: 1,
		LMIScaleOutDelay: 2 * time.Minute, LMIScaleTick: 30 * time.Second, LMIScaleInAfter: 5 * time.Minute,
	}
}

// Validate reports every out-of-range parameter, each a *setting.Error
// keyed by its name (the CLI's flags are "emu-" and the key).
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, key string, v any, want string) {
		if !ok {
			errs = append(errs, setting.Errorf(key, "", "%v %s", v, want))
		}
	}
	check(c.HashLoopCost >= 0, "hash-loop-cost", c.HashLoopCost, "must be >= 0")
	check(c.Overhead >= 0, "overhead", c.Overhead, "must be >= 0")
	check(c.TimeScale >= 1 && c.TimeScale <= 3600, "time-scale", c.TimeScale, "must be within 1..3600")
	check(c.ColdStart >= 0, "cold-start", c.ColdStart, "must be >= 0")
	check(c.IdleTimeout > 0, "idle-timeout", c.IdleTimeout, "must be > 0")
	check(c.AccountConcurrency >= 1, "account-concurrency", c.AccountConcurrency, "must be >= 1")
	check(c.MBPerVCPU > 0, "mb-per-vcpu", c.MBPerVCPU, "must be > 0")
	check(c.LMIMaxConcurrency >= 1, "lmi-max-concurrency", c.LMIMaxConcurrency, "must be >= 1")
	check(c.LMIInitialEnvs >= 1, "lmi-initial-envs", c.LMIInitialEnvs, "must be >= 1")
	check(c.LMIEnvsPerInstance >= 0, "lmi-envs-per-instance", c.LMIEnvsPerInstance, "must be >= 0 (0: as the instance holds)")
	check(c.LMIGiBPerVCPU >= 2 && c.LMIGiBPerVCPU <= 8, "lmi-gib-per-vcpu", c.LMIGiBPerVCPU, "must be within 2..8, as LMI allows")
	check(c.LMIReservedVCPUs >= 0, "lmi-reserved-vcpus", c.LMIReservedVCPUs, "must be >= 0")
	check(c.LMIReservedGiB >= 0, "lmi-reserved-gib", c.LMIReservedGiB, "must be >= 0")
	check(c.LMIEnvsPerInstance > 0 || c.envsPerInstance() >= 1, "lmi-reserved-vcpus", c.LMIReservedVCPUs,
		fmt.Sprintf("leaves no room for an environment of 1 vCPU and %g GiB on an instance of %d vCPUs and %g GiB", c.LMIGiBPerVCPU, c.LMIInstanceVCPUs, c.LMIInstanceGiB))
	check(c.LMIMaxVCPUs >= c.LMIInitialEnvs, "lmi-max-vcpus", c.LMIMaxVCPUs, "must be >= the initial environments (lmi-initial-envs)")
	check(c.LMIHeadroom >= 1, "lmi-headroom", c.LMIHeadroom, "must be >= 1")
	check(c.LMIScaleOutDelay >= 0, "lmi-scale-out-delay", c.LMIScaleOutDelay, "must be >= 0")
	check(c.LMIScaleTick > 0, "lmi-scale-tick", c.LMIScaleTick, "must be > 0")
	check(c.LMIScaleInAfter >= 0, "lmi-scale-in-after", c.LMIScaleInAfter, "must be >= 0")
	return errors.Join(errs...)
}

// envsPerInstance is how many environments of 1 vCPU an instance holds
// beside what it reserves for its operating system:
//
//	min(vCPUs − reserved vCPUs, (GiB − reserved GiB) ÷ GiB per vCPU), whole
//	c8g.xlarge: min(4 − 1, (8 − 1) ÷ 2) = min(3, 3.5) → 3
func (c Config) envsPerInstance() int {
	if c.LMIEnvsPerInstance > 0 {
		return c.LMIEnvsPerInstance
	}
	byCPU := float64(c.LMIInstanceVCPUs) - c.LMIReservedVCPUs
	byMem := (c.LMIInstanceGiB - c.LMIReservedGiB) / c.LMIGiBPerVCPU
	return int(math.Floor(min(byCPU, byMem)))
}

// real turns a platform duration into wall-clock time.
func (c Config) real(d time.Duration) time.Duration { return time.Duration(float64(d) / c.TimeScale) }

// work is a request's CPU time at one full vCPU.
func (c Config) work(hashLoops int) float64 {
	return (time.Duration(hashLoops) * c.HashLoopCost).Seconds()
}

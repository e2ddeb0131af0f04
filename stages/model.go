package stages

import "time"

// Model is a load model: how a stage target turns into requests.
type Model string

const (
	// VUs is the closed model (k6 ramping-vus): the target is a number of
	// virtual users, each sending a request, waiting for its response,
	// sleeping the think time and repeating.
	VUs Model = "vus"
	// Rate is the open model (k6 ramping-arrival-rate): the target is
	// requests per second, sent on schedule whether or not earlier ones came
	// back, up to a cap of requests in flight.
	Rate Model = "rate"
)

// Unit is what the model's stage targets count: "VUs" or "req/s".
func (m Model) Unit() string {
	if m == Rate {
		return "req/s"
	}
	return "VUs"
}

// TargetAt is the profile's target at t in the model's unit: whole VUs
// (as k6 steps them) or req/s.
func (m Model) TargetAt(p *Profile, t time.Duration) float64 {
	if m == VUs {
		return float64(p.VUs(t))
	}
	return p.Target(t)
}

package cost

// Pricing is how a run's requests are priced: the prices, the rate of a
// monthly projection and how each endpoint is billed. A run's sidecar
// records it, so a report prices the run as it ran.
type Pricing struct {
	Prices Prices `json:"prices"`
	// At is a steady request rate (per second) to project a month at; 0
	// for no projection.
	At float64 `json:"at_rps,omitempty"`
	// Functions say how endpoints are billed, over what the targets say
	// (--cost-endpoint; the benchmark's own functions need none).
	Functions map[string]Function `json:"functions,omitempty"`
}

// DefaultPricing prices at Defaults with no projection.
func DefaultPricing() *Pricing { return &Pricing{Prices: Defaults()} }

package platform

// Series is a platform measurement over a run, e.g. LMI execution
// environment concurrency from CloudWatch or the emulator's instances:
// points of (seconds since the run's start, value).
type Series struct {
	Name   string       `json:"name"`
	Unit   string       `json:"unit,omitempty"`
	Points [][2]float64 `json:"points"`
	// Endpoint and Metric say what the series measures, when it is one
	// endpoint's metric (e.g. "lmi", "Throttles"), so a report can set it
	// beside what the run measured of that endpoint.
	Endpoint string `json:"endpoint,omitempty"`
	Metric   string `json:"metric,omitempty"`
	// Period is how many seconds each point sums or samples (CloudWatch's
	// period); 0 for instantaneous samples.
	Period float64 `json:"period_s,omitempty"`
	// Partial marks the points whose period reaches outside the window
	// observed (or was not yet complete when fetched): their values cover
	// only part of what they would.
	Partial []bool `json:"partial,omitempty"`
}

// Sum is the sum of the series' values.
func (s *Series) Sum() float64 {
	var sum float64
	for _, p := range s.Points {
		sum += p[1]
	}
	return sum
}

// SeriesFile is the JSON file of series saved beside a run's CSV, named
// like it with the extension ".series.json".
type SeriesFile struct {
	Source string   `json:"source"`
	Series []Series `json:"series"`
}

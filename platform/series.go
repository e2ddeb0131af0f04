package platform

// Series is a platform measurement over a run, e.g. LMI execution
// environment concurrency from CloudWatch or the emulator's instances:
// points of (seconds since the run's start, value).
type Series struct {
	Name   string       `json:"name"`
	Unit   string       `json:"unit,omitempty"`
	Points [][2]float64 `json:"points"`
}

// SeriesFile is the JSON file of series saved beside a run's CSV, named
// like it with the extension ".series.json".
type SeriesFile struct {
	Source string   `json:"source"`
	Series []Series `json:"series"`
}

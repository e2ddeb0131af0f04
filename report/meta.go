package report

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/stages"
)

// Meta is the run's sidecar, the small JSON file beside each CSV:
// everything about the run that is not a request, so a report can be
// rebuilt from the two alone.
type Meta struct {
	Version      string            `json:"lmibench_version"`
	CSVVersion   int               `json:"csv_version"`
	CSV          string            `json:"csv"`
	Scenario     string            `json:"scenario"`
	Workload     function.Work     `json:"workload"`
	Stages       []stages.Stage    `json:"stages"`
	StageLabels  []string          `json:"stage_labels"`
	LoadModel    attack.Model      `json:"load_model"`
	Think        string            `json:"think"`
	MaxInflight  int               `json:"max_inflight"`
	Timeout      string            `json:"timeout"`
	GracefulStop string            `json:"graceful_stop"`
	Targets      []platform.Target `json:"targets"` // URLs redacted
	Start        time.Time         `json:"start"`
	End          *time.Time        `json:"end,omitempty"`
	Interrupted  bool              `json:"interrupted"`
	Requests     int64             `json:"requests"`
	Dropped      uint64            `json:"dropped"`
	Flags        map[string]string `json:"flags,omitempty"`
	GoVersion    string            `json:"go_version"`
	Host         string            `json:"host"`
}

// ReadMeta reads a sidecar written by a run.
func ReadMeta(path string) (*Meta, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Meta
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.CSVVersion > attack.CSVVersion {
		return nil, fmt.Errorf("%s: csv_version %d is newer than this lmibench reads (%d)", path, s.CSVVersion, attack.CSVVersion)
	}
	return &s, nil
}

package runfiles

import (
	"fmt"
	"time"

	"github.com/lmibench/lmibench/cost"
	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/stages"
)

// Meta is the run's sidecar, the small JSON file beside each CSV:
// everything about the run that is not a request, so a report can be
// rebuilt from the two alone.
type Meta struct {
	// RunID is shared by the shards of one run (and unique otherwise).
	RunID      string        `json:"run_id,omitempty"`
	Shard      *ShardInfo    `json:"shard,omitempty"`
	Version    string        `json:"lmibench_version"`
	CSVVersion int           `json:"csv_version"`
	CSV        string        `json:"csv"`
	Scenario   string        `json:"scenario"`
	Workload   function.Work `json:"workload"`
	// AsGiven: the endpoints' own requests went as given, with no
	// workload asked of them; Workload is then not what was sent.
	AsGiven      bool              `json:"requests_as_given,omitempty"`
	Stages       []stages.Stage    `json:"stages"`
	StageLabels  []string          `json:"stage_labels"`
	LoadModel    stages.Model      `json:"load_model"`
	Think        string            `json:"think"`
	MaxInflight  int               `json:"max_inflight"`
	Timeout      string            `json:"timeout"`
	GracefulStop string            `json:"graceful_stop"`
	Targets      []platform.Target `json:"targets"` // URLs redacted
	// HTTPClients is the client each endpoint's requests went through:
	// fasthttp or net/http.
	HTTPClients map[string]string `json:"http_clients,omitempty"`
	// Platform says what the run went against: an emulator with its
	// parameters, a deployed stack with its CloudWatch metrics, …
	Platform *platform.Info `json:"platform,omitempty"`
	// Pricing is what the run's requests were priced at.
	Pricing *cost.Pricing `json:"pricing,omitempty"`
	Start   time.Time     `json:"start"`
	// End is when the load ended: the scenario's window ends there.
	End         *time.Time        `json:"end,omitempty"`
	Interrupted bool              `json:"interrupted"`
	Requests    int64             `json:"requests"`
	Dropped     uint64            `json:"dropped"`
	Flags       map[string]string `json:"flags,omitempty"`
	GoVersion   string            `json:"go_version"`
	Host        string            `json:"host"`
}

// ShardInfo says which share of a run's profile this machine ran: Index
// of Count (0-based), and a free Label such as the region.
type ShardInfo struct {
	Index int    `json:"index"`
	Count int    `json:"count"`
	Label string `json:"label,omitempty"`
}

// ReadMeta reads a sidecar written by a run.
func ReadMeta(path string) (*Meta, error) {
	var s Meta
	if err := ReadJSON(path, &s); err != nil {
		return nil, err
	}
	if s.CSVVersion > rows.CSVVersion {
		return nil, fmt.Errorf("%s: csv_version %d is newer than this lmibench reads (%d)", path, s.CSVVersion, rows.CSVVersion)
	}
	return &s, nil
}

package summary

import (
	"time"

	"github.com/lmibench/lmibench/stats"
)

// ShardSum is one shard of a merged run in brief, so that a slow region
// is not hidden in one pooled p99.
type ShardSum struct {
	Index int    `json:"index"`
	Count int    `json:"count"`
	Label string `json:"label,omitempty"`
	Host  string `json:"host,omitempty"`
	CSV   string `json:"csv"`
	// FirstSendS is the shard's first request, seconds after the shared
	// start: a shard that started late shows here.
	FirstSendS float64         `json:"first_send_s"`
	Endpoints  []ShardEndpoint `json:"endpoints"`
}

// ShardEndpoint is one endpoint as one shard saw it, over the run.
type ShardEndpoint struct {
	Name      string  `json:"name"`
	Requests  int64   `json:"requests"`
	Successes int64   `json:"successes"`
	RPS       float64 `json:"rps"`
	P50       float64 `json:"p50_ms"`
	P99       float64 `json:"p99_ms"`
}

// shardSums are the merged run's shards in brief; nil for any other run.
func shardSums(r *stats.Run) []ShardSum {
	var out []ShardSum
	for _, s := range r.Shards {
		ss := ShardSum{Index: s.Meta.Shard.Index, Count: s.Meta.Shard.Count, Label: s.Meta.Shard.Label, Host: s.Meta.Host, CSV: s.Source}
		first := time.Duration(-1)
		span := stats.Span{End: s.End()} // the shard's run, as the merged run's
		if span.End == 0 {
			span.End = s.Stats.LastSend()
		}
		for _, e := range s.Stats.Endpoints() {
			if first < 0 || e.All.First < first {
				first = e.All.First
			}
			ss.Endpoints = append(ss.Endpoints, ShardEndpoint{Name: e.Name, Requests: e.All.Requests, Successes: e.All.OK,
				RPS: Round3(e.All.SentPerSecond(span)), P50: MS(e.All.Quantile(0.5)), P99: MS(e.All.Quantile(0.99))})
		}
		ss.FirstSendS = Round3(max(first, 0).Seconds())
		out = append(out, ss)
	}
	return out
}

package report

import (
	"errors"
	"fmt"
	"github.com/lmibench/lmibench/attack"
	"reflect"
	"sort"
	"strings"
	"time"
)

// ErrShards is a set of shards that cannot be merged: one missing, one
// twice, or one of another run.
var ErrShards = errors.New("shards")

// MergeShards merges the runs that are shards of one run — sidecars with
// the same run id and scenario and a shard count over 1 — into one run
// each, from their rows: the merged statistics are those of one machine
// that sent every shard's requests. Other runs pass through in order. A
// missing, duplicated or mismatched shard is an ErrShards unless partial,
// which merges what there is and says what is missing in the run's
// Warning.
func MergeShards(runs []*Run, partial bool) ([]*Run, error) {
	type key struct{ id, scenario string }
	groups := map[key][]*Run{}
	var order []key
	var out []*Run
	for _, r := range runs {
		m := r.Meta
		if m == nil || m.Shard == nil || m.Shard.Count <= 1 || m.RunID == "" {
			out = append(out, r)
			continue
		}
		k := key{m.RunID, r.Name()}
		if groups[k] == nil {
			order = append(order, k)
			out = append(out, nil) // the merged run's place
		}
		groups[k] = append(groups[k], r)
	}
	merged := make([]*Run, 0, len(order))
	for _, k := range order {
		m, err := mergeGroup(groups[k], partial)
		if err != nil {
			return nil, fmt.Errorf("%w: run %s, %s: %v", ErrShards, k.id, k.scenario, err)
		}
		merged = append(merged, m)
	}
	for i := range out {
		if out[i] == nil {
			out[i], merged = merged[0], merged[1:]
		}
	}
	return out, nil
}

// mergeGroup checks that shards are one run's, all of them once, and
// merges their rows.
func mergeGroup(shards []*Run, partial bool) (*Run, error) {
	sort.SliceStable(shards, func(i, j int) bool { return shards[i].Meta.Shard.Index < shards[j].Meta.Shard.Index })
	first := shards[0].Meta
	n := first.Shard.Count
	seen := map[int]string{}
	for _, s := range shards {
		m := s.Meta
		if why := mismatch(first, m); why != "" {
			return nil, fmt.Errorf("%s differs from %s in its %s", s.Source, shards[0].Source, why)
		}
		if prev, ok := seen[m.Shard.Index]; ok {
			return nil, fmt.Errorf("shard %d of %d twice: %s and %s", m.Shard.Index, n, prev, s.Source)
		}
		seen[m.Shard.Index] = s.Source
	}
	var missing []string
	for i := range n {
		if _, ok := seen[i]; !ok {
			missing = append(missing, fmt.Sprint(i))
		}
	}
	if len(missing) > 0 && !partial {
		return nil, fmt.Errorf("shards %s of %d are missing (--partial merges those there are)", strings.Join(missing, ", "), n)
	}
	meta := *first
	meta.Shard, meta.Requests, meta.Dropped, meta.Interrupted, meta.Host = nil, 0, 0, false, ""
	var sources []string
	for _, s := range shards {
		meta.Requests += s.Meta.Requests
		meta.Dropped += s.Meta.Dropped
		meta.Interrupted = meta.Interrupted || s.Meta.Interrupted
		if e := s.Meta.End; e != nil && (meta.End == nil || e.After(*meta.End)) {
			meta.End = e
		}
		sources = append(sources, s.Source)
	}
	r := &Run{Meta: &meta, Profile: shards[0].Profile, Source: mergedSource(shards[0].Source), Shards: shards}
	r.Stats.Order = shards[0].Stats.Order
	var warnings []string
	if len(missing) > 0 {
		warnings = append(warnings, fmt.Sprintf("partial: shards %s of %d are missing, so this is %d/%d of the load", strings.Join(missing, ", "), n, len(shards), n))
	}
	for _, s := range shards {
		for _, x := range s.Extra { // each shard's own platform view
			if label := shardName(s.Meta.Shard); label != "" {
				x.Name = label + ": " + x.Name
			}
			r.Extra = append(r.Extra, x)
		}
		skip, stopped, err := scanRows(s.Source, func(rec *attack.Record) string { r.Add(rec); return "" })
		if err != nil {
			return nil, err
		}
		if skip.n > 0 || stopped != nil {
			warnings = append(warnings, s.Source+": "+s.Warning)
		}
	}
	if len(warnings) > 0 {
		r.Warning = strings.Join(warnings, "; ")
	}
	return r, nil
}

// mismatch names what makes b another run than a, or "".
func mismatch(a, b *Meta) string {
	switch {
	case b.Shard.Count != a.Shard.Count:
		return fmt.Sprintf("shard count (%d, not %d)", b.Shard.Count, a.Shard.Count)
	case !reflect.DeepEqual(b.Stages, a.Stages):
		return "stages"
	case b.LoadModel != a.LoadModel || b.Think != a.Think || b.MaxInflight != a.MaxInflight:
		return "load model"
	case !reflect.DeepEqual(b.Workload, a.Workload):
		return "workload"
	case len(b.Targets) != len(a.Targets):
		return "targets"
	case !b.Start.Equal(a.Start):
		return fmt.Sprintf("start (%s, not %s)", b.Start.Format(time.RFC3339Nano), a.Start.Format(time.RFC3339Nano))
	}
	for i := range a.Targets {
		if a.Targets[i].Name != b.Targets[i].Name || a.Targets[i].URL != b.Targets[i].URL {
			return "targets"
		}
	}
	return ""
}

// mergedSource names the merged run after its shards' CSVs, without the
// shard: results/fast-io-20261123T230000Z.csv.
func mergedSource(shardCSV string) string {
	i := strings.LastIndex(shardCSV, "-shard")
	if i < 0 {
		return shardCSV
	}
	return shardCSV[:i] + ".csv"
}

// shardName is "shard 2/4 (eu-west-1)".
func shardName(s *ShardInfo) string {
	if s == nil {
		return ""
	}
	n := fmt.Sprintf("shard %d/%d", s.Index, s.Count)
	if s.Label != "" {
		n += " (" + s.Label + ")"
	}
	return n
}

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
func (r *Run) shardSums() []ShardSum {
	var out []ShardSum
	for _, s := range r.Shards {
		ss := ShardSum{Index: s.Meta.Shard.Index, Count: s.Meta.Shard.Count, Label: s.Meta.Shard.Label, Host: s.Meta.Host, CSV: s.Source}
		first := time.Duration(-1)
		span := Span{End: s.Stats.LastSend()}
		if s.Profile != nil {
			span.End = min(span.End, s.Profile.Total())
		}
		for _, e := range s.Stats.Endpoints() {
			if first < 0 || e.All.First < first {
				first = e.All.First
			}
			ss.Endpoints = append(ss.Endpoints, ShardEndpoint{Name: e.Name, Requests: e.All.Requests, Successes: e.All.OK,
				RPS: round3(e.All.sentPerSecond(span)), P50: ms(e.All.Quantile(0.5)), P99: ms(e.All.Quantile(0.99))})
		}
		ss.FirstSendS = round3(max(first, 0).Seconds())
		out = append(out, ss)
	}
	return out
}

// shardTable is the per-shard table of a merged run's page.
func (r *Run) shardTable() (table, bool) {
	sums := r.shardSums()
	if len(sums) == 0 {
		return table{}, false
	}
	t := table{Title: "Per shard", Note: "Each shard's own requests over the run; the tables above merge them exactly, from every row. A shard that started late or ran slow shows here.",
		Head: []string{"shard", "host", "first request", "endpoint", "requests", "req/s", "p50", "p99", "errors %"}}
	for _, s := range sums {
		for _, e := range s.Endpoints {
			errs := 0.0
			if e.Requests > 0 {
				errs = 100 * float64(e.Requests-e.Successes) / float64(e.Requests)
			}
			t.Rows = append(t.Rows, []cell{{Text: shardName(&ShardInfo{Index: s.Index, Count: s.Count, Label: s.Label})}, {Text: s.Host},
				{Text: fmt.Sprintf("%.3f s", s.FirstSendS)}, {Text: e.Name}, {Text: fmt.Sprint(e.Requests)}, {Text: fmt.Sprintf("%.1f", e.RPS)},
				{Text: msText(e.P50)}, {Text: msText(e.P99)}, {Text: fmt.Sprintf("%.2f", errs)}})
		}
	}
	return t, true
}

package stats

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/runfiles"
)

// ErrShards is a set of shards that cannot be merged: one missing, one
// twice, or one of another run. ErrMissing is the first of these, which a
// partial merge accepts.
var (
	ErrShards  = errors.New("shards")
	ErrMissing = errors.New("missing")
)

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
			return nil, fmt.Errorf("%w: run %s, %s: %w", ErrShards, k.id, k.scenario, err)
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
		return nil, fmt.Errorf("shards %s of %d are %w", strings.Join(missing, ", "), n, ErrMissing)
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
			if label := ShardName(s.Meta.Shard); label != "" {
				x.Name = label + ": " + x.Name
			}
			r.Extra = append(r.Extra, x)
		}
		skip, stopped, err := runfiles.ScanRows(s.Source, func(rec *rows.Record) string { r.Add(rec); return "" })
		if err != nil {
			return nil, err
		}
		if skip.N > 0 || stopped != nil {
			warnings = append(warnings, s.Source+": "+s.Warning)
		}
	}
	if len(warnings) > 0 {
		r.Warning = strings.Join(warnings, "; ")
	}
	return r, nil
}

// mismatch names what makes b another run than a, or "".
func mismatch(a, b *runfiles.Meta) string {
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

// ShardName is "shard 2/4 (eu-west-1)".
func ShardName(s *runfiles.ShardInfo) string {
	if s == nil {
		return ""
	}
	n := fmt.Sprintf("shard %d/%d", s.Index, s.Count)
	if s.Label != "" {
		n += " (" + s.Label + ")"
	}
	return n
}

package attack

import (
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/lmibench/lmibench/internal/proftest"
	"github.com/lmibench/lmibench/stages"
)

// shardProfiles are the profiles the split is checked on: ramps up and
// down, holds, a start at full load, fractional rates.
var shardProfiles = []struct {
	name string
	ss   []stages.Stage
	// falls: users leave. Which one leaves is the next to finish its
	// request, on one machine among all, on N among the shard's that
	// must shrink: the counts agree at every instant (stages'
	// TestShardVUsStripe), the send instants of a leaving user need not.
	falls bool
}{
	{"ramp, hold, ramp", []stages.Stage{{Duration: 2 * time.Second, Target: 13}, {Duration: time.Second, Target: 13}, {Duration: 2 * time.Second, Target: 29}}, false},
	{"up and down", []stages.Stage{{Duration: 2 * time.Second, Target: 17}, {Duration: 2 * time.Second, Target: 3}, {Duration: time.Second, Target: 9}}, true},
	{"full at once", []stages.Stage{{Duration: time.Millisecond, Target: 7}, {Duration: 2 * time.Second, Target: 7}}, false},
	{"fractional rate", []stages.Stage{{Duration: 3 * time.Second, Target: 10.5}, {Duration: 1500 * time.Millisecond, Target: 0.5}}, false},
}

// driveShards runs every shard's pacer of one profile side by side, as N
// machines would, and returns each shard's send times.
func driveShards(n int, newPacer func(stages.Shard, time.Time) pacer, latency time.Duration) [][]time.Duration {
	start := time.Now()
	out := make([][]time.Duration, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			out[i], _ = drive(newPacer(stages.Shard{Index: i, Count: n}, start), start, latency)
		})
	}
	wg.Wait()
	return out
}

// TestShardsAddUpToOneMachine: for N = 1..16 and every profile, the shards'
// requests together are exactly one machine's, at the same instants: in the
// open model the schedules are disjoint and their union is the schedule; in
// the closed model every user starts, sends and leaves as on one machine.
func TestShardsAddUpToOneMachine(t *testing.T) {
	for _, pc := range shardProfiles {
		for _, model := range []stages.Model{stages.Rate, stages.VUs} {
			if model == stages.VUs && (pc.falls || pc.ss[0].Target != float64(int(pc.ss[0].Target))) {
				continue
			}
			t.Run(pc.name+"/"+string(model), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					prof := proftest.New(t, model == stages.VUs, pc.ss...)
					newPacer := func(s stages.Shard, start time.Time) pacer {
						if model == stages.VUs {
							return newVUPacer(prof, s, start, make(chan struct{}), 50*time.Millisecond)
						}
						return newRatePacer(prof, s, start, make(chan struct{}), 1<<20, func(time.Duration) { t.Error("dropped") })
					}
					one := driveShards(1, newPacer, 70*time.Millisecond)[0]
					for n := 2; n <= 16; n++ {
						var union []time.Duration
						for i, sent := range driveShards(n, newPacer, 70*time.Millisecond) {
							if model == stages.Rate {
								// Shard i sends requests i, i+n, i+2n, … of the schedule.
								for j, at := range sent {
									if k := i + j*n; k >= len(one) || at != one[k] {
										t.Fatalf("%d shards: shard %d's request %d at %v; want request %d of the schedule", n, i, j, at, k)
									}
								}
							}
							union = append(union, sent...)
						}
						slices.Sort(union)
						if !slices.Equal(union, one) {
							t.Fatalf("%d shards sent %d requests; one machine %d, or at other instants", n, len(union), len(one))
						}
					}
				})
			})
		}
	}
}

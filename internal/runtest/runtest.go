// Package runtest builds runs for the tests of the packages that read
// them (summary, report).
package runtest

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/stats"
)

// Lognormal is 4,000 log-normal latencies (median 50 ms, σ 0.5) per
// endpoint and stage over two stages of the fast-io scenario, plus shift
// for the named endpoints, drawn with seed. At that size the p99's 95 %
// interval is some 20 ms wide, so a shift must exceed it for the tail to
// be told from noise.
func Lognormal(seed uint64, shift map[string]time.Duration, endpoints ...string) *stats.Run {
	rng := rand.New(rand.NewPCG(seed, seed))
	r := &stats.Run{Source: "seed-" + strconv.FormatUint(seed, 10) + ".csv"}
	for stage := range 2 {
		for _, e := range endpoints {
			for range 4000 {
				ms := 50 * math.Exp(0.5*rng.NormFloat64())
				r.Add(&rows.Record{Scenario: "fast-io", Endpoint: e, Stage: stage, Status: 200,
					Latency: time.Duration(ms*float64(time.Millisecond)) + shift[e]})
			}
		}
	}
	return r
}

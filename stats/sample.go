package stats

import (
	"math/rand/v2"

	"github.com/lmibench/lmibench/rows"
)

// DefaultSampleSize is how many requests per endpoint the latency scatter
// keeps: enough to see the shape, few enough that the page stays small and
// the points do not hide each other.
const DefaultSampleSize = 4000

// Point is one sampled request.
type Point struct {
	Elapsed   float64 // seconds since the start
	LatencyMS float64
	OK        bool
}

// Sample keeps a uniform random sample of each endpoint's requests
// (reservoir sampling, algorithm R), in fixed memory. The random source is
// seeded, so a report from the same CSV is the same page. Its zero value
// works.
type Sample struct {
	// Size overrides DefaultSampleSize.
	Size int

	rng  *rand.Rand
	eps  map[string]*reservoir
	last *reservoir // the last row's: rows of one endpoint come in runs
}

type reservoir struct {
	name   string
	seen   int64
	points []Point
}

// Add offers one record to its endpoint's reservoir.
func (s *Sample) Add(r *rows.Record) {
	if s.eps == nil {
		s.eps = map[string]*reservoir{}
		s.rng = rand.New(rand.NewPCG(1, 1))
	}
	size := s.Size
	if size <= 0 {
		size = DefaultSampleSize
	}
	res := s.last
	if res == nil || res.name != r.Endpoint {
		if res = s.eps[r.Endpoint]; res == nil {
			res = &reservoir{name: r.Endpoint}
			s.eps[r.Endpoint] = res
		}
		s.last = res
	}
	res.seen++
	p := Point{Elapsed: r.Elapsed.Seconds(), LatencyMS: float64(r.Latency.Microseconds()) / 1000, OK: r.OK()}
	if len(res.points) < size {
		res.points = append(res.points, p)
		return
	}
	if j := s.rng.Int64N(res.seen); j < int64(size) {
		res.points[j] = p
	}
}

// Points returns an endpoint's sample in shuffled order, so that no part
// of the run is drawn on top of the rest, and how many requests it stands for.
func (s *Sample) Points(endpoint string) (points []Point, of int64) {
	res := s.eps[endpoint]
	if res == nil {
		return nil, 0
	}
	out := append([]Point(nil), res.points...)
	rng := rand.New(rand.NewPCG(2, 2))
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out, res.seen
}

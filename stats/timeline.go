package stats

import (
	"time"

	"github.com/lmibench/lmibench/rows"
)

// DefaultMaxBuckets bounds a timeline's buckets per endpoint. Buckets start
// one second wide and double (merging neighbours) whenever a run outgrows
// them, so memory never depends on the run's length or rows:
//
//	1s × 240 = 4 minutes; 2s → 8 minutes; 4s → 16 minutes (the default
//	stages' 12 minutes end up in 180 buckets of 4s).
const DefaultMaxBuckets = 240

// Bucket is one endpoint during one time bucket, by send time.
type Bucket struct {
	// Latency is kept to 2 significant figures (quantiles within 1%):
	// buckets are many, and their charts are coarse.
	outcomes
	// targetSum / targetN is the mean profile target of the bucket's rows.
	targetSum float64
	targetN   int64
}

// Target is the mean profile target (VUs or req/s) over the bucket's rows.
func (b *Bucket) Target() float64 {
	if b.targetN == 0 {
		return 0
	}
	return b.targetSum / float64(b.targetN)
}

func (b *Bucket) add(r *rows.Record) {
	b.Latency.sigfigs = 2
	b.outcomes.add(r)
	b.targetSum += r.Target
	b.targetN++
}

func (b *Bucket) merge(o *Bucket) {
	b.Counts.Merge(&o.Counts)
	b.Latency.Merge(&o.Latency)
	b.Envs.Merge(&o.Envs)
	b.targetSum += o.targetSum
	b.targetN += o.targetN
}

// Merge adds o's counts to c.
func (c *Counts) Merge(o *Counts) {
	c.Requests += o.Requests
	c.OK += o.OK
	c.S3xx += o.S3xx
	c.S4xx += o.S4xx
	c.S429 += o.S429
	c.S5xx += o.S5xx
	c.NoResponse += o.NoResponse
	c.Dropped += o.Dropped
	c.Cold += o.Cold
	c.FnRejected += o.FnRejected
	c.Billed += o.Billed
	c.ByLatency += o.ByLatency
	c.BilledMS += o.BilledMS
	c.Gateway500 += o.Gateway500
	c.Gateway500MS += o.Gateway500MS
}

// Timeline accumulates records per endpoint into time buckets. Its zero
// value works.
type Timeline struct {
	// MaxBuckets overrides DefaultMaxBuckets.
	MaxBuckets int

	width time.Duration
	eps   map[string][]*Bucket
}

// Width is the current bucket width.
func (t *Timeline) Width() time.Duration {
	if t.width == 0 {
		return time.Second
	}
	return t.width
}

// Add counts one record in the bucket of its send time.
func (t *Timeline) Add(r *rows.Record) {
	if t.eps == nil {
		t.eps = map[string][]*Bucket{}
		t.width = time.Second
	}
	limit := t.MaxBuckets
	if limit <= 0 {
		limit = DefaultMaxBuckets
	}
	el := max(r.Elapsed, 0)
	for int(el/t.width) >= limit {
		t.coarsen()
	}
	i := int(el / t.width)
	bs := t.eps[r.Endpoint]
	if len(bs) <= i {
		for len(bs) <= i {
			bs = append(bs, &Bucket{})
		}
		t.eps[r.Endpoint] = bs
	}
	bs[i].add(r)
}

// coarsen doubles the width, merging each pair of neighbouring buckets.
func (t *Timeline) coarsen() {
	t.width *= 2
	for name, bs := range t.eps {
		out := make([]*Bucket, (len(bs)+1)/2)
		for i, b := range bs {
			if out[i/2] == nil {
				out[i/2] = b
				continue
			}
			out[i/2].merge(b)
		}
		t.eps[name] = out
	}
}

// Buckets returns an endpoint's buckets; bucket i covers
// [i×Width, (i+1)×Width). Missing trailing buckets mean no rows.
func (t *Timeline) Buckets(endpoint string) []*Bucket { return t.eps[endpoint] }

// Len is the number of buckets of the longest endpoint.
func (t *Timeline) Len() int {
	n := 0
	for _, bs := range t.eps {
		n = max(n, len(bs))
	}
	return n
}

package stats

import (
	"math"
	"time"
)

// QuantileCI is a 95 % confidence interval for the q-quantile of the
// recorded latencies: with n of them, the number below the true quantile
// is Binomial(n, q), so the order statistics at ranks n·q ∓ 1.96·√(n·q·(1−q))
// bracket it. It needs no assumption on the distribution and is read from
// the histogram (whose own resolution, 3 significant figures, bounds it).
func (l *Latency) QuantileCI(q float64) (lo, hi time.Duration) {
	n := float64(l.Count())
	if n == 0 {
		return 0, 0
	}
	half := 1.96 * math.Sqrt(n*q*(1-q))
	rank := func(k float64) time.Duration {
		k = min(max(k, 1), n)
		return l.Quantile(k / n)
	}
	return rank(math.Floor(n*q - half)), rank(math.Ceil(n*q+half) + 1)
}

// Corrected is HdrHistogram's correction for coordinated omission with an
// expected interval: a closed-model user stuck on a response of v sent
// nothing meanwhile, where it would have sent every interval; each such
// latency v also stands for the requests it held back, of v − interval,
// v − 2·interval, … down to interval. It is an estimate: it assumes users
// would have gone on at the interval.
func (l *Latency) Corrected(interval time.Duration) *Latency {
	out := &Latency{}
	if l.h == nil || interval <= 0 {
		return out
	}
	step := int64(interval / time.Microsecond)
	h := out.hist()
	for _, b := range l.h.Distribution() {
		if b.Count == 0 {
			continue
		}
		v := b.From
		_ = h.RecordValues(v, b.Count)
		for missing := v - step; missing >= step; missing -= step {
			_ = h.RecordValues(missing, b.Count)
		}
	}
	return out
}

package stages

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxShards bounds N in --shard I/N.
const MaxShards = 10000

// Shard is one of Count machines that together run one profile exactly as
// one machine would, with nothing between them but a shared start time.
// Index is 0-based, as JOB_COMPLETION_INDEX and AWS_BATCH_JOB_ARRAY_INDEX.
// The zero value is the whole profile.
//
// Closed model: virtual user k (1-based) belongs to shard (k−1) mod Count,
// so each user starts and leaves at the instant it would on one machine and
// never moves between shards as the target grows (k6's striping for equal
// execution segments). Open model: request k (0-based) of the schedule is
// sent by shard k mod Count, at its due time.
type Shard struct{ Index, Count int }

// Whole says the shard is the whole profile.
func (s Shard) Whole() bool { return s.Count <= 1 }

// VUs is how many of v users on one machine are this shard's.
func (s Shard) VUs(v int) int {
	if s.Whole() {
		return v
	}
	return max(0, (v-s.Index+s.Count-1)/s.Count)
}

// Below is the largest number of users on one machine that gives this
// shard at most n of them: it has n+1 once there are Below(n)+1.
func (s Shard) Below(n int) int {
	if s.Whole() {
		return n
	}
	return s.Count*n + s.Index
}

// Empty says that this shard's share of p is nothing: no virtual user
// ever (vus), or no request of the schedule (rate).
func (s Shard) Empty(p *Profile, vus bool) bool {
	if vus {
		return s.VUs(int(p.MaxTarget())) == 0
	}
	at, ok := p.TimeOfIntegral(float64(s.FirstRequest() + 1))
	return !ok || at > p.Total()
}

// FirstRequest and Step walk this shard's requests of the schedule:
// FirstRequest, FirstRequest+Step, …
func (s Shard) FirstRequest() uint64 {
	if s.Whole() {
		return 0
	}
	return uint64(s.Index)
}

// Step is the distance between this shard's requests of the schedule.
func (s Shard) Step() uint64 {
	if s.Whole() {
		return 1
	}
	return uint64(s.Count)
}

func (s Shard) String() string {
	if s.Whole() {
		return "0/1"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// ParseShard reads I/N with 0 <= I < N; index, when I is "auto", gives I
// (from the job's environment).
func ParseShard(v string, index func() (int, error)) (Shard, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(v), "/")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count < 1 || count > MaxShards {
		return Shard{}, fmt.Errorf("want I/N with N within 1..%d, e.g. 0/4 or auto/4", MaxShards)
	}
	var idx int
	if i == "auto" {
		if idx, err = index(); err != nil {
			return Shard{}, err
		}
	} else if idx, err = strconv.Atoi(i); err != nil {
		return Shard{}, fmt.Errorf("%q is not a shard index (0-based) or auto", i)
	}
	if idx < 0 || idx >= count {
		return Shard{}, fmt.Errorf("index %d is not within 0..%d", idx, count-1)
	}
	return Shard{Index: idx, Count: count}, nil
}

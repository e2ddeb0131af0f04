package stats

import (
	"fmt"
	"math"
	"testing"
)

// TestEnvsExactThenEstimated: distinct env ids are counted exactly up to
// MaxExactEnvs, then estimated within a few percent, in memory that does
// not grow with them; merging groups counts their union.
func TestEnvsExactThenEstimated(t *testing.T) {
	for _, n := range []int{1, 100, MaxExactEnvs, MaxExactEnvs + 1, 5000, 200000} {
		var e Envs
		for i := range n {
			e.Add(fmt.Sprintf("env-%d", i))
			e.Add(fmt.Sprintf("env-%d", i)) // repeats count once
		}
		got := e.Len()
		if n <= MaxExactEnvs && (got != n || e.Estimated()) {
			t.Errorf("%d envs: Len() = %d, estimated %v; want exact", n, got, e.Estimated())
		}
		if n > MaxExactEnvs {
			if rel := math.Abs(float64(got-n)) / float64(n); rel > 0.1 {
				t.Errorf("%d envs: Len() = %d; want within 10 %%", n, got)
			}
			if e.exact != nil || len(e.mins) > envSketch {
				t.Errorf("%d envs: %d exact ids and %d hashes kept; want at most %d hashes", n, len(e.exact), len(e.mins), envSketch)
			}
		}
	}
	var a, b Envs
	for i := range 3000 {
		a.Add(fmt.Sprint("a", i))
		b.Add(fmt.Sprint("b", i))
	}
	b.Add("a1")
	a.Merge(&b)
	if got := a.Len(); math.Abs(float64(got-6000))/6000 > 0.1 || !a.Estimated() {
		t.Errorf("merged Len() = %d; want about 6000, estimated", got)
	}
	var small, other Envs
	small.Add("x")
	other.Add("x")
	other.Add("y")
	small.Merge(&other)
	if small.Len() != 2 || small.Estimated() {
		t.Errorf("merged small Len() = %d; want 2, exact", small.Len())
	}
}

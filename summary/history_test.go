package summary

import (
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/internal/runtest"
)

// history is n runs of fast-io a day apart, the i-th shifted by shift(i),
// and one of another scenario.
func history(n int, shift func(i int) time.Duration) []*Summary {
	var out []*Summary
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		s := Of(runtest.Lognormal(uint64(i+1), map[string]time.Duration{"x": shift(i)}, "x"))
		at := day.Add(time.Duration(i) * -24 * time.Hour) // given newest first: sorted by start
		s.Start, s.RunID = &at, at.Format("20060102")
		out = append(out, s)
	}
	other := Of(runtest.Lognormal(99, nil, "x"))
	other.Scenario = "high-cpu"
	return append(out, other)
}

func TestHistory(t *testing.T) {
	steady := func(int) time.Duration { return 0 }
	h := BuildHistory(history(5, steady), "", 5, CompareOptions{Min: DefaultMinChange})
	if len(h.Groups) != 2 || len(h.Groups[0].Runs) != 5 || len(h.Groups[1].Runs) != 1 {
		t.Fatalf("groups %d, runs %d; want fast-io's 5 apart from high-cpu's 1", len(h.Groups), len(h.Groups[0].Runs))
	}
	g := h.Groups[0]
	for i := 1; i < len(g.Runs); i++ {
		if !g.Runs[i-1].Start.Before(*g.Runs[i].Start) || g.Runs[i].Against != g.Runs[i-1].ID {
			t.Errorf("run %d: %+v; want in time order, each against the one before", i, g.Runs[i])
		}
	}
	if len(h.NewestRegressed()) != 0 || len(g.Series) != 3 || len(g.Series[2].Points) != 5 || g.Series[2].Stage != "run" {
		t.Errorf("steady runs: regressed %v, series %d; want none regressed, 2 stages and the run", h.NewestRegressed(), len(g.Series))
	}

	// The newest 60 ms slower: regressed against the one before, and
	// against a named baseline the runs after it are judged on it.
	slower := func(i int) time.Duration {
		if i == 0 { // given first, started last
			return 60 * time.Millisecond
		}
		return 0
	}
	h = BuildHistory(history(5, slower), "", 5, CompareOptions{Min: DefaultMinChange})
	if got := h.NewestRegressed(); len(got) != 1 || !strings.Contains(got[0], "regressed") || len(h.Groups[0].Drift) != 1 || h.Groups[0].Drift[0].ChangePct < 25 {
		t.Errorf("newest slower: regressed %v, drift %+v; want it named, and a drift of over +25 %%", got, h.Groups[0].Drift)
	}
	base := h.Groups[0].Runs[1].ID
	h = BuildHistory(history(5, slower), base, 5, CompareOptions{Min: DefaultMinChange})
	if r := h.Groups[0].Runs; r[1].Verdict != "" || r[2].Against != base || r[4].Against != base || !r[4].Regressed {
		t.Errorf("against %s: %+v; want every other run against it, the newest regressed", base, r)
	}
	var out strings.Builder
	if err := h.WriteText(&out); err != nil || !strings.Contains(out.String(), "drift over the last 5 runs") || !strings.Contains(out.String(), "against "+base) {
		t.Errorf("text = %q, %v", out.String(), err)
	}
}

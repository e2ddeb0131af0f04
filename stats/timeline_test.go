package stats

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/internal/testfile"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/runfiles"
)

func TestTimelineBucketsAndCoarsens(t *testing.T) {
	tl := Timeline{MaxBuckets: 10}
	// One request every 100ms for 25 s; latency grows with time; every
	// 10th is a 5xx.
	exact := map[int][]time.Duration{}
	for i := range 250 {
		el := time.Duration(i) * 100 * time.Millisecond
		r := rows.Record{Endpoint: "x", Elapsed: el, Latency: time.Duration(i+1) * time.Millisecond, Status: 200, Target: float64(i / 10),
			HasFn: true, Fn: rows.FnFields{EnvID: []string{"a", "b"}[i%2]}}
		if i%10 == 9 {
			r.Status = 500
		}
		tl.Add(&r)
		if r.Status == 200 {
			exact[i/40] = append(exact[i/40], r.Latency) // 4 s buckets, see below
		}
	}
	// 25 s in at most 10 buckets: 1s → 2s (20 buckets) → 4s (7 buckets).
	if tl.Width() != 4*time.Second {
		t.Fatalf("Width() = %v; want 4s", tl.Width())
	}
	bs := tl.Buckets("x")
	if len(bs) != 7 || tl.Len() != 7 {
		t.Fatalf("buckets = %d; want 7", len(bs))
	}
	var total int64
	for i, b := range bs {
		total += b.Requests
		if i < 6 && (b.Requests != 40 || b.S5xx != 4 || b.Envs.Len() != 2) {
			t.Errorf("bucket %d = %+v, %d envs; want 40 requests, 4 5xx, 2 envs", i, b.Counts, b.Envs.Len())
		}
		want := exact[i]
		sort.Slice(want, func(a, b int) bool { return want[a] < want[b] })
		got, w := b.Quantile(0.99), exactQuantile(want, 0.99)
		if rel := math.Abs(float64(got-w)) / float64(w); rel > 0.01 {
			t.Errorf("bucket %d p99 = %v; want %v within 1%%", i, got, w)
		}
	}
	if total != 250 {
		t.Errorf("requests over all buckets = %d; want 250", total)
	}
	if got := bs[0].Target(); got != 1.5 {
		t.Errorf("bucket 0 mean target = %v; want 1.5 (targets 0..3, ten rows each)", got)
	}
}

func TestSampleIsBoundedUniformAndSeeded(t *testing.T) {
	sample := func() []Point {
		s := Sample{Size: 500}
		for i := range 100000 {
			r := rows.Record{Endpoint: "x", Elapsed: time.Duration(i) * time.Millisecond, Status: 200}
			s.Add(&r)
		}
		pts, of := s.Points("x")
		if len(pts) != 500 || of != 100000 {
			t.Fatalf("Points() = %d of %d; want 500 of 100000", len(pts), of)
		}
		return pts
	}
	a, b := sample(), sample()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("two samples of the same rows differ at %d: the report must be reproducible", i)
		}
	}
	// Uniform: each tenth of the run holds about a tenth of the sample.
	var tenths [10]int
	for _, p := range a {
		tenths[int(p.Elapsed/10)]++
	}
	for i, n := range tenths {
		if n < 25 || n > 75 {
			t.Errorf("tenth %d of the run has %d of 500 points; want about 50", i, n)
		}
	}
	// Shuffled: not in time order.
	if sort.SliceIsSorted(a, func(i, j int) bool { return a[i].Elapsed < a[j].Elapsed }) {
		t.Errorf("sample is in time order; want it shuffled")
	}
}

// readOne reads a CSV of one scenario.
func readOne(path string) (*Run, error) {
	runs, err := ReadRuns(path)
	if err != nil {
		return nil, err
	}
	if len(runs) != 1 {
		return nil, fmt.Errorf("%d runs in %s; want 1", len(runs), path)
	}
	return runs[0], nil
}

func TestReadRunsSplitsScenarios(t *testing.T) {
	header := strings.Join(rows.Columns, ",") + "\n"
	row := func(scenario string, elapsed float64) string {
		return fmt.Sprintf("2026-11-23T12:00:00.000000000Z,%f,%s,lmi,0,1,200,10.000,204,0,,e1,false,1,9.9,\n", elapsed, scenario)
	}
	// A --csv - stream of two scenarios, each on its own clock.
	p := testfile.Write(t, t.TempDir(), "stream.csv", header+row("fast-io", 0.5)+row("fast-io", 1.5)+row("slow-io", 0.2))
	runs, err := ReadRuns(p)
	if err != nil || len(runs) != 2 || runs[0].Name() != "fast-io" || runs[1].Name() != "slow-io" {
		t.Fatalf("ReadRuns(stream) = %d runs, %v; want fast-io then slow-io", len(runs), err)
	}
	if n := runs[0].Stats.Endpoints()[0].All.Requests; n != 2 || runs[1].Stats.LastSend() != 200*time.Millisecond {
		t.Errorf("fast-io has %d rows, slow-io ends at %v; want 2 and 200ms", n, runs[1].Stats.LastSend())
	}
}

func TestReadRuns(t *testing.T) {
	dir := t.TempDir()
	header := strings.Join(rows.Columns, ",") + "\n"
	row := "2026-11-23T12:00:00.000000000Z,0.500000,fast-io,lmi,0,1,200,101.500,204,0,,e1,true,1,100.7,\n"
	good := testfile.Write(t, dir, "good.csv", header+row+row)
	if err := runfiles.WriteJSON(strings.TrimSuffix(good, ".csv")+".json", &runfiles.Meta{Scenario: "fast-io", CSVVersion: 1,
		Targets: []platform.Target{{Name: "128"}, {Name: "lmi"}}}); err != nil {
		t.Fatal(err)
	}
	if err := runfiles.WriteJSON(strings.TrimSuffix(good, ".csv")+".series.json", &platform.SeriesFile{Series: []platform.Series{{Name: "s", Points: [][2]float64{{1, 2}}}}}); err != nil {
		t.Fatal(err)
	}
	r, err := readOne(good)
	if err != nil || r.Meta == nil || len(r.Extra) != 1 || r.Warning != "" || r.Stats.Endpoints()[0].All.Requests != 2 {
		t.Fatalf("ReadRuns(good) = %+v, %v; want 2 rows with sidecar and series", r, err)
	}
	cut := testfile.Write(t, dir, "cut.csv", header+row+row+row[:40])
	r, err = readOne(cut)
	if err != nil || r.Stats.Endpoints()[0].All.Requests != 2 || !strings.Contains(r.Warning, "cut.csv: line 4") {
		t.Fatalf("ReadRuns(cut) = %v, warning %q; want the 2 whole rows and a warning naming line 4", err, r.Warning)
	}
	tests := []struct{ name, content, want string }{
		{"empty.csv", "", "empty.csv: line 1: empty file"},
		{"header.csv", header, "header.csv: no rows after the header"},
		{"foreign.csv", "name,value\na,1\n", `foreign.csv: line 1: not an lmibench CSV`},
		{"badrow.csv", header + strings.Replace(row, ",200,", ",OK,", 1), "badrow.csv: line 2: column status"},
	}
	for _, tt := range tests {
		_, err := ReadRuns(testfile.Write(t, dir, tt.name, tt.content))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadRuns(%s) = %v; want %q", tt.name, err, tt.want)
		}
	}
	if _, err := ReadRuns(filepath.Join(dir, "missing.csv")); err == nil || !strings.Contains(err.Error(), "missing.csv: no such file") {
		t.Errorf("ReadRuns(missing) = %v; want it to name the file", err)
	}
	badMeta := testfile.Write(t, dir, "meta.csv", header+row)
	testfile.Write(t, dir, "meta.json", "{not json")
	if _, err := ReadRuns(badMeta); err == nil || !strings.Contains(err.Error(), "meta.json") {
		t.Errorf("ReadRun with a broken sidecar = %v; want it to name the sidecar", err)
	}
}

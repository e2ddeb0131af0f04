package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/summary"
)

// csvRows reads a run's CSV and counts its rows per second of the
// column's time (elapsed_s, scheduled_s) and in all.
func csvRows(t *testing.T, path, column string) (perSecond map[int]int, n int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == column {
			col = i
		}
	}
	perSecond = map[int]int{}
	for _, r := range rows[1:] {
		s, err := strconv.ParseFloat(r[col], 64)
		if err != nil {
			t.Fatal(err)
		}
		perSecond[int(s)]++
	}
	return perSecond, len(rows) - 1
}

// TestShardsMergeIntoOneMachine starts three processes of the real binary
// with one --start-at against one counting server, merges their CSVs with
// report, and checks the merged run against the server and against one
// unsharded run of the same open-model profile: 1 s ramp to 300 req/s and
// 2 s at it, a schedule of exactly 750 requests.
func TestShardsMergeIntoOneMachine(t *testing.T) {
	bin := buildBinary(t)
	srv, hits := countingServer(t, function.New())
	profile := []string{"run", "--scenario", "fast-io", "--load-model", "rate", "-q",
		"--stages-json", `[{"duration":"1s","target":300},{"duration":"2s","target":300}]`, "--target", "api=" + srv.URL}
	const schedule = 750

	one := t.TempDir()
	if err := startBinary(t, bin, append(profile, "--output-dir", one)...).Wait(); err != nil {
		t.Fatalf("unsharded run: %v", err)
	}
	oneCSV, _ := filepath.Glob(filepath.Join(one, "*.csv"))
	onePerSecond, oneRows := csvRows(t, oneCSV[0], "scheduled_s")
	oneSent, _ := csvRows(t, oneCSV[0], "elapsed_s")
	if oneRows != schedule || hits.Load() != schedule {
		t.Fatalf("unsharded: %d rows, server %d; want the schedule's %d", oneRows, hits.Load(), schedule)
	}

	dir := t.TempDir()
	startAt := time.Now().Add(4 * time.Second).UTC().Format(time.RFC3339Nano)
	var shards []interface{ Wait() error }
	for i := range 3 {
		shards = append(shards, startBinary(t, bin, append(profile, "--output-dir", dir, "--shard", strconv.Itoa(i)+"/3",
			"--start-at", startAt, "--shard-label", "region-"+strconv.Itoa(i))...))
	}
	for i, s := range shards {
		if err := s.Wait(); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
	}
	csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(csvs) != 3 {
		t.Fatalf("shards wrote %v; want three CSVs", csvs)
	}
	for _, c := range csvs { // request k goes to shard k mod 3: 250 each
		if _, n := csvRows(t, c, "scheduled_s"); n != schedule/3 {
			t.Errorf("%s: %d rows; want %d", c, n, schedule/3)
		}
	}
	served := hits.Load() - schedule

	page := filepath.Join(dir, "merged.html")
	r := runCLI(t, nil, append(append([]string{"report"}, csvs...), "--summary", "-", "-o", page)...)
	var sums []summary.Summary
	if err := json.Unmarshal([]byte(r.stdout), &sums); r.code != exitOK || err != nil {
		t.Fatalf("report: exit %d, %v; stderr:\n%s", r.code, err, r.stderr)
	}
	if len(sums) != 1 || len(sums[0].Shards) != 3 || sums[0].Shards[2].Label != "region-2" {
		t.Fatalf("report made %d runs of the shards; want one run of three shards", len(sums))
	}
	merged := sums[0].Endpoints[0].All.Requests
	if merged != served || merged != schedule {
		t.Fatalf("merged run has %d requests, the server saw %d; want both the schedule's %d", merged, served, schedule)
	}
	// Per second of the schedule, the merged shards are the unsharded run
	// exactly (rows carry their scheduled time); per second of the send
	// time they are within 2 % of it only as far as this machine kept the
	// schedule, which its lateness says, so that is logged.
	perSecond, sent := map[int]int{}, map[int]int{}
	for _, c := range csvs {
		ps, _ := csvRows(t, c, "scheduled_s")
		ss, _ := csvRows(t, c, "elapsed_s")
		for s, n := range ps {
			perSecond[s] += n
		}
		for s, n := range ss {
			sent[s] += n
		}
	}
	for s := range 4 { // request k is due when the area reaches k+1: the last at 3.0 s
		if perSecond[s] != onePerSecond[s] {
			t.Errorf("second %d of the schedule: shards %d requests, one machine %d; want the same", s, perSecond[s], onePerSecond[s])
		}
		t.Logf("second %d by send time: shards %d requests, one machine %d", s, sent[s], oneSent[s])
	}
	if perSecond[0]+perSecond[1]+perSecond[2]+perSecond[3] != schedule {
		t.Errorf("per second of the schedule %v; want %d in all", perSecond, schedule)
	}
	if !fileHas(t, page, "Per shard") || !fileHas(t, page, "region-1") {
		t.Errorf("the merged page lacks the per-shard table")
	}
}

// TestShardRefusals: a late shard, a missing, a duplicated and a
// mismatched one are each refused in one line with exit 2.
func TestShardRefusals(t *testing.T) {
	srv, hits := countingServer(t, function.New())
	dir := t.TempDir()
	base := []string{"run", "--scenario", "fast-io", "--stage-targets", "3,3", "--duration", "300ms", "--target", "api=" + srv.URL, "-q"}
	late := runCLI(t, nil, append(base, "--output-dir", dir, "--shard", "0/2", "--start-at", time.Now().Add(-time.Minute).UTC().Format(time.RFC3339))...)
	if late.code != exitBadInput || strings.Count(strings.TrimSpace(late.stderr), "\n") != 0 || !strings.Contains(late.stderr, "late for --start-at") || hits.Load() != 0 {
		t.Fatalf("late shard: exit %d, %q, %d requests; want one line, exit 2, none sent", late.code, late.stderr, hits.Load())
	}

	// Three shards side by side, as three machines: the third of another
	// profile under the same run id.
	bin := buildBinary(t)
	startAt := time.Now().Add(3 * time.Second).UTC().Format(time.RFC3339Nano)
	otherDir := t.TempDir()
	var procs []interface{ Wait() error }
	for i, d := range []string{dir, dir, otherDir} {
		args := append(base[:len(base):len(base)], "--output-dir", d, "--shard", strconv.Itoa(i)+"/3", "--start-at", startAt)
		if i == 2 {
			args = append(args, "--duration", "400ms")
		}
		procs = append(procs, startBinary(t, bin, args...))
	}
	for i, p := range procs {
		if err := p.Wait(); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
	}
	find := func(dir, i string) string {
		csvs, _ := filepath.Glob(filepath.Join(dir, "*shard"+i+"of3*.csv"))
		if len(csvs) != 1 {
			t.Fatalf("shard %s wrote %v", i, csvs)
		}
		return csvs[0]
	}
	a, b, other := find(dir, "0"), find(dir, "1"), find(otherDir, "2")
	for _, c := range []struct {
		name  string
		files []string
		want  string
	}{
		{"missing", []string{a, b}, "shards 2 of 3 are missing"},
		{"duplicated", []string{a, b, a}, "shard 0 of 3 twice"},
		{"mismatched", []string{a, b, other}, "in its stages"},
	} {
		r := runCLI(t, nil, append([]string{"report", "-o", filepath.Join(t.TempDir(), "x.html")}, c.files...)...)
		if r.code != exitBadInput || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, %q; want one line with %q, exit 2", c.name, r.code, r.stderr, c.want)
		}
	}
	r := runCLI(t, nil, "report", a, b, "--partial", "-o", filepath.Join(t.TempDir(), "p.html"))
	if r.code != exitOK || !strings.Contains(r.stderr, "partial: shards 2 of 3 are missing") {
		t.Errorf("--partial: exit %d, %q; want the two shards merged, saying which is missing", r.code, r.stderr)
	}
}

// TestDeployRecipesUseRealFlags: every flag the Kubernetes and Batch
// recipes pass to run is one run has.
func TestDeployRecipesUseRealFlags(t *testing.T) {
	known := map[string]bool{}
	for _, f := range runCommand(appEnv{}).Flags {
		for _, n := range f.Names() {
			known[n] = true
		}
	}
	for _, file := range []string{"deploy/k8s/job.yaml", "deploy/batch/job-definition.json"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// YAML args (- --flag=…) and JSON command elements ("--flag").
		flags := regexp.MustCompile(`(?m)^\s*- --([a-z0-9-]+)|"--([a-z0-9-]+)"`).FindAllStringSubmatch(string(b), -1)
		if len(flags) < 8 {
			t.Errorf("%s: found %d flags; the pattern misses them", file, len(flags))
		}
		for _, m := range flags {
			if name := m[1] + m[2]; !known[name] {
				t.Errorf("%s passes --%s, which run does not have", file, name)
			}
		}
	}
}

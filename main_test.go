package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/internal/mototest"
)

// countingServer is a loopback target that counts what reaches it.
func countingServer(t *testing.T, h http.Handler) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, interrupts <-chan struct{}, args ...string) result {
	t.Helper()
	return runCLIWith(t, &watchedWriter{}, interrupts, args...)
}

// runCLIIn runs the program in-process with stdin.
func runCLIIn(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out bytes.Buffer
	w := &watchedWriter{}
	code := run(append([]string{"lmibench"}, args...), appEnv{stdin: strings.NewReader(stdin), stdout: &out, stderr: w,
		cloudwatch: []func(*cloudwatch.Options){mototest.CloudWatchJSON}})
	return result{code, out.String(), w.String()}
}

// runCLIWith runs the program in-process with stderr going to w.
func runCLIWith(t *testing.T, w *watchedWriter, interrupts <-chan struct{}, args ...string) result {
	t.Helper()
	var out bytes.Buffer
	code := run(append([]string{"lmibench"}, args...), appEnv{stdin: strings.NewReader(""), stdout: &out, stderr: w, interrupts: interrupts,
		cloudwatch: []func(*cloudwatch.Options){mototest.CloudWatchJSON}})
	return result{code, out.String(), w.String()}
}

// watchedWriter collects what the program says and, when a write holds
// one of on's keys, calls its function before the program goes on: a test
// reacts to what the code under test does, not to a timer.
type watchedWriter struct {
	on map[string]func()

	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *watchedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	n, err := w.buf.Write(p)
	w.mu.Unlock()
	for match, do := range w.on {
		if bytes.Contains(p, []byte(match)) {
			do()
		}
	}
	return n, err
}

func (w *watchedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestBadInputIsRefusedBeforeAnyRequest(t *testing.T) {
	srv, hits := countingServer(t, function.New())
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	target := "--target=a=" + srv.URL
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown scenario", []string{"--scenario", "medium-cpu"}, `--scenario: unknown scenario "medium-cpu"`},
		{"malformed stages json", []string{"--stages-json", "[{"}, "--stages-json: not a JSON array"},
		{"empty stages json", []string{"--stages-json", "[]"}, "stages: no stages"},
		{"malformed targets", []string{"--stage-targets", "1,x"}, `--stage-targets: stage 2: target "x" is not a number`},
		{"empty targets", []string{"--stage-targets", ""}, "--stage-targets: empty list"},
		{"zero duration", []string{"--stage-targets", "1", "--duration", "0s"}, "stage 1: duration 0s must be > 0"},
		{"negative duration", []string{"--stages-json", `[{"duration":"-1s","target":1}]`}, "stage 1: duration -1s"},
		{"fractional VUs", []string{"--stage-targets", "1.5"}, "whole number of VUs"},
		{"both stage forms", []string{"--stage-targets", "1", "--stages-json", "[]"}, "give one or the other"},
		{"duration alone", []string{"--duration", "5s"}, "--duration: only applies with --stage-targets"},
		{"delay out of range", []string{"--io-fast-delay-ms", "15001"}, "--io-fast-delay-ms: 15001 is out of range 0..15000"},
		{"loops out of range", []string{"--cpu-high-hash-loops", "-1"}, "--cpu-high-hash-loops: -1 is out of range"},
		{"bad load model", []string{"--load-model", "closed"}, `--load-model: "closed"`},
		{"bad target", []string{"--target", "noequals"}, "want NAME=URL"},
		{"target not http", []string{"--target", "a=ftp://x"}, "is not an http(s) URL"},
		{"duplicate target", []string{"--target", "a=" + srv.URL, "--target", "a=" + srv.URL}, `the name "a" is used twice`},
		{"unwritable output dir", []string{"--output-dir", filepath.Join(file, "sub")}, "--output-dir:"},
		{"bad think", []string{"--think", "-1s"}, "--think: -1s must be at least 0s"},
		{"bad max-inflight", []string{"--max-inflight", "0"}, "--max-inflight: 0 must be at least 1"},
		{"unknown flag", []string{"--zzzz", "5"}, "flag provided but not defined: -zzzz"},
		{"bad flag value", []string{"--timeout", "soon"}, "invalid value"},
		{"argument", []string{"extra"}, `run takes no arguments`},
		{"emulator flag with a target", []string{"--emu-time-scale", "10"}, "--emu-time-scale: only applies to the local target"},
		{"negative price", []string{"--price-gb-second", "-1"}, "--price-gb-second -1: must be >= 0"},
		{"whole discount", []string{"--discount-ec2", "100"}, "--discount-ec2 100: must be a percentage within 0..99"},
		{"unknown architecture", []string{"--architecture", "sparc"}, `--architecture "sparc": want arm64 or x86_64`},
		{"bad cost-at", []string{"--cost-at", "200/week"}, `--cost-at "200/week": unit "week"`},
		{"zero cost-at", []string{"--cost-at", "0/s"}, `--cost-at "0/s": want a positive rate`},
		{"cost-endpoint of no endpoint", []string{"--cost-endpoint", "b=1024"}, `--cost-endpoint "b=1024": no endpoint is named "b"`},
		{"cost-endpoint memory", []string{"--cost-endpoint", "a=64"}, `within 128..10240`},
		{"unknown client", []string{"--http-client", "curl"}, `--http-client: "curl" is not one of auto, fasthttp, net/http`},
		{"fasthttp with http2", []string{"--http-client", "fasthttp", "--http2"}, "--http2: fasthttp speaks HTTP/1.1 only"},
	}
	for _, tt := range tests {
		args := append([]string{"run", "--output-dir", dir, target}, tt.args...)
		r := runCLI(t, nil, args...)
		if r.code != exitBadInput {
			t.Errorf("%s: exit %d; want %d (stderr %q)", tt.name, r.code, exitBadInput, r.stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], tt.want) {
			t.Errorf("%s: stderr = %q; want one line containing %q", tt.name, r.stderr, tt.want)
		}
		if r.stdout != "" {
			t.Errorf("%s: stdout = %q; want nothing", tt.name, r.stdout)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the server got %d requests from refused runs; want 0", n)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("refused runs left files in the output dir: %v", entries)
	}
}

func TestRunStreamsCSVToStdout(t *testing.T) {
	srv, hits := countingServer(t, function.New())
	dir := t.TempDir()
	r := runCLI(t, nil, "run", "--scenario", "all", "--stage-targets", "2", "--duration", "300ms", "--think", "0",
		"--io-fast-delay-ms", "1", "--io-slow-delay-ms", "2", "--cpu-low-hash-loops", "10", "--cpu-high-hash-loops", "20",
		"--target", "x="+srv.URL, "--output-dir", dir, "--csv", "-")
	if r.code != exitOK {
		t.Fatalf("exit %d; want 0. stderr:\n%s", r.code, r.stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// The stream rebuilds into one page per scenario and an index.
	stream := filepath.Join(t.TempDir(), "all.csv")
	os.WriteFile(stream, []byte(r.stdout), 0o644)
	if rr := runCLI(t, nil, "report", stream); rr.code != 0 || !fileHas(t, strings.TrimSuffix(stream, ".csv")+"-high-cpu.html", "lmibench · high-cpu") ||
		!fileHas(t, filepath.Join(filepath.Dir(stream), "index.html"), "all-slow-io.html") {
		t.Errorf("report of the stream: exit %d, %s; want a page per scenario and an index", rr.code, rr.stderr)
	}
	if rows[0][0] != "timestamp" || int64(len(rows)-1) != hits.Load() {
		t.Fatalf("stdout has %d rows after header %v; the server counted %d", len(rows)-1, rows[0], hits.Load())
	}
	scenarios := map[string]int{}
	for _, row := range rows[1:] {
		scenarios[row[2]]++
	}
	if len(scenarios) != 4 {
		t.Fatalf("scenarios on stdout = %v; want all four under one header", scenarios)
	}
	csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	jsons, _ := filepath.Glob(filepath.Join(dir, "*Z.json")) // the sidecars, not the .summary.json
	if len(csvs) != 4 || len(jsons) != 4 {
		t.Fatalf("output dir has %v and %v; want one CSV and one sidecar per scenario", csvs, jsons)
	}
	var side map[string]any
	b, _ := os.ReadFile(jsons[0])
	if err := json.Unmarshal(b, &side); err != nil || side["csv_version"] != 2.0 || side["end"] == nil {
		t.Fatalf("sidecar %s = %v, %v; want csv_version 2 and an end", jsons[0], side, err)
	}
	if strings.Contains(r.stderr, "timestamp,") {
		t.Fatalf("CSV leaked into stderr")
	}
}

// afterRequests calls do once, inside the n-th request the server gets:
// tests interrupt a run when it has done something, not after a timer.
func afterRequests(n int64, do func(), h http.Handler) http.Handler {
	var seen atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) == n {
			do()
		}
		h.ServeHTTP(w, r)
	})
}

func TestInterruptKeepsEveryRow(t *testing.T) {
	forEachClient(t, func(t *testing.T, client string) {
		interrupts := make(chan struct{}, 2)
		srv, hits := countingServer(t, afterRequests(8, func() { interrupts <- struct{}{} },
			http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(50 * time.Millisecond) })))
		dir := t.TempDir()
		r := runCLI(t, interrupts, "run", "--scenario", "all", "--stages-json", `[{"duration":"1ms","target":4},{"duration":"1h","target":4}]`,
			"--target", "x="+srv.URL, "--http-client", client, "--output-dir", dir)
		if r.code != exitInterrupted {
			t.Fatalf("exit %d; want %d. stderr:\n%s", r.code, exitInterrupted, r.stderr)
		}
		path := oneCSVWithEveryRow(t, dir, hits)
		b, _ := os.ReadFile(strings.TrimSuffix(path, ".csv") + ".json")
		if !bytes.Contains(b, []byte(`"interrupted": true`)) || !bytes.Contains(b, []byte(`"x": "`+client+`"`)) {
			t.Fatalf("sidecar does not say interrupted, or not through %s:\n%s", client, b)
		}
	})
}

func TestSecondInterruptStopsAtOnce(t *testing.T) {
	forEachClient(t, func(t *testing.T, client string) {
		// The server never answers; once the 3 users' requests are in, both
		// interrupts come: the first stops new requests, the second cuts the 3.
		interrupts := make(chan struct{}, 2)
		srv, _ := countingServer(t, afterRequests(3, func() { interrupts <- struct{}{}; interrupts <- struct{}{} },
			http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })))
		dir := t.TempDir()
		r := runCLI(t, interrupts, "run", "--scenario", "fast-io", "--stages-json", `[{"duration":"1ms","target":3},{"duration":"1h","target":3}]`,
			"--graceful-stop", "1h", "--target", "x="+srv.URL, "--http-client", client, "--output-dir", dir)
		if r.code != exitInterrupted {
			t.Fatalf("exit %d; want %d. stderr:\n%s", r.code, exitInterrupted, r.stderr)
		}
		csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		b, _ := os.ReadFile(csvs[0])
		if n := strings.Count(string(b), "stopped: graceful stop ended"); n != 3 {
			t.Fatalf("rows cut short = %d; want the 3 in flight:\n%s", n, b)
		}
	})
}

func TestNoSuccessHasItsOwnExitCode(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := runCLI(t, nil, "run", "--scenario", "fast-io", "--stages-json", `[{"duration":"1ms","target":1},{"duration":"200ms","target":1}]`,
		"--target", "x=http://"+addr, "--output-dir", t.TempDir(), "--no-preflight")
	if r.code != exitNoSuccess {
		t.Fatalf("exit %d; want %d. stderr:\n%s", r.code, exitNoSuccess, r.stderr)
	}
	if !strings.Contains(r.stderr, "x: connection refused:") || strings.Contains(r.stderr, addr) {
		t.Fatalf("stderr should group errors by kind without addresses:\n%s", r.stderr)
	}
}

func TestLocalTargetByDefault(t *testing.T) {
	dir := t.TempDir()
	r := runCLI(t, nil, "run", "--scenario", "low-cpu", "--cpu-low-hash-loops", "100", "--stage-targets", "2",
		"--duration", "300ms", "--output-dir", dir)
	if r.code != exitOK {
		t.Fatalf("exit %d. stderr:\n%s", r.code, r.stderr)
	}
	csvs, _ := filepath.Glob(filepath.Join(dir, "low-cpu-*.csv"))
	b, _ := os.ReadFile(csvs[0])
	for _, name := range []string{",128,", ",2048,", ",lmi,"} {
		if !strings.Contains(string(b), name) {
			t.Errorf("CSV has no rows of endpoint %s", name)
		}
	}
	// The emulator's platform series are saved and charted like CloudWatch's.
	series := strings.TrimSuffix(csvs[0], ".csv") + ".series.json"
	if !fileHas(t, series, `"lmi environments"`) || !fileHas(t, strings.TrimSuffix(csvs[0], ".csv")+".html", "The platform") {
		t.Errorf("no emulator series beside %s, or not charted", csvs[0])
	}
	if !strings.Contains(r.stderr, "the Lambda emulator") {
		t.Errorf("stderr does not say the local target is the emulator:\n%s", r.stderr)
	}
	// Unmistakably emulated: a banner on the page, the target and every
	// model parameter (defaults included) in the sidecar and the summary.
	stem := strings.TrimSuffix(csvs[0], ".csv")
	if !fileHas(t, stem+".html", "Emulated run: these numbers come from lmibench&#39;s local model of Lambda") {
		t.Errorf("%s.html has no emulated-run banner", stem)
	}
	for _, f := range []string{stem + ".json", stem + ".summary.json"} {
		if !fileHas(t, f, `"target": "emulator"`) || !fileHas(t, f, `"lmi_max_concurrency": 64`) || !fileHas(t, f, `"hash_loop_cost_ns": 450`) {
			t.Errorf("%s does not say the run was emulated with which parameters", f)
		}
	}
}

func TestEmulatorFlagsAreChecked(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--emu-time-scale", "0"}, "--emu-time-scale: 0 must be within 1..3600"},
		{[]string{"--emu-lmi-initial-envs", "0", "--emu-account-concurrency", "0"}, "--emu-account-concurrency: 0 must be >= 1; --emu-lmi-initial-envs"},
		{[]string{"--local", "docker"}, `--local: "docker" is neither emulator nor function`},
	} {
		r := runCLI(t, nil, append([]string{"run", "--output-dir", t.TempDir()}, tt.args...)...)
		if r.code != exitBadInput || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("run %v: exit %d, %q; want %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

func TestEnvironmentSetsFlags(t *testing.T) {
	t.Setenv("LMIBENCH_SCENARIO", "nope")
	r := runCLI(t, nil, "run", "--output-dir", t.TempDir())
	if r.code != exitBadInput || !strings.Contains(r.stderr, `unknown scenario "nope"`) {
		t.Fatalf("exit %d, stderr %q; want LMIBENCH_SCENARIO to be read and refused", r.code, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	r := runCLI(t, nil, "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "lmibench ") {
		t.Fatalf("version = %d %q", r.code, r.stdout)
	}
}

func TestReportCommand(t *testing.T) {
	srv, _ := countingServer(t, function.New())
	dir := t.TempDir()
	r := runCLI(t, nil, "run", "--scenario", "all", "--stage-targets", "2", "--duration", "300ms", "--think", "0",
		"--io-fast-delay-ms", "1", "--io-slow-delay-ms", "1", "--cpu-low-hash-loops", "1", "--cpu-high-hash-loops", "1",
		"--target", "x="+srv.URL, "--output-dir", dir)
	if r.code != exitOK {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "*-io-*.html"))
	index, _ := filepath.Glob(filepath.Join(dir, "index-*.html"))
	if len(pages) != 2 || len(index) != 1 || !strings.Contains(r.stderr, "report: "+pages[0]) {
		t.Fatalf("run wrote pages %v and index %v; want one page per scenario and an index, named on stderr", pages, index)
	}
	csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))

	// One CSV: its page beside it, or -o after the file.
	out := filepath.Join(t.TempDir(), "one.html")
	if r := runCLI(t, nil, "report", csvs[0], "-o", out); r.code != 0 || !fileHas(t, out, "lmibench · ") {
		t.Fatalf("report one -o: exit %d, %s", r.code, r.stderr)
	}
	// Several: pages beside the CSVs and an index linking them.
	idx := filepath.Join(dir, "all.html")
	if r := runCLI(t, nil, "report", "-o", idx, csvs[0], csvs[1]); r.code != 0 || !fileHas(t, idx, filepath.Base(strings.TrimSuffix(csvs[1], ".csv")+".html")) {
		t.Fatalf("report two: exit %d, %s", r.code, r.stderr)
	}
	// A CSV cut short: a warning naming the file and line, the page built.
	data, _ := os.ReadFile(csvs[0])
	cut := filepath.Join(t.TempDir(), "cut.csv")
	os.WriteFile(cut, data[:len(data)-7], 0o644)
	if r := runCLI(t, nil, "report", cut); r.code != 0 || !strings.Contains(r.stderr, "warning: "+cut+": line ") {
		t.Fatalf("report cut: exit %d, %q; want a warning naming the line", r.code, r.stderr)
	}

	empty := filepath.Join(t.TempDir(), "empty.csv")
	os.WriteFile(empty, nil, 0o644)
	foreign := filepath.Join(t.TempDir(), "foreign.csv")
	os.WriteFile(foreign, []byte("a,b\n1,2\n"), 0o644)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "name at least one CSV"},
		{[]string{"missing.csv"}, "missing.csv: no such file"},
		{[]string{empty}, "empty.csv: line 1: empty file"},
		{[]string{foreign}, "foreign.csv: line 1: not an lmibench CSV"},
		{[]string{csvs[0], "notes.txt"}, "notes.txt: not a .csv file"},
		{[]string{csvs[0], "-o"}, "-o needs a file name"},
		{[]string{csvs[0], "--bogus"}, "unknown flag --bogus"},
	} {
		r := runCLI(t, nil, append([]string{"report"}, tt.args...)...)
		if r.code != exitBadInput || !strings.Contains(r.stderr, tt.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("report %v: exit %d, stderr %q; want one line with %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

// oneCSVWithEveryRow checks that dir holds one CSV (the interrupted
// scenario's) with a row for every request the server counted, and
// returns its path.
func oneCSVWithEveryRow(t *testing.T, dir string, hits *atomic.Int64) string {
	t.Helper()
	csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(csvs) != 1 {
		t.Fatalf("CSVs = %v; want only the interrupted scenario's", csvs)
	}
	f, err := os.Open(csvs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || int64(len(rows)-1) != hits.Load() || hits.Load() == 0 {
		t.Fatalf("CSV rows = %d (err %v); the server counted %d", len(rows)-1, err, hits.Load())
	}
	return csvs[0]
}

func fileHas(t *testing.T, path, s string) bool {
	t.Helper()
	b, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(b), s)
}

// forEachClient runs a test of the binary's run on each HTTP client.
func forEachClient(t *testing.T, test func(t *testing.T, client string)) {
	for _, c := range attack.Concrete {
		t.Run(strings.ReplaceAll(string(c), "/", ""), func(t *testing.T) { test(t, string(c)) })
	}
}

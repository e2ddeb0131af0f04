package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/summary"
)

// TestCompletion sources each completion script in its shell with the
// real binary on PATH and asks for the words after what was typed.
func TestCompletion(t *testing.T) {
	bin := buildBinary(t)
	path := filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH")
	tests := []struct {
		shell, script string
		want          []string
	}{
		{"bash", `source <(lmibench completion bash); COMP_WORDS=(lmibench ru); COMP_CWORD=1; _lmibench_complete; echo "${COMPREPLY[@]}"
			COMP_WORDS=(lmibench run --stag); COMP_CWORD=2; _lmibench_complete; echo "${COMPREPLY[@]}"`,
			[]string{"run\n", "--stage --stage-targets --stages-json\n"}},
		// zsh's compadd is stood in for by a function printing what it is given.
		{"zsh", `autoload -Uz compinit && compinit -u; source <(lmibench completion zsh)
			compadd() { shift; print -l -- "${(@P)1}" }
			words=(lmibench run --stag); CURRENT=3; _lmibench`,
			[]string{"--stage\n--stage-targets\n--stages-json\n"}},
		{"fish", `lmibench completion fish | source; complete --do-complete 'lmibench run --stag'`,
			[]string{"--stage", "--stages-json"}},
	}
	for _, tt := range tests {
		t.Run(tt.shell, func(t *testing.T) {
			if _, err := exec.LookPath(tt.shell); err != nil {
				if tt.shell == "bash" {
					t.Fatal("no bash")
				}
				t.Skipf("%s is not installed", tt.shell)
			}
			args := []string{"-c", tt.script}
			if tt.shell == "zsh" {
				args = []string{"-f", "-c", tt.script}
			}
			cmd := exec.Command(tt.shell, args...)
			cmd.Env = append(os.Environ(), "PATH="+path, "HOME="+t.TempDir())
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", tt.shell, err, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("%s completion printed %q; want %q", tt.shell, out, w)
				}
			}
		})
	}
	if r := runCLI(t, nil, "completion", "tcsh"); r.code != exitBadInput || !strings.Contains(r.stderr, "want bash, zsh or fish") {
		t.Errorf("completion tcsh: exit %d, %q", r.code, r.stderr)
	}
}

// TestTyposAreNamed: an unknown command or flag is one line with the
// nearest one, when one is near.
func TestTyposAreNamed(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"rnu"}, `unknown command "rnu": did you mean "run"?`},
		{[]string{"reprot", "a.csv"}, `unknown command "reprot": did you mean "report"?`},
		{[]string{"xyzzy"}, `unknown command "xyzzy": lmibench --help lists the commands`},
		{[]string{"run", "--outputdir", "x"}, "flag provided but not defined: -outputdir: did you mean --output-dir?"},
		{[]string{"run", "--stages", "1s:1"}, "-stages: did you mean --stage?"},
		{[]string{"serve", "--adr", "x"}, "-adr: did you mean --addr?"},
		{[]string{"run", "--zzzz", "5"}, "flag provided but not defined: -zzzz"},
	}
	for _, tt := range tests {
		r := runCLI(t, nil, tt.args...)
		if r.code != exitBadInput || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
			t.Errorf("lmibench %v: exit %d, stderr %q, stdout %q; want one line with %q", tt.args, r.code, r.stderr, r.stdout, tt.want)
		}
	}
	if r := runCLI(t, nil, "run", "--zzzz", "5"); strings.Contains(r.stderr, "did you mean") {
		t.Errorf("--zzzz got a far-fetched suggestion: %q", r.stderr)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"run", "run", 0}, {"rnu", "run", 1}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"outputdir", "output-dir", 1}, {"ab", "ba", 1}, {"→x", "x→", 1}} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestDurationsSayWhatWouldDo: every duration flag takes what
// --stages-json takes, and a bad one says why.
func TestDurationsSayWhatWouldDo(t *testing.T) {
	srv, hits := countingServer(t, function.New())
	target := "--target=x=" + srv.URL
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--timeout", "soon"}, `invalid value "soon" for flag -timeout: "soon" is not a duration: want e.g. 30s, 1m30s, 2h or a number of seconds`},
		{[]string{"--stage-targets", "8", "--duration", "-5s"}, "stages: stage 1: duration -5s must be > 0"},
		{[]string{"--stage-targets", "8", "--duration", "10 s"}, `"10 s" is not a duration`},
		{[]string{"--stage", "30s"}, `--stage: stage 1: "30s": want DURATION:TARGET, e.g. 30s:20`},
		{[]string{"--stage", "x:1", "--stage", "1s:y"}, `--stage: stage 1: "x" is not a duration: want e.g. 30s, 1m30s, 2h or a number of seconds; stage 2: target "y" is not a number`},
		{[]string{"--stage", "1s:1", "--stage-targets", "3"}, "--stage and --stage-targets: give one or the other"},
		{[]string{"--think", "-1"}, "--think: -1s must be at least 0s"},
	}
	for _, tt := range tests {
		r := runCLI(t, nil, append([]string{"run", "--output-dir", t.TempDir(), target}, tt.args...)...)
		if r.code != exitBadInput || strings.TrimSpace(r.stderr) != "lmibench: "+tt.want && !strings.Contains(r.stderr, tt.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("run %v: exit %d, stderr %q; want one line with %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("refused runs sent %d requests", n)
	}
}

// TestStageShorthandAndSecondsRun: k6's -s and a duration in bare seconds
// make the same profile as --stages-json.
func TestStageShorthandAndSecondsRun(t *testing.T) {
	srv, hits := countingServer(t, function.New())
	dir := t.TempDir()
	r := runCLI(t, nil, "run", "--scenario", "fast-io", "--io-fast-delay-ms", "1", "-s", "0.001:2", "-s", "0.3:2",
		"--think", "0.01", "--target", "x="+srv.URL, "--output-dir", dir, "-q")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	metas, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	m, err := runfiles.ReadMeta(metas[0])
	if err != nil || len(m.Stages) != 2 || m.Stages[1].Duration.Seconds() != 0.3 || m.Stages[1].Target != 2 || m.Think != "10ms" {
		t.Fatalf("sidecar stages %+v think %q (%v); want 1ms:2, 300ms:2 and 10ms", m.Stages, m.Think, err)
	}
	if hits.Load() == 0 {
		t.Fatal("no request was sent")
	}
	// -q: the summary, no progress block.
	if strings.Contains(r.stderr, "stage 2/2 (") || !strings.Contains(r.stderr, "fast-io: ") {
		t.Errorf("-q run printed progress, or no summary:\n%s", r.stderr)
	}
}

// TestLongRunSaysHowToShorten: a run over 10 minutes says its length and a
// shorter form before the first request; here it is interrupted as soon as
// it has said so.
func TestLongRunSaysHowToShorten(t *testing.T) {
	srv, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	interrupts := make(chan struct{}, 2)
	stderr := &watchedWriter{on: map[string]func(){"this run takes": func() { interrupts <- struct{}{} }}}
	r := runCLIWith(t, stderr, interrupts, "run", "--scenario", "all", "--target", "x="+srv.URL, "--output-dir", t.TempDir())
	want := "lmibench: this run takes 48m0s: 4 scenarios of 12m0s each; for a short look, use e.g. --scenario fast-io --stage-targets 8,8,16 --duration 10s"
	if r.code != exitInterrupted || !strings.HasPrefix(r.stderr, want+"\n") {
		t.Fatalf("exit %d, stderr:\n%s\nwant it to begin with %q", r.code, r.stderr, want)
	}
	short := runCLIWith(t, &watchedWriter{}, nil, "run", "--scenario", "fast-io", "--stage-targets", "1", "--duration", "0.2",
		"--target", "x="+srv.URL, "--output-dir", t.TempDir())
	if strings.Contains(short.stderr, "this run takes") {
		t.Errorf("a short run warned about its length:\n%s", short.stderr)
	}
}

// TestVersionFlag: --version and the version command name the build, with
// its VCS revision when the binary was built from a checkout.
func TestVersionFlag(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		if r := runCLI(t, nil, args...); r.code != exitOK || !strings.HasPrefix(r.stdout, "lmibench ") {
			t.Errorf("lmibench %v = %d, %q", args, r.code, r.stdout)
		}
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not a git checkout: no revision to look for")
	}
	bin := filepath.Join(t.TempDir(), "lmibench")
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || !strings.Contains(string(out), "("+string(head[:12])) {
		t.Fatalf("--version = %q, %v; want the revision %s", out, err, head[:12])
	}
}

func TestMetricsRefusesWhatItCannotFetch(t *testing.T) {
	srv, _ := countingServer(t, function.New())
	dir := t.TempDir()
	if r := runCLI(t, nil, "run", "--scenario", "fast-io", "-s", "0.001:1", "-s", "0.2:1", "--target", "x="+srv.URL, "--output-dir", dir, "-q"); r.code != exitOK {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{nil, exitBadInput, "name at least one CSV file"},
		{[]string{"notes.txt"}, exitBadInput, "notes.txt: not a .csv file"},
		{[]string{filepath.Join(dir, "missing.csv")}, exitFailure, "missing.csv: the run's sidecar"},
		{[]string{csvs[0]}, exitFailure, "not a run of a stack with --cloudwatch-concurrency"},
	} {
		r := runCLI(t, nil, append([]string{"metrics"}, tt.args...)...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("metrics %v: exit %d, %q; want %d and one line with %q", tt.args, r.code, r.stderr, tt.code, tt.want)
		}
	}
}

func TestRedirectsFlag(t *testing.T) {
	srv, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/new" {
			http.Redirect(w, r, "/new", http.StatusMovedPermanently)
		}
	}))
	run := func(redirects string) result {
		return runCLI(t, nil, "run", "--scenario", "fast-io", "-s", "0.001:1", "-s", "0.2:1", "--target", "x="+srv.URL+"/old",
			"--output-dir", t.TempDir(), "-q", "--redirects", redirects)
	}
	if r := run("-1"); r.code != exitOK || !strings.Contains(r.stderr, "x: ") || !strings.Contains(r.stderr, "responses were redirects (3xx), recorded as they came") {
		t.Errorf("--redirects -1: exit %d\n%s", r.code, r.stderr)
	}
	if r := run("3"); r.code != exitOK || strings.Contains(r.stderr, "redirects (3xx)") {
		t.Errorf("--redirects 3: exit %d\n%s", r.code, r.stderr)
	}
	if r := run("0"); r.code != exitBadInput || !strings.Contains(r.stderr, "or -1 to record the 3xx") {
		t.Errorf("--redirects 0: exit %d %q", r.code, r.stderr)
	}
}

// TestCostOfATargetRun: --cost-endpoint prices an endpoint of --target,
// the sidecar records it, and report reprices the run with flags given
// among its files, over what the run recorded.
func TestCostOfATargetRun(t *testing.T) {
	srv, _ := countingServer(t, function.New())
	dir := t.TempDir()
	r := runCLI(t, nil, "run", "--scenario", "fast-io", "--stage-targets", "2", "--duration", "300ms", "--think", "0",
		"--io-fast-delay-ms", "1", "--target", "api="+srv.URL, "--cost-endpoint", "api=1024", "--cost-at", "1e6/h", "--output-dir", dir)
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "api (standard 1024 MB): $") || !strings.Contains(r.stderr, "a month at 277.8 req/s") {
		t.Fatalf("stderr lacks the endpoint's cost:\n%s", r.stderr)
	}
	csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(csvs) != 1 {
		t.Fatalf("csvs = %v", csvs)
	}
	side, err := runfiles.ReadMeta(strings.TrimSuffix(csvs[0], ".csv") + ".json")
	if err != nil || side.Targets[0].MemoryMB != 1024 || side.Pricing == nil || side.Pricing.At != 1e6/3600.0 {
		t.Fatalf("sidecar: %+v, %v; want the endpoint's memory and the pricing", side, err)
	}
	var sums []summary.Summary
	rr := runCLI(t, nil, "report", csvs[0], "--architecture", "x86_64", "--summary", "-", "-o", filepath.Join(dir, "x.html"))
	if err := json.Unmarshal([]byte(rr.stdout), &sums); rr.code != exitOK || err != nil {
		t.Fatalf("report: exit %d, %v; stderr:\n%s", rr.code, err, rr.stderr)
	}
	c := sums[0].Cost
	if c == nil || c.Prices.GBSecond != 0.0000166667 || c.AtRPS != 1e6/3600.0 || c.Endpoints[0].MemoryMB != 1024 || c.Endpoints[0].PerMillion <= 0.2 {
		t.Fatalf("report's cost = %+v; want x86_64's price over the recorded projection and memory", c)
	}
	if rr := runCLI(t, nil, "report", csvs[0], "--discount-ec2"); rr.code != exitBadInput || !strings.Contains(rr.stderr, "--discount-ec2 needs a value") {
		t.Errorf("report --discount-ec2 without a value: exit %d, %q", rr.code, rr.stderr)
	}
}

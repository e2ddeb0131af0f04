package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// readmeBlock is the first ```sh block after heading in README.md.
func readmeBlock(t *testing.T, heading string) []string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), heading)
	if !ok {
		t.Fatalf("README.md has no %q", heading)
	}
	m := regexp.MustCompile("(?s)```sh\n(.*?)```").FindStringSubmatch(after)
	if m == nil {
		t.Fatalf("README.md has no sh block after %q", heading)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(m[1]), "\n") {
		lines = append(lines, strings.TrimSpace(strings.SplitN(l, "  #", 2)[0]))
	}
	return lines
}

// freshCheckout copies the files git tracks (and new ones it does not
// ignore), as they are in the work tree, to a new directory: what a new
// user has after cloning, without results/ or a built binary.
func freshCheckout(t *testing.T) string {
	t.Helper()
	files, err := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	dir := t.TempDir()
	for _, f := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// shell runs script with bash in dir; it dies with the test binary.
func shell(t *testing.T, dir, script string) (string, error) {
	t.Helper()
	cmd := exec.Command("bash", "-e", "-o", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// TestReadmeQuickstart runs README's quickstart as written in a fresh
// checkout (a 30-second local run), then its sqlite recipe over the CSV.
func TestReadmeQuickstart(t *testing.T) {
	if testing.Short() {
		t.Skip("a 30-second run")
	}
	lines := readmeBlock(t, "## Quickstart")
	if len(lines) != 2 || lines[0] != "go build -o lmibench ." || !strings.HasPrefix(lines[1], "./lmibench run ") {
		t.Fatalf("quickstart = %q; want the build and one run", lines)
	}
	dir := freshCheckout(t)
	out, err := shell(t, dir, strings.Join(lines, "\n"))
	if err != nil || !strings.Contains(out, "fast-io: ") || !strings.Contains(out, "report: results/") {
		t.Fatalf("quickstart: %v\n%s", err, out)
	}
	csvs, _ := filepath.Glob(filepath.Join(dir, "results", "fast-io-*.csv"))
	if len(csvs) != 1 {
		t.Fatalf("quickstart wrote %v; want one CSV in results/", csvs)
	}

	if _, err := exec.LookPath("sqlite3"); err != nil {
		t.Skip("sqlite3 is not installed")
	}
	b, _ := os.ReadFile("README.md")
	recipe := regexp.MustCompile("The same over a saved CSV: `([^`]+)`").FindSubmatch(b)
	if recipe == nil {
		t.Fatal("README.md has no sqlite recipe over a saved CSV")
	}
	query := regexp.MustCompile(`'select \.\.\.'`).ReplaceAllString(string(recipe[1]),
		`'select typeof(max(latency_ms)), max(latency_ms) > 100, count(*), sum(cold_start) >= 0 from r'`)
	query = regexp.MustCompile(`results/\S+\.csv`).ReplaceAllString(query, "results/"+filepath.Base(csvs[0]))
	out, err = shell(t, dir, query)
	if err != nil || !strings.HasPrefix(out, "real|1|") || !strings.HasSuffix(strings.TrimSpace(out), "|1") {
		t.Fatalf("%s: %v\n%s; want latencies as numbers", query, err, out)
	}
}

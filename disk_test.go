package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// tinyDisk mounts a 64 KiB tmpfs for the test, or skips it where that is
// not allowed (not root, no mount in the sandbox).
func tinyDisk(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// TestFullDiskStopsTheRun: the CSV no longer fits, so the run stops at
// once, saying which file and why in one line, names only the files it
// wrote, starts no further scenario and exits 1.
func TestFullDiskStopsTheRun(t *testing.T) {
	dir := tinyDisk(t)
	srv, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	r := runCLI(t, nil, "run", "--scenario", "all", "-s", "0.001:8", "-s", "1h:8", "--think", "0",
		"--target", "x="+srv.URL, "--output-dir", dir, "-q")
	if r.code != exitFailure {
		t.Fatalf("exit %d; want %d\n%s", r.code, exitFailure, r.stderr)
	}
	stop := regexp.MustCompile(`(?m)^lmibench: write \S+fast-io-\S+\.csv: .*no space left on device: stopping the run now$`)
	if !stop.MatchString(r.stderr) {
		t.Errorf("stderr does not say which file and why in one line:\n%s", r.stderr)
	}
	for _, m := range regexp.MustCompile(`(?m)^  (csv|sidecar|series|summary|report): (\S+)$`).FindAllStringSubmatch(r.stderr, -1) {
		if _, err := os.Stat(m[2]); err != nil {
			t.Errorf("the summary names %s, which was not written", m[2])
		}
		if m[1] == "csv" {
			t.Errorf("the summary names the CSV that did not fit as written")
		}
	}
	if strings.Contains(r.stderr, "slow-io") {
		t.Error("a further scenario started after the disk was full")
	}
	if csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv")); len(csvs) != 1 {
		t.Errorf("CSVs = %v; want the one that filled the disk", csvs)
	}
}

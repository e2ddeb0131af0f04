package main

import (
	"bufio"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds the real binary once per test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "lmibench")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startBinary starts the real binary; it is killed when the test ends,
// whatever happened, and dies with the test binary should that be killed.
func startBinary(t *testing.T, bin string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd
}

// TestSignalsKeepEveryRow runs the real binary and interrupts it with a
// signal once the server has seen 10 requests: Ctrl-C (SIGINT), kill
// (SIGTERM), a closed terminal (SIGHUP). Exit 130, and the CSV holds a row
// for every request the server saw.
func TestSignalsKeepEveryRow(t *testing.T) {
	bin := buildBinary(t)
	forEachClient(t, func(t *testing.T, client string) {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
			t.Run(sig.String(), func(t *testing.T) { interruptBinary(t, bin, client, sig) })
		}
	})
}

func interruptBinary(t *testing.T, bin, client string, sig syscall.Signal) {
	reached := make(chan struct{})
	srv, hits := countingServer(t, afterRequests(10, func() { close(reached) },
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(30 * time.Millisecond) })))
	dir := t.TempDir()
	cmd := startBinary(t, bin, "run", "--scenario", "fast-io", "--target", "x="+srv.URL, "--http-client", client, "--output-dir", dir,
		"--stages-json", `[{"duration":"1ms","target":8},{"duration":"1h","target":8}]`)
	<-reached
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("exit = %v; want %d", err, exitInterrupted)
	}
	path := oneCSVWithEveryRow(t, dir, hits)
	for _, ext := range []string{".json", ".html"} {
		if _, err := os.Stat(path[:len(path)-4] + ext); err != nil {
			t.Errorf("no %s after SIGINT: %v", ext, err)
		}
	}
}

// TestBrokenCSVStream: `--csv - | head -1`. The run goes on, its CSV file
// holds every row, and it ends saying the stream broke, exit 1.
func TestBrokenCSVStream(t *testing.T) {
	bin := buildBinary(t)
	srv, hits := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	dir := t.TempDir()
	cmd := exec.Command(bin, "run", "--scenario", "fast-io", "-s", "0.001:4", "-s", "0.5:4", "--think", "0",
		"--target", "x="+srv.URL, "--output-dir", dir, "--csv", "-", "-q")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	header, err := bufio.NewReader(out).ReadString('\n')
	out.Close() // as head does after its line
	if err != nil || !strings.HasPrefix(header, "timestamp,") {
		t.Fatalf("first line %q, %v", header, err)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitFailure || !strings.Contains(stderr.String(), "--csv -: the stream broke") {
		t.Fatalf("exit %v; want %d and the broken stream named at the end:\n%s", err, exitFailure, stderr.String())
	}
	oneCSVWithEveryRow(t, dir, hits)
}

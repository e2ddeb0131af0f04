package main

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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

// TestSIGINTKeepsEveryRow runs the real binary and interrupts it with a
// signal, as Ctrl-C does, once the server has seen 10 requests: exit 130,
// and the CSV holds a row for every request the server saw.
func TestSIGINTKeepsEveryRow(t *testing.T) {
	bin := buildBinary(t)
	reached := make(chan struct{})
	srv, hits := countingServer(t, afterRequests(10, func() { close(reached) },
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(30 * time.Millisecond) })))
	dir := t.TempDir()
	cmd := startBinary(t, bin, "run", "--scenario", "fast-io", "--target", "x="+srv.URL, "--output-dir", dir,
		"--stages-json", `[{"duration":"1ms","target":8},{"duration":"1h","target":8}]`)
	<-reached
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
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

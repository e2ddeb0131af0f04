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

// TestSIGINTKeepsEveryRow runs the real binary and interrupts it with a
// signal, as Ctrl-C does: exit 130, and the CSV holds a row for every
// request the server saw.
func TestSIGINTKeepsEveryRow(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "lmibench")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv, hits := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(30 * time.Millisecond)
	}))
	dir := t.TempDir()
	cmd := exec.Command(bin, "run", "--scenario", "fast-io", "--target", "x="+srv.URL, "--output-dir", dir,
		"--stages-json", `[{"duration":"1ms","target":8},{"duration":"1h","target":8}]`)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("lmibench did not stop within 10s of SIGINT")
	}
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

package local

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/emulator"
)

func TestServer(t *testing.T) {
	s, err := Start("127.0.0.1:0", false, emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ts := s.Targets()
	if len(ts) != 3 || ts[2].Name != "lmi" || !strings.HasPrefix(ts[2].URL, s.URL()) || !strings.HasSuffix(ts[2].URL, "/lmi/2048/hello") {
		t.Fatalf("Targets() = %v; want the three endpoints on %s", ts, s.URL())
	}
	resp, err := http.Get(ts[0].URL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s = %v, %v", ts[0].URL, resp, err)
	}
	resp.Body.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Wait returns the server's end, which Close has already brought.
	if err := s.Wait(context.Background()); err != http.ErrServerClosed {
		t.Fatalf("Wait() after Close = %v; want http.ErrServerClosed", err)
	}
	if _, err := Start("127.0.0.1:-1", false, emulator.Config{}); err == nil {
		t.Fatalf("Start(bad address) = nil error")
	}
	if _, err := Start("127.0.0.1:0", true, emulator.Config{}); err == nil {
		t.Fatalf("Start(emulator with an invalid config) = nil error")
	}
}

func TestPlatformIsFreshForEachScenario(t *testing.T) {
	p := NewPlatform(true, emulator.Defaults())
	defer p.Close()
	if p.Targets() != nil {
		t.Fatalf("Targets() before Prepare = %v; want none", p.Targets())
	}
	var urls []string
	for range 2 {
		if err := p.Prepare(context.Background()); err != nil {
			t.Fatal(err)
		}
		ts := p.Targets()
		resp, err := http.Get(ts[2].URL + "?delay_ms=0&hash_loops=0")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s = %v, %v", ts[2].URL, resp, err)
		}
		resp.Body.Close()
		urls = append(urls, ts[0].URL)
	}
	if urls[0] == urls[1] {
		t.Fatalf("both scenarios got the server at %s; want a fresh one each", urls[0])
	}
	// The first server is gone.
	if resp, err := http.Get(urls[0]); err == nil {
		resp.Body.Close()
		t.Fatalf("GET %s of the closed server answered %s", urls[0], resp.Status)
	}
	stop := p.Observe(time.Now())
	series, err := stop(time.Now())
	if err != nil || len(series) != 5 || series[0].Name != "128 environments" || series[3].Name != "lmi instances" {
		t.Fatalf("Observe() = %v, %v; want the emulator's five series", series, err)
	}
	if !strings.Contains(p.Describe(), "emulator") || !strings.Contains(NewPlatform(false, emulator.Config{}).Describe(), "real function") {
		t.Errorf("Describe() does not say which local target")
	}
}

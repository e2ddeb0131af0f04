package bench

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/function"
)

func TestLocal(t *testing.T) {
	l, err := StartLocal("127.0.0.1:0", function.NewLocalMux())
	if err != nil {
		t.Fatal(err)
	}
	ts := l.Targets()
	if len(ts) != 3 || ts[2].Name != "lmi" || !strings.HasPrefix(ts[2].URL, l.URL()) || !strings.HasSuffix(ts[2].URL, "/lmi/2048/hello") {
		t.Fatalf("Targets() = %v; want the three endpoints on %s", ts, l.URL())
	}
	resp, err := http.Get(ts[0].URL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s = %v, %v", ts[0].URL, resp, err)
	}
	resp.Body.Close()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := l.Wait(ctx); err == nil || err != http.ErrServerClosed {
		t.Fatalf("Wait() after Close = %v; want http.ErrServerClosed", err)
	}
	if _, err := StartLocal("127.0.0.1:-1", nil); err == nil {
		t.Fatalf("StartLocal(bad address) = nil error")
	}
}

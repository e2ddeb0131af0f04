package function

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestParseWork(t *testing.T) {
	tests := []struct {
		query     string
		want      Work
		wantParam string
	}{
		{"", Work{}, ""},
		{"delay_ms=100&hash_loops=50000", Work{100, 50000}, ""},
		{"delay_ms=15000&hash_loops=1000000", Work{15000, 1000000}, ""},
		{"delay_ms=15001", Work{}, "delay_ms"},
		{"delay_ms=-1", Work{}, "delay_ms"},
		{"delay_ms=abc", Work{}, "delay_ms"},
		{"hash_loops=1000001", Work{}, "hash_loops"},
		{"hash_loops=1.5", Work{}, "hash_loops"},
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.query)
		got, err := ParseWork(q.Get)
		var pe *ParamError
		switch {
		case tt.wantParam == "" && (err != nil || got != tt.want):
			t.Errorf("ParseWork(%q) = %v, %v; want %v", tt.query, got, err, tt.want)
		case tt.wantParam != "" && (!errors.As(err, &pe) || pe.Param != tt.wantParam):
			t.Errorf("ParseWork(%q) error = %v; want a ParamError on %s", tt.query, err, tt.wantParam)
		}
	}
}

func TestHashIsAChain(t *testing.T) {
	if Hash(0) != seed {
		t.Fatalf("Hash(0) != seed")
	}
	h2 := Hash(2)
	h1 := Hash(1)
	if Hash(1) == h2 || h1 == seed {
		t.Fatalf("Hash(1), Hash(2) and the seed should differ")
	}
}

func TestServeHTTP(t *testing.T) {
	srv := httptest.NewServer(NewLocalMux())
	defer srv.Close()

	get := func(path string) (*http.Response, map[string]any) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("GET %s: body is not JSON: %v", path, err)
		}
		return resp, body
	}

	resp, body := get("/default/128/hello?delay_ms=5&hash_loops=10")
	if resp.StatusCode != 200 {
		t.Fatalf("status = %d; want 200", resp.StatusCode)
	}
	h := Hash(10)
	if body["hash"] != hex.EncodeToString(h[:]) || body["cold_start"] != true || body["inflight"] != 1.0 ||
		body["delay_ms"] != 5.0 || body["hash_loops"] != 10.0 || body["handler_ms"].(float64) < 5 {
		t.Fatalf("first body = %v; want hash of 10 loops, cold start, 1 in flight, handler_ms >= 5", body)
	}
	env := body["env_id"]
	_, body = get("/default/128/hello")
	if body["cold_start"] != false || body["env_id"] != env {
		t.Fatalf("second body = %v; want warm, same env_id %v", body, env)
	}
	_, body = get("/lmi/2048/hello")
	if body["env_id"] == env || body["cold_start"] != true {
		t.Fatalf("lmi body = %v; want its own env_id and a cold start", body)
	}

	resp, body = get("/default/2048/hello?hash_loops=2000000")
	if resp.StatusCode != 400 || body["param"] != "hash_loops" || !strings.Contains(body["error"].(string), "out of range") {
		t.Fatalf("bad hash_loops: %d %v; want 400 naming hash_loops", resp.StatusCode, body)
	}
	if r, err := http.Post(srv.URL+"/lmi/2048/hello", "text/plain", nil); err != nil || r.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST = %v, %v; want 405", r.StatusCode, err)
	}
}

func TestInflightCountsConcurrentRequests(t *testing.T) {
	f := New()
	const n = 8
	var wg sync.WaitGroup
	seen := make(chan int64, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := f.Invoke(context.Background(), Work{DelayMS: 200})
			if err != nil {
				t.Error(err)
			}
			seen <- r.Inflight
		}()
	}
	wg.Wait()
	close(seen)
	var top int64
	for m := range seen {
		top = max(top, m)
	}
	if top != n {
		t.Fatalf("highest inflight seen = %d; want %d", top, n)
	}
	if f.Inflight() != 0 {
		t.Fatalf("Inflight() after all = %d; want 0", f.Inflight())
	}
}

func TestInvokeStopsSleepingOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := New().Invoke(ctx, Work{DelayMS: MaxDelayMS})
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 10*time.Millisecond {
			t.Fatalf("Invoke with a cancelled context = %v after %v; want DeadlineExceeded at 10ms", err, time.Since(start))
		}
	})
}

// FuzzParseWork checks that any query either parses into range or names the
// parameter at fault.
func FuzzParseWork(f *testing.F) {
	f.Add("delay_ms=100&hash_loops=5")
	f.Add("delay_ms=%zz")
	f.Add("hash_loops=99999999999999999999")
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		w, err := ParseWork(q.Get)
		var pe *ParamError
		if err != nil {
			if !errors.As(err, &pe) || (pe.Param != "delay_ms" && pe.Param != "hash_loops") {
				t.Fatalf("ParseWork(%q) error = %v; want a ParamError naming a parameter", query, err)
			}
			return
		}
		if w.DelayMS < 0 || w.DelayMS > MaxDelayMS || w.HashLoops < 0 || w.HashLoops > MaxHashLoops {
			t.Fatalf("ParseWork(%q) = %v; out of range", query, w)
		}
	})
}

func TestWorkString(t *testing.T) {
	for _, tt := range []struct {
		w    Work
		want string
	}{{Work{}, "delay_ms=0"}, {Work{DelayMS: 100}, "delay_ms=100"}, {Work{HashLoops: 5}, "hash_loops=5"}, {Work{1, 2}, "delay_ms=1 hash_loops=2"}} {
		if got := tt.w.String(); got != tt.want {
			t.Errorf("%+v.String() = %q; want %q", tt.w, got, tt.want)
		}
	}
}

package attack

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/internal/proftest"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/stages"
)

// TestBigBodiesAreCountedNotKept: 50 MiB bodies at 4 users. Each row's
// bytes_in is exact, and what the attack allocates per request stays far
// below a body: bodies are read through a bounded buffer and discarded.
func TestBigBodiesAreCountedNotKept(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		const size = 50 << 20
		body := bytes.Repeat([]byte("x"), size)
		var a *Attack
		c := counter{atN: 12, at: func() { a.Stop() }}
		srv := httptest.NewServer(c.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) })))
		defer srv.Close()
		prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 4}, stages.Stage{Duration: time.Hour, Target: 4})
		a = newAttack(t, Config{Profile: prof, Endpoints: []platform.Target{{Name: "x", URL: srv.URL}}, Options: Options{Client: client, Think: 0, GracefulStop: time.Hour}})
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		recs := collect(t, a)
		runtime.ReadMemStats(&after)
		if len(recs) < 12 {
			t.Fatalf("rows = %d; want at least 12", len(recs))
		}
		for _, r := range recs {
			if r.Status != 200 || r.BytesIn != size {
				t.Fatalf("row %+v; want 200 with bytes_in %d", r, size)
			}
		}
		// The server side writes from one shared buffer; the client's share is
		// what grows with the bodies when they are kept.
		perRequest := (after.TotalAlloc - before.TotalAlloc) / uint64(len(recs))
		if perRequest > 4<<20 {
			t.Fatalf("allocated %d MiB per request of a 50 MiB body; want bodies not kept", perRequest>>20)
		}
	})
}

// TestEndlessBodyIsCutAtTheTimeout: a body that never ends is a timeout
// row once --timeout has passed, and the run ends.
func TestEndlessBodyIsCutAtTheTimeout(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		chunk := bytes.Repeat([]byte("y"), 64<<10)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}))
		defer srv.Close()
		const timeout = 300 * time.Millisecond
		prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 2}, stages.Stage{Duration: 500 * time.Millisecond, Target: 2})
		a := newAttack(t, Config{Profile: prof, Endpoints: []platform.Target{{Name: "x", URL: srv.URL}}, Options: Options{Client: client, Timeout: timeout, GracefulStop: time.Hour}})
		recs := collect(t, a)
		if len(recs) < 2 {
			t.Fatalf("rows = %d; want the 2 users' timeouts", len(recs))
		}
		for _, r := range recs {
			// A timeout firing late (a busy reader) shows as a latency far past it.
			if rows.ErrorKind(r.Error) != "timeout" || r.Latency < timeout || r.Latency > 10*timeout {
				t.Fatalf("row %+v; want a timeout at about %v", r, timeout)
			}
		}
	})
}

func TestRedirects(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		var c counter
		mux := http.NewServeMux()
		mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
		mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
		mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("here")) })
		srv := httptest.NewServer(c.wrap(mux))
		defer srv.Close()
		run := func(redirects int, path string) []rows.Record {
			prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 1}, stages.Stage{Duration: 100 * time.Millisecond, Target: 1})
			return collect(t, newAttack(t, Config{Profile: prof, Endpoints: []platform.Target{{Name: "x", URL: srv.URL + path}}, Options: Options{Client: client, Think: 20 * time.Millisecond, GracefulStop: time.Second, Redirects: redirects}}))
		}
		for _, tt := range []struct {
			name      string
			redirects int
			path      string
			check     func(rows.Record) bool
		}{
			{"a loop fails after the default 10", 0, "/loop", func(r rows.Record) bool { return rows.ErrorKind(r.Error) == "too many redirects" && r.Status == 0 }},
			{"a 301 is followed to its page", 0, "/old", func(r rows.Record) bool { return r.Status == 200 && r.BytesIn == 4 }},
			{"-1 keeps the 301", KeepRedirects, "/old", func(r rows.Record) bool { return r.Status == 301 && r.OK() }},
			{"a limit of 2", 2, "/loop", func(r rows.Record) bool { return r.Error != "" && rows.ErrorKind(r.Error) == "too many redirects" }},
		} {
			recs := run(tt.redirects, tt.path)
			if len(recs) == 0 {
				t.Fatalf("%s: no rows", tt.name)
			}
			for _, r := range recs {
				if !tt.check(r) {
					t.Errorf("%s: row %+v", tt.name, r)
					break
				}
			}
		}
	})
}

// TestLongResponseHeads: heads of 8 KiB and 64 KiB (a long cookie, a
// Content-Security-Policy) succeed on both clients; past the bound the
// request fails as "response header too large", without the server's bytes.
func TestLongResponseHeads(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		for _, tt := range []struct {
			size int
			kind string // "" is a success
		}{{8 << 10, ""}, {64 << 10, ""}, {200 << 10, "response header too large"}} {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Security-Policy", strings.Repeat("a", tt.size))
				w.Write([]byte("ok"))
			}))
			prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 1}, stages.Stage{Duration: 50 * time.Millisecond, Target: 1})
			recs := collect(t, newAttack(t, Config{Profile: prof, Endpoints: []platform.Target{{Name: "x", URL: srv.URL}},
				Options: Options{Client: client, Think: 10 * time.Millisecond, GracefulStop: time.Second, MaxHeaderBytes: 128 << 10}}))
			srv.Close()
			if len(recs) == 0 {
				t.Fatalf("%d bytes: no rows", tt.size)
			}
			for _, r := range recs {
				if got := rows.ErrorKind(r.Error); (tt.kind == "" && (r.Status != 200 || r.BytesIn != 2)) || (tt.kind != "" && got != tt.kind) || strings.Contains(r.Error, "aaaa") {
					t.Fatalf("%d bytes: row %+v (%s); want %q", tt.size, r, got, tt.kind)
				}
			}
		}
	})
}

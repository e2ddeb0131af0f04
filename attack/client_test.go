package attack

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lmibench/lmibench/internal/proftest"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/stages"
)

// hold is a profile of n users (or req/s) for d, reached at once.
func hold(t *testing.T, vus bool, n float64, d time.Duration) *stages.Profile {
	return proftest.New(t, vus, stages.Stage{Duration: time.Nanosecond, Target: n}, stages.Stage{Duration: d, Target: n})
}

// stopping is an attack that a server stops once it has seen what the
// test needs: tests end on events, not when a profile's time is up.
type stopping struct{ a atomic.Pointer[Attack] }

func (s *stopping) start(t *testing.T, cfg Config) *Attack {
	a := newAttack(t, cfg)
	s.a.Store(a)
	return a
}

func (s *stopping) stop() { s.a.Load().Stop() }

// TestOneConnectionPerUser: 8 users sending back to back open no more
// than 8 connections over hundreds of requests.
func TestOneConnectionPerUser(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		var conns atomic.Int64
		var a *Attack
		c := counter{atN: 400, at: func() { a.Stop() }}
		srv := httptest.NewUnstartedServer(c.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
		srv.Start()
		defer srv.Close()
		a = newAttack(t, Config{Profile: hold(t, true, 8, time.Hour), Endpoints: []platform.Target{{Name: "x", URL: srv.URL}}, Options: Options{Client: client, Think: 0, GracefulStop: time.Hour}})
		recs := collect(t, a)
		if len(recs) < 400 || conns.Load() > 8 {
			t.Fatalf("%d rows over %d connections; want 400 or more over at most 8", len(recs), conns.Load())
		}
	})
}

// TestAutoTakesNetHTTPForAProxy: with HTTP_PROXY set, auto sends an
// endpoint's requests through net/http and the proxy, and says why.
func TestAutoTakesNetHTTPForAProxy(t *testing.T) {
	var seen atomic.Pointer[string]
	var st stopping
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := r.URL.String()
		seen.Store(&u)
		st.stop()
	}))
	defer proxy.Close()
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("NO_PROXY", "")
	a := st.start(t, Config{Profile: hold(t, true, 1, time.Hour), Endpoints: []platform.Target{{Name: "x", URL: "http://lmibench.invalid/p"}}, Options: Options{GracefulStop: time.Hour}})
	if c, why := a.ClientOf(0); c != NetHTTP || !strings.Contains(why, "proxy") {
		t.Fatalf("ClientOf = %s (%s); want net/http for the proxy", c, why)
	}
	recs := collect(t, a)
	if len(recs) == 0 || recs[0].Status != 200 || seen.Load() == nil || *seen.Load() != "http://lmibench.invalid/p" {
		t.Fatalf("rows %v, proxy saw %v; want 200s through the proxy", recs, seen.Load())
	}
	if a, _ := New(Config{Profile: hold(t, true, 1, time.Second), Endpoints: []platform.Target{{Name: "x", URL: "http://lmibench.invalid/p"}}, Options: Options{Client: FastHTTP}}); a == nil {
		t.Fatal("--http-client fasthttp refused")
	} else if c, _ := a.ClientOf(0); c != FastHTTP {
		t.Fatalf("--http-client fasthttp gave %s", c)
	}
}

// TestHTTP2: --http2 speaks HTTP/2 through net/http; by default the
// requests are HTTP/1.1 on fasthttp; fasthttp with --http2 is refused.
func TestHTTP2(t *testing.T) {
	var protos sync.Map
	var st stopping
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		protos.Store(r.Proto, true)
		st.stop()
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	insecure := &tls.Config{InsecureSkipVerify: true}
	for _, tt := range []struct {
		http2 bool
		want  string
	}{{true, "HTTP/2.0"}, {false, "HTTP/1.1"}} {
		protos.Clear()
		collect(t, st.start(t, Config{Profile: hold(t, true, 1, time.Hour), Endpoints: []platform.Target{{Name: "x", URL: srv.URL}}, Options: Options{HTTP2: tt.http2, TLS: insecure, GracefulStop: time.Hour}}))
		n := 0
		protos.Range(func(k, _ any) bool {
			n++
			if k != tt.want {
				t.Errorf("http2 %v: a request in %v; want %s", tt.http2, k, tt.want)
			}
			return true
		})
		if n == 0 {
			t.Errorf("http2 %v: no request reached the server", tt.http2)
		}
	}
	if _, err := New(Config{Profile: hold(t, true, 1, time.Second), Endpoints: []platform.Target{{Name: "x", URL: srv.URL}}, Options: Options{HTTP2: true, Client: FastHTTP}}); err == nil {
		t.Fatal("fasthttp with HTTP/2 accepted")
	}
}

// rawServer answers every connection with answer(conn's request number,
// starting at 1) and closes the connection when it returns false.
func rawServer(t *testing.T, answer func(n int, w io.Writer) bool) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var requests atomic.Int64
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				br := bufio.NewReader(conn)
				for n := 1; ; n++ {
					if _, err := http.ReadRequest(br); err != nil {
						return
					}
					requests.Add(1)
					if !answer(n, conn) {
						return
					}
				}
			})
		}
	})
	return "http://" + ln.Addr().String() + "/", &requests
}

// TestMalformedAnswers: answers that are not HTTP are rows of their own
// kind on both clients, without the server's bytes.
func TestMalformedAnswers(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		for _, tt := range []struct{ name, answer, kind string }{
			{"garbage", "SSH-2.0-OpenSSH\r\n\r\n", "malformed response"},
			{"bad status", "HTTP/1.1 abc OK\r\n\r\n", "malformed response"},
			{"cut body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "connection closed (EOF)"},
			{"cut chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "connection closed (EOF)"},
		} {
			var st stopping
			url, _ := rawServer(t, func(_ int, w io.Writer) bool {
				io.WriteString(w, tt.answer)
				st.stop()
				return false
			})
			recs := collect(t, st.start(t, Config{Profile: hold(t, true, 1, time.Hour), Endpoints: []platform.Target{{Name: "x", URL: url}}, Options: Options{Client: client, GracefulStop: time.Hour}}))
			if len(recs) == 0 {
				t.Fatalf("%s: no rows", tt.name)
			}
			for _, r := range recs {
				if r.Status != 0 || rows.ErrorKind(r.Error) != tt.kind || strings.Contains(r.Error, "OpenSSH") {
					t.Fatalf("%s: row status %d error %q (%s); want %s", tt.name, r.Status, r.Error, rows.ErrorKind(r.Error), tt.kind)
				}
			}
		}
	})
}

// TestIdleCloseIsNotAnError: a server that closes every connection after
// one answer without saying so: the next request on it fails before any
// answer, and is sent again on a new connection, as net/http does; no row
// fails and the server saw one request per row.
func TestIdleCloseIsNotAnError(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		var st stopping
		var served atomic.Int64
		url, requests := rawServer(t, func(_ int, w io.Writer) bool {
			io.WriteString(w, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			if served.Add(1) == 10 {
				st.stop()
			}
			return false
		})
		recs := collect(t, st.start(t, Config{Profile: hold(t, true, 2, time.Hour), Endpoints: []platform.Target{{Name: "x", URL: url}}, Options: Options{Client: client, Think: 5 * time.Millisecond, GracefulStop: time.Hour}}))
		for _, r := range recs {
			if r.Status != 200 || r.BytesIn != 2 {
				t.Fatalf("row %+v; want 200 with 2 bytes", r)
			}
		}
		if len(recs) < 10 || int64(len(recs)) != requests.Load() {
			t.Fatalf("%d rows, server saw %d requests; want one per row", len(recs), requests.Load())
		}
	})
}

// TestBigRequestBodies: a body far larger than a socket takes at once is
// sent whole (the server reads every byte), and a server that never reads
// it makes the request a timeout row, not a hang.
func TestBigRequestBodies(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		body := make([]byte, 8<<20)
		var short, whole atomic.Int64
		var st stopping
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n, _ := io.Copy(io.Discard, r.Body); n != int64(len(body)) {
				short.Add(1)
			} else if whole.Add(1) == 4 {
				st.stop()
			}
		}))
		defer srv.Close()
		recs := collect(t, st.start(t, Config{Profile: hold(t, true, 2, time.Hour), Endpoints: []platform.Target{{Name: "x", URL: srv.URL, Method: http.MethodPost, Body: body}}, Options: Options{Client: client, Think: 0, GracefulStop: time.Hour}}))
		if len(recs) == 0 || short.Load() != 0 {
			t.Fatalf("%d rows, %d bodies cut short at the server; want every body whole", len(recs), short.Load())
		}
		for _, r := range recs {
			if r.Status != 200 || r.BytesOut != uint64(len(body)) {
				t.Fatalf("row %+v; want 200 with all %d bytes out", r, len(body))
			}
		}

		// A server that takes connections and reads nothing: the write
		// blocks once the sockets' buffers are full, until the timeout.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var conns sync.WaitGroup
		var deaf stopping
		accepted := make(chan net.Conn, 16)
		conns.Go(func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				deaf.stop() // the request in flight gets the graceful stop
				select {
				case accepted <- c:
				default:
					c.Close() // more than a test needs
				}
			}
		})
		defer func() {
			ln.Close()
			conns.Wait()
			close(accepted)
			for c := range accepted {
				c.Close()
			}
		}()
		const timeout = 300 * time.Millisecond
		huge := make([]byte, 64<<20)
		recs = collect(t, deaf.start(t, Config{Profile: hold(t, true, 1, time.Hour), Endpoints: []platform.Target{{Name: "x", URL: "http://" + ln.Addr().String() + "/", Method: http.MethodPost, Body: huge}}, Options: Options{Client: client, Timeout: timeout, GracefulStop: time.Hour}}))
		if len(recs) == 0 {
			t.Fatal("no rows from the deaf server")
		}
		for _, r := range recs {
			if rows.ErrorKind(r.Error) != "timeout" || r.Latency < timeout || r.Latency > 10*timeout {
				t.Fatalf("deaf server: row %+v; want a timeout at about %v", r, timeout)
			}
		}
	})
}

package attack

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/internal/proftest"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/stages"
)

// counter is a loopback server that counts requests and the peak in flight.
type counter struct {
	requests atomic.Int64
	inflight atomic.Int64
	peak     atomic.Int64
	// at, when set, is called once inside request number atN: tests act on
	// what the attack did, never on a timer.
	atN int64
	at  func()
}

func (c *counter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.requests.Add(1) == c.atN && c.at != nil {
			c.at()
		}
		n := c.inflight.Add(1)
		defer c.inflight.Add(-1)
		for p := c.peak.Load(); n > p && !c.peak.CompareAndSwap(p, n); p = c.peak.Load() {
		}
		h.ServeHTTP(w, r)
	})
}

func collect(t *testing.T, a *Attack) []rows.Record {
	t.Helper()
	var out []rows.Record
	for r := range a.Start() {
		out = append(out, r)
	}
	return out
}

func newAttack(t *testing.T, cfg Config) *Attack {
	t.Helper()
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestVUsAgainstTheFunction(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		var c counter
		srv := httptest.NewServer(c.wrap(function.New()))
		defer srv.Close()
		prof := proftest.New(t, true, stages.Stage{Duration: 500 * time.Millisecond, Target: 4},
			stages.Stage{Duration: time.Second, Target: 4}, stages.Stage{Duration: 500 * time.Millisecond, Target: 8})
		a := newAttack(t, Config{Scenario: "fast-io", Profile: prof, Endpoints: []platform.Target{{Name: "lmi", URL: srv.URL + "/?delay_ms=20"}}, Options: Options{Client: client, Model: stages.VUs, Think: 10 * time.Millisecond, GracefulStop: time.Second}})
		recs := collect(t, a)

		if got, want := int64(len(recs)), c.requests.Load(); got != want || got == 0 {
			t.Fatalf("rows = %d; want the %d requests the server counted", got, want)
		}
		if p := c.peak.Load(); p > 8 || p < 4 {
			t.Errorf("peak in flight at the server = %d; want between 4 (hold) and 8 (max VUs)", p)
		}
		envs := map[string]bool{}
		for _, r := range recs {
			if r.Status != 200 || r.Error != "" || !r.HasFn || r.Endpoint != "lmi" || r.Scenario != "fast-io" {
				t.Fatalf("record %+v; want a 200 from the function on lmi", r)
			}
			// The handler counts at its start, which a busy machine may delay
			// past a newer user's arrival: the bound is the profile's target at
			// any time while the request ran (the ramps only rise here).
			if allowed := stages.VUs.TargetAt(prof, r.Elapsed+r.Latency); r.Fn.Inflight > int64(max(r.Target, allowed)) {
				t.Errorf("function saw %d in flight while the target was %v to %v", r.Fn.Inflight, r.Target, allowed)
			}
			if r.Stage != prof.Index(r.Elapsed) || r.Latency < 20*time.Millisecond {
				t.Errorf("record %+v: stage or latency off", r)
			}
			envs[r.Fn.EnvID] = true
		}
		if len(envs) != 1 {
			t.Errorf("env_ids = %v; want the one of the server", envs)
		}
	})
}

func TestEndpointsDoNotThrottleEachOther(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		// The slow endpoint holds its requests until the fast one has answered
		// 100: were the endpoints sharing workers or a pacer, the fast one would
		// stall behind the slow one and the run would never get there.
		release := make(chan struct{})
		var a *Attack
		fast := counter{atN: 100, at: func() { close(release); a.Stop() }}
		var slow counter
		fs := httptest.NewServer(fast.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
		defer fs.Close()
		ss := httptest.NewServer(slow.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release })))
		defer ss.Close()
		prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 2}, stages.Stage{Duration: time.Hour, Target: 2})
		a = newAttack(t, Config{Profile: prof, Endpoints: []platform.Target{{Name: "fast", URL: fs.URL}, {Name: "slow", URL: ss.URL}}, Options: Options{Client: client, Think: time.Millisecond, GracefulStop: time.Hour}})
		recs := collect(t, a)
		per := map[string]int{}
		for _, r := range recs {
			per[r.Endpoint]++
		}
		if per["fast"] < 100 || per["slow"] != 2 {
			t.Fatalf("requests per endpoint = %v; want fast >= 100 while slow's 2 users wait", per)
		}
		if int64(per["fast"]) != fast.requests.Load() || int64(per["slow"]) != slow.requests.Load() {
			t.Fatalf("rows %v; servers counted fast %d, slow %d", per, fast.requests.Load(), slow.requests.Load())
		}
	})
}

func TestRateSendsItsSchedule(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		var c counter
		srv := httptest.NewServer(c.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
		defer srv.Close()
		// 0→400 req/s over 1s (200) then 400 for 1s (400): 600 requests.
		prof := proftest.New(t, false, stages.Stage{Duration: time.Second, Target: 400}, stages.Stage{Duration: time.Second, Target: 400})
		a := newAttack(t, Config{Profile: prof, Endpoints: []platform.Target{{Name: "x", URL: srv.URL}}, Options: Options{Client: client, Model: stages.Rate, GracefulStop: time.Second}})
		recs := collect(t, a)
		if n := c.requests.Load(); n < 594 || n > 600 || int64(len(recs)) != n {
			t.Fatalf("server counted %d, rows %d; want 600 within 1%%", n, len(recs))
		}
	})
}

func TestFaultsAreRows(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		hang := make(chan struct{})
		defer close(hang)
		var c counter
		mux := http.NewServeMux()
		mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-hang:
			case <-r.Context().Done():
			}
		})
		mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.(*net.TCPConn).SetLinger(0)
				conn.Close()
			}
		})
		mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
		srv := httptest.NewServer(c.wrap(mux))
		defer srv.Close()

		closed, _ := net.Listen("tcp", "127.0.0.1:0")
		refused := "http://" + closed.Addr().String() + "/"
		closed.Close()

		prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 2}, stages.Stage{Duration: 600 * time.Millisecond, Target: 2})
		a := newAttack(t, Config{Profile: prof, Endpoints: []platform.Target{{Name: "hang", URL: srv.URL + "/hang"}, {Name: "reset", URL: srv.URL + "/reset"}, {Name: "500", URL: srv.URL + "/500"}, {Name: "refused", URL: refused}}, Options: Options{Client: client, Think: 20 * time.Millisecond, GracefulStop: 300 * time.Millisecond}})
		recs := collect(t, a)
		kinds := map[string]map[string]int{}
		reached := 0
		for _, r := range recs {
			k := rows.ErrorKind(r.Error)
			if r.Status != 0 {
				k = http.StatusText(r.Status)
			}
			if kinds[r.Endpoint] == nil {
				kinds[r.Endpoint] = map[string]int{}
			}
			kinds[r.Endpoint][k]++
			if r.Endpoint != "refused" {
				reached++
			}
		}
		if int64(reached) != c.requests.Load() {
			t.Errorf("rows of reachable endpoints = %d; server counted %d", reached, c.requests.Load())
		}
		if got := kinds["hang"]; got["stopped (graceful stop ended)"] != 2 || len(got) != 1 {
			t.Errorf("hang rows by kind = %v; want its 2 users stopped at the graceful stop", got)
		}
		if got := kinds["500"]; got["Internal Server Error"] == 0 || len(got) != 1 {
			t.Errorf("500 rows by kind = %v; want only status 500", got)
		}
		if got := kinds["refused"]; got["connection refused"] == 0 || len(got) != 1 {
			t.Errorf("refused rows by kind = %v; want only connection refused", got)
		}
		for k := range kinds["reset"] {
			if k != "connection reset" && k != "connection closed (EOF)" {
				t.Errorf("reset rows by kind = %v; want reset or EOF", kinds["reset"])
			}
		}
	})
}

func TestTimeoutIsARow(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
		defer srv.Close()
		prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 1}, stages.Stage{Duration: 250 * time.Millisecond, Target: 1})
		a := newAttack(t, Config{Profile: prof, Endpoints: []platform.Target{{Name: "x", URL: srv.URL}}, Options: Options{Client: client, Think: 0, Timeout: 100 * time.Millisecond}})
		recs := collect(t, a)
		if len(recs) < 2 {
			t.Fatalf("rows = %d; want one per 100ms timeout", len(recs))
		}
		for _, r := range recs[:2] {
			if rows.ErrorKind(r.Error) != "timeout" || r.Latency < 100*time.Millisecond || r.Latency > time.Second {
				t.Fatalf("record %+v; want a timeout after about 100ms", r)
			}
		}
	})
}

func TestStopKeepsEveryRow(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		// Stop comes inside the 40th request: no request is sent after it, and
		// those in flight finish within the graceful stop.
		var a *Attack
		var stoppedAt atomic.Pointer[time.Time]
		c := counter{atN: 40, at: func() {
			now := time.Now()
			stoppedAt.Store(&now)
			if !a.Stop() || a.Stop() {
				t.Error("Stop() twice = first true then false; want exactly that")
			}
		}}
		srv := httptest.NewServer(c.wrap(function.New()))
		defer srv.Close()
		prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 8}, stages.Stage{Duration: time.Hour, Target: 8})
		a = newAttack(t, Config{Profile: prof, Endpoints: []platform.Target{{Name: "x", URL: srv.URL + "/?delay_ms=50"}}, Options: Options{Client: client, Think: 0, GracefulStop: time.Hour}})
		recs := collect(t, a)
		if int64(len(recs)) != c.requests.Load() {
			t.Fatalf("rows = %d; server counted %d", len(recs), c.requests.Load())
		}
		late := 0
		for _, r := range recs {
			if r.Status != 200 {
				t.Fatalf("record %+v; want every in-flight request to finish within the graceful stop", r)
			}
			if r.Timestamp.After(*stoppedAt.Load()) {
				late++
			}
		}
		// A user whose go-ahead came just before Stop may send just after it;
		// none sends twice.
		if late > 8 {
			t.Fatalf("%d requests were sent after Stop; want at most one per user (8)", late)
		}
	})
}

func TestKillCutsInflight(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		// The server never answers; once the 3 users' requests are in, Kill.
		var a *Attack
		c := counter{atN: 3, at: func() { a.Kill() }}
		srv := httptest.NewServer(c.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })))
		defer srv.Close()
		prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 3}, stages.Stage{Duration: time.Hour, Target: 3})
		a = newAttack(t, Config{Profile: prof, Endpoints: []platform.Target{{Name: "x", URL: srv.URL}}, Options: Options{Client: client, GracefulStop: time.Hour}})
		recs := collect(t, a)
		if len(recs) != 3 {
			t.Fatalf("rows = %d; want the 3 in-flight requests", len(recs))
		}
		for _, r := range recs {
			if r.Error != rows.ErrStopped {
				t.Fatalf("record error %q; want %q", r.Error, rows.ErrStopped)
			}
		}
	})
}

func TestDroppedAreRows(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) }))
		defer srv.Close()
		prof := proftest.New(t, false, stages.Stage{Duration: time.Nanosecond, Target: 100}, stages.Stage{Duration: 500 * time.Millisecond, Target: 100})
		a := newAttack(t, Config{Profile: prof, Endpoints: []platform.Target{{Name: "x", URL: srv.URL}}, Options: Options{Client: client, Model: stages.Rate, MaxInflight: 5, GracefulStop: time.Second}})
		recs := collect(t, a)
		dropped := 0
		for _, r := range recs {
			if r.Error == rows.ErrDropped {
				dropped++
			}
		}
		if len(recs) != 50 || uint64(dropped) != a.Dropped() || dropped < 30 {
			t.Fatalf("rows %d with %d dropped (Dropped() = %d); want 50 scheduled, most dropped at 5 in flight", len(recs), dropped, a.Dropped())
		}
	})
}

func TestErrorKind(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{`Get "http://127.0.0.1:4242/x": dial tcp 127.0.0.1:4242: connect: connection refused`, "connection refused"},
		{`Get "http://[::1]:80/": read tcp [::1]:5->[::1]:80: read: connection reset by peer`, "connection reset"},
		{`Get "http://a/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, "timeout"},
		{`Get "http://nohost.invalid/": dial tcp: lookup nohost.invalid on 10.0.0.2:53: no such host`, "DNS lookup failed"},
		{`Get "http://a:1/": EOF`, "connection closed (EOF)"},
		{rows.ErrDropped, "dropped (max in-flight)"},
		{rows.ErrStopped, "stopped (graceful stop ended)"},
		{`weird thing at 10.1.2.3:8080 via https://x.example/p?q=1`, "weird thing at ADDR via URL"},
	}
	for _, tt := range tests {
		if got := rows.ErrorKind(tt.in); got != tt.want {
			t.Errorf("ErrorKind(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	if got := rows.StripAddresses("dial tcp 192.168.0.1:443 and [fe80::1]:22 port :8080"); strings.ContainsAny(got, "0123456789") {
		t.Errorf("StripAddresses left digits: %q", got)
	}
}

// TestNoSecretInErrorRows: a target whose URL holds a token and a password
// fails to connect; the row's error names the URL without them.
func TestNoSecretInErrorRows(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		closed, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := closed.Addr().String()
		closed.Close()
		prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 1}, stages.Stage{Duration: 50 * time.Millisecond, Target: 1})
		a := newAttack(t, Config{Profile: prof, Endpoints: []platform.Target{{Name: "x", URL: "http://user:hunter2@" + addr + "/p?delay_ms=1&token=s3cret"}}, Options: Options{Client: client, Think: 10 * time.Millisecond, GracefulStop: time.Second}})
		recs := collect(t, a)
		if len(recs) == 0 {
			t.Fatal("no rows")
		}
		for _, r := range recs {
			if strings.Contains(r.Error, "s3cret") || strings.Contains(r.Error, "hunter2") || strings.Contains(r.Error, "user") ||
				!strings.Contains(r.Error, "token=REDACTED") {
				t.Fatalf("error %q; want the URL without its secrets", r.Error)
			}
		}
		if got := redactURLs(`Get "https://u:p@h/x?a=1": EOF and "http://h/?k=v"`); got != `Get "https://h/x?a=REDACTED": EOF and "http://h/?k=REDACTED"` {
			t.Fatalf("redactURLs = %q", got)
		}
	})
}

// bothClients runs a test on each HTTP client: every fault must look the
// same in the rows whichever one sent the requests.
// forEachClient runs test on each concrete client.
func forEachClient(t *testing.T, test func(t *testing.T, client Client)) {
	for _, c := range Concrete {
		t.Run(strings.ReplaceAll(string(c), "/", ""), func(t *testing.T) { test(t, c) })
	}
}

func TestOptionsValidate(t *testing.T) {
	good := Options{}.withDefaults()
	for _, tt := range []struct {
		name string
		edit func(*Options)
		want string // "" is valid
	}{
		{"defaults", func(*Options) {}, ""},
		{"keep redirects", func(o *Options) { o.Redirects = KeepRedirects }, ""},
		{"unknown model", func(o *Options) { o.Model = "waves" }, `load-model: "waves" is neither vus nor rate`},
		{"negative think", func(o *Options) { o.Think = -time.Second }, "think: -1s must be at least 0s"},
		{"tiny timeout", func(o *Options) { o.Timeout = time.Microsecond }, "timeout: 1µs must be at least 1ms"},
		{"negative graceful stop", func(o *Options) { o.GracefulStop = -1 }, "graceful-stop: -1ns must be at least 0s"},
		{"no in-flight", func(o *Options) { o.MaxInflight = 0 }, "max-inflight: 0 must be at least 1"},
		{"zero redirects", func(o *Options) { o.Redirects = 0 }, "redirects: 0: give how many to follow"},
		{"unknown client", func(o *Options) { o.Client = "curl" }, `http-client: "curl" is not one of auto, fasthttp, net/http`},
		{"HTTP/2 on fasthttp", func(o *Options) { o.Client, o.HTTP2 = FastHTTP, true }, "http2: fasthttp speaks HTTP/1.1 only"},
		{"two at once", func(o *Options) { o.Think, o.MaxInflight = -1, 0 }, "think: -1ns must be at least 0s\nmax-inflight: 0 must be at least 1"},
	} {
		o := good
		tt.edit(&o)
		err := o.Validate()
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: Validate() = %v; want %q", tt.name, err, tt.want)
		}
	}
	// Zero values take the defaults in New, and so pass.
	if _, err := New(Config{Profile: hold(t, true, 1, time.Second), Endpoints: []platform.Target{{Name: "x", URL: "http://127.0.0.1:1/"}}}); err != nil {
		t.Errorf("New with zero options = %v; want the defaults", err)
	}
}

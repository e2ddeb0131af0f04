package emulator

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/lmibench/lmibench/function"
)

func testConfig() Config {
	c := Defaults()
	c.Overhead = 0
	c.HashLoopCost = time.Microsecond // 1,000 loops = 1 ms of CPU at one vCPU
	return c
}

func emulate(t *testing.T, c Config) *Emulator {
	t.Helper()
	e, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

type result struct {
	resp    function.Response
	err     error
	latency time.Duration
}

// burst sends n requests at once to m and returns what each got.
func burst(m model, n int, w function.Work) []result {
	out := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			r, err := m.invoke(context.Background(), w)
			out[i] = result{r, err, time.Since(start)}
		}()
	}
	wg.Wait()
	return out
}

func TestLMIEnvironmentSharesItsVCPU(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := testConfig()
		c.LMIInitialEnvs = 1
		e := emulate(t, c)
		work := function.Work{HashLoops: 90000} // 90 ms of CPU
		one := burst(e.lmi, 1, work)[0]
		if one.err != nil || one.latency != 90*time.Millisecond {
			t.Fatalf("one request = %v after %v; want 90ms", one.err, one.latency)
		}
		all := burst(e.lmi, 64, work)
		for _, r := range all {
			// 64 requests share one vCPU: each takes 64 × 90 ms.
			if r.err != nil || r.latency < 5760*time.Millisecond || r.latency > 5761*time.Millisecond {
				t.Fatalf("request among 64 = %v after %v; want 64 × 90ms = 5.76s", r.err, r.latency)
			}
			if r.resp.ColdStart {
				t.Fatalf("LMI reported a cold start on the request path")
			}
		}
		peak := int64(0)
		for _, r := range all {
			peak = max(peak, r.resp.Inflight)
		}
		if peak != 64 {
			t.Errorf("peak inflight = %d; want 64 in one environment", peak)
		}
	})
}

func TestStandardOneRequestPerEnvironment(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := emulate(t, testConfig())
		work := function.Work{HashLoops: 10000, DelayMS: 50} // 10 ms CPU at one vCPU, 50 ms I/O
		first := burst(e.std[1], 10, work)
		envs := map[string]bool{}
		for _, r := range first {
			if r.err != nil || !r.resp.ColdStart || r.resp.Inflight != 1 {
				t.Fatalf("first wave: %+v, %v; want a cold start in its own environment", r.resp, r.err)
			}
			// 150 ms cold start + 10 ms CPU + 50 ms sleep.
			if r.latency != 210*time.Millisecond {
				t.Errorf("cold request took %v; want 210ms", r.latency)
			}
			envs[r.resp.EnvID] = true
		}
		if len(envs) != 10 || e.std[1].count() != 10 {
			t.Fatalf("10 concurrent requests used %d environments (%d alive); want 10", len(envs), e.std[1].count())
		}
		// Warm: the same environments again, no cold start.
		for _, r := range burst(e.std[1], 10, work) {
			if r.resp.ColdStart || !envs[r.resp.EnvID] || r.latency != 60*time.Millisecond {
				t.Fatalf("second wave: %+v in %v; want a warm environment of the first wave, 60ms", r.resp, r.latency)
			}
		}
		if got := e.State().ColdStarts; got != 10 {
			t.Errorf("cold starts = %d; want one per new environment (10)", got)
		}
		// The warm period ends: the environments are gone.
		time.Sleep(c10m())
		if n := e.std[1].count(); n != 0 {
			t.Errorf("environments after the idle timeout = %d; want 0", n)
		}
	})
}

func c10m() time.Duration { return Defaults().IdleTimeout + time.Second }

func TestStandardCPUFollowsMemory(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := testConfig()
		c.ColdStart = 0
		e := emulate(t, c)
		work := function.Work{HashLoops: 90000} // 90 ms at one vCPU
		small := burst(e.std[0], 1, work)[0]
		big := burst(e.std[1], 1, work)[0]
		// 128 MB is 128/1769 of a vCPU; 2048 MB is over one, and one is all
		// a single-threaded handler uses.
		if want := time.Duration(90e6 * 1769 / 128); small.latency < want-time.Millisecond || small.latency > want+time.Millisecond {
			t.Errorf("128 MB took %v; want %v", small.latency, want)
		}
		if big.latency != 90*time.Millisecond {
			t.Errorf("2048 MB took %v; want 90ms", big.latency)
		}
	})
}

func TestAccountConcurrencyThrottles(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := testConfig()
		c.AccountConcurrency = 5
		e := emulate(t, c)
		got := burst(e.std[0], 4, function.Work{DelayMS: 100})
		var wg sync.WaitGroup
		var a, b []result
		wg.Add(2)
		go func() { defer wg.Done(); a = burst(e.std[0], 4, function.Work{DelayMS: 100}) }()
		go func() { defer wg.Done(); b = burst(e.std[1], 4, function.Work{DelayMS: 100}) }()
		wg.Wait()
		throttled := 0
		for _, r := range append(append(got, a...), b...) {
			if errors.Is(r.err, function.ErrThrottled) {
				throttled++
			}
		}
		// The first 4 fit; then 8 at once across two functions, 5 allowed.
		if throttled != 3 {
			t.Errorf("throttled = %d; want 3 over the account limit of 5", throttled)
		}
		if s := e.State(); s.Throttles != 3 {
			t.Errorf("State throttles = %+v; want 3 counted", s)
		}
	})
}

func TestLMIThrottlesFasterThanItScales(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := testConfig()
		c.TimeScale = 10 // 30 s ticks and 2 min scale-out in 3 s and 12 s
		e := emulate(t, c)
		io := function.Work{DelayMS: 1000}
		count := func(rs []result) (throttled int) {
			for _, r := range rs {
				if errors.Is(r.err, function.ErrThrottled) {
					throttled++
				}
			}
			return throttled
		}
		// 3 environments × 64 = 192 at once; 400 is more than double.
		if n := count(burst(e.lmi, 400, io)); n != 208 {
			t.Fatalf("throttled in the first burst = %d; want 400 - 192 = 208", n)
		}
		if envs, _ := e.lmi.counts(); envs != 3 {
			t.Fatalf("environments right after = %d; want still 3 (scaling is asynchronous)", envs)
		}
		// Keep the traffic up while the provider scales out.
		deadline := time.Now().Add(40 * time.Second)
		last := 0
		for time.Now().Before(deadline) {
			last = count(burst(e.lmi, 400, io))
		}
		envs, instances := e.lmi.counts()
		if last != 0 || envs < 7 {
			t.Fatalf("after scale-out: %d throttled with %d environments; want none with at least 7", last, envs)
		}
		if want := max(3, (envs+2)/3); instances != want {
			t.Errorf("instances = %d for %d environments; want %d, 3 to a c8g.xlarge", instances, envs, want)
		}
		// Load gone: gradual scale-in, one environment per tick after 5 min.
		time.Sleep(30 * time.Second) // 5 min of platform time
		before, _ := e.lmi.counts()
		time.Sleep(3 * time.Second) // one tick
		after, _ := e.lmi.counts()
		if after != before-1 {
			t.Errorf("one tick of scale-in went from %d to %d environments; want one fewer", before, after)
		}
		time.Sleep(10 * time.Minute)
		if n, _ := e.lmi.counts(); n != c.LMIInitialEnvs {
			t.Errorf("environments long after = %d; want back to %d", n, c.LMIInitialEnvs)
		}
	})
}

func TestHandler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := testConfig()
		c.LMIInitialEnvs, c.LMIMaxConcurrency = 1, 1
		e := emulate(t, c)
		h := e.Handler()
		get := func(path string) *httptest.ResponseRecorder {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
			return w
		}
		w := get("/default/128/hello?delay_ms=5&hash_loops=10")
		if w.Code != 200 || !strings.Contains(w.Body.String(), `"cold_start":true`) || !strings.Contains(w.Body.String(), `"env_id":"`) {
			t.Fatalf("128: %d %s", w.Code, w.Body)
		}
		if w := get("/lmi/2048/hello?hash_loops=abc"); w.Code != 400 || !strings.Contains(w.Body.String(), `"param":"hash_loops"`) {
			t.Fatalf("bad param: %d %s", w.Code, w.Body)
		}
		// One environment taking one request: the second at once is a 429.
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i := range 2 {
			wg.Add(1)
			go func() { defer wg.Done(); codes[i] = get("/lmi/2048/hello?delay_ms=100").Code }()
		}
		wg.Wait()
		if codes[0]+codes[1] != 200+http.StatusTooManyRequests {
			t.Fatalf("two requests on a full provider = %v; want one 200 and one 429", codes)
		}
	})
}

func TestObserve(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := emulate(t, testConfig())
		finish := e.Observe(time.Now())
		burst(e.std[0], 4, function.Work{DelayMS: 2500})
		series, err := finish(time.Now())
		if err != nil || len(series) != 5 {
			t.Fatalf("Observe() = %d series, %v", len(series), err)
		}
		if p := series[0].Points; len(p) < 3 || p[len(p)-1][1] != 4 || series[0].Name != "128 environments" {
			t.Errorf("128 environments = %v; want a point a second, ending at 4", p)
		}
		if p := series[3].Points; p[0][1] != 3 {
			t.Errorf("lmi instances = %v; want 3 to begin with", p)
		}
	})
}

func TestValidate(t *testing.T) {
	c := Defaults()
	c.TimeScale, c.LMIMaxVCPUs, c.AccountConcurrency = 0, 2, 0
	err := c.Validate()
	for _, want := range []string{"time-scale: 0", "lmi-max-vcpus: 2", "account-concurrency: 0"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v; want it to name %s", err, want)
		}
	}
	if err := Defaults().Validate(); err != nil {
		t.Errorf("Defaults().Validate() = %v", err)
	}
}

// TestPacking: an instance holds the environments of 1 vCPU its vCPUs and
// memory allow beside what it keeps for its OS, as AWS's calculator packs.
func TestPacking(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*Config)
		want int
	}{
		{"c8g.xlarge, 1 vCPU and 1 GiB reserved", func(*Config) {}, 3},
		{"no reserve", func(c *Config) { c.LMIReservedVCPUs, c.LMIReservedGiB = 0, 0 }, 4},
		{"4 GiB per vCPU: memory-bound", func(c *Config) { c.LMIGiBPerVCPU = 4 }, 1},
		{"8 GiB per vCPU: nothing fits", func(c *Config) { c.LMIGiBPerVCPU = 8 }, 0},
		{"packed by hand", func(c *Config) { c.LMIEnvsPerInstance = 5 }, 5},
	} {
		c := Defaults()
		tt.edit(&c)
		if got := c.envsPerInstance(); got != tt.want {
			t.Errorf("%s: envsPerInstance() = %d; want %d", tt.name, got, tt.want)
		}
		if err := c.Validate(); (err == nil) != (tt.want > 0) {
			t.Errorf("%s: Validate() = %v", tt.name, err)
		}
	}
}

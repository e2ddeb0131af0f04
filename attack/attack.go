package attack

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/stages"
)

// Defaults, as in the original k6 script. A zero MaxInflight or Timeout in a
// Config takes its default; a zero Think or GracefulStop means none.
const (
	DefaultThink        = 100 * time.Millisecond
	DefaultMaxInflight  = 1000
	DefaultTimeout      = 30 * time.Second
	DefaultGracefulStop = 30 * time.Second
	// DefaultRedirects is how many redirects are followed, as vegeta and
	// k6 do.
	DefaultRedirects = 10
	// KeepRedirects, as Config.Redirects, follows none: the 3xx is the
	// response recorded.
	KeepRedirects = -1
	// recordBuffer decouples the per-endpoint readers from the consumer,
	// which must never make vegeta's workers wait to hand over a result.
	recordBuffer = 2048
)

// Config is one run of a profile against endpoints.
type Config struct {
	Scenario string
	// Endpoints are the benchmarked URLs, with the workload's query set.
	Endpoints []platform.Target
	Profile   *stages.Profile
	Model     Model
	// Think is each virtual user's pause after a response (VUs model).
	Think time.Duration
	// MaxInflight caps the open model's requests in flight per endpoint.
	MaxInflight int
	// Timeout bounds one request.
	Timeout time.Duration
	// GracefulStop is how long in-flight requests may finish after the
	// profile ends or Stop is called, before they are cut short.
	GracefulStop time.Duration
	// TLS, when set, is the client's TLS configuration (--insecure,
	// --cacert).
	TLS *tls.Config
	// Redirects is how many redirects a request follows before it fails;
	// KeepRedirects records the 3xx itself instead; 0 takes the default.
	Redirects int
	// Shard is this machine's share of the profile; the zero value is all.
	Shard stages.Shard
	// StartAt, when set, is the run clock's zero (every shard's, --start-at)
	// instead of the moment of Start.
	StartAt time.Time
}

// Attack is a running load test. Start it, read its records until the
// channel closes, and call Stop or Kill to end it early.
type Attack struct {
	cfg     Config
	start   time.Time
	stop    chan struct{}
	stopped sync.Once
	kill    context.CancelCauseFunc
	killCtx context.Context
	killAt  atomic.Pointer[time.Time] // set by the first Kill
	dropped atomic.Uint64
}

// errKilled is the cause given to requests cut short at the hard stop.
var errKilled = errors.New(ErrStopped)

// New checks cfg, fills in defaults and prepares an attack.
func New(cfg Config) (*Attack, error) {
	if cfg.Profile == nil || len(cfg.Endpoints) == 0 {
		return nil, errors.New("attack: a profile and at least one endpoint are needed")
	}
	if cfg.Model == "" {
		cfg.Model = VUs
	}
	if cfg.Model != VUs && cfg.Model != Rate {
		return nil, fmt.Errorf("attack: unknown load model %q", cfg.Model)
	}
	if cfg.MaxInflight <= 0 {
		cfg.MaxInflight = DefaultMaxInflight
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.GracefulStop < 0 {
		cfg.GracefulStop = 0
	}
	if cfg.Redirects == 0 {
		cfg.Redirects = DefaultRedirects
	}
	a := &Attack{cfg: cfg, stop: make(chan struct{})}
	a.killCtx, a.kill = context.WithCancelCause(context.Background())
	return a, nil
}

// Stop stops sending new requests; those in flight get the graceful stop.
// It reports whether this call did it.
func (a *Attack) Stop() bool {
	did := false
	a.stopped.Do(func() { close(a.stop); did = true })
	return did
}

// Kill stops at once: requests in flight end with ErrStopped.
func (a *Attack) Kill() bool {
	a.Stop()
	now := time.Now()
	if !a.killAt.CompareAndSwap(nil, &now) {
		return false
	}
	a.kill(errKilled)
	return true
}

// Start returns the run's clock start and begins the attack. The channel
// gets one Record per request and closes when every endpoint is done, at
// most the profile's length plus the graceful stop after Start.
func (a *Attack) Start() <-chan Record {
	out := make(chan Record, recordBuffer)
	a.start = time.Now()
	if !a.cfg.StartAt.IsZero() {
		a.start = a.cfg.StartAt
	}
	var wg sync.WaitGroup
	for _, ep := range a.cfg.Endpoints {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.runEndpoint(ep, out)
		}()
	}
	go a.watchdog()
	go func() {
		wg.Wait()
		a.Kill() // releases the watchdog
		close(out)
	}()
	return out
}

// StartTime is the run's clock start, valid once Start was called.
func (a *Attack) StartTime() time.Time { return a.start }

// Dropped is the number of open-model requests that were not sent because
// --max-inflight were in flight. Each is also a Record with ErrDropped.
func (a *Attack) Dropped() uint64 { return a.dropped.Load() }

// watchdog cuts in-flight requests short once the graceful stop after the
// profile's end (or after Stop) has run out, so a run never overruns.
func (a *Attack) watchdog() {
	end := time.NewTimer(time.Until(a.start.Add(a.cfg.Profile.Total())))
	defer end.Stop()
	select {
	case <-end.C:
	case <-a.stop:
	case <-a.killCtx.Done():
		return
	}
	grace := time.NewTimer(a.cfg.GracefulStop)
	defer grace.Stop()
	select {
	case <-grace.C:
		a.Kill()
	case <-a.killCtx.Done():
	}
}

// pacer is a vegeta.Pacer that also hears about each finished request.
type pacer interface {
	vegeta.Pacer
	done()
}

func (a *Attack) runEndpoint(ep platform.Target, out chan<- Record) {
	c := a.cfg
	var p pacer
	var workers uint64
	switch c.Model {
	case VUs:
		p = newVUPacer(c.Profile, c.Shard, a.start, a.stop, c.Think)
		workers = uint64(c.Shard.VUs(int(c.Profile.MaxTarget())))
	case Rate:
		p = newRatePacer(c.Profile, c.Shard, a.start, a.stop, c.MaxInflight, func(due time.Duration) {
			a.dropped.Add(1)
			out <- a.record(ep.Name, Record{Timestamp: a.start.Add(due), Error: ErrDropped, Scheduled: due, HasScheduled: true})
		})
		workers = uint64(c.MaxInflight)
	}
	client, counter := a.httpClient(int(workers))
	atk := vegeta.NewAttacker(
		vegeta.Client(client),
		vegeta.Workers(min(workers, 16)),
		vegeta.MaxWorkers(max(workers, 1)),
		vegeta.MaxBody(MaxBodyKept),
	)
	go func() {
		// vegeta's own loop only looks at its stop channel between hits.
		select {
		case <-a.stop:
		case <-a.killCtx.Done():
		}
		atk.Stop()
	}()
	method := ep.Method
	if method == "" {
		method = http.MethodGet
	}
	tr := vegeta.NewStaticTargeter(vegeta.Target{Method: method, URL: ep.URL, Header: ep.Header, Body: ep.Body})
	rate, _ := p.(*ratePacer)
	for res := range atk.Attack(tr, p, 0, ep.Name) {
		p.done()
		r := fromResult(res)
		if rate != nil {
			r.Scheduled, r.HasScheduled = rate.scheduled(res.Seq)
		}
		r.BytesIn = counter.bytesIn(res.Seq, r.BytesIn)
		if r.Status == 0 && r.Error != "" && a.cutByKill(&r) {
			r.Error = ErrStopped
		}
		r.Error = redactURLs(r.Error)
		out <- a.record(ep.Name, r)
	}
}

// anyURL finds the URLs in an error text, quoted as Go's errors do
// (Get "https://h/p?token=…": dial tcp …) or bare.
var anyURL = regexp.MustCompile(`https?://[^\s"]+`)

// redactURLs removes secrets from the URLs an error text holds (user
// information, query values other than the workload's), so that no token
// of a --target URL reaches the CSV's error column or a message.
func redactURLs(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return anyURL.ReplaceAllStringFunc(s, platform.Redact)
}

// cutByKill tells whether a failed request was still running at the hard
// stop, which closed its connection: its error is the stop's doing.
func (a *Attack) cutByKill(r *Record) bool {
	k := a.killAt.Load()
	return k != nil && !r.Timestamp.Add(r.Latency).Before(*k)
}

// record fills in what every row shares: scenario, endpoint and the
// profile's stage and target at send time.
func (a *Attack) record(endpoint string, r Record) Record {
	r.Scenario = a.cfg.Scenario
	r.Endpoint = endpoint
	r.Elapsed = r.Timestamp.Sub(a.start)
	r.Stage = a.cfg.Profile.Index(r.Elapsed)
	r.Target = a.cfg.Model.TargetAt(a.cfg.Profile, r.Elapsed)
	return r
}

// checkRedirect follows up to n redirects, then fails the request; with
// KeepRedirects it follows none and the 3xx is the response.
func checkRedirect(n int) func(*http.Request, []*http.Request) error {
	return func(_ *http.Request, via []*http.Request) error {
		if n < 0 {
			return http.ErrUseLastResponse
		}
		if len(via) > n {
			return fmt.Errorf("stopped after %d redirects", n)
		}
		return nil
	}
}

// fromResult turns vegeta's result into a Record. vegeta writes the status
// line into Error for non-2xx/3xx answers; here the status column holds
// that, and error is kept for requests that got no complete answer.
func fromResult(res *vegeta.Result) Record {
	r := Record{
		Timestamp: res.Timestamp,
		Status:    int(res.Code),
		Latency:   res.Latency,
		BytesIn:   res.BytesIn,
		BytesOut:  res.BytesOut,
		Error:     res.Error,
	}
	if r.Status != 0 {
		r.Error = ""
		r.Fn, r.HasFn = parseFn(res.Body)
	}
	return r
}

// httpClient builds one endpoint's client: its own connection pool, the
// per-request timeout (which covers reading the whole body), redirects
// followed up to the config's limit, response bodies counted, and
// connections that close when the attack is killed.
func (a *Attack) httpClient(idle int) (*http.Client, *bodyCounter) {
	conns := newConnSet(&net.Dialer{Timeout: a.cfg.Timeout, KeepAlive: 30 * time.Second}, a.killCtx)
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         conns.dial,
		MaxIdleConnsPerHost: max(idle, 2),
		IdleConnTimeout:     90 * time.Second,
		// Requests are bodiless GETs of a few hundred bytes: a 1 KiB write
		// buffer instead of 4 KiB saves 3 KiB per connection (6 MiB at
		// 2000 VUs) and a longer request is merely flushed in parts.
		WriteBufferSize:     1 << 10,
		TLSHandshakeTimeout: 10 * time.Second,
		TLSClientConfig:     a.cfg.TLS,
		ForceAttemptHTTP2:   true,
	}
	counter := &bodyCounter{next: tr, timeout: a.cfg.Timeout}
	return &http.Client{
		Transport:     counter, // which times each request out (see bodyCounter)
		CheckRedirect: checkRedirect(a.cfg.Redirects),
	}, counter
}

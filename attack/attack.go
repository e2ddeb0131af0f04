// Package attack runs a load profile against HTTP endpoints and turns every
// request into one rows.Record, whatever happened to it.
//
// Each endpoint gets its own scenario loop: a pacer of the chosen load
// model (closed: virtual users; open: arrival rate) lets each request go,
// and the endpoint's users send them, on fasthttp (HTTP/1.1, one connection
// per user) or net/http (HTTP/2, proxies), so a slow endpoint never
// throttles the others. All endpoints share one clock, the run's start.
package attack

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/setting"
	"github.com/lmibench/lmibench/stages"
)

// Defaults, as in the original k6 script. A zero MaxInflight or Timeout in a
// Config takes its default; a zero Think or GracefulStop means none.
const (
	DefaultThink        = 100 * time.Millisecond
	DefaultMaxInflight  = 1000
	DefaultTimeout      = 30 * time.Second
	DefaultGracefulStop = 30 * time.Second
	// DefaultMaxHeaderBytes bounds a response's header: net/http's own
	// default for reading one (1 MB), where fasthttp's is 4 KiB.
	DefaultMaxHeaderBytes = 1 << 20
	// DefaultRedirects is how many redirects are followed, as vegeta and
	// k6 do.
	DefaultRedirects = 10
	// KeepRedirects, as Config.Redirects, follows none: the 3xx is the
	// response recorded.
	KeepRedirects = -1
	// recordBuffer decouples the per-endpoint readers from the consumer,
	// which must never make an endpoint's users wait to hand over a row.
	recordBuffer = 2048
)

// Options are how an endpoint's requests are paced and sent, the same for
// every endpoint and scenario of a run: bench.Config embeds them and hands
// them over whole. A zero field takes its default (Default*), except that
// a zero Think or GracefulStop means none.
type Options struct {
	Model stages.Model
	// Think is each virtual user's pause after a response (VUs model).
	Think time.Duration
	// MaxInflight caps the open model's requests in flight per endpoint.
	MaxInflight int
	// Timeout bounds one request.
	Timeout time.Duration
	// GracefulStop is how long in-flight requests may finish after the
	// profile ends or Stop is called, before they are cut short.
	GracefulStop time.Duration
	// TLS, when set, is the client's TLS configuration.
	TLS *tls.Config
	// Redirects is how many redirects a request follows before it fails;
	// KeepRedirects records the 3xx itself instead.
	Redirects int
	// Client is the HTTP client; "" is AutoClient.
	Client Client
	// HTTP2 asks for HTTP/2 where the server offers it (net/http).
	HTTP2 bool
	// MaxHeaderBytes bounds a response's header on both clients; past it
	// the request fails as "response header too large".
	MaxHeaderBytes int
}

// withDefaults fills the zero fields that have a default.
func (o Options) withDefaults() Options {
	if o.Model == "" {
		o.Model = stages.VUs
	}
	if o.MaxInflight == 0 {
		o.MaxInflight = DefaultMaxInflight
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Redirects == 0 {
		o.Redirects = DefaultRedirects
	}
	if o.Client == "" {
		o.Client = AutoClient
	}
	if o.MaxHeaderBytes == 0 {
		o.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	return o
}

// Validate reports every option that cannot be used, as *setting.Error
// joined, keyed as the CLI's flags are.
func (o Options) Validate() error {
	var errs []error
	bad := func(key, format string, a ...any) { errs = append(errs, setting.Errorf(key, "", format, a...)) }
	if o.Model != stages.VUs && o.Model != stages.Rate {
		bad("load-model", "%q is neither %s nor %s", o.Model, stages.VUs, stages.Rate)
	}
	for _, d := range []struct {
		key    string
		v, min time.Duration
	}{{"think", o.Think, 0}, {"timeout", o.Timeout, time.Millisecond}, {"graceful-stop", o.GracefulStop, 0}} {
		if d.v < d.min {
			bad(d.key, "%s must be at least %s", d.v, d.min)
		}
	}
	if o.MaxInflight < 1 {
		bad("max-inflight", "%d must be at least 1", o.MaxInflight)
	}
	if o.Redirects == 0 || o.Redirects < KeepRedirects {
		bad("redirects", "%d: give how many to follow (1 or more), or %d to record the 3xx", o.Redirects, KeepRedirects)
	}
	if o.MaxHeaderBytes < 4096 || o.MaxHeaderBytes > 1<<30 {
		bad("max-response-header", "%d must be within 4096..%d bytes", o.MaxHeaderBytes, 1<<30)
	}
	if !slices.Contains(Clients, o.Client) {
		bad("http-client", "%q is not one of %s", o.Client, clientNames())
	} else if o.HTTP2 && o.Client == FastHTTP {
		errs = append(errs, ErrHTTP2OnFastHTTP)
	}
	return errors.Join(errs...)
}

// Config is one run of a profile against endpoints.
type Config struct {
	Options
	Scenario string
	// Endpoints are the benchmarked URLs, with the workload's query set.
	Endpoints []platform.Target
	Profile   *stages.Profile
	// Shard is this machine's share of the profile; the zero value is all.
	Shard stages.Shard
	// StartAt, when set, is the run clock's zero (every shard's) instead
	// of the moment of Start.
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
	clients []choice      // each endpoint's
	users   []func() user // each endpoint's
	proxy   func(*url.URL) (*url.URL, error)
}

// errKilled is the cause given to requests cut short at the hard stop.
var errKilled = errors.New(rows.ErrStopped)

// New fills in cfg's defaults, checks it and prepares an attack.
func New(cfg Config) (*Attack, error) {
	if cfg.Profile == nil || len(cfg.Endpoints) == 0 {
		return nil, errors.New("attack: a profile and at least one endpoint are needed")
	}
	cfg.Options = cfg.Options.withDefaults()
	if err := cfg.Options.Validate(); err != nil {
		return nil, err
	}
	a := &Attack{cfg: cfg, stop: make(chan struct{}), proxy: envProxy()}
	var err error
	if a.clients, err = choose(&a.cfg, a.proxy); err != nil {
		return nil, err
	}
	a.killCtx, a.kill = context.WithCancelCause(context.Background())
	for i, ep := range cfg.Endpoints {
		newUser, err := a.newUsers(i, ep)
		if err != nil {
			return nil, fmt.Errorf("endpoint %s: %w", ep.Name, err)
		}
		a.users = append(a.users, newUser)
	}
	return a, nil
}

// Stop stops sending new requests; those in flight get the graceful stop.
// It reports whether this call did it.
func (a *Attack) Stop() bool {
	did := false
	a.stopped.Do(func() { close(a.stop); did = true })
	return did
}

// Kill stops at once: requests in flight end with rows.ErrStopped.
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
// gets one rows.Record per request and closes when every endpoint is done, at
// most the profile's length plus the graceful stop after Start.
func (a *Attack) Start() <-chan rows.Record {
	out := make(chan rows.Record, recordBuffer)
	a.start = time.Now()
	if !a.cfg.StartAt.IsZero() {
		a.start = a.cfg.StartAt
	}
	var wg sync.WaitGroup
	for i, ep := range a.cfg.Endpoints {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.runEndpoint(i, ep, out)
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

// ClientOf is the client endpoint i's requests go through and, when
// chosen for it rather than by Config.Client, why.
func (a *Attack) ClientOf(i int) (Client, string) { return a.clients[i].Client, a.clients[i].Why }

// StartTime is the run's clock start, valid once Start was called.
func (a *Attack) StartTime() time.Time { return a.start }

// Dropped is the number of open-model requests that were not sent because
// --max-inflight were in flight. Each is also a rows.Record with rows.ErrDropped.
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

func (a *Attack) runEndpoint(i int, ep platform.Target, out chan<- rows.Record) {
	c := a.cfg
	var p pacer
	switch c.Model {
	case stages.VUs:
		p = newVUPacer(c.Profile, c.Shard, a.start, a.stop, c.Think)
	case stages.Rate:
		p = newRatePacer(c.Profile, c.Shard, a.start, a.stop, c.MaxInflight, func(due time.Duration) {
			a.dropped.Add(1)
			out <- *a.record(ep.Name, &rows.Record{Timestamp: a.start.Add(due), Error: rows.ErrDropped, Scheduled: due, HasScheduled: true})
		})
	}
	loop(p, a.maxUsers(), a.users[i], func(r *rows.Record) {
		if r.Status == 0 && r.Error != "" && a.cutByKill(r) {
			r.Error = rows.ErrStopped
		}
		r.Error = redactURLs(r.Error)
		out <- *a.record(ep.Name, r)
	})
}

// loop is the scenario loop of one endpoint: the pacer lets each request
// go, and the first free user sends it. Users start as needed, up to
// users, and each keeps its connection for the run; in the closed model a
// user that may go on sends its next request itself, as a k6 VU does.
// emit gets each request's record and may keep none of it.
func loop(p pacer, users int, newUser func() user, emit func(*rows.Record)) {
	hits := make(chan hit)
	var wg sync.WaitGroup
	started := 0
	for {
		h, ok := p.next()
		if !ok {
			break
		}
		select {
		case hits <- h:
			continue
		default:
		}
		if started < users {
			started++
			wg.Go(func() {
				u := newUser()
				defer u.close()
				r := new(rows.Record) // one per user: do's argument escapes
				think := time.NewTimer(time.Hour)
				think.Stop()
				for h := range hits {
					for again := true; again; {
						*r = rows.Record{}
						u.do(r)
						end := r.Timestamp.Add(r.Latency)
						r.Scheduled, r.HasScheduled = h.due, h.scheduled
						emit(r)
						again = p.finished(h, end, think)
					}
				}
			})
		}
		hits <- h // to the new user, or the first to finish
	}
	close(hits)
	wg.Wait()
}

// maxUsers is the most users an endpoint needs: the shard's share of
// the profile's highest target, or the open model's cap in flight.
func (a *Attack) maxUsers() int {
	if a.cfg.Model == stages.Rate {
		return a.cfg.MaxInflight
	}
	return max(a.cfg.Shard.VUs(int(a.cfg.Profile.MaxTarget())), 1)
}

// newUsers makes endpoint i's users on its client.
func (a *Attack) newUsers(i int, ep platform.Target) (func() user, error) {
	c := a.cfg
	req := newRequest(ep)
	if a.clients[i].Client == NetHTTP {
		e := newStdEndpoint(req, a.maxUsers(), c.TLS, a.proxy, c.Timeout, c.Redirects, a.killCtx)
		e.client.Transport.(*http.Transport).MaxResponseHeaderBytes = int64(c.MaxHeaderBytes)
		return e.newUser, nil
	}
	conns := newConnSet(&net.Dialer{Timeout: c.Timeout, KeepAlive: 30 * time.Second}, a.killCtx)
	e, err := newFastEndpoint(req, a.clients[i].url, conns, c.TLS, c.Timeout, c.Redirects)
	if err != nil {
		return nil, err
	}
	e.maxHeader = c.MaxHeaderBytes
	return e.newUser, nil
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
func (a *Attack) cutByKill(r *rows.Record) bool {
	k := a.killAt.Load()
	return k != nil && !r.Timestamp.Add(r.Latency).Before(*k)
}

// record fills in what every row shares: scenario, endpoint and the
// profile's stage and target at send time.
func (a *Attack) record(endpoint string, r *rows.Record) *rows.Record {
	r.Scenario = a.cfg.Scenario
	r.Endpoint = endpoint
	r.Elapsed = r.Timestamp.Sub(a.start)
	r.Stage = a.cfg.Profile.Index(r.Elapsed)
	r.Target = a.cfg.Model.TargetAt(a.cfg.Profile, r.Elapsed)
	return r
}

package attack

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/http/httpproxy"

	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/setting"
)

// Client is the HTTP client an endpoint's requests go through.
type Client string

const (
	// AutoClient takes FastHTTP unless an endpoint needs net/http: HTTP/2
	// was asked for, or a proxy from the environment applies to its URL.
	AutoClient Client = "auto"
	// FastHTTP speaks HTTP/1.1 through valyala/fasthttp's request writer
	// and response reader; each user owns one keep-alive connection and
	// no goroutine but its own.
	FastHTTP Client = "fasthttp"
	// NetHTTP is Go's net/http: HTTP/2 where the server offers it, proxies
	// from the environment.
	NetHTTP Client = "net/http"
)

// Concrete are the HTTP clients a request goes through; Clients are
// those a run may ask for, auto choosing among them.
var (
	Concrete = []Client{FastHTTP, NetHTTP}
	Clients  = append([]Client{AutoClient}, Concrete...)
)

// ErrHTTP2OnFastHTTP refuses HTTP/2 on the fasthttp client, which speaks
// HTTP/1.1 only.
var ErrHTTP2OnFastHTTP = setting.Errorf("http2", "", "fasthttp speaks HTTP/1.1 only; choose the net/http client, or auto")

// clientNames lists Clients for a message.
func clientNames() string {
	names := make([]string, len(Clients))
	for i, c := range Clients {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

// userAgent is sent when a target sets none, the same on both clients.
const userAgent = "lmibench"

// choice is the client an endpoint runs on and, when auto chose net/http,
// why.
type choice struct {
	Client Client
	Why    string
	url    *url.URL
}

// choose picks each endpoint's client. proxy is the environment's proxy
// rule, read once for the whole run.
func choose(cfg *Config, proxy func(*url.URL) (*url.URL, error)) ([]choice, error) {
	client := cfg.Client
	out := make([]choice, len(cfg.Endpoints))
	for i, ep := range cfg.Endpoints {
		u, err := url.Parse(ep.URL)
		if err != nil {
			return nil, fmt.Errorf("endpoint %s: %q is not a URL", ep.Name, platform.Redact(ep.URL))
		}
		out[i] = choice{Client: FastHTTP, url: u}
		switch {
		case client != AutoClient:
			out[i].Client = client
		case cfg.HTTP2:
			out[i].Client, out[i].Why = NetHTTP, "HTTP/2 was asked for"
		default:
			if p, _ := proxy(u); p != nil {
				out[i].Client, out[i].Why = NetHTTP, "proxy "+p.Host+" from the environment"
			}
		}
	}
	return out, nil
}

// envProxy is the proxy rule of HTTP_PROXY, HTTPS_PROXY and NO_PROXY,
// read when called (net/http's own reads them once per process).
func envProxy() func(*url.URL) (*url.URL, error) {
	return httpproxy.FromEnvironment().ProxyFunc()
}

// user sends one endpoint's requests, one at a time: a virtual user of
// the closed model, or one of the open model's in-flight slots.
type user interface {
	// do sends the request and fills r's Timestamp, Status, Latency,
	// BytesIn, BytesOut, Error and Fn.
	do(r *rows.Record)
	close()
}

// request is what every request to an endpoint sends.
type request struct {
	method string
	url    string
	header http.Header
	host   string // a Host header given by the target
	body   []byte
}

func newRequest(ep platform.Target) request {
	r := request{method: ep.Method, url: ep.URL, header: ep.Header.Clone(), body: ep.Body}
	if r.method == "" {
		r.method = http.MethodGet
	}
	if r.header == nil {
		r.header = http.Header{}
	}
	if h := r.header.Get("Host"); h != "" {
		r.host = h
		r.header.Del("Host")
	}
	if r.header.Get("User-Agent") == "" {
		r.header.Set("User-Agent", userAgent)
	}
	return r
}

// urlError wraps a failure as net/http does (Get "URL": …), so that both
// clients write the same error text, which redactURLs then cleans.
func (r *request) urlError(u string, err error) error {
	op := r.method[:1] + strings.ToLower(r.method[1:])
	return &url.Error{Op: op, URL: u, Err: err}
}

// MaxBodyKept is how much of a response body is kept in memory: enough
// for the function's JSON (a few hundred bytes). The rest is read, counted
// and discarded, so memory does not grow with the body's size and
// bytes_in stays exact.
const MaxBodyKept = 64 << 10

// bodyBuf keeps the first bytes of a response body, enough for the
// function's JSON, and counts the rest as it discards it, so memory does
// not grow with a body and bytes_in stays exact.
type bodyBuf struct{ kept []byte }

// keptCap is the most a user's buffer keeps between requests: a bigger
// body's buffer is let go after its request.
const keptCap = 4 << 10

// exact reads a body of n bytes, n < MaxBodyKept, from r.
func (b *bodyBuf) exact(r io.Reader, n int) ([]byte, error) {
	if cap(b.kept) < n {
		b.kept = make([]byte, n, max(n, 512))
	}
	buf := b.kept[:n]
	b.retain(buf)
	_, err := io.ReadFull(r, buf)
	return buf, err
}

// retain keeps buf for the next body unless it grew past keptCap.
func (b *bodyBuf) retain(buf []byte) {
	b.kept = buf[:0]
	if cap(buf) > keptCap {
		b.kept = nil
	}
}

// read reads r to its end. kept is the body when it is shorter than
// MaxBodyKept, nil otherwise.
func (b *bodyBuf) read(r io.Reader) (kept []byte, n uint64, err error) {
	buf := b.kept[:0]
	over := false
	for {
		if len(buf) == cap(buf) {
			if over || cap(buf) >= MaxBodyKept {
				over, buf = true, buf[:0] // the rest is counted, not kept
			} else {
				buf = slices.Grow(buf, min(max(2*cap(buf), 512), MaxBodyKept)-len(buf))
			}
		}
		m, rerr := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		n += uint64(m)
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			err = rerr
			break
		}
	}
	b.retain(buf)
	if over {
		return nil, n, err
	}
	return buf, n, err
}
